/**
 * The vocabulary of `nexus conformance`: a suite replays one corpus of upstream verdicts through our
 * checks and reports how often we agree. Suites are registered in registry.ts; the command prints
 * their figures and compares them with the committed baseline (baseline.ts).
 */

/** One agreement figure, e.g. `apiserver: 227/511`. `key` names it in the baseline file. */
export interface Figure {
  key: string;
  label: string;
  agreed: number;
  total: number;
}

/** One case of a suite: whether we agreed, and a one-line account for the listing. */
export interface SuiteCase {
  /** The case's path inside the corpus (stable, sorted). */
  id: string;
  ok: boolean;
  /** e.g. `expected rejected at /spec/replicas, got no error` (shown for disagreements, and with --verbose). */
  detail: string;
  /** Grouping keys for the verbose breakdown, e.g. `{ verdict: 'rejected', kind: 'Deployment' }`. */
  groups: Record<string, string>;
}

export interface SuiteRun {
  /** The suite's figures (most suites have one). */
  figures: Figure[];
  cases: SuiteCase[];
  /** Lines printed under the figure without --verbose (e.g. Pod Security's per level/version counts). */
  summary?: string[];
}

export interface ConformanceSuite {
  /** Stable id: `--suite` value and the baseline key prefix. */
  id: string;
  /** Folder of the corpus under the conformance root (`../shared/conformance/<corpus>`). */
  corpus: string;
  description: string;
  /** Group keys the verbose breakdown shows, in order (each a key of SuiteCase.groups). */
  breakdown: readonly string[];
  /** Loaded on demand, so that `nexus conformance --suite pod-security` never loads the validator. */
  run(dir: string): Promise<SuiteRun>;
}

/** `agreed/total` per value of one group key, sorted by value. */
export function breakdownBy(cases: readonly SuiteCase[], key: string): Array<{ value: string; agreed: number; total: number }> {
  const by = new Map<string, { agreed: number; total: number }>();
  for (const c of cases) {
    const v = c.groups[key];
    if (v === undefined) continue;
    const t = by.get(v) ?? { agreed: 0, total: 0 };
    t.total++;
    if (c.ok) t.agreed++;
    by.set(v, t);
  }
  return [...by].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([value, t]) => ({ value, ...t }));
}
