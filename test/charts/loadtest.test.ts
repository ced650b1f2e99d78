/**
 * The k6 load test hook: what each environment overlay renders when `loadtest.enabled` is on, and
 * the k6 options (scenarios, thresholds) the script builds from that render's config.json. The
 * script itself runs in real k6 during development (see the issue-17 note); here the values → options
 * mapping is exercised with the same module k6 imports.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildOptions, type LoadtestConfig } from '../../generator/templates/nexus/files/loadtest/options.ts';
import { PROJECT_ROOT } from '../../util/paths.ts';
import { defaultConfig, PlatformConfig } from '../../schema/index.ts';
import { nexusAsync as nexus } from '../helpers/cli.ts';
import { ENV_FILES, ofKind, renderChart, renderText, type K8sObject, type RenderedDoc } from './helpers.ts';

/** `--set`-style dotted keys applied to a parsed overlay (what helm does before the guard sees the values). */
function mergeSets(values: Record<string, unknown>, set: Record<string, unknown>): Record<string, unknown> {
  for (const [key, v] of Object.entries(set)) {
    const path = key.split('.');
    let node = values;
    for (const seg of path.slice(0, -1)) node = (node[seg] ??= {}) as Record<string, unknown>;
    node[path.at(-1)!] = v;
  }
  return values;
}

const FILES_DIR = join(PROJECT_ROOT, 'generator', 'templates', 'nexus', 'files', 'loadtest');

interface Rendered {
  docs: RenderedDoc[];
  pod: K8sObject;
  configMap: K8sObject & { data: Record<string, string> };
  config: LoadtestConfig;
}

function loadtestObjects(docs: RenderedDoc[]): Rendered {
  const pod = ofKind(docs, 'Pod').find((p) => p.metadata.name === 'nexus-loadtest');
  const configMap = ofKind(docs, 'ConfigMap').find((c) => c.metadata.name === 'nexus-loadtest') as (K8sObject & { data: Record<string, string> }) | undefined;
  if (!pod || !configMap) throw new Error('the render has no nexus-loadtest Pod and ConfigMap');
  return { docs, pod, configMap, config: JSON.parse(configMap.data['config.json']!) as LoadtestConfig };
}

const renders = new Map<string, Rendered>();

beforeAll(async () => {
  await Promise.all(
    ENV_FILES.map(async (file) => {
      renders.set(file, loadtestObjects(await renderChart({ valuesFiles: [file], set: { 'loadtest.enabled': true } })));
    }),
  );
});

const HOSTS: Record<(typeof ENV_FILES)[number], string> = {
  'values.staging.yaml': 'https://staging.nexus.example.com',
  'values.production.yaml': 'https://nexus.example.com',
};

