/**
 * Policy stage entry point used by the validator pipeline (validator/run.ts).
 * Builds the render index once, runs every enabled policy on the kinds it declares, applies
 * severities and exemptions (annotation `nexus.dev/ignore-<id>: "<reason>"` or `.nexus-policy.yaml`),
 * and returns findings sorted deterministically. Exempted findings are returned with `exemption` set
 * (reported as skipped, never hidden).
 */
import type { Finding, K8sResource, Severity } from '../core/types.ts';
import type { Exemption, PolicyConfig } from './config.ts';
import { DEFAULT_SETTINGS, globMatch } from './config-defaults.ts';
import { POLICIES, POLICY_IDS } from './index.ts';
import { activeChecks } from './pss/registry.ts';
import { LEVEL_LABEL, parseLevel, parseVersion, VERSION_LABEL, type PssLevel, type PssVersion } from './pss/version.ts';
import type { CheckContext, Policy, PolicySettings, Violation } from './types.ts';
import { obj } from './util/json.ts';
import { podOf } from './util/pod.ts';
import { RenderIndex } from './util/render-index.ts';
import { withoutTurbofan } from '../util/tiering.ts';

export const IGNORE_ANNOTATION_PREFIX = 'nexus.dev/ignore-';

export interface PolicyRunOptions {
  /** Target Kubernetes version, e.g. `1.36`. */
  kubeVersion?: string;
  /**
   * The parsed `.nexus-policy.yaml`, if any (policies/config-file.ts `loadPolicyConfig`; the caller
   * reads it, so that runs without one never load its parser and Zod schemas).
   */
  config?: PolicyConfig;
  /** Environment of the render (e.g. `production`), when known. Wins over the config's. */
  environment?: string;
  /** Pod Security level; wins over the config and the namespace labels. */
  pssLevel?: PssLevel | 'privileged';
  /** Pod Security policy version (`latest`, `v1.36`); wins over the config and the namespace labels. */
  pssVersion?: string;
  /** Namespace of objects without `metadata.namespace` (helm's `--namespace`). Default `default`. */
  namespace?: string;
  /** Run only these policy ids (tests, docs). */
  only?: readonly string[];
  /**
   * Resolve line/column of each finding through `K8sResource.locate` (falling back to the nearest
   * ancestor that exists): a lookup in the positions recorded when the document was parsed.
   * Default `auto`: only for resources without a `templateFile` (for rendered
   * resources the validator maps pointers to template lines itself). `false`: findings carry the
   * document's first line. `caller`: findings carry no line; the caller locates them together with
   * its other stages' findings (validator/run.ts), so that each document is indexed once.
   */
  positions?: boolean | 'auto' | 'caller';
}

interface Resolved {
  policy: Policy;
  severity: Severity;
}

function resolvePolicies(config: PolicyConfig, only: readonly string[] | undefined): Resolved[] {
  const out: Resolved[] = [];
  for (const policy of POLICIES) {
    if (only && !only.includes(policy.meta.id)) continue;
    const o = config.policies?.[policy.meta.id];
    let enabled = policy.meta.enabledByDefault !== false;
    let severity = policy.meta.severity;
    if (o === 'off') enabled = false;
    else if (typeof o === 'string') {
      enabled = true;
      severity = o;
    } else if (o) {
      if (o.enabled !== undefined) enabled = o.enabled;
      if (o.severity) {
        severity = o.severity;
        if (o.enabled === undefined) enabled = true;
      }
    }
    const setting = policy.meta.enabledBySetting;
    if (setting && config.settings?.[setting] === true && o === undefined) enabled = true;
    if (enabled) out.push({ policy, severity });
  }
  return out;
}

const NO_CONFIG: PolicyConfig = {};
const defaultPlans = new Map<string, Plan>();

interface Plan {
  byKind: Map<string, Resolved[]>;
  wildcard: Resolved[];
}

/** Enabled policies grouped by the kinds they check (`*` ones appended to every kind); memoized without a config. */
function policiesByKind(config: PolicyConfig, only: readonly string[] | undefined, memo: boolean): Plan {
  const key = only ? only.join('\u0000') : '';
  const hit = memo ? defaultPlans.get(key) : undefined;
  if (hit) return hit;
  const byKind = new Map<string, Resolved[]>();
  for (const p of resolvePolicies(config, only)) {
    for (const k of p.policy.meta.kinds) {
      let l = byKind.get(k);
      if (!l) byKind.set(k, (l = []));
      l.push(p);
    }
  }
  const wildcard = byKind.get('*') ?? [];
  // In policy-id order, so findings come out nearly sorted and the final sort is cheap.
  const byId = (a: Resolved, b: Resolved) => cmp(a.policy.meta.id, b.policy.meta.id);
  for (const [k, l] of byKind) if (k !== '*') l.push(...wildcard);
  for (const l of byKind.values()) l.sort(byId);
  const plan = { byKind, wildcard };
  if (memo) defaultPlans.set(key, plan);
  return plan;
}

