/**
 * The load test's k6 `options`, built from the chart's values (the `config.json` the chart renders
 * from `loadtest`). Pure: no k6 module is imported at run time, so the unit tests import this file
 * and assert the scenarios and thresholds each environment overlay produces.
 *
 * Traffic model, per enabled target (the gateway first, then the backend Service directly):
 *   ramp-up   `api` arrival rate from `startRate` to `targetRate` requests/s over `rampUpSeconds`
 *   sustain   `targetRate` requests/s for `holdSeconds` (requests here are tagged `phase:sustain`)
 *   ramp-down to 0 over `rampDownSeconds`
 * The targets run one after the other, so the direct run measures the backend without the gateway
 * rather than doubling its load. `browse` (frontend pages through the gateway, closed model with
 * think time) runs alongside the gateway phase.
 */
import type { Options, Scenario, Threshold } from 'k6/options';

export type TargetName = 'gateway' | 'backend';
export const TARGET_ORDER: readonly TargetName[] = ['gateway', 'backend'];

export interface RequestSpec {
  /** Names the check and the `request` tag. */
  name: string;
  method: string;
  path: string;
  /** JSON request body (writes). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Statuses that count as success (for `http_req_failed` and the check). */
  expectedStatuses: number[];
}

export interface TargetConfig {
  enabled: boolean;
  /** Base URL, without a trailing slash (the chart resolves the defaults). */
  url: string;
  /** Host header to send (e.g. the public host name when `url` is the ingress controller's Service). */
  hostHeader: string;
  /**
   * Header for the load generator's Kong consumer key (its own limit at the rate-limited gateway), sent
   * with the key from NEXUS_LOADTEST_GATEWAY_KEY; empty or absent: none.
   */
  keyHeader?: string;
}

export interface LoadtestConfig {
  targets: Record<TargetName, TargetConfig>;
  insecureSkipTLSVerify: boolean;
  api: {
    startRate: number;
    targetRate: number;
    rampUpSeconds: number;
    holdSeconds: number;
    rampDownSeconds: number;
    preAllocatedVUs: number;
    maxVUs: number;
    /** Share of API iterations that write, 0..100. */
    writePercent: number;
    reads: RequestSpec[];
    writes: RequestSpec[];
    timeoutSeconds: number;
  };
  browse: {
    enabled: boolean;
    pages: RequestSpec[];
    vus: number;
    thinkTimeSeconds: number;
  };
  thresholds: {
    /** API `p(95)` response time limit, ms (per target). */
    apiP95Ms: number;
    /** Page `p(95)` limit, ms; null sets none. */
    pageP95Ms: number | null;
    /** Highest share of failed requests (`http_req_failed`), 0..1. */
    errorRate: number;
    /** Stop the run as soon as the error rate threshold is crossed (after `abortDelaySeconds`). */
    abortOnErrorRate: boolean;
    abortDelaySeconds: number;
    /** Requests/s each target must serve successfully during the sustain window. */
    minSustainedRate: number;
    /** Lowest share of passing checks, 0..1. */
    checkRate: number;
    /** Extra thresholds, by metric expression, appended as written. */
    extra: Record<string, string[]>;
  };
}

/** The window of an API scenario in which requests are tagged `phase:sustain` (ms since the scenario started). */
export interface SustainWindow {
  fromMs: number;
  toMs: number;
}

export const API_SCENARIO_PREFIX = 'api_';

export function apiScenarioName(target: TargetName): string {
  return `${API_SCENARIO_PREFIX}${target}`;
}

/** The target an API scenario runs against (its name is `api_<target>`). */
export function targetOfScenario(name: string): TargetName | undefined {
  const target = name.startsWith(API_SCENARIO_PREFIX) ? name.slice(API_SCENARIO_PREFIX.length) : '';
  return (TARGET_ORDER as readonly string[]).includes(target) ? (target as TargetName) : undefined;
}

export function enabledTargets(config: LoadtestConfig): TargetName[] {
  return TARGET_ORDER.filter((t) => config.targets[t]?.enabled);
}

export function sustainWindow(config: LoadtestConfig): SustainWindow {
  return { fromMs: config.api.rampUpSeconds * 1000, toMs: (config.api.rampUpSeconds + config.api.holdSeconds) * 1000 };
}

/** Seconds one API phase takes, including the iterations' graceful stop. */
function phaseSeconds(config: LoadtestConfig): number {
  return config.api.rampUpSeconds + config.api.holdSeconds + config.api.rampDownSeconds + gracefulStopSeconds(config);
}

function gracefulStopSeconds(config: LoadtestConfig): number {
  return Math.max(1, Math.ceil(config.api.timeoutSeconds));
}

