/**
 * `nexus validate --deep` checkers for the stateful tiers: the rendered postgresql.conf, redis.conf and
 * sentinel.conf pass the real servers; a broken copy of each yields an error finding located at the
 * ConfigMap key, quoting the server's complaint.
 */
import { describe, expect, it } from 'vitest';
import { createPostgresChecker, postgresChecker, POSTGRES_CONFIG_ID } from '../../validator/deep/postgres.ts';
import { createRedisChecker, redisChecker, REDIS_CONFIG_ID } from '../../validator/deep/redis.ts';
import { asResources, configMapData, render, type K8sObject } from './lib/render.ts';

function withData(objects: K8sObject[], name: string, key: string, edit: (s: string) => string): K8sObject[] {
  return objects.map((o) => {
    if (o.kind !== 'ConfigMap' || o.metadata.name !== name) return o;
    const data = { ...(o as unknown as { data: Record<string, string> }).data };
    data[key] = edit(data[key]!);
    return { ...o, data };
  });
}

describe('deep checkers for postgresql.conf, redis.conf and sentinel.conf', () => {
  it('accept the generated configs of both environments', async () => {
    for (const env of ['staging', 'production'] as const) {
      const objects = await render(env);
      // The configs are in the render, so an empty result means they passed, not that nothing was checked.
      expect(Object.keys(configMapData(objects, 'nexus-database-config')), env).toContain('postgresql.conf');
      expect(Object.keys(configMapData(objects, 'nexus-cache-config')), env).toEqual(expect.arrayContaining(['redis.conf', 'sentinel.conf']));
      const resources = asResources(objects);
      expect(await postgresChecker.check(resources)).toEqual([]);
      expect(await redisChecker.check(resources)).toEqual([]);
    }
  });

  it('report a misspelt or invalid PostgreSQL setting with the server\'s message', async () => {
    const objects = await render('staging');
    const broken = withData(objects, 'nexus-database-config', 'postgresql.conf', (s) => `${s}shared_bufers = '1GB'\nwork_mem = 'lots'\n`);
    const findings = await postgresChecker.check(asResources(broken));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ policyId: POSTGRES_CONFIG_ID, severity: 'error', kind: 'ConfigMap', name: 'nexus-database-config', jsonPointer: '/data/postgresql.conf' });
    expect(findings[0]!.message).toMatch(/unrecognized configuration parameter "shared_bufers"/);
    expect(findings[0]!.message).toContain('nexus-database-config/postgresql.conf');
    expect(findings[0]!.message).not.toMatch(/nexus-pgconf-/);
  });

  it('report a bad redis.conf and sentinel.conf directive with the server\'s message', async () => {
    const objects = await render('production');
    const badRedis = withData(objects, 'nexus-cache-config', 'redis.conf', (s) => s.replace(/^maxmemory-policy .*$/m, 'maxmemory-policy sometimes'));
    const badBoth = withData(badRedis, 'nexus-cache-config', 'sentinel.conf', (s) => s.replace(/^sentinel down-after-milliseconds (\S+) \d+$/m, 'sentinel down-after-milliseconds $1 soon'));
    const findings = await redisChecker.check(asResources(badBoth));
    expect(findings.map((f) => f.jsonPointer).sort()).toEqual(['/data/redis.conf', '/data/sentinel.conf']);
    for (const f of findings) expect(f).toMatchObject({ policyId: REDIS_CONFIG_ID, severity: 'error', name: 'nexus-cache-config' });
    const redis = findings.find((f) => f.jsonPointer === '/data/redis.conf')!;
    expect(redis.message).toMatch(/FATAL CONFIG FILE ERROR/);
    expect(redis.message).toMatch(/maxmemory-policy sometimes/);
  });

  it('report a missing server binary as an error that says how to install it', async () => {
    const resources = asResources(await render('staging'));
    const none = () => [];
    const pg = await createPostgresChecker(none).check(resources);
    const redis = await createRedisChecker(none).check(resources);
    expect(pg).toHaveLength(1);
    expect(redis).toHaveLength(2);
    for (const f of [...pg, ...redis]) {
      expect(f.severity).toBe('error');
      expect(f.policyId).toBe('deep/tool-missing'); // could not run: the run exits 2
      expect(f.message).toMatch(/is not installed/);
      expect(f.hint).toContain('bash scripts/install-system-deps.sh');
    }
  });
});
