/**
 * NEXUS load test (k6 ≥ 1.0 runs TypeScript as is): API reads and writes through the gateway and
 * straight at the backend Service at a ramping arrival rate, and frontend pages through the gateway.
 * Scenarios and thresholds come from `config.json`, which the chart renders from `loadtest` values
 * (see options.ts). A crossed threshold makes k6 exit 99, which fails the pod and `helm test`.
 *
 *   k6 run --no-usage-report loadtest.ts          (config.json beside it, or NEXUS_LOADTEST_CONFIG)
 */
import { check } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import type { RefinedParams, RefinedResponse, ResponseType } from 'k6/http';
import { sleep } from 'k6';
import { buildOptions, pickApiRequest, sustainWindow, targetOfScenario, type LoadtestConfig, type RequestSpec, type TargetName } from './options.ts';
import { summaryOutputs, type SummaryData } from './summary.ts';

const config: LoadtestConfig = JSON.parse(open(__ENV['NEXUS_LOADTEST_CONFIG'] || './config.json'));

export const options = buildOptions(config);

const window = sustainWindow(config);
const bearer = __ENV['NEXUS_LOADTEST_TOKEN'] || '';
const gatewayKey = __ENV['NEXUS_LOADTEST_GATEWAY_KEY'] || '';

function send(target: TargetName, spec: RequestSpec, tags: Record<string, string>): RefinedResponse<ResponseType | undefined> {
  const t = config.targets[target];
  const headers: Record<string, string> = { ...(spec.headers ?? {}) };
  if (t.hostHeader) headers['Host'] = t.hostHeader;
  // The load generator's Kong consumer (its own rate limit at the gateway); Kong strips it before proxying.
  if (t.keyHeader && gatewayKey) headers[t.keyHeader] = gatewayKey;
  if (bearer) headers['Authorization'] = `Bearer ${bearer}`;
  if (spec.body !== undefined) headers['Content-Type'] = 'application/json';
  const params: RefinedParams<ResponseType> = {
    headers,
    tags: { ...tags, request: spec.name },
    timeout: `${config.api.timeoutSeconds}s`,
    responseCallback: http.expectedStatuses(...spec.expectedStatuses),
  };
  const body = spec.body === undefined ? null : JSON.stringify(spec.body);
  const res = http.request(spec.method, `${t.url}${spec.path}`, body, params);
  check(res, { [`${spec.name} answers ${spec.expectedStatuses.join('/')}`]: (r) => spec.expectedStatuses.includes(r.status) }, tags);
  return res;
}

/** One API request per iteration (the arrival rate is the request rate). */
export function api(): void {
  const target = targetOfScenario(exec.scenario.name);
  if (!target) throw new Error(`scenario ${exec.scenario.name} names no target`);
  const pick = pickApiRequest(config, exec.scenario.iterationInTest);
  if (!pick) return;
  const elapsed = Date.now() - exec.scenario.startTime;
  const phase = elapsed >= window.fromMs && elapsed < window.toMs ? 'sustain' : 'ramp';
  send(target, pick.spec, { kind: 'api', op: pick.kind, phase });
}

/** A visitor reading the configured pages in order, pausing between them. */
export function browse(): void {
  for (const page of config.browse.pages) {
    send('gateway', page, { kind: 'page' });
    sleep(config.browse.thinkTimeSeconds);
  }
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summaryOutputs(data, __ENV['NEXUS_LOADTEST_JUNIT'] || '');
}
