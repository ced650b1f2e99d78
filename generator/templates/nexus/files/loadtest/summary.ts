/**
 * The end-of-test report: a short text summary and a JUnit XML document (one test case per threshold
 * and per check), built from the data k6 hands to `handleSummary`. Self-contained on purpose: the
 * jslib helpers (textSummary, jUnit) are remote modules fetched at run time, and the pod's egress is
 * closed. Pure, so the unit tests feed it summary data without k6.
 */

/** The parts of k6's summary data this report reads. */
export interface SummaryMetric {
  type: 'counter' | 'gauge' | 'rate' | 'trend';
  contains?: string;
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

export interface SummaryCheck {
  name: string;
  path?: string;
  passes: number;
  fails: number;
}

export interface SummaryGroup {
  name: string;
  checks: SummaryCheck[];
  groups: SummaryGroup[];
}

export interface SummaryData {
  metrics: Record<string, SummaryMetric>;
  root_group: SummaryGroup;
  state: { testRunDurationMs: number };
}

export interface ThresholdResult {
  metric: string;
  expression: string;
  ok: boolean;
  /** The figure the expression compares (e.g. the p(95) for `p(95)<200`), when k6 reported it. */
  observed: number | undefined;
  statistic: string;
}

/** The statistic a threshold expression compares: `p(95)<200` → `p(95)`, `rate<0.001` → `rate`. */
export function thresholdStatistic(expression: string): string {
  const m = /^\s*([a-z]+(?:\(\s*[\d.]+\s*\))?)/.exec(expression);
  return m ? m[1]!.replace(/\s+/g, '') : expression;
}

export function thresholdResults(data: SummaryData): ThresholdResult[] {
  const results: ThresholdResult[] = [];
  for (const metric of Object.keys(data.metrics).sort()) {
    const m = data.metrics[metric]!;
    for (const expression of Object.keys(m.thresholds ?? {}).sort()) {
      const statistic = thresholdStatistic(expression);
      results.push({ metric, expression, ok: m.thresholds![expression]!.ok, observed: m.values[statistic], statistic });
    }
  }
  return results;
}

export function allChecks(group: SummaryGroup, prefix = ''): SummaryCheck[] {
  const here = prefix ? `${prefix}::${group.name}` : group.name;
  return [...group.checks.map((c) => ({ ...c, path: c.path ?? `${here}::${c.name}` })), ...group.groups.flatMap((g) => allChecks(g, here))];
}

function formatFigure(value: number | undefined, metric: SummaryMetric | undefined, statistic: string): string {
  if (value === undefined) return 'no data';
  if (statistic === 'rate' && metric?.type === 'rate') return `${(value * 100).toFixed(3)} %`;
  if (metric?.contains === 'time') return `${value.toFixed(1)} ms`;
  if (Number.isInteger(value)) return String(value);
  return value.toFixed(3);
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

export function junitReport(data: SummaryData, suiteName = 'nexus-loadtest'): string {
  const seconds = (data.state.testRunDurationMs / 1000).toFixed(3);
  const cases: string[] = [];
  let failures = 0;
  for (const r of thresholdResults(data)) {
    const name = xmlEscape(`${r.metric}: ${r.expression}`);
    const figure = formatFigure(r.observed, data.metrics[r.metric], r.statistic);
    if (r.ok) {
      cases.push(`    <testcase classname="thresholds" name="${name}"><system-out>${xmlEscape(`${r.statistic} = ${figure}`)}</system-out></testcase>`);
    } else {
      failures++;
      const message = xmlEscape(`threshold crossed: ${r.statistic} = ${figure}, wanted ${r.expression}`);
      cases.push(`    <testcase classname="thresholds" name="${name}"><failure type="threshold" message="${message}">${message}</failure></testcase>`);
    }
  }
  for (const c of allChecks(data.root_group)) {
    const name = xmlEscape(c.name);
    const figure = `${c.passes} passed, ${c.fails} failed`;
    if (c.fails === 0) {
      cases.push(`    <testcase classname="checks" name="${name}"><system-out>${figure}</system-out></testcase>`);
    } else {
      failures++;
      cases.push(`    <testcase classname="checks" name="${name}"><failure type="check" message="${figure}">${figure}</failure></testcase>`);
    }
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlEscape(suiteName)}" tests="${cases.length}" failures="${failures}" time="${seconds}">`,
    `  <testsuite name="${xmlEscape(suiteName)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0" time="${seconds}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

export function textReport(data: SummaryData): string {
  const results = thresholdResults(data);
  const failed = results.filter((r) => !r.ok).length;
  const lines = [`nexus load test: ${results.length - failed}/${results.length} thresholds passed in ${(data.state.testRunDurationMs / 1000).toFixed(1)} s`];
  for (const r of results) {
    lines.push(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.metric}: ${r.expression} (${r.statistic} = ${formatFigure(r.observed, data.metrics[r.metric], r.statistic)})`);
  }
  const reqs = data.metrics['http_reqs']?.values;
  if (reqs) lines.push(`  requests: ${reqs['count'] ?? 0} (${(reqs['rate'] ?? 0).toFixed(1)}/s over the whole run)`);
  for (const c of allChecks(data.root_group)) lines.push(`  check ${c.fails === 0 ? 'ok  ' : 'FAIL'} ${c.name}: ${c.passes} passed, ${c.fails} failed`);
  return `${lines.join('\n')}\n`;
}

/** Lines that frame the JUnit document in the pod log, so CI can cut it out of `helm test --logs`. */
export const JUNIT_BEGIN = '----- nexus-loadtest junit begin -----';
export const JUNIT_END = '----- nexus-loadtest junit end -----';

/** What `handleSummary` returns: the report on stdout (the pod log), and the JUnit file when a path is set. */
export function summaryOutputs(data: SummaryData, junitPath: string): Record<string, string> {
  const junit = junitReport(data);
  const outputs: Record<string, string> = { stdout: `${textReport(data)}${JUNIT_BEGIN}\n${junit}${JUNIT_END}\n` };
  if (junitPath) outputs[junitPath] = junit;
  return outputs;
}
