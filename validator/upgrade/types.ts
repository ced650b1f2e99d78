/** The vocabulary of the upgrade rules: what a rule sees and what it reports. Pure. */
import type { Severity } from '../../core/types.ts';
import type { JsonObject, Path } from './json.ts';
import type { ClusterFacts } from './server.ts';

/** How the upgrade writes objects: a three-way merge patch (Helm 3, kubectl apply; Helm 4's server-side apply behaves alike) or a replacement (PUT: `helm upgrade --force`, Helm 4 `--force-replace`, kubectl replace). */
export type UpgradeStrategy = 'merge' | 'replace';

export interface UpgradeRuleMeta {
  /** Finding id, `upgrade/<name>`. */
  id: string;
  title: string;
  /** `group/kind` this rule checks (`core` for the core group). */
  kinds: readonly string[];
  /** What the server refuses and why. */
  description: string;
  /** What to do instead, in general (each violation carries its own hint too). */
  remediation: string;
  /** The upstream function the rule follows, e.g. `ValidateStatefulSetUpdate (pkg/apis/apps/validation)`. */
  upstream: string;
  references: readonly string[];
}

export interface UpdateInput {
  typeKey: string;
  /** The object on the server before the upgrade: the previous manifest with defaults and server-set fields. */
  live: JsonObject;
  /** The object the server validates: the live object with the upgrade's patch applied, defaulted. */
  next: JsonObject;
  /** The previous manifest as written. */
  previous: JsonObject;
  /** The new manifest as written. */
  manifest: JsonObject;
  facts: ClusterFacts;
  /** Target Kubernetes minor version (1.32 → 32). */
  kubeMinor: number;
  strategy: UpgradeStrategy;
}

export interface UpdateViolation {
  /** Path in the updated object; reported at the nearest field the new manifest has. */
  path: Path;
  message: string;
  /** What to do instead. */
  hint: string;
  /** Default error: the server refuses the update. A warning when the refusal depends on facts the validator does not have. */
  severity?: Severity;
}

export interface UpgradeRule {
  meta: UpgradeRuleMeta;
  check(input: UpdateInput): UpdateViolation[];
}

export function defineUpgradeRule(rule: UpgradeRule): UpgradeRule {
  return rule;
}
