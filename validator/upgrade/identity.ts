/**
 * Which objects of two renders are the same object on the server: same API group, kind, namespace
 * and name. The version is not part of it (`autoscaling/v1` and `autoscaling/v2` HPAs are one
 * object), and kinds that moved between groups keep their storage (`extensions` Deployments are
 * `apps` Deployments). Pure.
 */
import type { K8sResource } from '../../core/types.ts';

/** Built-in cluster-scoped kinds, by `group/kind` (`core` for the core group). */
const CLUSTER_SCOPED = new Set([
  'core/Namespace',
  'core/Node',
  'core/PersistentVolume',
  'core/ComponentStatus',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'scheduling.k8s.io/PriorityClass',
  'storage.k8s.io/StorageClass',
  'storage.k8s.io/CSIDriver',
  'storage.k8s.io/CSINode',
  'storage.k8s.io/VolumeAttachment',
  'storage.k8s.io/VolumeAttributesClass',
  'networking.k8s.io/IngressClass',
  'networking.k8s.io/IPAddress',
  'networking.k8s.io/ServiceCIDR',
  'node.k8s.io/RuntimeClass',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'apiregistration.k8s.io/APIService',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/MutatingAdmissionPolicy',
  'admissionregistration.k8s.io/MutatingAdmissionPolicyBinding',
  'certificates.k8s.io/CertificateSigningRequest',
  'certificates.k8s.io/ClusterTrustBundle',
  'flowcontrol.apiserver.k8s.io/FlowSchema',
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'resource.k8s.io/DeviceClass',
  'resource.k8s.io/ResourceSlice',
  'policy/PodSecurityPolicy',
]);

/** Kinds served under an old group name whose objects live in a new group. */
const GROUP_ALIASES: Readonly<Record<string, string>> = {
  'extensions/Deployment': 'apps',
  'extensions/DaemonSet': 'apps',
  'extensions/ReplicaSet': 'apps',
  'extensions/Ingress': 'networking.k8s.io',
  'extensions/NetworkPolicy': 'networking.k8s.io',
  'extensions/PodSecurityPolicy': 'policy',
  'events.k8s.io/Event': 'core',
};

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? 'core' : apiVersion.slice(0, slash);
}

/** `group/kind` with the group's storage name, e.g. `apps/Deployment`, `core/Service`. */
export function typeKeyOf(apiVersion: string, kind: string): string {
  const group = groupOf(apiVersion);
  return `${GROUP_ALIASES[`${group}/${kind}`] ?? group}/${kind}`;
}

export function isClusterScoped(typeKey: string): boolean {
  return CLUSTER_SCOPED.has(typeKey);
}

/** The object's identity; `defaultNamespace` is where Helm (or kubectl -n) puts objects without one. */
export function identityOf(r: Pick<K8sResource, 'apiVersion' | 'kind' | 'name'> & { namespace?: string | undefined }, defaultNamespace: string): string {
  const typeKey = typeKeyOf(r.apiVersion, r.kind);
  const ns = isClusterScoped(typeKey) ? '' : r.namespace || defaultNamespace;
  return `${typeKey}\u0000${ns}\u0000${r.name}`;
}
