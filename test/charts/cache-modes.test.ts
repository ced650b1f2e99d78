/**
 * cache.mode bundled | external: what each renders and how every consumer follows. External (a
 * managed Redis): no cache pods, Services, Secrets or NetworkPolicy of the cache chart; the backend
 * connects to the primary endpoint with TLS, the mounted CA and the credentials from the Secret; its
 * NetworkPolicy opens egress to the endpoint's port (to the listed CIDRs, or any address); Kong's redis
 * policy names the endpoint; the rules keep all of it in step (Helm fails with the rule id). Bundled: the
 * master-only endpoint (HAProxy while Sentinel runs, the fixed master otherwise) that Kong uses, reached
 * from the ingress controller only. Both overlays, Helm 4.1 and 3.17, `helm lint --strict`, and
 * `nexus validate` with every policy.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validate } from '../../validator/run.ts';
import { EXTERNAL_CACHE } from '../helpers/external-modes.ts';
import { HELM_FLAVOURS } from '../helpers/helm.ts';
import { CRD_API_VERSIONS, ENV_FILES, componentOf, helm, ofKind, podTemplateOf, renderChart, renderText, templateArgs, type K8sObject } from './helpers.ts';
import { UMBRELLA_CHART_DIR } from '../../util/paths.ts';

type Any = Record<string, any>;
const HOST = 'master.nexus-cache.abc123.euw1.cache.amazonaws.com';


/** The backend's environment: its ConfigMap (envFrom) and its Secret references (env). */
const envOf = (docs: Awaited<ReturnType<typeof renderChart>>, o: K8sObject) => ({
  ...((ofKind(docs, 'ConfigMap').find((c) => c.metadata.name === o.metadata.name) as Any).data as Record<string, unknown>),
  ...Object.fromEntries(podTemplateOf(o)!.spec.containers[0]!.env!.map((e) => [e.name, e.value ?? e.valueFrom])),
});
const backendPolicy = (docs: Awaited<ReturnType<typeof renderChart>>) => ofKind(docs, 'NetworkPolicy').find((p) => p.metadata.name === 'nexus-backend') as Any;

