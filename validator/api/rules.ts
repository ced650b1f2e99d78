/**
 * The API-validation stage's rules: one id per thing a user fixes, with the metadata docs and SARIF
 * need. Findings carry these ids; every rule has pass/fail fixtures under
 * test/validator/api-fixtures/<area>/<rule>/ (a meta-test keeps the two in step).
 */
import type { RuleMeta } from '../rules.ts';
import type { Severity } from '../../core/types.ts';

interface Def {
  title: string;
  description: string;
  remediation: string;
  severity?: Severity;
  doc?: string;
}

const API_DOC = 'https://kubernetes.io/docs/reference/kubernetes-api/';
const NAMES_DOC = 'https://kubernetes.io/docs/concepts/overview/working-with-objects/names/';
const LABELS_DOC = 'https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set';

const DEFS = {
  // object meta
  'api/meta/name': { title: 'Invalid object name', doc: NAMES_DOC, description: 'metadata.name (or generateName) is missing or breaks the name rules of its kind: a DNS-1123 subdomain for most kinds, a DNS-1123 label for Namespaces and StatefulSets, a DNS-1035 label for Services, a path segment for RBAC objects.', remediation: 'Use lower-case letters, digits and "-" (and "." where the kind allows it), starting and ending with a letter or digit, within the length limit.' },
  'api/meta/namespace': { title: 'Invalid namespace name', doc: NAMES_DOC, description: 'metadata.namespace is not a DNS-1123 label, so the object can never be created in it.', remediation: 'Use lower-case letters, digits and "-", at most 63 characters.' },
  'api/meta/labels': { title: 'Invalid label', doc: LABELS_DOC, description: 'A label key is not a qualified name ([prefix/]name, name at most 63 characters of [-A-Za-z0-9_.], prefix a DNS subdomain) or a value is not a valid label value (at most 63 characters, alphanumeric at both ends).', remediation: 'Fix the key or value to the label syntax; put free text into an annotation instead.' },
  'api/meta/annotations': { title: 'Invalid annotations', doc: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/', description: 'An annotation key is not a qualified name, or all annotations together exceed 256 KiB (keys plus values).', remediation: 'Fix the key; move large payloads into a ConfigMap.' },
  'api/meta/finalizers': { title: 'Invalid finalizer', doc: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/finalizers/', description: 'A finalizer is not a qualified name, or an unprefixed one is not a standard finalizer (kubernetes, orphan, foregroundDeletion), or orphan and foregroundDeletion are both set.', remediation: 'Use a domain-prefixed finalizer such as example.com/cleanup.' },
  'api/meta/owner-references': { title: 'Invalid owner reference', description: 'An ownerReference lacks apiVersion, kind, name or uid, or more than one reference is the controller.', remediation: 'Set every field of the owner reference (controllers set them; charts rarely should).' },
  // pod spec
  'api/pod/containers': { title: 'Invalid container list', description: 'The pod has no containers, or a container has no image, an invalid or duplicate name (names are unique across containers, init and ephemeral containers), or an invalid imagePullPolicy / terminationMessagePolicy; ephemeral containers cannot be created with the pod.', remediation: 'Give every container a unique DNS-1123 label name and an image.' },
  'api/pod/ports': { title: 'Invalid container port', description: 'A container port is outside 1-65535, has an invalid or duplicate name (at most 15 characters, lower case, a letter, no "--"), an unsupported protocol, or a hostPort that differs from containerPort under hostNetwork, or two containers claim the same hostPort.', remediation: 'Use a port in 1-65535 and an IANA-style name such as "http" or "metrics".' },
  'api/pod/env': { title: 'Invalid environment variable', description: 'An env var has no name or an invalid one, sets both value and valueFrom, names several sources, references an unsupported field or resource, or an invalid ConfigMap/Secret name or key; envFrom names no or several sources.', remediation: 'Give each variable a name and exactly one of value or valueFrom.' },
  'api/pod/volumes': { title: 'Invalid volume', description: 'A volume has an invalid or duplicate name, several sources, or a source with missing or invalid fields (hostPath type and "..", item paths, file modes above 0777, ephemeral claim templates, projections).', remediation: 'Give every volume a unique DNS-1123 label name and one valid source.' },
  'api/pod/volume-mounts': { title: 'Invalid volume mount', description: 'A volumeMount names no declared volume, repeats a mountPath, uses an absolute or ".." subPath, sets subPath and subPathExpr together, or recursiveReadOnly without readOnly.', remediation: 'Mount only declared volumes at unique paths, with relative subPaths.' },
  'api/pod/resources': { title: 'Invalid resource requirements', description: 'A request exceeds its limit, a quantity is negative, a resource name is not standard or fully qualified, an extended resource is fractional, lacks a limit or differs from it, or huge pages come without cpu or memory.', remediation: 'Keep every request at or below its limit and use standard resource names.' },
  'api/pod/probes': { title: 'Invalid probe', description: 'A probe has no or several handlers, a negative timing, a liveness or startup successThreshold other than 1, a port outside 1-65535 or an invalid port name, an unsupported scheme, or a terminationGracePeriodSeconds of 0 (or any on a readiness probe); init containers may have probes only as sidecars.', remediation: 'Use exactly one handler, successThreshold 1 for liveness/startup, and non-negative timings.' },
  'api/pod/lifecycle': { title: 'Invalid lifecycle hook', description: 'A postStart/preStop hook has no or several handlers, invalid handler fields, or a sleep outside 1..terminationGracePeriodSeconds; plain init containers may not have hooks.', remediation: 'Use exactly one handler per hook.' },
  'api/pod/restart-policy': { title: 'Invalid restartPolicy', description: 'The pod restartPolicy is not Always, OnFailure or Never, or not allowed for the kind (workloads need Always, Jobs OnFailure or Never, a Job with a podFailurePolicy Never); a container-level restartPolicy is only for init containers (sidecars, Always).', remediation: 'Use the restartPolicy the controller supports.' },
  'api/pod/security-context': { title: 'Invalid security context', description: 'A user or group ID is outside 0-2147483647, privileged or CAP_SYS_ADMIN is combined with allowPrivilegeEscalation: false, a seccomp or AppArmor profile is incomplete, a sysctl is invalid or repeated, or an option is used that the pod OS forbids.', remediation: 'Fix the security context field named in the message.' },
  'api/pod/scheduling': { title: 'Invalid scheduling constraint', description: 'A toleration, node or pod affinity term, topology spread constraint, node selector, scheduling gate, priorityClassName or runtimeClassName is invalid (operators and their values, effects, weights, maxSkew, topology keys, label syntax).', remediation: 'Fix the constraint as the message says.' },
  'api/pod/dns': { title: 'Invalid DNS settings', description: 'dnsPolicy is unsupported, None without dnsConfig, dnsConfig has more than 3 nameservers or 32 searches or invalid entries, hostname/subdomain is not a DNS label, or a hostAlias IP is invalid.', remediation: 'Fix the DNS setting as the message says.' },
  'api/pod/spec': { title: 'Invalid pod spec field', description: 'Other pod spec rules: activeDeadlineSeconds below 1, an invalid serviceAccountName or nodeName, imagePullSecrets with fields other than name, readiness gates, os, overhead and the pod-level annotations the server checks (seccomp, AppArmor).', remediation: 'Fix the field as the message says.' },
  // workloads
  'api/workload/selector': { title: 'Selector does not select the template', description: 'A workload selector is missing, empty, invalid, or does not match the pod template labels: the controller would manage pods it does not select. Job templates must match their selector too.', remediation: 'Make spec.selector.matchLabels a subset of spec.template.metadata.labels.' },
  'api/workload/spec': { title: 'Invalid workload spec', description: 'replicas, minReadySeconds, revisionHistoryLimit or progressDeadlineSeconds is negative, progressDeadlineSeconds is not above minReadySeconds, the template sets activeDeadlineSeconds or ephemeral containers.', remediation: 'Use non-negative counts and leave activeDeadlineSeconds to Jobs.' },
  'api/deployment/strategy': { title: 'Invalid Deployment strategy', description: 'The strategy type is not RollingUpdate or Recreate, Recreate carries a rollingUpdate block, maxSurge/maxUnavailable are not a number or a percentage, exceed 100 %, or are both 0.', remediation: 'Use RollingUpdate with maxSurge or maxUnavailable above 0, or Recreate without rollingUpdate.' },
  'api/daemonset/update-strategy': { title: 'Invalid DaemonSet update strategy', description: 'The updateStrategy type is not RollingUpdate or OnDelete, or maxSurge/maxUnavailable are invalid or both 0.', remediation: 'Use RollingUpdate with maxUnavailable (or maxSurge) above 0, or OnDelete.' },
  'api/statefulset/spec': { title: 'Invalid StatefulSet spec', description: 'podManagementPolicy, updateStrategy, partition, ordinals.start or persistentVolumeClaimRetentionPolicy is invalid.', remediation: 'Use OrderedReady or Parallel, RollingUpdate or OnDelete, Retain or Delete, non-negative numbers.' },
} as const satisfies Record<string, Def>;

export type ApiRuleId = keyof typeof DEFS;

export const API_RULES: readonly RuleMeta[] = Object.entries(DEFS as Record<string, Def>)
  .map(([id, d]) => ({ id, title: d.title, description: d.description, remediation: d.remediation, severity: d.severity ?? ('error' as const), category: 'kube-api-validation', helpUri: d.doc ?? API_DOC }))
  .sort((a, b) => (a.id < b.id ? -1 : 1));
