/**
 * The vocabulary of policies: metadata (docs, SARIF rules), violations and the context a check sees.
 * Pure: no I/O. A policy is one module `<category>/<policy-id>.ts` whose default export
 * (`definePolicy`/`definePssPolicy`) holds `meta` and a pure `check`; a check shared by several policies
 * lives in the category's `util.ts`.
 */
import type { K8sResource, Severity } from '../core/types.ts';
import type { RenderIndex } from './util/render-index.ts';
import type { ActiveChecks } from './pss/registry.ts';
import type { PssLevel, PssVersion } from './pss/version.ts';

export type { Severity };

export const CATEGORIES = [
  'pod-security',
  'security-context',
  'resources',
  'probes',
  'images',
  'service-accounts',
  'secrets',
  'rbac',
  'network',
  'jobs',
  'reliability',
  'references',
  'operations',
  'policy',
] as const;
export type Category = (typeof CATEGORIES)[number];

export interface PolicyMeta {
  /** Stable kebab-case id; also the `nexus.dev/ignore-<id>` annotation suffix and the SARIF rule id. */
  id: string;
  title: string;
  category: Category;
  /** Default severity; `.nexus-policy.yaml` may change it. */
  severity: Severity;
  /** `resource`: looks at one object. `render`: needs other objects of the render (cross-resource). */
  scope: 'resource' | 'render';
  /** Kinds whose objects are passed to `check`. */
  kinds: readonly string[];
  /** Disabled unless `.nexus-policy.yaml` enables it (e.g. CPU limits). Default: enabled. */
  enabledByDefault?: boolean;
  /** A boolean setting that, when true, enables this (off by default) policy. */
  enabledBySetting?: 'requireCpuLimit';
  /** One paragraph: what is checked and why it matters. */
  description: string;
  /** How to fix a finding. */
  remediation: string;
  references: readonly string[];
  /** Message templates by id; `{{name}}` placeholders are filled from the violation's data. */
  messages: Readonly<Record<string, string>>;
  /** For Pod Security Standards checks: the upstream check id and level. */
  pss?: { checkId: string; level: PssLevel };
  /** Tools with an equivalent check, for the docs (e.g. `polaris:hostNetworkSet`). */
  equivalents?: readonly string[];
}

export interface Violation {
  messageId: string;
  data?: Record<string, string | number>;
  /** RFC 6901 pointer into the resource the finding is reported on. */
  pointer: string;
  /** Container name, when the violation is about one container (for container-scoped exemptions). */
  container?: string;
  hint?: string;
}

/** Settings that change what some policies require (from `.nexus-policy.yaml` `settings`). */
export interface PolicySettings {
  /** Require `resources.limits.cpu` (enables `resources-cpu-limit`). */
  requireCpuLimit: boolean;
  /** Environments in which images must be pinned by digest (e.g. ["production"]). */
  requireDigestIn: string[];
  /** Environments in which a rendered `kind: Secret` with data is an error. */
  forbidPlaintextSecretsIn: string[];
  /** Secrets provided outside the render (e.g. by an operator or `existingSecret`), `name` or `namespace/name`. */
  externalSecrets: string[];
  /** ConfigMaps provided outside the render, `name` or `namespace/name`. */
  externalConfigMaps: string[];
  /** Pods deployed outside the render (namespace glob, labels) that NetworkPolicy selectors may select. */
  externalPods: { namespace?: string | undefined; labels: Record<string, string> }[];
  /** ServiceAccounts provided outside the render, `name` or `namespace/name`. */
  externalServiceAccounts: string[];
  /** Replicas a workload behind a Service or PDB must run at least (`replicas-minimum`). */
  minReplicas: number;
  /** Environments whose renders may run single replicas behind a Service or PDB (`replicas-minimum`). */
  singleReplicaAllowedIn: string[];
  /** Seconds ingress controllers and kube-proxy need to stop routing to a terminating pod (`graceful-shutdown`). */
  proxyDrainSeconds: number;
  /** Environments in which database connections must verify TLS (`database-tls`). */
  requireDatabaseTlsIn: string[];
  /** Replicas at or above which a workload counts as highly available (PDB, spread). */
  haMinReplicas: number;
}

export interface CheckContext {
  index: RenderIndex;
  settings: PolicySettings;
  environment: string | undefined;
  /** The effective Pod Security level and version for a resource (namespace labels, config, options). */
  /** Every registered policy id (for checking `nexus.dev/ignore-<id>` annotations). */
  policyIds: ReadonlySet<string>;
  pssFor(resource: K8sResource): { level: PssLevel | 'privileged'; version: PssVersion; active: ActiveChecks };
}

export interface Policy {
  meta: PolicyMeta;
  check(resource: K8sResource, ctx: CheckContext): Violation[];
}
