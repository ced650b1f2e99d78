/**
 * The warnings the API server returns with a created pod or pod template (pkg/api/pod/warnings.go,
 * 1.32): deprecated node labels and annotations, null label selectors, deprecated volume types,
 * fractional byte quantities, duplicate env vars, ports, host aliases and pull secrets, negative grace
 * periods, overlapping volume paths; plus the "a DNS label is recommended" name warning of workloads.
 */
import { isDNS1123Label } from './formats.ts';
import { FieldPath } from './path.ts';
import { APPARMOR_CONTAINER, SECCOMP_CONTAINER, SECCOMP_POD } from './pod.ts';
import { formatMilli, hasFractionalUnits, parseQuantity } from './quantity.ts';
import type { Reporter } from './report.ts';
import { arr, has, isObj, num, obj, str, strAt, strMap, type Obj } from './values.ts';

const DEPRECATED_NODE_LABELS: Record<string, string> = {
  'beta.kubernetes.io/arch': 'deprecated since v1.14; use "kubernetes.io/arch" instead',
  'beta.kubernetes.io/os': 'deprecated since v1.14; use "kubernetes.io/os" instead',
  'failure-domain.beta.kubernetes.io/region': 'deprecated since v1.17; use "topology.kubernetes.io/region" instead',
  'failure-domain.beta.kubernetes.io/zone': 'deprecated since v1.17; use "topology.kubernetes.io/zone" instead',
  'beta.kubernetes.io/instance-type': 'deprecated since v1.17; use "node.kubernetes.io/instance-type" instead',
  'app.kubernetes.io/created-by': 'deprecated since v1.9',
  'scheduler.alpha.kubernetes.io/preferAvoidPods': 'deprecated since v1.22; use Taints and Tolerations instead',
  'node-role.kubernetes.io/master': 'use "node-role.kubernetes.io/control-plane" instead',
};

const DEPRECATED_POD_ANNOTATIONS: Record<string, string> = {
  'scheduler.alpha.kubernetes.io/critical-pod': 'non-functional in v1.16+; use the "priorityClassName" field instead',
  'security.alpha.kubernetes.io/sysctls': 'non-functional in v1.11+; use the "sysctls" field instead',
  'security.alpha.kubernetes.io/unsafe-sysctls': 'non-functional in v1.11+; use the "sysctls" field instead',
};

const DEPRECATED_VOLUMES: Record<string, string> = {
  photonPersistentDisk: 'deprecated in v1.11, non-functional in v1.16+',
  gitRepo: 'deprecated in v1.11',
  scaleIO: 'deprecated in v1.16, non-functional in v1.22+',
  flocker: 'deprecated in v1.22, non-functional in v1.25+',
  storageos: 'deprecated in v1.22, non-functional in v1.25+',
  quobyte: 'deprecated in v1.22, non-functional in v1.25+',
  glusterfs: 'deprecated in v1.25, non-functional in v1.26+',
  cephfs: 'deprecated in v1.28, non-functional in v1.31+',
  rbd: 'deprecated in v1.28, non-functional in v1.31+',
};

const W = {
  nodeLabel: 'api/warning/deprecated-node-label',
  annotation: 'api/warning/deprecated-annotation',
  bytes: 'api/warning/fractional-bytes',
  env: 'api/warning/duplicate-env',
  port: 'api/warning/duplicate-port',
  ignored: 'api/warning/ignored-field',
  volume: 'api/warning/deprecated-volume',
} as const;

function fractional(rep: Reporter, v: unknown, path: FieldPath): void {
  const q = parseQuantity(v);
  if (q && hasFractionalUnits(q)) rep.warn(W.bytes, path, `${path}: fractional byte value ${JSON.stringify(formatMilli(q))} is invalid, must be an integer`, 'use whole bytes with a binary suffix, e.g. 512Mi or 1Gi');
}

/** Fractional storage in a claim spec (PVCs, claim templates). */
export function claimSpecWarnings(rep: Reporter, spec: unknown, path: FieldPath): void {
  const resources = obj(obj(spec)?.resources);
  fractional(rep, obj(resources?.requests)?.storage, path.child('resources', 'requests').key('storage'));
  fractional(rep, obj(resources?.limits)?.storage, path.child('resources', 'limits').key('storage'));
}

