/**
 * Suite `apiserver`: the validator against the verdicts of a real kube-apiserver
 * (`../shared/conformance/apiserver`, see its README). Every case is one manifest with the server's
 * verdict (accepted, warning, rejected), the field paths it named as JSON pointers, and what the
 * controllers did next with the objects it accepted.
 *
 * The manifests are validated the way a user would (`nexus validate --kube-version <server minor>
 * --no-policies --service-cluster-ip-range 10.96.0.0/16`), in one run; Pod Security cases (the server's message names `PodSecurity
 * "<level>:<version>"`) run again with the policies on at that level and version. A case agrees when:
 *  - rejected: an error at one of the server's pointers, or at a parent or child of it; where a
 *    server path is not a JSON path into the manifest (`pointer_in_manifest` false) or the server gave
 *    none, any error on the object;
 *  - warning: a warning at such a pointer (any warning when there is no usable pointer), and no error;
 *  - accepted: no error and no warning;
 *  - accepted or warning, but a controller then failed on the real object (`controller_followup`
 *    warning events): an error, because the workload can never run;
 *  - accepted or warning by `--dry-run=server`, but refused by a real create (`alt.real_create`, a
 *    dry-run artefact such as a nodePort outside the range, which only the real allocator checks): an
 *    error, because the install would fail.
 * For Pod Security cases, the finding must come from a Pod Security policy; a Pod Security warning on a
 * workload (its pods would be refused) agrees with a Pod Security error.
 * The root pointer is nobody's parent here: a finding "somewhere in the object" says nothing about a field.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Finding } from '../../core/types.ts';
import { pointerSegments } from '../../core/json-pointer.ts';
import type { ConformanceSuite, SuiteCase, SuiteRun } from './types.ts';

export interface ApiserverCase {
  file: string;
  kind: string;
  namespace?: string | null;
  verdict: 'accepted' | 'warning' | 'rejected';
  pointers: string[];
  pointer_in_manifest: boolean[];
  message: string;
  stage?: string | null;
  controller_followup?: { warning_events?: Array<{ reason?: string; message?: string }> } | null;
  alt?: { real_create?: { verdict?: string } | null } | null;
}

export interface ApiserverIndex {
  server: string;
  cases: ApiserverCase[];
}

export type Expectation =
  | { want: 'clean' }
  | { want: 'error' | 'warning'; pointers: string[] | 'any'; podSecurity: boolean; controller?: string };

const PSA_RE = /PodSecurity "(privileged|baseline|restricted):([\w.]+)"/;

/** The Pod Security level and version the server enforced, when the case is about Pod Security. */
export function podSecurityOf(c: ApiserverCase): { level: 'privileged' | 'baseline' | 'restricted'; version: string } | undefined {
  const m = PSA_RE.exec(c.message);
  return m ? { level: m[1] as 'privileged' | 'baseline' | 'restricted', version: m[2]! } : undefined;
}

export function controllerFailure(c: ApiserverCase): string | undefined {
  const ev = c.controller_followup?.warning_events ?? [];
  return ev.length ? (ev[0]!.reason ?? 'Warning') : undefined;
}

/** What the validator must report for a case to agree with the server. */
export function expectationOf(c: ApiserverCase): Expectation {
  const podSecurity = podSecurityOf(c) !== undefined;
  const usable = c.pointers.length > 0 && c.pointers.every((_, i) => c.pointer_in_manifest[i] !== false);
  const pointers = usable ? c.pointers : 'any';
  const controller = c.verdict !== 'rejected' ? controllerFailure(c) : undefined;
  if (controller) return { want: 'error', pointers: 'any', podSecurity, controller };
  if (c.verdict !== 'rejected' && c.alt?.real_create?.verdict === 'rejected') return { want: 'error', pointers: 'any', podSecurity, controller: 'refused by a real create' };
  if (c.verdict === 'accepted') return { want: 'clean' };
  // A Pod Security warning on a workload means its pods will be refused: our error agrees with it.
  if (c.verdict === 'warning' && !podSecurity) return { want: 'warning', pointers, podSecurity };
  return { want: 'error', pointers, podSecurity };
}

/** `a` is `b`, or a parent or child of it (segment-wise); the root relates to nothing. */
export function pointersRelated(a: string, b: string): boolean {
  const sa = pointerSegments(a);
  const sb = pointerSegments(b);
  if (sa.length === 0 || sb.length === 0) return false;
  const n = Math.min(sa.length, sb.length);
  for (let i = 0; i < n; i++) if (sa[i] !== sb[i]) return false;
  return true;
}

const fmt = (f: Finding) => `${f.severity} ${f.policyId} at ${f.jsonPointer ?? '(object)'}`;

