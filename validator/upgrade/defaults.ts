/**
 * The API server's defaulting (k8s.io/kubernetes/pkg/apis/<group>/v1/defaults.go, `SetDefaults_*`) for the
 * fields the upgrade rules compare, so that a manifest that spells a default out and one that leaves
 * it to the server are the same object, as they are on the server. Applied to both the live object
 * (the previous manifest as stored) and the patched object, before the rules compare them. Mutates
 * its argument. Pure otherwise.
 */
import { isObject, objectAt, objectsIn, setDefault, type JsonObject } from './json.ts';

const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/** `imagePullPolicy` default: Always for `:latest` or an untagged image, else IfNotPresent (digests too). */
export function defaultPullPolicy(image: unknown): string {
  if (typeof image !== 'string') return 'IfNotPresent';
  if (image.includes('@')) return 'IfNotPresent';
  const last = image.slice(image.lastIndexOf('/') + 1);
  const colon = last.lastIndexOf(':');
  const tag = colon >= 0 ? last.slice(colon + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function handlerDefaults(h: unknown): void {
  if (!isObject(h)) return;
  if (isObject(h.httpGet)) {
    setDefault(h.httpGet, 'path', '/');
    setDefault(h.httpGet, 'scheme', 'HTTP');
  }
}

function probeDefaults(p: unknown): void {
  if (!isObject(p)) return;
  for (const [k, v] of [['timeoutSeconds', 1], ['periodSeconds', 10], ['successThreshold', 1], ['failureThreshold', 3]] as const) {
    if (p[k] === undefined || p[k] === null || p[k] === 0) p[k] = v;
  }
  handlerDefaults(p);
}

function fieldRefDefaults(items: unknown): void {
  for (const item of objectsIn(items)) if (isObject(item.fieldRef)) setDefault(item.fieldRef, 'apiVersion', 'v1');
}

function containerDefaults(c: JsonObject, hostNetwork: boolean): void {
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  setDefault(c, 'imagePullPolicy', defaultPullPolicy(c.image));
  for (const port of objectsIn(c.ports)) {
    setDefault(port, 'protocol', 'TCP');
    if (hostNetwork && (port.hostPort === undefined || port.hostPort === 0)) port.hostPort = port.containerPort ?? null;
  }
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) probeDefaults(c[probe]);
  if (isObject(c.lifecycle)) for (const h of ['postStart', 'preStop']) handlerDefaults(c.lifecycle[h]);
  for (const env of objectsIn(c.env)) if (isObject(env.valueFrom) && isObject(env.valueFrom.fieldRef)) setDefault(env.valueFrom.fieldRef, 'apiVersion', 'v1');
}

const VOLUME_SOURCES_WITH_MODE = ['secret', 'configMap', 'downwardAPI', 'projected'] as const;

function volumeDefaults(v: JsonObject): void {
  // A volume with only a name is an emptyDir (SetDefaults_Volume).
  if (Object.keys(v).every((k) => k === 'name')) v.emptyDir = {};
  for (const src of VOLUME_SOURCES_WITH_MODE) if (isObject(v[src])) setDefault(v[src], 'defaultMode', 420);
  if (isObject(v.downwardAPI)) fieldRefDefaults(v.downwardAPI.items);
  if (isObject(v.projected)) {
    for (const s of objectsIn(v.projected.sources)) {
      if (isObject(s.serviceAccountToken)) setDefault(s.serviceAccountToken, 'expirationSeconds', 3600);
      if (isObject(s.downwardAPI)) fieldRefDefaults(s.downwardAPI.items);
    }
  }
  if (isObject(v.hostPath)) setDefault(v.hostPath, 'type', '');
  if (isObject(v.ephemeral) && isObject(v.ephemeral.volumeClaimTemplate) && isObject(v.ephemeral.volumeClaimTemplate.spec)) pvcSpecDefaults(v.ephemeral.volumeClaimTemplate.spec);
}

/** SetDefaults_PodSpec and the container/volume defaults under it; `pod` adds SetDefaults_Pod. */
export function podSpecDefaults(spec: JsonObject, pod = false): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'enableServiceLinks', true);
  // serviceAccount is the deprecated alias of serviceAccountName; the server keeps them in step.
  if (typeof spec.serviceAccount === 'string' && spec.serviceAccount && !spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount;
  delete spec.serviceAccount;
  const hostNetwork = spec.hostNetwork === true;
  for (const list of CONTAINER_LISTS) {
    for (const c of objectsIn(spec[list])) {
      containerDefaults(c, hostNetwork);
      // SetDefaults_Pod: requests default to limits (pods only, not templates).
      if (pod && list !== 'ephemeralContainers' && isObject(c.resources) && isObject(c.resources.limits)) {
        const requests = objectAt(c.resources, ['requests']);
        for (const [r, q] of Object.entries(c.resources.limits)) setDefault(requests, r, q);
      }
    }
  }
  for (const v of objectsIn(spec.volumes)) volumeDefaults(v);
}