function nodeSelectorTermWarnings(rep: Reporter, term: unknown, path: FieldPath): void {
  arr(obj(term)?.matchExpressions).forEach((e, i) => {
    const key = str(obj(e)?.key);
    const msg = key !== undefined ? DEPRECATED_NODE_LABELS[key] : undefined;
    const p = path.child('matchExpressions').index(i).child('key');
    if (msg) rep.warn(W.nodeLabel, p, `${p}: ${key} is ${msg}`);
  });
}

function nullSelectorWarnings(rep: Reporter, terms: unknown, path: FieldPath, weighted: boolean): void {
  arr(terms).forEach((t, i) => {
    const term = weighted ? obj(obj(t)?.podAffinityTerm) : obj(t);
    if (!isObj(t)) return;
    if (!has(term, 'labelSelector')) {
      const p = weighted ? path.index(i).child('podAffinityTerm', 'labelSelector') : path.index(i).child('labelSelector');
      rep.warn(W.ignored, p, `${p}: a null labelSelector results in matching no pod`, 'add a labelSelector (an empty one, {}, matches every pod)');
    }
  });
}

/** Overlapping item paths in one ConfigMap/Secret/downwardAPI/projected volume (a later key overwrites, or a file is a directory). */
function overlaps(paths: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const seen: string[] = [];
  for (const raw of paths) {
    const p = raw.replace(/\/+$/, '');
    if (p) for (const s of seen) if (s && (s === p || `${s}/`.startsWith(`${p}/`) || `${p}/`.startsWith(`${s}/`))) out.push([p, s]);
    seen.push(p);
  }
  return out;
}

const DEPRECATED_POD_ANNOTATION_ENTRIES = Object.entries(DEPRECATED_POD_ANNOTATIONS);

/**
 * The pod annotations when one of them is an annotation these warnings are about, else undefined: most
 * templates have none, and one pass over their few keys saves a lookup per container and annotation.
 */
function warnedAnnotations(annotations: unknown): Obj | undefined {
  if (!isObj(annotations)) return undefined;
  for (const k in annotations) {
    if (typeof annotations[k] !== 'string') continue;
    if (k === SECCOMP_POD || Object.hasOwn(DEPRECATED_POD_ANNOTATIONS, k) || k.startsWith(SECCOMP_CONTAINER) || k.startsWith(APPARMOR_CONTAINER)) return annotations;
  }
  return undefined;
}
const DEPRECATED_VOLUME_ENTRIES = Object.entries(DEPRECATED_VOLUMES);

/** Whether a volume names a deprecated source (a volume has one or two keys; the table has nine). */
function hasDeprecatedSource(v: Obj): boolean {
  for (const k in v) if (Object.hasOwn(DEPRECATED_VOLUMES, k)) return true;
  return false;
}
const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;
const RESOURCE_LISTS = ['limits', 'requests'] as const;
const BYTE_RESOURCES = ['memory', 'ephemeral-storage'] as const;

/** Overlapping item paths inside one ConfigMap, Secret, downwardAPI or projected volume. */
function volumeOverlapWarnings(rep: Reporter, v: Obj, vp: FieldPath): void {
  const name = str(v.name) ?? '';
  const report = (desc: string, a: string, b: string) => rep.warn(W.ignored, vp, `volume ${JSON.stringify(name)} (${desc}): overlapping paths: ${JSON.stringify(a)} with ${JSON.stringify(b)}`, 'give every item its own path');
  const items = (src: unknown) => arr(obj(src)?.items).map((it) => str(obj(it)?.path) ?? '');
  for (const [key, label] of [['configMap', 'ConfigMap'], ['secret', 'Secret']] as const) {
    const src = obj(v[key]);
    if (src && Array.isArray(src.items)) for (const [a, b] of overlaps(items(src))) report(`${label} ${JSON.stringify(str(key === 'secret' ? src.secretName : src.name) ?? '')}`, a, b);
  }
  const dapi = obj(v.downwardAPI);
  if (dapi && Array.isArray(dapi.items)) for (const [a, b] of overlaps(items(dapi))) report('DownwardAPI', a, b);
  const projected = obj(v.projected);
  if (projected) {
    const all: string[] = [];
    for (const s of arr(projected.sources)) {
      const src = obj(s);
      if (src && Object.keys(src).length === 0) rep.warn(W.ignored, vp, `volume ${JSON.stringify(name)} (Projected) has no sources provided`);
      const paths = obj(src?.configMap) ? items(src?.configMap) : obj(src?.secret) ? items(src?.secret) : obj(src?.downwardAPI) ? items(src?.downwardAPI) : obj(src?.serviceAccountToken) ? [str(obj(src?.serviceAccountToken)?.path) ?? ''] : obj(src?.clusterTrustBundle) ? [str(obj(src?.clusterTrustBundle)?.path) ?? ''] : [];
      for (const p of paths) {
        for (const [a, b] of overlaps([...all, p]).filter(([x]) => x === p.replace(/\/+$/, ''))) report('Projected', a, b);
        all.push(p);
      }
    }
  }
}

