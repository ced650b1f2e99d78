/**
 * Dev-time measurement (run by hand, never by `npm test`): how often our policies give the same verdict
 * as Polaris, kube-linter, kube-score, Checkov and Kyverno on THEIR OWN test fixtures, for the checks
 * that mean the same thing.
 *
 *   npx tsx scripts/upstream-agreement.ts <dir holding owner+name git mirrors> [--json] [--by-check]
 *
 * The mirrors are read with git (no work tree): FairwindsOps/polaris, stackrox/kube-linter,
 * zegl/kube-score, bridgecrewio/checkov, kyverno/policies (the `fetch` tool's /work/.mirror layout,
 * `<root>/<owner>+<name>/repo`). Nothing fetched is written anywhere.
 *
 * Mapping: a policy's `meta.equivalents` ("similar checks" in docs/policies.md) names the upstream
 * checks it corresponds to; an upstream check is compared when at least one policy cites it, and our
 * verdict is "fail" when any of the citing policies reports the object (any severity, exemptions
 * none — upstream fixtures carry no nexus annotations).
 *
 * Settings that make the checks comparable (printed in the report header): every cited policy is
 * enabled, also the opt-in ones (resources-cpu-limit, priority-class-name, resources-ephemeral-storage,
 * run-as-high-uid); the render's environment is `upstream-agreement`, in which images must be pinned by
 * digest (Checkov CKV_K8S_43) and single replicas are not allowed; no namespace is given (manifests
 * without one are in an unknown namespace, as for `nexus validate` of plain files); Pod Security level
 * restricted (latest).
 *
 * Ground truth per tool:
 * - Polaris: test/checks/<check>/success*.yaml pass, failure*.yaml fail (one case per file).
 * - kube-linter: tests/checks/<file> with the e2etests/bats-tests.sh expectations of the `--include <check>`
 *   run; one case per object of the kinds the check's scope names (pkg/builtinchecks/yamls), reported
 *   when a message names it (`Kind name:`, its quoted container or name) or, failing that, when it is the
 *   only candidate of its kind; objects that can't be attributed are counted as unresolved, not guessed.
 * - kube-score: score/*_test.go `testExpectedScore(…, "<file>", "<check name>", grade)` and the
 *   `testExpectedScoreWithConfig` calls on one literal file; Critical/Warning fail, AllOK/0 (skipped) pass.
 *   Run options we model: MinReplicasDeployment/MinReplicasHPA (settings.minReplicas) and
 *   IgnoreContainerCpuLimitRequirement (resources-cpu-limit off); calls with other options are skipped.
 * - Checkov: tests/kubernetes/checks/example_<X>/ files whose name says PASSED or FAILED (the check is
 *   the one test_<X>.py imports); other files (UNKNOWN, mixed) are skipped.
 * - Kyverno: the chainsaw fixtures of each cited policy (`*good*.yaml` admitted, `*bad*.yaml` rejected),
 *   one case per document; pod-security/ is reported apart from the other folders.
 */
import { load, loadAll } from 'js-yaml';
import { evaluatePolicies } from '../policies/engine.ts';
import { POLICIES } from '../policies/index.ts';
import type { PolicyConfig } from '../policies/config.ts';
import type { K8sResource } from '../core/types.ts';
import { openRepo, type Repo } from './upstream-facts.ts';

type Verdict = 'fail' | 'pass';

interface Case {
  tool: string;
  check: string;
  /** Upstream fixture path, with `#kind/name` (or `#docIndex`) when the case is one object of a file. */
  fixture: string;
  resources: K8sResource[];
  /** docIndexes whose findings count for this case (all when undefined). */
  targets?: ReadonlySet<number>;
  /**
   * Objects whose findings stand for the target's, where upstream reports on another object than we do:
   * the role a binding binds (kube-linter reports RBAC on bindings), the workload an HPA scales.
   */
  proxies?: { kind: string; name: string }[];
  expected: Verdict;
  settings?: PolicyConfig['settings'];
  disable?: string[];
  /** Pod Security version the upstream check implements (Kyverno's library: before 1.31). */
  pssVersion?: string;
}

interface Skip {
  tool: string;
  reason: string;
  fixture: string;
}

