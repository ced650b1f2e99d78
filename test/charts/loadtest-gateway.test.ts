/**
 * The gateway defaults and the load-test target agree, for real: through the rate-limited gateway the
 * k6 Pod is its own Kong consumer with its own limit, every other client keeps the per-client limit,
 * and rule `loadtest-gateway-limit` refuses a load test the gateway would answer with 429s. What each
 * client gets is read from the rendered Kong configuration (Ingress plugins, KongPlugins,
 * KongConsumers) with Kong's documented resolution: an auth plugin on the route identifies the
 * consumer (its key, else `anonymous`), and a plugin scoped to a consumer takes precedence over the
 * same plugin on a route. On Helm 4.1 and 3.17; both renders pass `nexus validate` (the KongConsumer
 * against its bundled CRD schema).
 */
import { describe, expect, it } from 'vitest';
import { validate } from '../../validator/run.ts';
import { HELM_FLAVOURS } from '../helpers/helm.ts';
import { helm, ofKind, renderChart, templateArgs, type K8sObject, type RenderedDoc } from './helpers.ts';

type Any = Record<string, any>;
const KONG = ['configuration.konghq.com/v1'];
const KEY = 'k6-key-from-the-secret';

/** The rate limits Kong applies to one request on the gateway's routes, resolved from the render. */
function limitsFor(docs: RenderedDoc[], request: { headers: Record<string, string> }, secretData: Record<string, Record<string, string>>): { consumer: string | null; limits: Any; scope: 'consumer' | 'route' } {
  const ingress = ofKind(docs, 'Ingress')[0] as Any;
  const plugins = ofKind(docs, 'KongPlugin') as Any[];
  const consumers = ofKind(docs, 'KongConsumer') as Any[];
  const byName = (name: string): Any => plugins.find((p) => p.metadata.name === name)!;
  const routePlugins = String(ingress.metadata.annotations['konghq.com/plugins'] ?? '').split(',').filter(Boolean).map(byName);
  expect(routePlugins.every(Boolean), 'every plugin the route names is rendered').toBe(true);
  // Authentication: a key in one of key_names matching a consumer's key-auth credential, else anonymous.
  let consumer: string | null = null;
  const auth = routePlugins.find((p) => p.plugin === 'key-auth');
  if (auth) {
    const presented = (auth.config.key_names as string[]).map((h) => request.headers[h]).find(Boolean);
    const owner = consumers.find((c) => (c.credentials ?? []).some((s: string) => presented && secretData[s]?.key === presented));
    consumer = owner ? owner.username : auth.config.anonymous;
    expect(consumers.map((c) => c.username), 'the consumer Kong resolves to exists').toContain(consumer);
  }
  // Rate limiting: the consumer's own plugin wins over the route's.
  const own = consumers.find((c) => c.username === consumer);
  const consumerPlugin = String(own?.metadata.annotations?.['konghq.com/plugins'] ?? '').split(',').filter(Boolean).map(byName).find((p) => p?.plugin === 'rate-limiting');
  const routeLimit = routePlugins.find((p) => p.plugin === 'rate-limiting');
  const chosen = (consumerPlugin ?? routeLimit)!;
  return { consumer, limits: chosen.config, scope: consumerPlugin ? 'consumer' : 'route' };
}

const perSecond = (c: Any) => Math.min(...[c.second, c.minute && c.minute / 60, c.hour && c.hour / 3600].filter((x) => typeof x === 'number'));

