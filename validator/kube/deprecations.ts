/**
 * Deprecated and removed Kubernetes APIs, keyed by the minor version that deprecated / removed them,
 * with the replacement. Source: the Kubernetes deprecation guide (kubernetes.io/docs/reference/using-api/
 * deprecation-guide) and the release notes of 1.16–1.36. `nexus validate --kube-version X` reports an
 * API removed at or before X as an error and a deprecated one as a warning.
 */
import type { Finding } from '../../core/types.ts';

export interface ApiLifecycle {
  apiVersion: string;
  kind: string;
  /** Minor version (1.x) that deprecated it. */
  deprecatedIn: number;
  /** Minor version that stopped serving it; undefined = deprecated, removal not yet scheduled. */
  removedIn?: number;
  /** `apiVersion kind` to migrate to, or advice when there is no direct replacement. */
  replacement: string;
}

const W = (apiVersion: string, kinds: string[], deprecatedIn: number, removedIn: number | undefined, replacement: (kind: string) => string): ApiLifecycle[] =>
  kinds.map((kind) => ({ apiVersion, kind, deprecatedIn, ...(removedIn !== undefined ? { removedIn } : {}), replacement: replacement(kind) }));

export const API_LIFECYCLE: readonly ApiLifecycle[] = [
  // 1.16
  ...W('extensions/v1beta1', ['Deployment', 'DaemonSet', 'ReplicaSet'], 9, 16, (k) => `apps/v1 ${k}`),
  ...W('apps/v1beta1', ['Deployment', 'StatefulSet', 'ControllerRevision'], 9, 16, (k) => `apps/v1 ${k}`),
  ...W('apps/v1beta2', ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ControllerRevision'], 9, 16, (k) => `apps/v1 ${k}`),
  ...W('extensions/v1beta1', ['NetworkPolicy'], 9, 16, () => 'networking.k8s.io/v1 NetworkPolicy'),
  ...W('extensions/v1beta1', ['PodSecurityPolicy'], 11, 16, () => 'policy/v1beta1 PodSecurityPolicy (itself removed in 1.25: use Pod Security Admission)'),
  // 1.22
  ...W('admissionregistration.k8s.io/v1beta1', ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'], 16, 22, (k) => `admissionregistration.k8s.io/v1 ${k}`),
  ...W('apiextensions.k8s.io/v1beta1', ['CustomResourceDefinition'], 16, 22, () => 'apiextensions.k8s.io/v1 CustomResourceDefinition'),
  ...W('apiregistration.k8s.io/v1beta1', ['APIService'], 19, 22, () => 'apiregistration.k8s.io/v1 APIService'),
  ...W('authentication.k8s.io/v1beta1', ['TokenReview'], 19, 22, () => 'authentication.k8s.io/v1 TokenReview'),
  ...W('authorization.k8s.io/v1beta1', ['SubjectAccessReview', 'LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview'], 19, 22, (k) => `authorization.k8s.io/v1 ${k}`),
  ...W('certificates.k8s.io/v1beta1', ['CertificateSigningRequest'], 19, 22, () => 'certificates.k8s.io/v1 CertificateSigningRequest'),
  ...W('coordination.k8s.io/v1beta1', ['Lease'], 19, 22, () => 'coordination.k8s.io/v1 Lease'),
  ...W('extensions/v1beta1', ['Ingress'], 14, 22, () => 'networking.k8s.io/v1 Ingress'),
  ...W('networking.k8s.io/v1beta1', ['Ingress', 'IngressClass'], 19, 22, (k) => `networking.k8s.io/v1 ${k}`),
  ...W('rbac.authorization.k8s.io/v1beta1', ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'], 17, 22, (k) => `rbac.authorization.k8s.io/v1 ${k}`),
  ...W('scheduling.k8s.io/v1beta1', ['PriorityClass'], 14, 22, () => 'scheduling.k8s.io/v1 PriorityClass'),
  ...W('storage.k8s.io/v1beta1', ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'], 19, 22, (k) => `storage.k8s.io/v1 ${k}`),
  // 1.25
  ...W('batch/v1beta1', ['CronJob'], 21, 25, () => 'batch/v1 CronJob'),
  ...W('discovery.k8s.io/v1beta1', ['EndpointSlice'], 21, 25, () => 'discovery.k8s.io/v1 EndpointSlice'),
  ...W('events.k8s.io/v1beta1', ['Event'], 19, 25, () => 'events.k8s.io/v1 Event'),
  ...W('autoscaling/v2beta1', ['HorizontalPodAutoscaler'], 22, 25, () => 'autoscaling/v2 HorizontalPodAutoscaler'),
  ...W('policy/v1beta1', ['PodDisruptionBudget'], 21, 25, () => 'policy/v1 PodDisruptionBudget'),
  ...W('policy/v1beta1', ['PodSecurityPolicy'], 21, 25, () => 'no replacement: enforce Pod Security Standards with Pod Security Admission (namespace labels)'),
  ...W('node.k8s.io/v1beta1', ['RuntimeClass'], 20, 25, () => 'node.k8s.io/v1 RuntimeClass'),
  // 1.26
  ...W('flowcontrol.apiserver.k8s.io/v1beta1', ['FlowSchema', 'PriorityLevelConfiguration'], 23, 26, (k) => `flowcontrol.apiserver.k8s.io/v1 ${k}`),
  ...W('autoscaling/v2beta2', ['HorizontalPodAutoscaler'], 23, 26, () => 'autoscaling/v2 HorizontalPodAutoscaler'),
  // 1.27
  ...W('storage.k8s.io/v1beta1', ['CSIStorageCapacity'], 24, 27, () => 'storage.k8s.io/v1 CSIStorageCapacity'),
  // 1.29
  ...W('flowcontrol.apiserver.k8s.io/v1beta2', ['FlowSchema', 'PriorityLevelConfiguration'], 26, 29, (k) => `flowcontrol.apiserver.k8s.io/v1 ${k}`),
  // 1.32
  ...W('flowcontrol.apiserver.k8s.io/v1beta3', ['FlowSchema', 'PriorityLevelConfiguration'], 29, 32, (k) => `flowcontrol.apiserver.k8s.io/v1 ${k}`),
  // deprecated, still served
  ...W('v1', ['Endpoints'], 33, undefined, () => 'discovery.k8s.io/v1 EndpointSlice'),
  ...W('v1', ['ComponentStatus'], 19, undefined, () => 'the kube-apiserver /livez and /readyz endpoints'),
];

const INDEX = new Map(API_LIFECYCLE.map((e) => [`${e.apiVersion}/${e.kind}`, e]));

/** `1.25`, `v1.25.3`, `1.25.0-gke.1` → 25. Throws on anything else. */
export function parseKubeMinor(version: string): number {
  const m = /^v?1\.(\d+)(?:\.\d+)?(?:[-+].*)?$/.exec(version.trim());
  if (!m) throw new Error(`invalid Kubernetes version \`${version}\` (expected e.g. 1.30 or v1.30.2)`);
  return Number(m[1]);
}

export function lifecycleOf(apiVersion: string, kind: string): ApiLifecycle | undefined {
  return INDEX.get(`${apiVersion}/${kind}`);
}

/**
 * The deprecation/removal finding for one resource at Kubernetes minor `target`, or undefined.
 * `servedApis` (from --api-versions) marks group/versions the target cluster still serves: a removed
 * API listed there is reported as deprecated, not removed.
 */
export function apiLifecycleFinding(apiVersion: string, kind: string, target: number, servedApis: ReadonlySet<string> = new Set()): Pick<Finding, 'policyId' | 'severity' | 'message' | 'hint' | 'jsonPointer'> | undefined {
  const e = lifecycleOf(apiVersion, kind);
  if (!e) return undefined;
  const served = servedApis.has(apiVersion) || servedApis.has(`${apiVersion}/${kind}`);
  if (e.removedIn !== undefined && target >= e.removedIn && !served) {
    return {
      policyId: 'kube-api/removed',
      severity: 'error',
      message: `${apiVersion} ${kind} was removed in Kubernetes 1.${e.removedIn} (target 1.${target}); the API server will reject it`,
      hint: `migrate to ${e.replacement}`,
      jsonPointer: '/apiVersion',
    };
  }
  if (target >= e.deprecatedIn) {
    return {
      policyId: 'kube-api/deprecated',
      severity: 'warning',
      message: `${apiVersion} ${kind} is deprecated since Kubernetes 1.${e.deprecatedIn}${e.removedIn !== undefined ? ` and removed in 1.${e.removedIn}` : ''}${served ? ' (served by the target cluster per --api-versions)' : ''}`,
      hint: `migrate to ${e.replacement}`,
      jsonPointer: '/apiVersion',
    };
  }
  return undefined;
}