/** The reason of a `nexus.dev/ignore-<id>` annotation on the object, else on its pod template. */
function annotationReason(r: K8sResource, policyId: string): string | undefined {
  const key = IGNORE_ANNOTATION_PREFIX + policyId;
  const own = obj(obj(r.object.metadata)?.annotations)?.[key];
  const value = typeof own === 'string' ? own : podOf(r)?.annotations[key];
  const reason = value?.trim();
  return reason ? reason : undefined;
}

/** True when the object or its pod template carries any `nexus.dev/ignore-…` annotation. */
function hasIgnoreAnnotation(r: K8sResource): boolean {
  const own = obj(obj(r.object.metadata)?.annotations);
  for (const k in own) if (k.startsWith(IGNORE_ANNOTATION_PREFIX)) return true;
  const pod = podOf(r)?.annotations;
  for (const k in pod) if (k.startsWith(IGNORE_ANNOTATION_PREFIX)) return true;
  return false;
}

function settingsOf(config: PolicyConfig): PolicySettings {
  return { ...DEFAULT_SETTINGS, ...Object.fromEntries(Object.entries(config.settings ?? {}).filter(([, v]) => v !== undefined)) } as PolicySettings;
}

function configExemption(exemptions: readonly Exemption[], policyId: string, r: K8sResource, ns: string, container: string | undefined): Exemption | undefined {
  return exemptions.find(
    (e) =>
      (e.policies.includes('*') || e.policies.includes(policyId)) &&
      (e.namespace === undefined || globMatch(e.namespace, ns)) &&
      (e.kind === undefined || globMatch(e.kind, r.kind)) &&
      (e.name === undefined || globMatch(e.name, r.name)) &&
      (e.container === undefined || globMatch(e.container, container)),
  );
}

/** Message templates split once into literal text (even indexes) and placeholder names (odd indexes). */
const compiled = new Map<string, string[]>();
function render(template: string, data: Record<string, string | number> | undefined): string {
  let parts = compiled.get(template);
  if (!parts) compiled.set(template, (parts = template.split(/\{\{\s*(\w+)\s*\}\}/)));
  if (parts.length === 1) return template;
  // Joined, not concatenated: `+=` leaves a tree of string pieces behind each message, which a report
  // with tens of thousands of findings keeps until it is printed (join makes one flat string).
  const out: string[] = [parts[0]!];
  for (let i = 1; i < parts.length; i += 2) {
    const k = parts[i]!;
    out.push(data && k in data ? String(data[k]) : `{{${k}}}`, parts[i + 1]!);
  }
  return out.join('');
}

/** Locates a pointer, falling back to the nearest ancestor that exists in the source. */
function locate(r: K8sResource, pointer: string): { line: number; column?: number | undefined } {
  if (r.locate) {
    let p = pointer;
    for (;;) {
      const pos = r.locate(p);
      if (pos) return pos;
      if (!p) break;
      p = p.slice(0, p.lastIndexOf('/'));
    }
  }
  return { line: r.line };
}

function toFinding(r: K8sResource, policy: Policy, severity: Severity, v: Violation, reason: string | undefined, positions: NonNullable<PolicyRunOptions['positions']>, exemptions: readonly Exemption[], index: RenderIndex): Finding {
  const pos = positions === 'caller' ? undefined : positions === true || (positions === 'auto' && !r.templateFile) ? locate(r, v.pointer) : { line: r.line };
  const hint = v.hint ?? policy.meta.remediation;
  // Every key the finding can get, in one literal and in the order of validate's JSON report (which
  // omits the undefined ones; with `caller` positions, resolvePositions sets line, streamLine and
  // column): adding them one by one moved ~6,700 findings at 4k documents through a map transition
  // each and grew their property stores twice.
  const f: Finding = {
    policyId: policy.meta.id,
    severity,
    message: render(policy.meta.messages[v.messageId] ?? v.messageId, v.data),
    file: r.file ?? r.templateFile ?? r.source,
    line: pos?.line,
    source: r.source,
    docIndex: r.docIndex,
    apiVersion: r.apiVersion,
    kind: r.kind,
    name: r.name,
    jsonPointer: v.pointer,
    namespace: r.namespace || undefined,
    itemIndex: r.itemIndex,
    hint: hint || undefined,
    exemption: reason ? { reason, via: 'annotation' } : undefined,
    streamLine: undefined,
    column: pos?.column,
  };
  if (!reason && exemptions.length) {
    const e = configExemption(exemptions, policy.meta.id, r, index.namespaceOf(r), v.container);
    if (e) f.exemption = { reason: e.reason, via: 'config' };
  }
  return f;
}