describe.each(HELM_FLAVOURS)('cache.mode (%s)', (flavour) => {
  describe.each(ENV_FILES)('%s', (file) => {
    it('external: no cache objects; the backend, its NetworkPolicy and Kong follow the managed Redis', async () => {
      const docs = await renderChart({ helm: flavour, valuesFiles: [file], set: EXTERNAL_CACHE, apiVersions: CRD_API_VERSIONS });
      const cacheObjects = docs.filter((d) => d.source.includes('/charts/cache/')).map((d) => `${d.object.kind}/${d.object.metadata.name}`);
      expect(cacheObjects).toEqual([]);
      expect(docs.map((d) => d.object).filter((o) => ['redis', 'redis-master'].includes(componentOf(o) ?? ''))).toEqual([]);

      const backend = ofKind(docs, 'Deployment').find((d) => d.metadata.name === 'nexus-backend')!;
      const env = envOf(docs, backend);
      expect(env).toMatchObject({ REDIS_HOST: HOST, REDIS_PORT: '6380', REDIS_URL: `rediss://${HOST}:6380/0`, REDIS_SSL: 'true', REDIS_SSL_CERT_REQS: 'required', REDIS_SSL_CA_CERTS: '/etc/nexus/redis-ca/ca.crt' });
      expect(env).not.toHaveProperty('REDIS_SENTINEL_HOSTS');
      expect(env.REDIS_PASSWORD).toEqual({ secretKeyRef: { name: 'elasticache-auth', key: 'password' } });
      expect(env.REDIS_USERNAME).toEqual({ secretKeyRef: { name: 'elasticache-auth', key: 'username' } });
      const spec = podTemplateOf(backend)!.spec as Any;
      expect(spec.volumes).toContainEqual({ name: 'redis-ca', secret: { secretName: 'elasticache-ca', defaultMode: 292, items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
      expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'redis-ca', mountPath: '/etc/nexus/redis-ca', readOnly: true });
      expect(backend.spec!.template as Any).toHaveProperty(['metadata', 'annotations', 'nexus.dev/external-secrets']);
      expect((backend.spec!.template as Any).metadata.annotations['nexus.dev/external-secrets'].split(',')).toEqual(expect.arrayContaining(['elasticache-auth', 'elasticache-ca']));

      // Egress to the endpoint's port on the listed CIDRs; no rule to cache pods that do not exist.
      const egress = backendPolicy(docs).spec.egress as Any[];
      expect(egress).toContainEqual({ ports: [{ protocol: 'TCP', port: 6380 }], to: [{ ipBlock: { cidr: '10.20.0.0/16' } }] });
      expect(JSON.stringify(egress)).not.toContain('"app.kubernetes.io/component":"redis"');

      const plugin = ofKind(docs, 'KongPlugin')[0] as Any;
      expect(plugin.config.redis).toMatchObject({ host: HOST, port: 6380, ssl: true, ssl_verify: true });
      expect(plugin.configPatches).toEqual([
        { path: '/redis/username', valueFrom: { secretKeyRef: { name: 'elasticache-auth', key: 'username' } } },
        { path: '/redis/password', valueFrom: { secretKeyRef: { name: 'elasticache-auth', key: 'password' } } },
      ]);
    });

    it('external without CIDRs: egress on the port to any address (a NetworkPolicy cannot select a DNS name)', async () => {
      const set = Object.fromEntries(Object.entries(EXTERNAL_CACHE).filter(([k]) => !k.startsWith('cache.external.egress')));
      const docs = await renderChart({ helm: flavour, valuesFiles: [file], set, apiVersions: CRD_API_VERSIONS });
      expect(backendPolicy(docs).spec.egress).toContainEqual({ ports: [{ protocol: 'TCP', port: 6380 }] });
    });

    it('bundled: the master-only endpoint Kong uses, reached from the ingress controller, forwarding to the Redis port', async () => {
      const docs = await renderChart({ helm: flavour, valuesFiles: [file], apiVersions: CRD_API_VERSIONS });
      const service = ofKind(docs, 'Service').find((s) => s.metadata.name === 'nexus-cache-master') as Any;
      expect(service.spec.selector).toEqual({ 'app.kubernetes.io/name': 'cache', 'app.kubernetes.io/instance': 'nexus', 'app.kubernetes.io/component': 'redis-master' });
      const proxy = ofKind(docs, 'Deployment').find((d) => d.metadata.name === 'nexus-cache-master') as Any;
      expect(proxy.spec.replicas).toBe(2);
      expect(proxy.spec.template.spec.containers[0].image).toMatch(/^docker\.io\/library\/haproxy:3\.4\.3-trixie/);
      expect(ofKind(docs, 'PodDisruptionBudget').map((p) => p.metadata.name)).toContain('nexus-cache-master');
      const policies = ofKind(docs, 'NetworkPolicy') as Any[];
      type P = Any;
      const own = policies.find((p) => p.metadata.name === 'nexus-cache-master') as P;
      expect(own.spec.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kong' } } }], ports: [{ protocol: 'TCP', port: 6379 }] }]);
      expect(own.spec.egress).toEqual([{ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'nexus', 'app.kubernetes.io/component': 'redis' } } }], ports: [{ protocol: 'TCP', port: 6379 }] }]);
      const redis = policies.find((p) => p.metadata.name === 'nexus-cache') as P;
      expect(redis.spec.ingress).toContainEqual({ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'nexus', 'app.kubernetes.io/component': 'redis-master' } } }], ports: [{ protocol: 'TCP', port: 6379 }] });
    });

    it('bundled without Sentinel: the master Service selects the fixed master, no proxy', async () => {
      const set = { 'cache.sentinel.enabled': false, 'backend.redis.sentinel.enabled': false };
      const docs = await renderChart({ helm: flavour, valuesFiles: [file], set, apiVersions: CRD_API_VERSIONS });
      const service = ofKind(docs, 'Service').find((s) => s.metadata.name === 'nexus-cache-master') as Any;
      expect(service.spec.selector).toMatchObject({ 'app.kubernetes.io/component': 'redis', 'statefulset.kubernetes.io/pod-name': 'nexus-cache-0' });
      expect(docs.map((d) => d.object).filter((o) => componentOf(o) === 'redis-master' && o.kind !== 'Service')).toEqual([]);
    });

    it('refuses an external cache the consumers do not follow, with the rule id', async () => {
      for (const [set, rule, text] of [
        [{ 'cache.external.host': '' }, 'cache-external', 'cache.external.host'],
        [{ 'backend.redis.host': 'elsewhere' }, 'cache-external', `set backend.redis.host: ${HOST}`],
        [{ 'backend.redis.sentinel.enabled': true }, 'cache-external', 'backend.redis.sentinel.enabled'],
        // In production the backend's own guard (every backend reaches Redis over TLS) answers first.
        [{ 'backend.redis.tls.enabled': false }, file === 'values.production.yaml' ? 'production-tls' : 'cache-external', 'backend.redis.tls.enabled'],
        [{ 'backend.redis.existingSecret': 'x' }, 'cache-external', 'backend.redis.existingSecret'],
        [{ 'gateway.rateLimiting.redis.host': '' }, 'gateway-redis-target', HOST],
      ] as const) {
        const r = await helm(flavour, templateArgs({ valuesFiles: [file], set: { ...EXTERNAL_CACHE, ...set }, apiVersions: CRD_API_VERSIONS }));
        expect(r.code, JSON.stringify(set)).not.toBe(0);
        expect(r.stderr).toContain(`[${rule}]`);
        expect(r.stderr).toContain(text);
      }
    });

    it('helm lint --strict passes in both modes', async () => {
      for (const set of [{}, EXTERNAL_CACHE]) {
        const args = ['lint', UMBRELLA_CHART_DIR, '--strict', '--values', join(process.cwd(), file), ...Object.entries(set).flatMap(([k, v]) => ['--set', `${k}=${String(v)}`])];
        const r = await helm(flavour, args);
        expect(r.code, r.stdout + r.stderr).toBe(0);
      }
    });
  });
});