/** Whether `findings` (this case's findings, already filtered to the stages that count) agree. */
export function judge(e: Expectation, findings: readonly Finding[]): { ok: boolean; detail: string } {
  const errors = findings.filter((f) => f.severity === 'error' && !f.exemption);
  const warnings = findings.filter((f) => f.severity === 'warning' && !f.exemption);
  const got = findings.length ? findings.filter((f) => !f.exemption).map(fmt).join('; ') : 'nothing';
  if (e.want === 'clean') {
    const noisy = [...errors, ...warnings];
    return { ok: noisy.length === 0, detail: `expected accepted, got ${noisy.length ? noisy.map(fmt).join('; ') : 'nothing'}` };
  }
  const where = e.pointers === 'any' ? 'on the object' : `at ${e.pointers.join(' or ')}`;
  const at = (f: Finding) => e.pointers === 'any' || (f.jsonPointer !== undefined && e.pointers.some((p) => pointersRelated(p, f.jsonPointer!)));
  const why = e.controller ? ` (accepted, then the controller failed: ${e.controller})` : '';
  if (e.want === 'error') {
    const ok = errors.some(at);
    return { ok, detail: `expected ${e.podSecurity ? 'a Pod Security ' : 'an '}error ${where}${why}, got ${got}` };
  }
  const ok = errors.length === 0 && warnings.some(at);
  return { ok, detail: `expected a warning ${where} and no error, got ${got}` };
}

export function readApiserverIndex(dir: string): ApiserverIndex {
  const file = join(dir, 'index.json');
  if (!existsSync(file)) throw new Error(`no index.json in ${dir}`);
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<ApiserverIndex>;
  if (typeof parsed.server !== 'string' || !Array.isArray(parsed.cases)) throw new Error(`${file} is not an apiserver corpus index (needs "server" and "cases")`);
  return parsed as ApiserverIndex;
}

/** `v1.32.13` → `1.32` (the corpus is validated against its server's minor version). */
export function kubeMinorOf(server: string): string {
  const m = /^v?(\d+)\.(\d+)/.exec(server);
  if (!m) throw new Error(`cannot read a Kubernetes version from the index's server "${server}"`);
  return `${m[1]}.${m[2]}`;
}

/**
 * The corpus server's cluster flags (its README, "Server"): what a user would pass to `nexus validate`
 * for that cluster. Fixed clusterIPs are checked against the service range only when it is known. The
 * cluster is new: no RuntimeClasses, the system PriorityClasses, and each namespace's `default`
 * ServiceAccount only (`--cluster-objects /dev/null`).
 */
export const CORPUS_CLUSTER = { serviceClusterIPRange: '10.96.0.0/16', serviceNodePortRange: '30000-32767', clusterObjects: [] as string[] };

export const apiserverSuite: ConformanceSuite = {
  id: 'apiserver',
  corpus: 'apiserver',
  description: 'the validator vs the verdicts of a real kube-apiserver on single-fault manifests',
  breakdown: ['verdict', 'kind'],
  async run(dir: string): Promise<SuiteRun> {
    const index = readApiserverIndex(dir);
    const kubeVersion = kubeMinorOf(index.server);
    const { validate } = await import('../run.ts');
    const sourceOf = (f: Finding) => (f.source === undefined ? '' : resolve(process.cwd(), f.source));
    const group = (list: readonly Finding[]) => {
      const by = new Map<string, Finding[]>();
      for (const f of list) {
        const k = sourceOf(f);
        const l = by.get(k);
        if (l) l.push(f);
        else by.set(k, [f]);
      }
      return by;
    };
    const abs = (c: ApiserverCase) => resolve(dir, c.file);
    const main = await validate({ version: 'conformance', manifests: index.cases.map(abs), kubeVersion, policies: false, lint: false, ...CORPUS_CLUSTER });
    const byFile = group(main.findings);

    // Pod Security cases again, with the policies on, per level and version the server enforced.
    const pssByFile = new Map<string, Finding[]>();
    const runs = new Map<string, ApiserverCase[]>();
    for (const c of index.cases) {
      const p = podSecurityOf(c);
      if (!p) continue;
      const k = `${p.level}:${p.version}`;
      runs.set(k, [...(runs.get(k) ?? []), c]);
    }
    for (const [k, list] of [...runs].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const [level, version] = k.split(':') as ['privileged' | 'baseline' | 'restricted', string];
      const r = await validate({ version: 'conformance', manifests: list.map(abs), kubeVersion, lint: false, pssLevel: level, pssVersion: version });
      const pssRules = new Set(r.rules.filter((x) => x.category === 'pod-security').map((x) => x.id));
      for (const [file, fs] of group(r.findings.filter((f) => pssRules.has(f.policyId)))) pssByFile.set(file, fs);
    }

    const cases: SuiteCase[] = index.cases.map((c) => {
      const e = expectationOf(c);
      const findings = e.want !== 'clean' && e.podSecurity ? (pssByFile.get(abs(c)) ?? []) : (byFile.get(abs(c)) ?? []);
      const { ok, detail } = judge(e, findings);
      return { id: c.file, ok, detail, groups: { verdict: c.verdict, kind: c.kind } };
    });
    cases.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { figures: [{ key: 'apiserver', label: 'apiserver', agreed: cases.filter((c) => c.ok).length, total: cases.length }], cases };
  },
};