const ENVIRONMENT = 'upstream-agreement';
const WORKLOAD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob'];

/** tool → upstream id → our policy ids (from `meta.equivalents`, qualifiers like "(partial)" dropped). */
function equivalents(): Map<string, Map<string, string[]>> {
  const out = new Map<string, Map<string, string[]>>();
  for (const p of POLICIES) {
    for (const e of p.meta.equivalents ?? []) {
      const m = /^([a-z-]+):(\S+)$/.exec(e);
      // A qualified citation ("(partial)", "(names only)") is not the same check: not compared.
      if (!m) continue;
      const [, tool, id] = m as unknown as [string, string, string];
      let byId = out.get(tool);
      if (!byId) out.set(tool, (byId = new Map()));
      const l = byId.get(id) ?? [];
      if (!l.includes(p.meta.id)) l.push(p.meta.id);
      byId.set(id, l);
    }
  }
  return out;
}

function toResources(text: string, source: string): K8sResource[] {
  const docs = text.trimStart().startsWith('{') || text.trimStart().startsWith('[') ? [JSON.parse(text)] : loadAll(text);
  const out: K8sResource[] = [];
  docs.forEach((d, docIndex) => {
    const items = d && typeof d === 'object' && (d as { kind?: string }).kind === 'List' ? ((d as { items?: unknown[] }).items ?? []) : [d];
    for (const o of items) {
      if (!o || typeof o !== 'object' || Array.isArray(o)) continue;
      const obj = o as Record<string, unknown> & { metadata?: { name?: string; namespace?: string } };
      if (typeof obj.kind !== 'string') continue;
      out.push({
        source,
        docIndex: out.length === docIndex ? docIndex : out.length,
        line: 1,
        apiVersion: String(obj.apiVersion ?? ''),
        kind: obj.kind,
        name: String(obj.metadata?.name ?? ''),
        ...(obj.metadata?.namespace ? { namespace: obj.metadata.namespace } : {}),
        object: obj,
      });
    }
  });
  // docIndex must be unique per resource (List items are flattened).
  out.forEach((r, i) => (r.docIndex = i));
  return out;
}

function safeResources(repo: Repo, path: string, skips: Skip[], tool: string): K8sResource[] | undefined {
  try {
    return toResources(repo.show(path), path);
  } catch (e) {
    skips.push({ tool, fixture: path, reason: `unparseable: ${(e as Error).message.split('\n')[0]}` });
    return undefined;
  }
}

// ---------------------------------------------------------------- Polaris
function polarisCases(repo: Repo, map: Map<string, string[]>, skips: Skip[]): Case[] {
  const cases: Case[] = [];
  for (const f of repo.files('test/checks/')) {
    const m = /^test\/checks\/([^/]+)\/(success|failure)[^/]*\.(ya?ml|json)$/.exec(f);
    if (!m) continue;
    const check = m[1]!;
    if (!map.has(check)) continue;
    const resources = safeResources(repo, f, skips, 'polaris');
    if (!resources) continue;
    cases.push({ tool: 'polaris', check, fixture: f, resources, expected: m[2] === 'failure' ? 'fail' : 'pass' });
  }
  return cases;
}

// ---------------------------------------------------------------- kube-linter
interface BatsTest {
  check: string;
  file: string;
  count: number | undefined;
  messages: { kind: string; name?: string; text: string }[];
}