/**
 * GetWarningsForPodTemplate / GetWarningsForPod. `isPod`: a Pod (its name gets the hostname warning elsewhere).
 * Runs for every pod template, nearly always without a warning: paths are built only where a value is
 * present, and the lists it walks are plain loops (no per-item closures or copied arrays).
 */
export function podWarnings(rep: Reporter, metaIn: unknown, specIn: unknown, base: FieldPath, isPod: boolean): void {
  const meta = obj(metaIn);
  const spec = obj(specIn) ?? {};
  const sp = base.child('spec');
  const annotations = warnedAnnotations(meta?.annotations);
  const annPath = base.child('metadata', 'annotations');
  for (const [k] of strMap(spec.nodeSelector)) {
    const msg = DEPRECATED_NODE_LABELS[k];
    if (msg) rep.warn(W.nodeLabel, sp.child('nodeSelector').key(k), `${sp.child('nodeSelector').key(k)}: ${msg}`);
  }
  const affinity = obj(spec.affinity);
  const na = obj(affinity?.nodeAffinity);
  if (na) {
    const req = obj(na.requiredDuringSchedulingIgnoredDuringExecution);
    arr(req?.nodeSelectorTerms).forEach((t, i) => nodeSelectorTermWarnings(rep, t, sp.child('affinity', 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms').index(i)));
    arr(na.preferredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => nodeSelectorTermWarnings(rep, obj(t)?.preference, sp.child('affinity', 'nodeAffinity', 'preferredDuringSchedulingIgnoredDuringExecution').index(i).child('preference')));
  }
  arr(spec.topologySpreadConstraints).forEach((t, i) => {
    if (!isObj(t)) return;
    const p = sp.child('topologySpreadConstraints').index(i);
    const key = str(t.topologyKey) ?? '';
    const msg = DEPRECATED_NODE_LABELS[key];
    if (msg) rep.warn(W.nodeLabel, p.child('topologyKey'), `${p.child('topologyKey')}: ${key} is ${msg}`);
    if (!has(t, 'labelSelector')) rep.warn(W.ignored, p.child('labelSelector'), `${p.child('labelSelector')}: a null labelSelector results in matching no pod`, 'add a labelSelector that matches the pods to spread');
  });
  if (annotations) for (const [k, msg] of DEPRECATED_POD_ANNOTATION_ENTRIES) if (strAt(annotations, k) !== undefined) rep.warn(W.annotation, annPath.key(k), `${annPath.key(k)}: ${msg}`);
  const volumes = arr(spec.volumes);
  for (let i = 0; i < volumes.length; i++) {
    const v = volumes[i];
    if (!isObj(v)) continue;
    if (hasDeprecatedSource(v)) for (const [k, msg] of DEPRECATED_VOLUME_ENTRIES) if (has(v, k)) rep.warn(W.volume, sp.child('volumes').index(i).child(k), `${sp.child('volumes').index(i).child(k)}: ${msg}`);
    const vct = obj(obj(v.ephemeral)?.volumeClaimTemplate);
    if (vct) claimSpecWarnings(rep, vct.spec, sp.child('volumes').index(i).child('ephemeral', 'volumeClaimTemplate', 'spec'));
  }
  // overlapping paths inside one volume (after every volume's deprecation warnings, as the server orders them)
  for (let i = 0; i < volumes.length; i++) {
    const v = volumes[i];
    if (isObj(v) && (v.configMap !== undefined || v.secret !== undefined || v.downwardAPI !== undefined || v.projected !== undefined)) volumeOverlapWarnings(rep, v, sp.child('volumes').index(i));
  }
  // duplicate hostAliases IPs and imagePullSecrets
  const ips = new Set<string>();
  if (Array.isArray(spec.hostAliases)) spec.hostAliases.forEach((h, i) => {
    const ip = str(obj(h)?.ip) ?? '';
    const p = sp.child('hostAliases').index(i).child('ip');
    if (ips.has(ip)) rep.warn(W.ignored, p, `${p}: duplicate ip ${JSON.stringify(ip)}`, 'merge the hostnames into one hostAliases entry');
    ips.add(ip);
  });
  const secrets = new Set<string>();
  if (Array.isArray(spec.imagePullSecrets)) spec.imagePullSecrets.forEach((s, i) => {
    const name = str(obj(s)?.name) ?? '';
    const p = sp.child('imagePullSecrets').index(i).child('name');
    if (arr(spec.imagePullSecrets).length > 1 && secrets.has(name)) rep.warn(W.ignored, p, `${p}: duplicate name ${JSON.stringify(name)}`);
    secrets.add(name);
    if (!name) rep.warn(W.ignored, p, `${p}: invalid empty name ""`, 'name the Secret, or remove the entry');
  });
  const overhead = obj(spec.overhead);
  if (overhead) {
    fractional(rep, overhead.memory, sp.child('overhead').key('memory'));
    fractional(rep, overhead['ephemeral-storage'], sp.child('overhead').key('ephemeral-storage'));
  }
  if (!has(obj(spec.securityContext), 'seccompProfile') && strAt(annotations, SECCOMP_POD) !== undefined) {
    rep.warn(W.annotation, annPath.key(SECCOMP_POD), `${annPath.key(SECCOMP_POD)}: non-functional in v1.27+; use the "seccompProfile" field instead`, 'set spec.securityContext.seccompProfile');
  }
  const podAppArmor = has(obj(spec.securityContext), 'appArmorProfile');
  const allPorts = new Map<string, Array<{ path: FieldPath; hostIP: string; hostPort: number }>>();
  for (const key of CONTAINER_LISTS) {
    const containers = arr(spec[key]);
    for (let ci = 0; ci < containers.length; ci++) {
      const c = containers[ci];
      if (!isObj(c)) continue;
      const cp = sp.child(key).index(ci);
      if (annotations) {
        const cname = str(c.name) ?? '';
        const csc = obj(c.securityContext);
        const seccompKey = `${SECCOMP_CONTAINER}${cname}`;
        if (!has(csc, 'seccompProfile') && strAt(annotations, seccompKey) !== undefined) rep.warn(W.annotation, annPath.key(seccompKey), `${annPath.key(seccompKey)}: non-functional in v1.27+; use the "seccompProfile" field instead`, 'set the container securityContext.seccompProfile');
        const apparmorKey = `${APPARMOR_CONTAINER}${cname}`;
        if (!podAppArmor && !has(csc, 'appArmorProfile') && strAt(annotations, apparmorKey) !== undefined) rep.warn(W.annotation, annPath.key(apparmorKey), `${annPath.key(apparmorKey)}: deprecated since v1.30; use the "appArmorProfile" field instead`, 'set securityContext.appArmorProfile');
      }
      const resources = obj(c.resources);
      for (const kind of RESOURCE_LISTS) {
        const list = obj(resources?.[kind]);
        // parseQuantity(undefined) warns about nothing: no path for an absent quantity.
        if (list) for (const res of BYTE_RESOURCES) if (list[res] !== undefined) fractional(rep, list[res], cp.child('resources', kind).key(res));
      }
      // duplicate env names (warned unless the later one extends the earlier with $(NAME))
      const env = arr(c.env);
      if (env.length > 1) {
        const names = new Set<string>();
        for (let i = 0; i < env.length; i++) {
          const e = env[i];
          if (!isObj(e)) continue;
          const name = str(e.name) ?? '';
          if (!names.has(name)) {
            names.add(name);
            continue;
          }
          const ref = `$(${name})`;
          const value = str(e.value) ?? '';
          if (has(e, 'valueFrom') || value === ref || !value.includes(ref)) rep.warn(W.env, cp.child('env').index(i), `${cp.child('env').index(i)}: hides previous definition of ${JSON.stringify(name)}, which may be dropped when using apply`, `remove the earlier ${name}, or merge the two`);
        }
      }
      const ports = arr(c.ports);
      for (let i = 0; i < ports.length; i++) {
        const p = ports[i];
        if (!isObj(p)) continue;
        const pp = cp.child('ports').index(i);
        const hostIP = str(p.hostIP) ?? '';
        const hostPort = num(p.hostPort) ?? 0;
        if (hostIP && !hostPort) rep.warn(W.port, pp, `${pp}: hostIP set without hostPort`, 'set hostPort, or remove hostIP');
        const k = `${num(p.containerPort) ?? 0}/${str(p.protocol) || 'TCP'}`;
        let others = allPorts.get(k);
        if (!others) allPorts.set(k, (others = []));
        for (const o of others) {
          if (hostIP === o.hostIP && hostPort === o.hostPort) rep.warn(W.port, pp, `${pp}: duplicate port definition with ${o.path}`, 'declare each container port once');
          else if (hostPort === 0 || o.hostPort === 0) rep.warn(W.port, pp, `${pp}: overlapping port definition with ${o.path}`);
          else if (hostPort === o.hostPort && (hostIP === '') !== (o.hostIP === '')) rep.warn(W.port, pp, `${pp}: dangerously ambiguous port definition with ${o.path}`);
        }
        others.push({ path: pp, hostIP, hostPort });
      }
    }
  }
  const tgps = num(spec.terminationGracePeriodSeconds);
  // A Pod's negative value is rewritten to 1 before the warnings are computed (PrepareForCreate).
  if (!isPod && tgps !== undefined && tgps < 0) rep.warn(W.ignored, sp.child('terminationGracePeriodSeconds'), `${sp.child('terminationGracePeriodSeconds')}: must be >= 0; negative values are invalid and will be treated as 1`, 'use 0 or a positive number of seconds');
  const pa = obj(affinity?.podAffinity);
  if (pa) {
    nullSelectorWarnings(rep, pa.requiredDuringSchedulingIgnoredDuringExecution, sp.child('affinity', 'podAffinity', 'requiredDuringSchedulingIgnoredDuringExecution'), false);
    nullSelectorWarnings(rep, pa.preferredDuringSchedulingIgnoredDuringExecution, sp.child('affinity', 'podAffinity', 'preferredDuringSchedulingIgnoredDuringExecution'), true);
  }
  const paa = obj(affinity?.podAntiAffinity);
  if (paa) {
    nullSelectorWarnings(rep, paa.requiredDuringSchedulingIgnoredDuringExecution, sp.child('affinity', 'podAntiAffinity', 'requiredDuringSchedulingIgnoredDuringExecution'), false);
    nullSelectorWarnings(rep, paa.preferredDuringSchedulingIgnoredDuringExecution, sp.child('affinity', 'podAntiAffinity', 'preferredDuringSchedulingIgnoredDuringExecution'), true);
  }
}

export function templateWarnings(rep: Reporter, template: unknown, path: FieldPath): void {
  const t = obj(template);
  if (t) podWarnings(rep, t.metadata, t.spec, path, false);
}

/** Deployment, ReplicaSet, ReplicationController, Job, CronJob and Pod names: a DNS label is recommended. */
export function nameWarning(rep: Reporter, o: Obj, isPod: boolean): void {
  const name = str(obj(o.metadata)?.name);
  if (!name) return;
  const msgs = isDNS1123Label(name);
  if (!msgs.length) return;
  const what = isPod ? "the Pod's hostname" : 'Pod names and hostnames';
  rep.warn('api/warning/name-not-dns-label', FieldPath.root().child('metadata', 'name'), `metadata.name: this is used in ${what}, which can result in surprising behavior; a DNS label is recommended: [${msgs.join(' ')}]`, 'use at most 63 lower-case letters, digits and "-", without dots');
}

/** WarningsForJobSpec: the Indexed-Job tracking limit, then the pod template's warnings. */
export function jobSpecWarnings(rep: Reporter, specIn: unknown, path: FieldPath): void {
  const spec = obj(specIn);
  if (!spec) return;
  if (str(spec.completionMode) === 'Indexed' && (num(spec.completions) ?? 0) > 100_000 && (num(spec.parallelism) ?? 0) > 10_000) {
    rep.warn('api/warning/indexed-job-limits', path, `${path}: In Indexed Jobs with a number of completions higher than 10^5 and a parallelism higher than 10^4, Kubernetes might not be able to track completedIndexes when a big number of indexes fail`, 'lower completions or parallelism');
  }
  templateWarnings(rep, spec.template, path.child('template'));
}
