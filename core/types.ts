/**
 * The shared vocabulary of the bottom layer: what a Kubernetes resource and a finding are. Both
 * policies/ (which judge resources) and validator/ (which runs policies and its own stages) import it;
 * core/ imports nothing of theirs, so the dependency arrows run one way. Free of I/O.
 */

export type Severity = 'error' | 'warning' | 'info';

/** kubeconform-style status of one resource (or input) after all stages. */
export type ResourceStatus = 'valid' | 'invalid' | 'error' | 'skipped' | 'empty';

/** A position in a source file; 1-based line and column. */
export interface Position {
  line: number;
  column: number;
}

/**
 * One Kubernetes object from a manifest stream, with enough context to locate findings.
 * `object` is plain JSON data (already parsed); positions are computed lazily by `locate`
 * so the hot path never pays for them unless a finding needs them.
 */
export interface K8sResource {
  /** The input this came from: a file path, `-` for stdin, or a render label like `values.production.yaml`. */
  source: string;
  /** 0-based index of the document in its stream (after `kind: List` expansion the list's index). */
  docIndex: number;
  /** Template file from the `# Source:` comment helm writes, e.g. `nexus/charts/frontend/templates/deployment.yaml`. */
  templateFile?: string;
  /** 1-based line of the document's first line in the stream. */
  line: number;
  /** Index in the `items` of a `kind: List` document, when the resource came from one. */
  itemIndex?: number;
  /** File reported for findings: the template file on disk when known, else the input file. */
  file?: string;
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  object: Record<string, unknown>;
  /** Line/column in the stream for a JSON pointer into `object`; undefined if not resolvable. */
  locate?: (jsonPointer: string) => Position | undefined;
}

export interface Finding {
  /** Policy or stage id, e.g. `kube-schema/unknown-field`, `pss-restricted`, `values/unknown-key`. */
  policyId: string;
  severity: Severity;
  message: string;
  /** Template file (from `# Source:`) or the input file. */
  file?: string;
  line?: number;
  column?: number;
  /** The input stream this came from (render label or path). */
  source?: string;
  docIndex?: number;
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  /** RFC 6901 pointer into the object, e.g. `/spec/template/spec/containers/0/resources`. */
  jsonPointer?: string;
  /** Line in the rendered/input stream (the `line` may be in the template file instead). */
  streamLine?: number;
  /** Index in the `items` of a `kind: List` document. */
  itemIndex?: number;
  /** Optional fix hint, e.g. "did you mean `replicas`?". */
  hint?: string;
  /** Set when an exemption matched: the finding is reported as skipped, never hidden. */
  exemption?: { reason: string; via: 'annotation' | 'config' };
}
