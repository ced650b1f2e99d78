/**
 * The load test script's pure parts (the same modules k6 imports): which request an iteration sends,
 * and the JUnit / text report handleSummary writes from k6's summary data.
 */
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { pickApiRequest, targetOfScenario, type LoadtestConfig } from '../../generator/templates/nexus/files/loadtest/options.ts';
import { JUNIT_BEGIN, JUNIT_END, junitReport, summaryOutputs, textReport, thresholdStatistic, type SummaryData } from '../../generator/templates/nexus/files/loadtest/summary.ts';

const spec = (name: string) => ({ name, method: 'GET', path: `/${name}`, expectedStatuses: [200] });

function apiConfig(writePercent: number, reads = [spec('r1'), spec('r2')], writes = [spec('w1')]): LoadtestConfig {
  return { api: { writePercent, reads, writes } } as unknown as LoadtestConfig;
}

describe('pickApiRequest', () => {
  it.each([0, 1, 20, 33, 50, 100])('sends exactly %i writes in every 100 iterations, spread evenly', (w) => {
    const config = apiConfig(w);
    const kinds = Array.from({ length: 300 }, (_, n) => pickApiRequest(config, n)!.kind);
    for (let block = 0; block < 3; block++) expect(kinds.slice(block * 100, block * 100 + 100).filter((k) => k === 'write').length).toBe(w);
    // Never two writes in a row below 50 %: the mix is spread, not bunched.
    if (w > 0 && w <= 50) expect(kinds.join(',')).not.toContain('write,write');
  });

  it('takes reads and writes in turn, and only reads when there are no writes', () => {
    const config = apiConfig(50, [spec('a'), spec('b')], [spec('x'), spec('y')]);
    expect(Array.from({ length: 8 }, (_, n) => pickApiRequest(config, n)!.spec.name)).toEqual(['a', 'x', 'b', 'y', 'a', 'x', 'b', 'y']);
    const readsOnly = apiConfig(50, [spec('a')], []);
    expect(Array.from({ length: 4 }, (_, n) => pickApiRequest(readsOnly, n)!.kind)).toEqual(['read', 'read', 'read', 'read']);
  });

  it('maps scenario names to targets', () => {
    expect(targetOfScenario('api_gateway')).toBe('gateway');
    expect(targetOfScenario('api_backend')).toBe('backend');
    expect(targetOfScenario('browse')).toBeUndefined();
    expect(targetOfScenario('api_other')).toBeUndefined();
  });
});

function summary(ok: boolean): SummaryData {
  return {
    state: { testRunDurationMs: 12_345 },
    metrics: {
      'http_req_duration{kind:api,target:gateway}': { type: 'trend', contains: 'time', values: { 'p(95)': ok ? 12.3 : 321.6, avg: 10 }, thresholds: { 'p(95)<200': { ok } } },
      http_req_failed: { type: 'rate', values: { rate: 0.0004, passes: 2, fails: 4998 }, thresholds: { 'rate<0.001': { ok: true } } },
      'http_reqs{kind:api,target:gateway,phase:sustain,expected_response:true}': { type: 'counter', values: { count: 300_120, rate: 24_000.1 }, thresholds: { 'count>=300000': { ok: true } } },
      http_reqs: { type: 'counter', values: { count: 5000, rate: 405.0 } },
    },
    root_group: {
      name: '',
      checks: [{ name: 'list items answers 200', path: '::list items answers 200', passes: 4000, fails: ok ? 0 : 3 }],
      groups: [{ name: 'nested', checks: [{ name: 'home & <page>', passes: 10, fails: 0 }], groups: [] }],
    },
  };
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });

describe('handleSummary report', () => {
  it('reads the statistic a threshold compares', () => {
    expect(thresholdStatistic('p(95)<200')).toBe('p(95)');
    expect(thresholdStatistic('p( 99.9 ) < 500')).toBe('p(99.9)');
    expect(thresholdStatistic('rate<0.001')).toBe('rate');
    expect(thresholdStatistic('count>=300000')).toBe('count');
    expect(thresholdStatistic('avg<100')).toBe('avg');
  });

  it('passing run: every threshold and check is a passing test case with its figure', () => {
    const doc = xml.parse(junitReport(summary(true)));
    const suite = doc.testsuites.testsuite;
    expect(suite).toMatchObject({ name: 'nexus-loadtest', tests: '5', failures: '0', time: '12.345' });
    const cases = suite.testcase as { name: string; classname: string; failure?: unknown; 'system-out'?: string }[];
    expect(cases.map((c) => c.name)).toEqual([
      'http_req_duration{kind:api,target:gateway}: p(95)<200',
      'http_req_failed: rate<0.001',
      'http_reqs{kind:api,target:gateway,phase:sustain,expected_response:true}: count>=300000',
      'list items answers 200',
      'home & <page>',
    ]);
    expect(cases.every((c) => c.failure === undefined)).toBe(true);
    expect(cases[0]!['system-out']).toBe('p(95) = 12.3 ms');
    expect(cases[1]!['system-out']).toBe('rate = 0.040 %');
    expect(cases[2]!['system-out']).toBe('count = 300120');
  });

  it('failing run: the crossed threshold and the failed check are failures that say what was measured', () => {
    const report = junitReport(summary(false));
    const suite = xml.parse(report).testsuites.testsuite;
    expect(suite).toMatchObject({ tests: '5', failures: '2' });
    const failed = (suite.testcase as { name: string; failure?: { message: string; type: string } }[]).filter((c) => c.failure);
    expect(failed.map((c) => [c.name, c.failure!.type, c.failure!.message])).toEqual([
      ['http_req_duration{kind:api,target:gateway}: p(95)<200', 'threshold', 'threshold crossed: p(95) = 321.6 ms, wanted p(95)<200'],
      ['list items answers 200', 'check', '4000 passed, 3 failed'],
    ]);
    const text = textReport(summary(false));
    expect(text).toContain('nexus load test: 2/3 thresholds passed in 12.3 s');
    expect(text).toContain('FAIL http_req_duration{kind:api,target:gateway}: p(95)<200 (p(95) = 321.6 ms)');
  });

  it('prints the JUnit document framed in the log, and writes the file only when a path is set', () => {
    const out = summaryOutputs(summary(false), '');
    expect(Object.keys(out)).toEqual(['stdout']);
    const framed = out['stdout']!.split(`${JUNIT_BEGIN}\n`)[1]!.split(JUNIT_END)[0]!;
    expect(framed).toBe(junitReport(summary(false)));
    expect(Object.keys(summaryOutputs(summary(true), '/tmp/junit.xml'))).toEqual(['stdout', '/tmp/junit.xml']);
  });
});
