/** Rule metadata of the validator's own stages (SARIF `tool.driver.rules`, docs). Policies bring their own. */
import type { Severity } from '../core/types.ts';

export interface RuleMeta {
  id: string;
  title: string;
  description: string;
  severity: Severity;
  remediation?: string;
  helpUri?: string;
  category?: string;
}

const K8S_API = 'https://kubernetes.io/docs/reference/kubernetes-api/';

export const STAGE_RULES: readonly RuleMeta[] = [
  { id: 'values/unknown-key', title: 'Unknown values key', severity: 'error', category: 'values', description: 'A key in a values file that the NEXUS model does not define; Helm would ignore it silently.', remediation: 'Rename the key as suggested, or remove it.' },
  { id: 'values/missing-key', title: 'Missing values key', severity: 'error', category: 'values', description: 'A key the NEXUS model requires is missing from the values file.', remediation: 'Add the key.' },
  { id: 'values/invalid', title: 'Invalid values entry', severity: 'error', category: 'values', description: 'A value in a values file does not match the NEXUS model (type, enum, range).', remediation: 'Fix the value as the message says.' },
  { id: 'values/yaml-1.1', title: 'YAML 1.1 reading of a value', severity: 'error', category: 'values', description: 'Helm reads values with YAML 1.1 rules (sigs.k8s.io/yaml): unquoted yes/no/on/off/y/n are booleans, 0777 is octal, 1_000 is 1000. The finding says how helm reads the value; it is an error where the model then rejects it.', remediation: 'Quote the value if you mean the string (e.g. updateMode: "Off").' },
  { id: 'deep/tool-missing', title: 'Deep-check tool not installed', severity: 'error', category: 'deep', description: 'A tool `--deep` needs (promtool, amtool, postgres, redis-server) is not installed, so its configs were not checked; the run exits 2 (could not run).', remediation: 'Run `bash scripts/install-system-deps.sh` and `npm ci`, or put the tool on PATH.' },
  { id: 'helm/lint', title: 'helm lint', severity: 'error', category: 'helm', description: '`helm lint --strict` reported a problem with the chart and these values.', remediation: 'Fix the chart or values file at the reported position.' },
  { id: 'helm/template', title: 'helm template failed', severity: 'error', category: 'helm', description: '`helm template` could not render the chart with these values, so nothing could be checked.', remediation: 'Fix the template or values error helm reports.' },
  { id: 'yaml/syntax', title: 'Malformed YAML', severity: 'error', category: 'yaml', description: 'A manifest document is not valid YAML.', remediation: 'Fix the syntax at the reported position (indentation, a missing colon or quote).' },
  { id: 'yaml/duplicate-key', title: 'Duplicate key', severity: 'error', category: 'yaml', description: 'A mapping repeats a key. YAML parsers keep one and drop the other silently, and the API server rejects it with strict field validation.', remediation: 'Remove one of the duplicate keys.' },
  { id: 'yaml/not-a-mapping', title: 'Document is not an object', severity: 'error', category: 'yaml', description: 'A manifest document is a list or a scalar, not a Kubernetes object.', remediation: 'Make the document a mapping with apiVersion, kind and metadata.' },
  { id: 'yaml/alias-bomb', title: 'YAML alias bomb', severity: 'error', category: 'yaml', description: 'Aliases in the document expand far beyond its size ("billion laughs"); it is rejected, not expanded.', remediation: 'Write the values out instead of nesting aliases.' },
  { id: 'kube-schema/missing-type', title: 'Missing apiVersion or kind', severity: 'error', category: 'kube-schema', description: 'Every Kubernetes object needs apiVersion and kind.', remediation: 'Add apiVersion and kind.', helpUri: K8S_API },
  { id: 'kube-schema/missing-schema', title: 'No schema for kind', severity: 'error', category: 'kube-schema', description: 'No schema is known for this apiVersion/kind, so it cannot be validated (a typo, or a CRD without --crd / --schema-location).', remediation: 'Fix the apiVersion/kind, pass the CRD with --crd, add a --schema-location, or use --ignore-missing-schemas.' },
  { id: 'kube-schema/invalid-type', title: 'Wrong type', severity: 'error', category: 'kube-schema', description: 'A field has the wrong JSON type for the Kubernetes API (e.g. a quoted number where an integer is required).', remediation: 'Use the type the message names.', helpUri: K8S_API },
  { id: 'kube-schema/missing-required', title: 'Missing required field', severity: 'error', category: 'kube-schema', description: 'A field the Kubernetes API requires is missing.', remediation: 'Add the field.', helpUri: K8S_API },
  { id: 'kube-schema/invalid-enum', title: 'Value not allowed', severity: 'error', category: 'kube-schema', description: 'A field is not one of the values the API allows.', remediation: 'Use one of the allowed values.', helpUri: K8S_API },
  { id: 'kube-schema/invalid-quantity', title: 'Invalid quantity', severity: 'error', category: 'kube-schema', description: 'A resource quantity (CPU, memory, storage) does not follow the Kubernetes quantity grammar.', remediation: 'Use a number with an optional suffix such as 500m, 1, 256Mi or 1Gi.', helpUri: 'https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/' },
  { id: 'kube-schema/int-or-string', title: 'Invalid int-or-string', severity: 'error', category: 'kube-schema', description: 'An int-or-string field (ports, maxSurge, maxUnavailable) holds something that is neither a whole number nor a string.', remediation: 'Use a whole number or a string such as a port name or a percentage.' },
  { id: 'kube-schema/invalid-format', title: 'Invalid format', severity: 'error', category: 'kube-schema', description: 'A string field does not match its declared format.', remediation: 'Fix the value to the format the message names.' },
  { id: 'kube-schema/invalid', title: 'Schema violation', severity: 'error', category: 'kube-schema', description: 'A field violates its schema (range, pattern, size).', remediation: 'Fix the value as the message says.' },
  { id: 'kube-schema/unknown-field', title: 'Unknown field (strict)', severity: 'error', category: 'kube-schema', description: 'A field the Kubernetes API does not define. The API server drops it silently or rejects the object, so a typo like `replica` changes behaviour without a word.', remediation: 'Rename the field as suggested, or remove it.' },
  { id: 'kube-schema/rejected-kind', title: 'Rejected kind', severity: 'error', category: 'kube-schema', description: 'A kind named by --reject (kubeconform -reject) is present.', remediation: 'Remove the object, or stop rejecting its kind.' },
  { id: 'kube-schema/cel', title: 'CRD validation rule', severity: 'error', category: 'kube-schema', description: 'A CEL rule of the CRD (`x-kubernetes-validations`) fails for this object, or cannot be evaluated; the API server rejects it with the same message.', remediation: 'Fix the field the message names; the hint quotes the rule.', helpUri: 'https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#validation-rules' },
  { id: 'kube-schema/duplicate-item', title: 'Duplicate list entry', severity: 'error', category: 'kube-schema', description: 'A list the schema declares as a set (`x-kubernetes-list-type: set`) or a map keyed by some fields (`map`) has two entries with the same value or key.', remediation: 'Remove or merge the duplicate entry.' },
  { id: 'kube-schema/unchecked-pattern', title: 'Pattern not checked', severity: 'warning', category: 'kube-schema', description: 'A CRD `pattern` (Go RE2) has no JavaScript equivalent, so this value was not checked against it; the message names the pattern and why.', remediation: 'Make sure the value matches the pattern; the API server checks it.' },
  { id: 'kube-schema/invalid-schema', title: 'Unusable schema', severity: 'error', category: 'kube-schema', description: 'The CRD or schema file for this kind cannot be compiled, so its objects could not be checked.', remediation: 'Fix the schema as the message says.' },
  { id: 'kube-api/removed', title: 'Removed API version', severity: 'error', category: 'kube-api', description: 'The apiVersion is no longer served by the target Kubernetes version (--kube-version).', remediation: 'Migrate to the replacement API the message names.', helpUri: 'https://kubernetes.io/docs/reference/using-api/deprecation-guide/' },
  { id: 'kube-api/not-served', title: 'API not served yet', severity: 'error', category: 'kube-api', description: 'The apiVersion/kind exists in a later Kubernetes release than the target (--kube-version), so the target API server answers "no matches for kind".', remediation: 'Use an API version the target serves, or target the release the cluster runs.', helpUri: 'https://kubernetes.io/docs/reference/using-api/' },
  { id: 'kube-api/alpha', title: 'Alpha API', severity: 'info', category: 'kube-api', description: 'An alpha API is served only when the cluster enables it, and may change incompatibly or be removed in any release.', remediation: 'Prefer a beta or stable version; pass --api-versions when the target cluster enables the alpha API.', helpUri: 'https://kubernetes.io/docs/reference/using-api/#api-versioning' },
  { id: 'kube-api/deprecated', title: 'Deprecated API version', severity: 'warning', category: 'kube-api', description: 'The apiVersion is deprecated in the target Kubernetes version and will be removed.', remediation: 'Migrate to the replacement API the message names.', helpUri: 'https://kubernetes.io/docs/reference/using-api/deprecation-guide/' },
];

/** Rule metadata for an id not registered anywhere (e.g. `values/rule/<name>`): derived from its prefix. */
export function fallbackRule(id: string, severity: Severity): RuleMeta {
  const prefix = STAGE_RULES.find((r) => id.startsWith(`${r.id.split('/')[0]}/`));
  return { id, title: id, description: prefix ? `${prefix.category} check \`${id}\`.` : `Check \`${id}\`.`, severity };
}