function apiScenario(config: LoadtestConfig, target: TargetName, startSeconds: number): Scenario {
  const { api } = config;
  return {
    executor: 'ramping-arrival-rate',
    exec: 'api',
    startTime: `${startSeconds}s`,
    startRate: api.startRate,
    timeUnit: '1s',
    preAllocatedVUs: api.preAllocatedVUs,
    maxVUs: api.maxVUs,
    gracefulStop: `${gracefulStopSeconds(config)}s`,
    stages: [
      { duration: `${api.rampUpSeconds}s`, target: api.targetRate },
      { duration: `${api.holdSeconds}s`, target: api.targetRate },
      { duration: `${api.rampDownSeconds}s`, target: 0 },
    ],
    tags: { target },
  };
}

function browseScenario(config: LoadtestConfig): Scenario {
  const { api, browse } = config;
  return {
    executor: 'ramping-vus',
    exec: 'browse',
    startTime: '0s',
    startVUs: 0,
    gracefulRampDown: `${gracefulStopSeconds(config)}s`,
    gracefulStop: `${gracefulStopSeconds(config)}s`,
    stages: [
      { duration: `${api.rampUpSeconds}s`, target: browse.vus },
      { duration: `${api.holdSeconds}s`, target: browse.vus },
      { duration: `${api.rampDownSeconds}s`, target: 0 },
    ],
    tags: { target: 'gateway' },
  };
}

export function buildScenarios(config: LoadtestConfig): Record<string, Scenario> {
  const scenarios: Record<string, Scenario> = {};
  enabledTargets(config).forEach((target, i) => {
    scenarios[apiScenarioName(target)] = apiScenario(config, target, i * phaseSeconds(config));
  });
  if (config.browse.enabled && config.browse.pages.length > 0 && config.targets.gateway?.enabled) scenarios['browse'] = browseScenario(config);
  return scenarios;
}

/**
 * Thresholds from the values. The sustained rate is a count over the sustain window (k6's `rate` of a
 * counter divides by the whole test's duration, ramps included, so it cannot express "N requests/s
 * while at the target rate"): at least `minSustainedRate × holdSeconds` successful API requests.
 */
export function buildThresholds(config: LoadtestConfig): Record<string, Threshold[]> {
  const t = config.thresholds;
  const thresholds: Record<string, Threshold[]> = {};
  const errorRate = `rate<${t.errorRate}`;
  thresholds['http_req_failed'] = [t.abortOnErrorRate ? { threshold: errorRate, abortOnFail: true, delayAbortEval: `${t.abortDelaySeconds}s` } : errorRate];
  thresholds['checks'] = [`rate>=${t.checkRate}`];
  for (const target of enabledTargets(config)) {
    thresholds[`http_req_duration{kind:api,target:${target}}`] = [`p(95)<${t.apiP95Ms}`];
    const minimum = Math.ceil(t.minSustainedRate * config.api.holdSeconds);
    thresholds[`http_reqs{kind:api,target:${target},phase:sustain,expected_response:true}`] = [`count>=${minimum}`];
  }
  if (t.pageP95Ms !== null && buildScenarios(config)['browse']) thresholds['http_req_duration{kind:page}'] = [`p(95)<${t.pageP95Ms}`];
  for (const [metric, list] of Object.entries(t.extra)) thresholds[metric] = [...(thresholds[metric] ?? []), ...list];
  return thresholds;
}

export function buildOptions(config: LoadtestConfig): Options {
  return {
    scenarios: buildScenarios(config),
    thresholds: buildThresholds(config),
    insecureSkipTLSVerify: config.insecureSkipTLSVerify,
    // Only the figures the thresholds and the JUnit report read.
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
    // One pod, no cloud: nothing leaves the cluster but the test traffic.
    noConnectionReuse: false,
    discardResponseBodies: true,
  };
}

/**
 * Which API request iteration `n` (0-based) sends: writes spread evenly through the iterations at
 * `writePercent` (iteration n writes when ⌊(n+1)·w/100⌋ > ⌊n·w/100⌋), reads and writes each in turn.
 */
export function pickApiRequest(config: LoadtestConfig, n: number): { kind: 'read' | 'write'; spec: RequestSpec } | undefined {
  const { reads, writes, writePercent } = config.api;
  const w = writes.length ? Math.min(100, Math.max(0, writePercent)) : 0;
  const writesBefore = Math.floor((n * w) / 100);
  const isWrite = Math.floor(((n + 1) * w) / 100) > writesBefore;
  if (isWrite) return { kind: 'write', spec: writes[writesBefore % writes.length]! };
  if (!reads.length) return undefined;
  return { kind: 'read', spec: reads[(n - writesBefore) % reads.length]! };
}