function batsTests(repo: Repo): BatsTest[] {
  const text = repo.show('e2etests/bats-tests.sh');
  const out: BatsTest[] = [];
  for (const block of text.split(/^@test /m).slice(1)) {
    const cmd = /cmd="([^"\n]*)"/.exec(block)?.[1] ?? '';
    const include = /--include ([a-z0-9-]+)/.exec(cmd)?.[1];
    const file = /tmp="([^"]+)"/.exec(block)?.[1];
    if (!include || !file || cmd.includes('--config')) continue;
    const count = /\$\{count\}" == "(\d+)"/.exec(block)?.[1];
    const messages: BatsTest['messages'] = [];
    for (const m of block.matchAll(/\$\{message\d+\}" (?:==|=~) "((?:[^"\\]|\\.)*)"/g)) {
      const raw = m[1]!.replace(/\\(.)/g, '$1');
      const h = /^([A-Za-z]+)(?: ([^:\s]+))?: (.*)$/s.exec(raw);
      if (h) messages.push({ kind: h[1]!, ...(h[2] ? { name: h[2] } : {}), text: h[3]! });
    }
    out.push({ check: include, file, count: count === undefined ? undefined : Number(count), messages });
  }
  return out;
}

const KL_KIND_GROUPS: Record<string, string[]> = {
  DeploymentLike: WORKLOAD_KINDS,
  JobLike: ['Job', 'CronJob'],
};

/** kube-linter's default parameters of the checks whose threshold our settings express. */
const KUBE_LINTER_SETTINGS: Record<string, PolicyConfig['settings']> = {
  'minimum-three-replicas': { minReplicas: 3 },
  'hpa-minimum-three-replicas': { minReplicas: 3 },
};

function kubeLinterScope(repo: Repo, check: string): string[] | undefined {
  for (const f of repo.files('pkg/builtinchecks/yamls/')) {
    const doc = load(repo.show(f)) as { name?: string; scope?: { objectKinds?: string[] } };
    if (doc?.name !== check) continue;
    return (doc.scope?.objectKinds ?? []).flatMap((k) => KL_KIND_GROUPS[k] ?? [k]);
  }
  return undefined;
}

function containerNames(r: K8sResource): string[] {
  const spec = (r.kind === 'Pod' ? r.object.spec : r.kind === 'CronJob' ? (r.object as any).spec?.jobTemplate?.spec?.template?.spec : (r.object as any).spec?.template?.spec) as
    | { containers?: { name?: string }[]; initContainers?: { name?: string }[] }
    | undefined;
  return [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])].map((c) => c?.name).filter((n): n is string => typeof n === 'string');
}

function kubeLinterCases(repo: Repo, map: Map<string, string[]>, skips: Skip[]): Case[] {
  const cases: Case[] = [];
  for (const t of batsTests(repo)) {
    if (!map.has(t.check)) continue;
    const scope = kubeLinterScope(repo, t.check);
    const resources = safeResources(repo, t.file, skips, 'kube-linter');
    if (!resources || !scope) continue;
    const candidates = resources.filter((r) => scope.includes(r.kind));
    const listed = t.messages.length;
    const unlisted = t.count !== undefined && t.count > listed;
    const reported = new Set<number>();
    const unresolvedKinds = new Set<string>();
    const unresolvedCount = new Map<string, number>();
    for (const msg of t.messages) {
      const ofKind = candidates.filter((r) => r.kind === msg.kind);
      let hit = msg.name ? ofKind.filter((r) => r.name === msg.name) : [];
      if (!hit.length) hit = ofKind.filter((r) => containerNames(r).some((c) => msg.text.includes(`"${c}"`)));
      if (hit.length !== 1) hit = ofKind.filter((r) => r.name && new RegExp(`(^|[\\s"({\\[])${r.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([\\s")}\\],.]|$)`).test(msg.text));
      if (hit.length !== 1) {
        const notDontFire = ofKind.filter((r) => !/dont-fire|should-pass|good|valid/.test(r.name));
        hit = notDontFire.length === 1 ? notDontFire : [];
      }
      if (hit.length === 1) reported.add(hit[0]!.docIndex);
      else if (ofKind.length) unresolvedCount.set(msg.kind, (unresolvedCount.get(msg.kind) ?? 0) + 1);
    }
    // Messages that name no object ("no pods found matching service labels") still pin the objects down
    // when they are as many as the candidates of their kind not named dont-fire and not attributed yet.
    for (const [kind, n] of unresolvedCount) {
      const rest = candidates.filter((r) => r.kind === kind && !reported.has(r.docIndex) && !/dont-fire|should-pass|good|valid/.test(r.name));
      if (!unlisted && rest.length === n) for (const r of rest) reported.add(r.docIndex);
      else unresolvedKinds.add(kind);
    }
    for (const r of candidates) {
      const id = `${t.file}#${r.kind}/${r.name}`;
      if (!reported.has(r.docIndex) && (unresolvedKinds.has(r.kind) || unlisted) && !/dont-fire|should-pass|good|valid/.test(r.name)) {
        skips.push({ tool: 'kube-linter', fixture: id, reason: `${t.check}: report not attributable to one object` });
        continue;
      }
      const c: Case = { tool: 'kube-linter', check: t.check, fixture: id, resources, targets: new Set([r.docIndex]), expected: reported.has(r.docIndex) ? 'fail' : 'pass' };
      const settings = KUBE_LINTER_SETTINGS[t.check];
      if (settings) c.settings = settings;
      const proxy = proxyOf(r);
      if (proxy) c.proxies = [proxy];
      cases.push(c);
    }
  }
  return cases;
}