function podTemplateDefaults(template: unknown): void {
  if (!isObject(template)) return;
  if (isObject(template.metadata)) delete template.metadata.creationTimestamp;
  if (isObject(template.spec)) podSpecDefaults(template.spec);
}

export function pvcSpecDefaults(spec: JsonObject): void {
  setDefault(spec, 'volumeMode', 'Filesystem');
}

/** A volumeClaimTemplate as the server stores it: no apiVersion/kind, PVC defaults, phase Pending. */
function claimTemplateDefaults(t: JsonObject): void {
  delete t.apiVersion;
  delete t.kind;
  if (isObject(t.metadata)) delete t.metadata.creationTimestamp;
  pvcSpecDefaults(objectAt(t, ['spec']));
  setDefault(objectAt(t, ['status']), 'phase', 'Pending');
}

function fill(obj: JsonObject, key: string, defaults: JsonObject): void {
  const target = objectAt(obj, [key]);
  for (const [k, v] of Object.entries(defaults)) setDefault(target, k, v);
}

const DEFAULTERS: Readonly<Record<string, (o: JsonObject) => void>> = {
  'core/Pod': (o) => podSpecDefaults(objectAt(o, ['spec']), true),
  'core/PodTemplate': (o) => podTemplateDefaults(o.template),
  'core/ReplicationController': (o) => {
    const spec = objectAt(o, ['spec']);
    setDefault(spec, 'replicas', 1);
    podTemplateDefaults(spec.template);
  },
  'apps/Deployment': (o) => {
    const spec = objectAt(o, ['spec']);
    setDefault(spec, 'replicas', 1);
    const strategy = objectAt(spec, ['strategy']);
    setDefault(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') fill(strategy, 'rollingUpdate', { maxUnavailable: '25%', maxSurge: '25%' });
    setDefault(spec, 'revisionHistoryLimit', 10);
    setDefault(spec, 'progressDeadlineSeconds', 600);
    podTemplateDefaults(spec.template);
  },
  'apps/ReplicaSet': (o) => {
    const spec = objectAt(o, ['spec']);
    setDefault(spec, 'replicas', 1);
    podTemplateDefaults(spec.template);
  },
  'apps/DaemonSet': (o) => {
    const spec = objectAt(o, ['spec']);
    const strategy = objectAt(spec, ['updateStrategy']);
    setDefault(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') fill(strategy, 'rollingUpdate', { maxUnavailable: 1, maxSurge: 0 });
    setDefault(spec, 'revisionHistoryLimit', 10);
    podTemplateDefaults(spec.template);
  },
  'apps/StatefulSet': (o) => {
    const spec = objectAt(o, ['spec']);
    setDefault(spec, 'replicas', 1);
    setDefault(spec, 'podManagementPolicy', 'OrderedReady');
    const strategy = objectAt(spec, ['updateStrategy']);
    // Unlike Deployments, a StatefulSet only gets a rollingUpdate block when the type was left out.
    if (!strategy.type) {
      strategy.type = 'RollingUpdate';
      setDefault(strategy, 'rollingUpdate', {});
    }
    if (strategy.type === 'RollingUpdate' && isObject(strategy.rollingUpdate)) setDefault(strategy.rollingUpdate, 'partition', 0);
    setDefault(spec, 'revisionHistoryLimit', 10);
    fill(spec, 'persistentVolumeClaimRetentionPolicy', { whenDeleted: 'Retain', whenScaled: 'Retain' });
    for (const t of objectsIn(spec.volumeClaimTemplates)) claimTemplateDefaults(t);
    podTemplateDefaults(spec.template);
  },
  'batch/Job': (o) => {
    const spec = objectAt(o, ['spec']);
    if (spec.completions == null && spec.parallelism == null) {
      spec.completions = 1;
      spec.parallelism = 1;
    }
    setDefault(spec, 'parallelism', 1);
    setDefault(spec, 'completionMode', 'NonIndexed');
    setDefault(spec, 'backoffLimit', spec.backoffLimitPerIndex != null ? 2147483647 : 6);
    setDefault(spec, 'suspend', false);
    setDefault(spec, 'manualSelector', false);
    setDefault(spec, 'podReplacementPolicy', isObject(spec.podFailurePolicy) ? 'Failed' : 'TerminatingOrFailed');
    if (isObject(spec.podFailurePolicy)) {
      for (const rule of objectsIn(spec.podFailurePolicy.rules)) for (const c of objectsIn(rule.onPodConditions)) setDefault(c, 'status', 'True');
    }
    podTemplateDefaults(spec.template);
  },
  'batch/CronJob': (o) => {
    const spec = objectAt(o, ['spec']);
    setDefault(spec, 'concurrencyPolicy', 'Allow');
    setDefault(spec, 'suspend', false);
    setDefault(spec, 'successfulJobsHistoryLimit', 3);
    setDefault(spec, 'failedJobsHistoryLimit', 1);
    if (isObject(spec.jobTemplate) && isObject(spec.jobTemplate.spec)) podTemplateDefaults(spec.jobTemplate.spec.template);
  },
  'core/Service': (o) => {
    const spec = objectAt(o, ['spec']);
    setDefault(spec, 'type', 'ClusterIP');
    setDefault(spec, 'sessionAffinity', 'None');
    if (spec.sessionAffinity === 'ClientIP') fill(objectAt(spec, ['sessionAffinityConfig']), 'clientIP', { timeoutSeconds: 10800 });
    for (const p of objectsIn(spec.ports)) {
      setDefault(p, 'protocol', 'TCP');
      if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port ?? null;
    }
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') setDefault(spec, 'externalTrafficPolicy', 'Cluster');
    if (spec.type !== 'ExternalName') setDefault(spec, 'internalTrafficPolicy', 'Cluster');
    if (spec.type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
  },
  'core/PersistentVolumeClaim': (o) => pvcSpecDefaults(objectAt(o, ['spec'])),
  'core/PersistentVolume': (o) => {
    const spec = objectAt(o, ['spec']);
    setDefault(spec, 'persistentVolumeReclaimPolicy', 'Retain');
    setDefault(spec, 'volumeMode', 'Filesystem');
  },
  'core/Secret': (o) => {
    setDefault(o, 'type', 'Opaque');
    // stringData is write-only: the server merges it into data (base64) and never stores it.
    if (isObject(o.stringData)) {
      const data = objectAt(o, ['data']);
      for (const [k, v] of Object.entries(o.stringData)) data[k] = Buffer.from(typeof v === 'string' ? v : String(v ?? ''), 'utf8').toString('base64');
    }
    delete o.stringData;
  },
  'core/Namespace': (o) => {
    setDefault(objectAt(o, ['spec']), 'finalizers', ['kubernetes']);
  },
  'rbac.authorization.k8s.io/RoleBinding': (o) => bindingDefaults(o),
  'rbac.authorization.k8s.io/ClusterRoleBinding': (o) => bindingDefaults(o),
  'scheduling.k8s.io/PriorityClass': (o) => setDefault(o, 'preemptionPolicy', 'PreemptLowerPriority'),
  'storage.k8s.io/CSIDriver': (o) => {
    const spec = objectAt(o, ['spec']);
    for (const [k, v] of [['attachRequired', true], ['podInfoOnMount', false], ['storageCapacity', false], ['fsGroupPolicy', 'ReadWriteOnceWithFSType'], ['requiresRepublish', false]] as const) setDefault(spec, k, v);
    if (!Array.isArray(spec.volumeLifecycleModes) || spec.volumeLifecycleModes.length === 0) spec.volumeLifecycleModes = ['Persistent'];
  },
  'storage.k8s.io/StorageClass': (o) => {
    setDefault(o, 'reclaimPolicy', 'Delete');
    setDefault(o, 'volumeBindingMode', 'Immediate');
  },
};

function bindingDefaults(o: JsonObject): void {
  if (isObject(o.roleRef) && !o.roleRef.apiGroup) o.roleRef.apiGroup = 'rbac.authorization.k8s.io';
  for (const s of objectsIn(o.subjects)) {
    if (s.apiGroup === undefined || s.apiGroup === null || s.apiGroup === '') s.apiGroup = s.kind === 'ServiceAccount' ? '' : 'rbac.authorization.k8s.io';
  }
}

/** Applies the server's defaults for `group/kind` (`core` for the core group) to `obj`, in place. */
export function applyServerDefaults(typeKey: string, obj: JsonObject): void {
  DEFAULTERS[typeKey]?.(obj);
}