/**
 * Stream order (source, document, position), then policy id, pointer and message: the order the policy
 * stage hands to its callers. Deliberately not validator/report.ts `compareFindings`, which orders the
 * whole report by file and line first (across stages); buildReport re-sorts with that one.
 */
function compareByStream(a: Finding, b: Finding): number {
  return (
    (a.source === b.source ? 0 : cmp(a.source ?? '', b.source ?? '')) ||
    (a.docIndex ?? 0) - (b.docIndex ?? 0) ||
    (a.itemIndex ?? -1) - (b.itemIndex ?? -1) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    cmp(a.policyId, b.policyId) ||
    cmp(a.jsonPointer ?? '', b.jsonPointer ?? '') ||
    cmp(a.message, b.message)
  );
}
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The stage runs ~90 small checks a few thousand times each, once: V8 would compile most of them with
 * TurboFan on a background thread, and for a single pass that compilation costs more CPU than the
 * optimized code saves (4k documents: the stage's process CPU about halves, its main-thread CPU does
 * not grow). See util/tiering.ts.
 */
export function evaluatePolicies(resources: K8sResource[], options: PolicyRunOptions = {}): Finding[] {
  return withoutTurbofan(() => evaluate(resources, options));
}

function evaluate(resources: K8sResource[], options: PolicyRunOptions): Finding[] {
  const config: PolicyConfig = options.config ?? NO_CONFIG;
  const index = new RenderIndex(resources, options.namespace ?? 'default', options.namespace !== undefined);
  const settings = settingsOf(config);
  const environment = options.environment ?? config.environment;

  const explicitLevel = options.pssLevel ?? config.pss?.level;
  // `latest` is what the target API server calls latest: its own minor version (capped at ours).
  const kubeMinor = /^v?1\.(\d+)/.exec(options.kubeVersion ?? '')?.[1];
  const latest: PssVersion = kubeMinor ? { major: 1, minor: Number(kubeMinor) } : 'latest';
  const asOfCluster = (v: PssVersion | undefined) => (v === 'latest' ? latest : v);
  const explicitVersion = asOfCluster(parseVersion(options.pssVersion) ?? parseVersion(config.pss?.version));
  const pssCache = new Map<string, ReturnType<CheckContext['pssFor']>>();
  // Each of the ~19 Pod Security policies asks for the resource being checked: the last answer is kept.
  let lastPssResource: K8sResource | undefined;
  let lastPss: ReturnType<CheckContext['pssFor']> | undefined;
  const pssFor: CheckContext['pssFor'] = (r) => {
    if (r === lastPssResource) return lastPss!;
    lastPssResource = r;
    const ns = index.namespaceOf(r);
    const hit = pssCache.get(ns);
    if (hit) return (lastPss = hit);
    const labels = index.namespaceLabelsOf(ns) ?? {};
    const level: PssLevel | 'privileged' = explicitLevel ?? parseLevel(labels[LEVEL_LABEL]) ?? 'restricted';
    const version: PssVersion = explicitVersion ?? asOfCluster(parseVersion(labels[VERSION_LABEL])) ?? latest;
    const value = { level, version, active: activeChecks(level, version) };
    pssCache.set(ns, value);
    return (lastPss = value);
  };
  const ctx: CheckContext = { index, settings, environment, pssFor, policyIds: POLICY_IDS };

  const { byKind, wildcard } = policiesByKind(config, options.only, options.config === undefined);
  const exemptions = config.exemptions ?? [];
  const positions = options.positions ?? 'auto';
  const findings: Finding[] = [];
  for (let ri = 0; ri < resources.length; ri++) {
    const r = resources[ri]!;
    const list = byKind.get(r.kind) ?? wildcard;
    // Looked up once per resource that has findings: most have no exemption annotation at all.
    let ignorable: boolean | undefined;
    for (let pi = 0; pi < list.length; pi++) {
      const { policy, severity } = list[pi]!;
      const violations = policy.check(r, ctx);
      if (violations.length === 0) continue;
      const reason = (ignorable ??= hasIgnoreAnnotation(r)) ? annotationReason(r, policy.meta.id) : undefined;
      for (let vi = 0; vi < violations.length; vi++) findings.push(toFinding(r, policy, severity, violations[vi]!, reason, positions, exemptions, index));
    }
  }
  return findings.sort(compareByStream);
}