/** The object our policies judge for what upstream reports on `r` (see Case.proxies). */
function proxyOf(r: K8sResource): { kind: string; name: string } | undefined {
  const ref =
    r.kind === 'RoleBinding' || r.kind === 'ClusterRoleBinding'
      ? (r.object as { roleRef?: { kind?: string; name?: string } }).roleRef
      : r.kind === 'HorizontalPodAutoscaler'
        ? (r.object as { spec?: { scaleTargetRef?: { kind?: string; name?: string } } }).spec?.scaleTargetRef
        : undefined;
  return ref?.kind && ref.name ? { kind: ref.kind, name: ref.name } : undefined;
}

// ---------------------------------------------------------------- kube-score
const GRADES: Record<string, Verdict> = { GradeCritical: 'fail', GradeWarning: 'fail', GradeAlmostOK: 'pass', GradeAllOK: 'pass', '0': 'pass' };

function kubeScoreCases(repo: Repo, map: Map<string, string[]>, skips: Skip[]): Case[] {
  const cases: Case[] = [];
  const seen = new Set<string>();
  for (const f of repo.files('score/')) {
    if (!/^score\/[^/]+_test\.go$/.test(f)) continue;
    const src = repo.show(f);
    const calls: { file: string; name: string; grade: string; options: string }[] = [];
    for (const m of src.matchAll(/testExpectedScore\(t,\s*"([^"]+)",\s*"([^"]+)",\s*(?:scorecard\.)?(\w+)\)/g)) calls.push({ file: m[1]!, name: m[2]!, grade: m[3]!, options: '' });
    for (const m of src.matchAll(/testExpectedScoreWithConfig\(\s*t,\s*\[\]ks\.NamedReader\{testFile\("([^"]+)"\)\},\s*nil,\s*&config\.RunConfiguration\{([^}]*)\},\s*"([^"]+)",\s*(?:scorecard\.)?(\w+)\)/g))
      calls.push({ file: m[1]!, name: m[3]!, grade: m[4]!, options: m[2]! });
    for (const call of calls) {
      const check = call.name.toLowerCase().replace(/ /g, '-');
      if (!map.has(check)) continue;
      const expected = GRADES[call.grade];
      const path = `score/testdata/${call.file}`;
      const key = `${check} ${path} ${call.options.replace(/\s+/g, ' ').trim()}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (!expected) {
        skips.push({ tool: 'kube-score', fixture: path, reason: `${check}: grade ${call.grade}` });
        continue;
      }
      const c: Case = { tool: 'kube-score', check, fixture: path, resources: [], expected };
      const opts = call.options.replace(/\s+/g, ' ').trim();
      let unknownOption = false;
      for (const [, k, v] of opts.matchAll(/(\w+):\s*([^,]+),?/g)) {
        if (k === 'MinReplicasDeployment' || k === 'MinReplicasHPA') c.settings = { minReplicas: Number(v) };
        else if (k === 'IgnoreContainerCpuLimitRequirement' && v!.trim() === 'true') c.disable = ['resources-cpu-limit'];
        else if (k === 'EnabledOptionalTests' || k === 'KubernetesVersion') continue;
        else unknownOption = true;
      }
      if (unknownOption) {
        skips.push({ tool: 'kube-score', fixture: path, reason: `${check}: run options not modelled (${opts})` });
        continue;
      }
      if (opts) c.fixture = `${path} {${opts}}`;
      const resources = safeResources(repo, path, skips, 'kube-score');
      if (!resources) continue;
      c.resources = resources;
      cases.push(c);
    }
  }
  return cases;
}

// ---------------------------------------------------------------- Checkov
function checkovCases(repo: Repo, map: Map<string, string[]>, skips: Skip[]): Case[] {
  const cases: Case[] = [];
  const ids = new Map<string, string>();
  for (const f of repo.files('checkov/kubernetes/checks/resource/k8s/')) {
    const id = /\bid\s*=\s*"(CKV2?_K8S_\d+)"/.exec(repo.show(f))?.[1];
    if (id) ids.set(f.replace(/^.*\//, '').replace(/\.py$/, ''), id);
  }
  for (const f of repo.files('tests/kubernetes/checks/')) {
    if (!/\/test_[^/]+\.py$/.test(f)) continue;
    const src = repo.show(f);
    const mod = /from checkov\.kubernetes\.checks\.resource\.k8s\.(\w+) import check/.exec(src)?.[1];
    const dir = /"\/(example_\w+)"/.exec(src)?.[1];
    const id = mod ? ids.get(mod) : undefined;
    if (!id || !dir || !map.has(id)) continue;
    for (const fx of repo.files(`tests/kubernetes/checks/${dir}/`)) {
      const base = fx.replace(/^.*\//, '');
      if (!/\.(ya?ml|json)$/.test(base)) continue;
      const pass = /pass(ed)?/i.test(base);
      const fail = /fail(ed)?/i.test(base);
      if (pass === fail) {
        skips.push({ tool: 'checkov', fixture: fx, reason: `${id}: file name says neither PASSED nor FAILED` });
        continue;
      }
      if (/checkov:skip=/.test(repo.show(fx))) {
        skips.push({ tool: 'checkov', fixture: fx, reason: `${id}: checkov:skip suppression annotations (Checkov's own exemption syntax)` });
        continue;
      }
      const resources = safeResources(repo, fx, skips, 'checkov');
      if (!resources) continue;
      cases.push({ tool: 'checkov', check: id, fixture: fx, resources, expected: fail ? 'fail' : 'pass' });
    }
  }
  return cases;
}

// ---------------------------------------------------------------- Kyverno
function kyvernoCases(repo: Repo, map: Map<string, string[]>, skips: Skip[]): Case[] {
  const cases: Case[] = [];
  const files = repo.files('');
  for (const name of map.keys()) {
    const all = [...new Set(files.filter((f) => new RegExp(`(^|/)${name}/\\.chainsaw-test/[^/]+$`).test(f)).map((f) => f.replace(/\/\.chainsaw-test\/[^/]+$/, '')))];
    // The library keeps CEL/ValidatingPolicy translations of each policy (pod-security-cel/, other-vpol/…)
    // with the same fixtures: the original folder only, so no fixture counts three times.
    const canonical = all.filter((d) => !/^[^/]+-(cel|vpol|mpol|gpol|ivpol|dpol)\//.test(d));
    const dirs = canonical.length ? canonical : all.slice(0, 1);
    for (const dir of dirs) {
      const tool = dir.startsWith('pod-security/') ? 'kyverno-pod-security' : 'kyverno-other';
      const inDir = files.filter((f) => f.startsWith(`${dir}/.chainsaw-test/`) && /\.ya?ml$/.test(f));
      // Objects the chainsaw test applies before the checked ones (a PodDisruptionBudget, a Namespace).
      const context = inDir
        .filter((f) => !/(good|bad)[^/]*$|chainsaw-|assert|policy-ready|kyverno-test/.test(f.replace(/^.*\//, '')))
        .flatMap((f) => safeResources(repo, f, skips, tool) ?? []);
      for (const fx of inDir.filter((f) => /(good|bad)[^/]*\.ya?ml$/.test(f))) {
        const own = safeResources(repo, fx, skips, tool);
        if (!own) continue;
        const resources = [...own, ...context.map((r, i) => ({ ...r, docIndex: own.length + i }))];
        const expected: Verdict = /bad[^/]*$/.test(fx) ? 'fail' : 'pass';
        for (const r of own) {
          if (r.kind === 'Namespace') continue;
          cases.push({ tool, check: name, fixture: `${fx}#${r.kind}/${r.name}`, resources, targets: new Set([r.docIndex]), expected, ...(tool === 'kyverno-pod-security' ? { pssVersion: 'v1.30' } : {}) });
        }
      }
    }
  }
  return cases;
}

// ---------------------------------------------------------------- our verdict
function ours(c: Case, policies: string[]): { verdict: Verdict; fired: string[] } {
  const enabled = policies.filter((p) => !c.disable?.includes(p));
  const config: PolicyConfig = {
    environment: ENVIRONMENT,
    settings: { requireCpuLimit: !c.disable?.includes('resources-cpu-limit'), requireDigestIn: [ENVIRONMENT], ...(c.settings ?? {}) },
    policies: Object.fromEntries(enabled.map((p) => [p, { enabled: true }])),
  };
  // Pod Security checks of the baseline level run at baseline: at restricted, PSA replaces some of them by
  // their restricted counterparts (capabilities, seccomp, procMount, host paths), which are cited apart.
  const levels = enabled.map((id) => POLICIES.find((p) => p.meta.id === id)?.meta.pss?.level).filter(Boolean);
  const pssLevel = levels.length && levels.every((l) => l === 'baseline') ? 'baseline' : 'restricted';
  const findings = evaluatePolicies(c.resources, { only: enabled, config, positions: false, pssLevel, ...(c.pssVersion ? { pssVersion: c.pssVersion } : {}) }).filter((f) => !f.exemption);
  const proxyDocs = new Set((c.proxies ?? []).flatMap((b) => c.resources.filter((r) => r.kind === b.kind && r.name === b.name).map((r) => r.docIndex)));
  const counts = (doc: number | undefined) => doc !== undefined && (!c.targets || c.targets.has(doc) || proxyDocs.has(doc));
  const fired = [...new Set(findings.filter((f) => counts(f.docIndex)).map((f) => f.policyId))].sort();
  return { verdict: fired.length ? 'fail' : 'pass', fired };
}

// ---------------------------------------------------------------- main
interface Row {
  tool: string;
  compared: number;
  agree: number;
  skipped: number;
  disagreements: { check: string; fixture: string; upstream: Verdict; ours: Verdict; policies: string[]; fired: string[] }[];
  byCheck: Map<string, { compared: number; agree: number }>;
}

function main(): void {
  const args = process.argv.slice(2);
  const root = args.find((a) => !a.startsWith('--'));
  if (!root) {
    process.stderr.write('usage: npx tsx scripts/upstream-agreement.ts <dir with owner+name git mirrors> [--json] [--by-check]\n');
    process.exit(2);
  }
  const eq = equivalents();
  const skips: Skip[] = [];
  const sources: Record<string, { repository: string; commit: string; version: string }> = {};
  const cases: Case[] = [];
  const tools: [string, string, (r: Repo, m: Map<string, string[]>, s: Skip[]) => Case[], string][] = [
    ['polaris', 'FairwindsOps/polaris', polarisCases, 'polaris'],
    ['kube-linter', 'stackrox/kube-linter', kubeLinterCases, 'kube-linter'],
    ['kube-score', 'zegl/kube-score', kubeScoreCases, 'kube-score'],
    ['checkov', 'bridgecrewio/checkov', checkovCases, 'checkov'],
    ['kyverno', 'kyverno/policies', kyvernoCases, 'kyverno'],
  ];
  for (const [name, slug, build, eqTool] of tools) {
    let repo: Repo;
    try {
      repo = openRepo(root, slug);
    } catch (e) {
      process.stderr.write(`${(e as Error).message}\n`);
      process.exit(2);
    }
    const { repository, commit, version } = repo.source('');
    sources[name] = { repository, commit, version };
    cases.push(...build(repo, eq.get(eqTool) ?? new Map(), skips));
  }

  const rows = new Map<string, Row>();
  const row = (tool: string) => {
    let r = rows.get(tool);
    if (!r) rows.set(tool, (r = { tool, compared: 0, agree: 0, skipped: 0, disagreements: [], byCheck: new Map() }));
    return r;
  };
  for (const c of cases) {
    const eqTool = c.tool.startsWith('kyverno') ? 'kyverno' : c.tool;
    const policies = eq.get(eqTool)!.get(c.check)!;
    const kinds = new Set(policies.flatMap((id) => POLICIES.find((p) => p.meta.id === id)!.meta.kinds));
    const targets = c.resources.filter((r) => !c.targets || c.targets.has(r.docIndex));
    const proxied = (c.proxies ?? []).some((p) => kinds.has(p.kind));
    if (!kinds.has('*') && !proxied && !targets.some((r) => kinds.has(r.kind))) {
      skips.push({ tool: c.tool, fixture: c.fixture, reason: `${c.check}: no object of a kind our policies check (${[...new Set(targets.map((r) => r.kind))].join(', ') || 'none'})` });
      continue;
    }
    const { verdict, fired } = ours(c, policies);
    const r = row(c.tool);
    r.compared++;
    const bc = r.byCheck.get(c.check) ?? { compared: 0, agree: 0 };
    bc.compared++;
    if (verdict === c.expected) {
      r.agree++;
      bc.agree++;
    } else r.disagreements.push({ check: c.check, fixture: c.fixture, upstream: c.expected, ours: verdict, policies: [...policies].sort(), fired });
    r.byCheck.set(c.check, bc);
  }
  for (const s of skips) row(s.tool).skipped++;

  const order = ['polaris', 'kube-linter', 'kube-score', 'checkov', 'kyverno-pod-security', 'kyverno-other'];
  const sorted = [...rows.values()].sort((a, b) => order.indexOf(a.tool) - order.indexOf(b.tool));
  for (const r of sorted) r.disagreements.sort((a, b) => (a.check < b.check ? -1 : a.check > b.check ? 1 : a.fixture < b.fixture ? -1 : a.fixture > b.fixture ? 1 : 0));
  const pct = (r: { compared: number; agree: number }) => (r.compared ? ((100 * r.agree) / r.compared).toFixed(1) : '-');

  if (args.includes('--json')) {
    const json = {
      sources,
      tools: sorted.map((r) => ({
        tool: r.tool,
        compared: r.compared,
        agree: r.agree,
        disagree: r.compared - r.agree,
        percent: Number(pct(r)),
        skipped: r.skipped,
        disagreements: r.disagreements,
      })),
    };
    process.stdout.write(`${JSON.stringify(json, null, 1)}\n`);
    return;
  }
  const out: string[] = [];
  out.push('Upstream agreement (exact verdict on the checks our policies cite as similar)');
  out.push(`Settings: every cited policy enabled (opt-in ones too), environment "${ENVIRONMENT}" (digest pinning required, single replicas not allowed), no namespace given, Pod Security baseline for baseline-level checks else restricted (latest).`);
  for (const [name, s] of Object.entries(sources).sort()) out.push(`  ${name}: ${s.repository} ${s.version} (${s.commit})`);
  out.push('');
  out.push('| tool | compared | agree | disagree | exact agreement | skipped |');
  out.push('|---|---|---|---|---|---|');
  for (const r of sorted) out.push(`| ${r.tool} | ${r.compared} | ${r.agree} | ${r.compared - r.agree} | ${pct(r)} % | ${r.skipped} |`);
  if (args.includes('--by-check')) {
    for (const r of sorted) {
      out.push('', `${r.tool} by check:`);
      for (const [check, bc] of [...r.byCheck].sort(([a], [b]) => (a < b ? -1 : 1))) out.push(`  ${check}: ${bc.agree}/${bc.compared} (${pct(bc)} %)`);
    }
  }
  for (const r of sorted) {
    out.push('', `${r.tool}: ${r.disagreements.length} disagreement(s)`);
    for (const d of r.disagreements) out.push(`  ${d.check}  ${d.fixture}  upstream=${d.upstream} ours=${d.ours}  [${d.ours === 'fail' ? d.fired.join(',') : d.policies.join(',')}]`);
  }
  if (args.includes('--skips')) {
    out.push('', 'Skipped:');
    for (const s of [...skips].sort((a, b) => (a.tool + a.fixture < b.tool + b.fixture ? -1 : 1))) out.push(`  ${s.tool} ${s.fixture}: ${s.reason}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

main();