describe('production requires TLS and credentials for an external cache (rule cache-external)', () => {
  it('refuses plaintext and a missing credentials Secret', async () => {
    for (const [set, text] of [
      [{ 'cache.external.tls.enabled': false, 'backend.redis.tls.enabled': false }, 'cache.external.tls.enabled'],
      [{ 'cache.external.auth.existingSecret': '', 'backend.redis.existingSecret': '' }, 'cache.external.auth.existingSecret'],
    ] as const) {
      const r = await helm('helm4', templateArgs({ valuesFiles: ['values.production.yaml'], set: { ...EXTERNAL_CACHE, ...set }, apiVersions: CRD_API_VERSIONS }));
      expect(r.code, JSON.stringify(set)).not.toBe(0);
      expect(r.stderr).toContain('[cache-external]');
      expect(r.stderr).toContain(text);
    }
  });
});

describe('nexus validate on both cache modes', () => {
  it.each(ENV_FILES)('%s: no finding above info in either mode', async (file) => {
    for (const set of [{}, EXTERNAL_CACHE]) {
      const text = await renderText({ valuesFiles: [file], set, apiVersions: CRD_API_VERSIONS });
      const path = join(mkdtempSync(join(tmpdir(), 'nexus-cache-mode-')), 'render.yaml');
      writeFileSync(path, text);
      const report = await validate({ version: 'test', manifests: [path] });
      expect(report.findings.filter((f) => !f.exemption && f.severity !== 'info').map((f) => `${f.policyId} ${f.kind}/${f.name}: ${f.message}`)).toEqual([]);
    }
  });
});