describe.each(HELM_FLAVOURS)('the load test at the rate-limited gateway (%s)', (flavour) => {
  const staging = (set: Record<string, string | number | boolean> = {}) => renderChart({ helm: flavour, valuesFiles: ['values.staging.yaml'], set, apiVersions: KONG });

  it('staging: the k6 Pod gets its own limit, above the target rate; every other client keeps the per-client limit', async () => {
    const docs = await staging();
    const secrets = { 'nexus-loadtest-gateway-key': { key: KEY } };
    const config = JSON.parse((ofKind(docs, 'ConfigMap').find((c) => c.metadata.name === 'nexus-loadtest') as Any).data['config.json']);
    const target = config.api.targetRate as number;

    // What the k6 Pod sends (config.json's header, the key from the Secret the consumer's credential names).
    const pod = ofKind(docs, 'Pod').find((p) => p.metadata.name === 'nexus-loadtest') as Any;
    const keyEnv = pod.spec.containers[0].env.find((e: Any) => e.name === 'NEXUS_LOADTEST_GATEWAY_KEY');
    expect(keyEnv.valueFrom.secretKeyRef).toEqual({ name: 'nexus-loadtest-gateway-key', key: 'key' });
    expect(config.targets.gateway.keyHeader).toBe('X-Nexus-Loadtest-Key');
    expect(pod.metadata.annotations['nexus.dev/external-secrets'].split(',')).toContain('nexus-loadtest-gateway-key');

    const k6 = limitsFor(docs, { headers: { [config.targets.gateway.keyHeader]: KEY } }, secrets);
    expect(k6).toMatchObject({ consumer: 'nexus-loadtest', scope: 'consumer' });
    expect(k6.limits).toMatchObject({ second: 2 * target + config.browse.vus, limit_by: 'consumer' });
    expect(perSecond(k6.limits)).toBeGreaterThanOrEqual(target);

    // Anyone else, with no key or a wrong one: the anonymous consumer, the gateway's per-client limit.
    const others: Record<string, string>[] = [{}, { 'X-Nexus-Loadtest-Key': 'guess' }];
    for (const headers of others) {
      const other = limitsFor(docs, { headers }, secrets);
      expect(other).toMatchObject({ consumer: 'nexus-gateway-anonymous', scope: 'route' });
      expect(other.limits).toMatchObject({ minute: 600, limit_by: 'ip' });
      expect(perSecond(other.limits)).toBeLessThan(target);
    }

    // Both count in the same place (the shared Redis), and the key never reaches the backend.
    const [gatewayPlugin, consumerPlugin] = ['nexus-gateway-rate-limit', 'nexus-loadtest-rate-limit'].map((n) => ofKind(docs, 'KongPlugin').find((p) => p.metadata.name === n) as Any) as [Any, Any];
    expect(consumerPlugin.config.policy).toBe(gatewayPlugin.config.policy);
    expect(consumerPlugin.config.redis).toEqual(gatewayPlugin.config.redis);
    expect(consumerPlugin.configPatches).toEqual(gatewayPlugin.configPatches);
    const keyAuth = ofKind(docs, 'KongPlugin').find((p) => (p as Any).plugin === 'key-auth') as Any;
    expect(keyAuth.config).toMatchObject({ hide_credentials: true, key_in_query: false, key_in_body: false });
    // KongConsumers are read by the ingress controller of their class.
    for (const c of ofKind(docs, 'KongConsumer')) expect(c.metadata.annotations?.['kubernetes.io/ingress.class'], c.metadata.name).toBe('kong');
  });

  it('without the load test, or when it does not go through the gateway, no consumer, no key-auth on the routes', async () => {
    const variants: Record<string, string | boolean>[] = [{ 'loadtest.enabled': false }, { 'loadtest.targets.gateway.enabled': false }, { 'loadtest.targets.gateway.url': 'https://edge.example.com' }, { 'gateway.rateLimiting.enabled': false }];
    for (const set of variants) {
      const docs = await staging(set);
      const label = JSON.stringify(set);
      expect(ofKind(docs, 'KongConsumer'), label).toEqual([]);
      expect(ofKind(docs, 'KongPlugin').map((p) => (p as Any).plugin), label).not.toContain('key-auth');
      const ingress = ofKind(docs, 'Ingress')[0] as K8sObject;
      expect(ingress.metadata.annotations?.['konghq.com/plugins'] ?? '', label).not.toContain('key-auth');
      const pod = ofKind(docs, 'Pod').find((p) => p.metadata.name === 'nexus-loadtest') as Any;
      if (pod) expect(pod.spec.containers[0].env.map((e: Any) => e.name), label).not.toContain('NEXUS_LOADTEST_GATEWAY_KEY');
    }
    const production = await renderChart({ helm: flavour, valuesFiles: ['values.production.yaml'], apiVersions: KONG });
    expect(ofKind(production, 'KongConsumer')).toEqual([]);
  });

  it('an explicit consumer limit is used as it is', async () => {
    const k6 = limitsFor(await staging({ 'loadtest.gatewayClient.perSecond': 1500 }), { headers: { 'X-Nexus-Loadtest-Key': KEY } }, { 'nexus-loadtest-gateway-key': { key: KEY } });
    expect(k6.limits.second).toBe(1500);
  });

  it('rule loadtest-gateway-limit: no key Secret, an own limit below the target, or no consumer behind a limit the target exceeds', async () => {
    for (const [set, text] of [
      [{ 'loadtest.gatewayClient.existingSecret': '' }, 'loadtest.gatewayClient.existingSecret'],
      [{ 'loadtest.gatewayClient.perSecond': 500 }, 'below loadtest.api.targetRate (1100/s)'],
      [{ 'loadtest.gatewayClient.enabled': false }, 'it would be answered 429'],
      [{ 'loadtest.gatewayClient.enabled': false, 'gateway.rateLimiting.perMinute': 120000, 'gateway.rateLimiting.perSecond': 1000 }, 'it would be answered 429'],
    ] as const) {
      const r = await helm(flavour, templateArgs({ valuesFiles: ['values.staging.yaml'], set, apiVersions: KONG }));
      expect(r.code, JSON.stringify(set)).not.toBe(0);
      expect(r.stderr).toContain('[loadtest-gateway-limit]');
      expect(r.stderr).toContain(text);
    }
    // Without the consumer, a per-client limit that allows the target rate is consistent too.
    const ok = await helm(flavour, templateArgs({ valuesFiles: ['values.staging.yaml'], set: { 'loadtest.gatewayClient.enabled': false, 'gateway.rateLimiting.perMinute': 120000 }, apiVersions: KONG }));
    expect(ok.code, ok.stderr).toBe(0);
  });
});

describe('nexus validate on the staging render with the load generator\'s consumer', () => {
  it('checks the KongConsumers against the bundled CRD schema, with every policy: no finding above info', { timeout: 600_000 }, async () => {
    const report = await validate({ version: 'test', lint: false, valuesFiles: ['values.staging.yaml'] });
    expect(report.findings.filter((f) => !f.exemption && (f.severity === 'error' || f.severity === 'warning')).map((f) => `${f.kind}/${f.name} ${f.policyId}: ${f.message}`)).toEqual([]);
    const consumers = report.resources.filter((r) => r.kind === 'KongConsumer');
    expect(consumers.map((r) => `${r.name} ${r.status}`).sort()).toEqual(['nexus-gateway-anonymous valid', 'nexus-loadtest valid']);
  });
});