describe.each(ENV_FILES)('loadtest in %s (loadtest.enabled=true)', (file) => {
  const r = () => renders.get(file)!;

  it('targets the gateway at the environment host and the backend Service directly', () => {
    expect(r().config.targets).toEqual({
      // The consumer key header while the gateway rate-limits (loadtest-gateway.test.ts): production always renders
      // its KongPlugin; staging here is rendered without the KongPlugin API, so it has no limit and sends no key.
      gateway: { enabled: true, url: HOSTS[file], hostHeader: '', keyHeader: file === 'values.production.yaml' ? 'X-Nexus-Loadtest-Key' : '' },
      backend: { enabled: true, url: 'http://nexus-backend:8000', hostHeader: '' },
    });
  });

  it('builds one ramping-arrival-rate API scenario per target, the backend run after the gateway run, and browsing beside the gateway run', () => {
    const { scenarios } = buildOptions(r().config);
    expect(Object.keys(scenarios ?? {}).sort()).toEqual(['api_backend', 'api_gateway', 'browse']);
    const stages = [
      { duration: '120s', target: 1100 },
      { duration: '300s', target: 1100 },
      { duration: '30s', target: 0 },
    ];
    expect(scenarios!['api_gateway']).toMatchObject({ executor: 'ramping-arrival-rate', exec: 'api', startTime: '0s', startRate: 10, timeUnit: '1s', stages, preAllocatedVUs: 200, maxVUs: 1500, tags: { target: 'gateway' } });
    // 120 + 300 + 30 s of traffic plus the 10 s graceful stop of the gateway run.
    expect(scenarios!['api_backend']).toMatchObject({ executor: 'ramping-arrival-rate', exec: 'api', startTime: '460s', stages, tags: { target: 'backend' } });
    expect(scenarios!['browse']).toMatchObject({ executor: 'ramping-vus', exec: 'browse', startTime: '0s', tags: { target: 'gateway' }, stages: [{ duration: '120s', target: 50 }, { duration: '300s', target: 50 }, { duration: '30s', target: 0 }] });
  });

  it('sets the platform document\'s thresholds: API p95 < 200 ms per target, errors < 0.1 %, 1000 requests/s sustained, checks passing', () => {
    expect(buildOptions(r().config).thresholds).toEqual({
      http_req_failed: [{ threshold: 'rate<0.001', abortOnFail: true, delayAbortEval: '60s' }],
      checks: ['rate>=0.999'],
      'http_req_duration{kind:api,target:gateway}': ['p(95)<200'],
      'http_req_duration{kind:api,target:backend}': ['p(95)<200'],
      // 1000 requests/s over the 300 s sustain window.
      'http_reqs{kind:api,target:gateway,phase:sustain,expected_response:true}': ['count>=300000'],
      'http_reqs{kind:api,target:backend,phase:sustain,expected_response:true}': ['count>=300000'],
    });
  });

  it('ships the script, unchanged but for the generated header, next to config.json', () => {
    for (const name of ['loadtest.ts', 'options.ts', 'summary.ts']) {
      const shipped = r().configMap.data[name]!;
      expect(shipped, name).toContain(readFileSync(join(FILES_DIR, name), 'utf8'));
      expect(shipped.startsWith('// Generated by nexus-charts'), name).toBe(true);
    }
  });

  it('runs as a restricted, token-less test hook after the smoke tests, kept for `helm test --logs`', () => {
    const { pod } = r();
    const annotations = pod.metadata.annotations ?? {};
    expect(annotations['helm.sh/hook']).toBe('test');
    expect(Number(annotations['helm.sh/hook-weight'])).toBeGreaterThan(0);
    expect(annotations['helm.sh/hook-delete-policy']).toBe('before-hook-creation');
    const spec = pod.spec as { restartPolicy: string; automountServiceAccountToken: boolean; activeDeadlineSeconds: number; securityContext: Record<string, unknown>; containers: { image: string; args: string[]; securityContext: Record<string, unknown> }[] };
    expect(spec.restartPolicy).toBe('Never');
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.activeDeadlineSeconds).toBeGreaterThan(460 * 2);
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    const [k6] = spec.containers;
    expect(k6!.image).toMatch(/^docker\.io\/grafana\/k6:1\.3\.0(@sha256:[0-9a-f]{64})?$/);
    expect(k6!.args).toEqual(['run', '--no-usage-report', '--quiet', '/etc/nexus-loadtest/loadtest.ts']);
    expect(k6!.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    // The smoke tests run first (weight 0) when a plain `helm test` runs everything.
    const smoke = ofKind(r().docs, 'Pod').filter((p) => p.metadata.name.startsWith('nexus-smoke-test'));
    expect(smoke.length).toBeGreaterThan(0);
    for (const s of smoke) expect(Number(s.metadata.annotations?.['helm.sh/hook-weight'] ?? 0)).toBeLessThan(Number(annotations['helm.sh/hook-weight']));
  });

  it('has its own NetworkPolicy: no ingress, egress only to the ingress controller and the backend pods; the backend admits it', () => {
    const policies = ofKind(r().docs, 'NetworkPolicy');
    const own = policies.find((p) => p.metadata.name === 'nexus-loadtest')!;
    expect(own.spec).toMatchObject({ podSelector: { matchLabels: { 'app.kubernetes.io/component': 'loadtest', 'app.kubernetes.io/instance': 'nexus' } }, policyTypes: ['Ingress', 'Egress'], ingress: [] });
    expect(own.spec!['egress']).toEqual([
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kong' } } }], ports: [{ port: 8000, protocol: 'TCP' }, { port: 8443, protocol: 'TCP' }] },
      { to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/component': 'backend', 'app.kubernetes.io/instance': 'nexus' } } }], ports: [{ port: 8000, protocol: 'TCP' }] },
    ]);
    const toBackend = policies.find((p) => p.metadata.name === 'nexus-loadtest-to-backend')!;
    expect(toBackend.spec).toMatchObject({
      podSelector: { matchLabels: { 'app.kubernetes.io/component': 'backend' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/component': 'loadtest', 'app.kubernetes.io/instance': 'nexus' } } }], ports: [{ port: 8000, protocol: 'TCP' }] }],
    });
  });
});

describe('loadtest values', () => {
  it('is off by default and in production', async () => {
    expect(defaultConfig().loadtest.enabled).toBe(false);
    const docs = await renderChart({ valuesFiles: ['values.production.yaml'] });
    expect(docs.filter((d) => d.object.metadata.name.startsWith('nexus-loadtest'))).toEqual([]);
  });

  it('thresholds and rates follow the values', async () => {
    const { config } = loadtestObjects(
      await renderChart({
        valuesFiles: ['values.staging.yaml'],
        set: {
          'loadtest.enabled': true,
          'loadtest.targets.backend.enabled': false,
          'loadtest.api.targetRate': 2400,
          'loadtest.api.holdSeconds': 60,
          'loadtest.thresholds.apiP95Ms': 150,
          'loadtest.thresholds.minSustainedRate': 2000,
          'loadtest.thresholds.pageP95Ms': 800,
          'loadtest.thresholds.abortOnErrorRate': false,
        },
      }),
    );
    const options = buildOptions(config);
    expect(Object.keys(options.scenarios ?? {}).sort()).toEqual(['api_gateway', 'browse']);
    expect(options.scenarios!['api_gateway']).toMatchObject({ stages: [{ duration: '120s', target: 2400 }, { duration: '60s', target: 2400 }, { duration: '30s', target: 0 }] });
    expect(options.thresholds).toEqual({
      http_req_failed: ['rate<0.001'],
      checks: ['rate>=0.999'],
      'http_req_duration{kind:api,target:gateway}': ['p(95)<150'],
      'http_reqs{kind:api,target:gateway,phase:sustain,expected_response:true}': ['count>=120000'],
      'http_req_duration{kind:page}': ['p(95)<800'],
    });
  });

  it('an explicit URL and host header replace the derived ones, and drop the derived NetworkPolicy peers', async () => {
    const docs = await renderChart({
      valuesFiles: ['values.staging.yaml'],
      set: { 'loadtest.enabled': true, 'loadtest.targets.gateway.url': 'http://kong-proxy.kong.svc/', 'loadtest.targets.gateway.hostHeader': 'staging.nexus.example.com', 'loadtest.targets.backend.enabled': false },
    });
    const { config } = loadtestObjects(docs);
    expect(config.targets.gateway).toEqual({ enabled: true, url: 'http://kong-proxy.kong.svc', hostHeader: 'staging.nexus.example.com', keyHeader: '' });
    const own = ofKind(docs, 'NetworkPolicy').find((p) => p.metadata.name === 'nexus-loadtest')!;
    expect(own.spec!['egress']).toEqual([]);
    expect(ofKind(docs, 'NetworkPolicy').some((p) => p.metadata.name === 'nexus-loadtest-to-backend')).toBe(false);
  });

  it.each(ENV_FILES)('%s with the load test on passes `nexus validate` (schemas, policies, Pod Security restricted)', async (file) => {
    const r = await nexus(['validate', '-f', file, '--set', 'loadtest.enabled=true', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { findings: { severity: string; name?: string; policyId: string }[] };
    expect(report.findings.filter((f) => f.name?.startsWith('nexus-loadtest') && f.severity !== 'info')).toEqual([]);
  });

  it('refuses a target it cannot address (rule loadtest-targets, in the model and the Helm guard alike)', async () => {
    const cases: { set: Record<string, string | boolean>; line: string }[] = [
      { set: { 'gateway.enabled': false }, line: '[loadtest-targets] loadtest.targets.gateway.url: no URL to load' },
      { set: { 'gateway.host': '', 'global.domain': '' }, line: '[loadtest-targets] loadtest.targets.gateway.url: no URL to load' },
      { set: { 'backend.enabled': false }, line: '[loadtest-targets] loadtest.targets.backend.url: the backend is disabled' },
    ];
    for (const { set, line } of cases) {
      await expect(renderText({ valuesFiles: ['values.staging.yaml'], set: { 'loadtest.enabled': true, ...set } }), JSON.stringify(set)).rejects.toThrow(line);
      const config = PlatformConfig.safeParse(mergeSets(parse(readFileSync(join(PROJECT_ROOT, 'values.staging.yaml'), 'utf8')), set));
      expect(config.success, JSON.stringify(set)).toBe(false);
      expect(config.error!.issues.map((i) => i.message).join('\n'), JSON.stringify(set)).toContain(line.slice(line.indexOf(': ') + 2));
    }
    // With its own URL a target needs nothing of the chart.
    await expect(renderText({ valuesFiles: ['values.staging.yaml'], set: { 'loadtest.enabled': true, 'backend.enabled': false, 'loadtest.targets.backend.url': 'http://api.internal:8000' } })).resolves.toContain('http://api.internal:8000');
  });
});
