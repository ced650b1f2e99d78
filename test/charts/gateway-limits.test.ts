/**
 * Gateway rate limits that hold: who a client is (real IP, consumer, credential or a header), where the
 * counters live (per Kong pod, or shared in Redis), the Redis password patched in from its Secret and
 * never written into the KongPlugin, and the rules as Helm failures. On Helm 4.1 and 3.17; the rendered
 * plugin is checked against the bundled KongPlugin schema.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validate } from '../../validator/run.ts';
import { HELM_FLAVOURS } from '../helpers/helm.ts';
import { helm, ofKind, renderChart, renderText, templateArgs } from './helpers.ts';

type Any = Record<string, any>;
const KONG = ['configuration.konghq.com/v1'];
const REDIS = {
  'gateway.rateLimiting.policy': 'redis',
  'gateway.rateLimiting.redis.host': 'master.nexus-ratelimit.cache.amazonaws.com',
  'gateway.rateLimiting.redis.ssl': true,
  'gateway.rateLimiting.redis.existingSecret': 'kong-ratelimit-redis',
};

describe.each(HELM_FLAVOURS)('gateway rate limits (%s)', (flavour) => {
  const plugin = async (set: Record<string, string | number | boolean> = {}) => ofKind(await renderChart({ helm: flavour, valuesFiles: ['values.production.yaml'], set, apiVersions: KONG }), 'KongPlugin')[0] as Any;

  it('limits each real client IP by default, globally: counters in the bundled cache\'s master-only Service, the password from the cache\'s Secret', async () => {
    const p = await plugin();
    expect(p.config).toMatchObject({ limit_by: 'ip', policy: 'redis', fault_tolerant: true, redis: { host: 'nexus-cache-master.nexus-platform.svc', port: 6379, ssl: true, ssl_verify: true, server_name: 'nexus-cache-master.nexus-platform.svc' } });
    // Kong logs in as the cache's gateway user (least privilege, its own password), never the application's.
    expect(p.configPatches).toEqual([
      { path: '/redis/username', valueFrom: { secretKeyRef: { name: 'nexus-redis-credentials', key: 'redis-gateway-username' } } },
      { path: '/redis/password', valueFrom: { secretKeyRef: { name: 'nexus-redis-credentials', key: 'redis-gateway-password' } } },
    ]);
    // Outside the overlays: the chart's generated cache Secret, which holds that user.
    const devDocs = await renderChart({ helm: flavour, valuesFiles: [], set: {}, apiVersions: KONG });
    const dev = ofKind(devDocs, 'KongPlugin')[0] as Any;
    // Kong runs in its own namespace: the namespaced name; no TLS on a development cache, so no server name.
    expect(dev.config.redis).toMatchObject({ host: 'nexus-cache-master.nexus-platform.svc', ssl: false });
    expect(dev.config.redis).not.toHaveProperty('server_name');
    expect(dev.configPatches.map((c: Any) => c.valueFrom.secretKeyRef)).toEqual([{ name: 'nexus-cache', key: 'redis-gateway-username' }, { name: 'nexus-cache', key: 'redis-gateway-password' }]);
    const cacheSecret = (ofKind(devDocs, 'Secret') as Any[]).find((o) => o.metadata.name === 'nexus-cache')!;
    expect(Object.keys(cacheSecret.data)).toEqual(expect.arrayContaining(['redis-gateway-username', 'redis-gateway-password']));
    expect(Buffer.from(cacheSecret.data['redis-gateway-username'], 'base64').toString()).toBe('kong');
  });

  it('keeps per-pod counters with policy local (no Redis, no patch)', async () => {
    const p = await plugin({ 'gateway.rateLimiting.policy': 'local' });
    expect(p.config.policy).toBe('local');
    expect(p.config).not.toHaveProperty('redis');
    expect(p).not.toHaveProperty('configPatches');
  });

  it('shares the counters in Redis across Kong pods, with the password patched in from its Secret', async () => {
    const p = await plugin(REDIS);
    expect(p.config).toMatchObject({ policy: 'redis', redis: { host: 'master.nexus-ratelimit.cache.amazonaws.com', port: 6379, database: 0, ssl: true, ssl_verify: true, timeout: 2000 } });
    expect(JSON.stringify(p.config)).not.toContain('password');
    expect(p.configPatches).toEqual([
      { path: '/redis/username', valueFrom: { secretKeyRef: { name: 'kong-ratelimit-redis', key: 'redis-gateway-username' } } },
      { path: '/redis/password', valueFrom: { secretKeyRef: { name: 'kong-ratelimit-redis', key: 'redis-gateway-password' } } },
    ]);
    // A Redis without ACL users: no user name patched.
    const noUser = await plugin({ ...REDIS, 'gateway.rateLimiting.redis.usernameKey': '', 'gateway.rateLimiting.redis.passwordKey': 'redis-password' });
    expect(noUser.configPatches).toEqual([{ path: '/redis/password', valueFrom: { secretKeyRef: { name: 'kong-ratelimit-redis', key: 'redis-password' } } }]);
  });

  it('limits by consumer, credential or a header where configured', async () => {
    expect((await plugin({ 'gateway.rateLimiting.limitBy': 'consumer' })).config.limit_by).toBe('consumer');
    const byHeader = await plugin({ 'gateway.rateLimiting.limitBy': 'header', 'gateway.rateLimiting.headerName': 'X-Api-Key' });
    expect(byHeader.config).toMatchObject({ limit_by: 'header', header_name: 'X-Api-Key' });
  });

  it('refuses a header limit without the header, and a Redis policy whose Redis is not there, with the rule id', async () => {
    for (const [set, rule, text] of [
      [{ 'gateway.rateLimiting.limitBy': 'header' }, 'gateway-rate-limit-targets', 'gateway.rateLimiting.headerName'],
      [{ 'cache.enabled': false }, 'gateway-redis-target', 'gateway.rateLimiting.redis.host'],
      [{ 'cache.masterService.enabled': false }, 'gateway-redis-target', 'cache.masterService.enabled'],
      [{ 'gateway.rateLimiting.redis.existingSecret': 'other' }, 'gateway-redis-target', 'set gateway.rateLimiting.redis.existingSecret: nexus-redis-credentials'],
      [{ 'gateway.rateLimiting.redis.port': 6380 }, 'gateway-redis-target', 'gateway.rateLimiting.redis.port'],
    ] as const) {
      const r = await helm(flavour, templateArgs({ valuesFiles: ['values.production.yaml'], set, apiVersions: KONG }));
      expect(r.code, JSON.stringify(set)).not.toBe(0);
      expect(r.stderr).toContain(`[${rule}]`);
      expect(r.stderr).toContain(text);
    }
  });
});

describe('the rendered KongPlugin against the bundled KongPlugin schema', () => {
  it('is valid with Redis, TLS, a header limit and the password patch', async () => {
    const text = await renderText({ valuesFiles: ['values.production.yaml'], set: { ...REDIS, 'gateway.rateLimiting.limitBy': 'header', 'gateway.rateLimiting.headerName': 'X-Api-Key', 'gateway.rateLimiting.redis.serverName': 'redis.internal' }, apiVersions: KONG });
    const file = join(mkdtempSync(join(tmpdir(), 'nexus-kong-')), 'render.yaml');
    writeFileSync(file, text);
    const report = await validate({ version: 'test', manifests: [file], policies: false });
    expect(report.findings.filter((f) => f.kind === 'KongPlugin').map((f) => `${f.policyId} ${f.jsonPointer}: ${f.message}`)).toEqual([]);
    expect(report.resources.filter((r) => r.kind === 'KongPlugin').map((r) => r.status)).toEqual(['valid']);
  });
});
