/**
 * `nexus validate --deep` checkers for the stateful tiers: the rendered postgresql.conf, redis.conf and
 * sentinel.conf pass the real servers; a broken copy of each yields an error finding located at the
 * ConfigMap key, quoting the server's complaint.
 */
import { describe, expect, it } from 'vitest';
import { clusterConfigs, createPostgresChecker, postgresChecker, POSTGRES_CONFIG_ID } from '../../validator/deep/postgres.ts';
import { createRedisChecker, redisChecker, REDIS_CONFIG_ID } from '../../validator/deep/redis.ts';
import { serverBinaries } from '../../validator/deep/stateful-tools.ts';
import { asResources, configMapData, find, render, type K8sObject } from './lib/render.ts';

/**
 * The checker judges a config only with a server of the image's release (deep-versions.test.ts). The
 * cache image runs Redis 7.2, which no Debian archive has; to exercise the real redis-server here, the
 * rendered objects run the installed server's release instead.
 */
function withInstalledRedisImage(objects: K8sObject[]): K8sObject[] {
  const installed = serverBinaries('redis-server')[0];
  if (!installed) throw new Error('redis-server is not installed: run `bash scripts/install-system-deps.sh`');
  const retag = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(retag);
    if (!node || typeof node !== 'object') return node;
    return Object.fromEntries(
      Object.entries(node).map(([k, v]) => [k, k === 'image' && typeof v === 'string' && /(^|\/)redis:/.test(v) ? v.replace(/redis:[^@]+/, `redis:${installed.version}`) : retag(v)]),
    );
  };
  return retag(objects) as K8sObject[];
}

/** The overlays in CloudNativePG mode, archiving to a bucket, on the bundled image's PostgreSQL release (16). */
const CNPG_16 = [
  'database.mode=cloudnativepg',
  'backend.database.caSecret=nexus-database-ca',
  'database.backup.objectStorage.bucket=nexus-backups/test',
  'database.backup.objectStorage.existingSecret=nexus-backup-object-storage',
  'database.cloudnativepg.image.tag=16.15-202608170814-system-bookworm',
];

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
      expect(await postgresChecker.check(asResources(objects))).toEqual([]);
      expect(await redisChecker.check(asResources(withInstalledRedisImage(objects)))).toEqual([]);
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

  it('accept the CloudNativePG Cluster parameters of both overlays, read by a server of the Cluster image\'s release', async () => {
    for (const env of ['staging', 'production'] as const) {
      const objects = await render(env, { databaseMode: 'cloudnativepg', set: CNPG_16 });
      const cluster = find(objects, 'Cluster', 'nexus-database') as unknown as { spec: { imageName: string; postgresql: { parameters: Record<string, string> } } };
      expect(Object.keys(cluster.spec.postgresql.parameters).length, env).toBeGreaterThan(10);
      expect(clusterConfigs(asResources(objects)), env).toHaveLength(1);
      // No finding at all: not even the info saying no server of the image's release is installed.
      expect(await postgresChecker.check(asResources(objects)), env).toEqual([]);
    }
  });

  it('report a bad CloudNativePG Cluster parameter at spec.postgresql.parameters, quoting the server', async () => {
    const objects = (await render('production', { databaseMode: 'cloudnativepg', set: CNPG_16 })).map((o) => {
      if (o.kind !== 'Cluster') return o;
      const spec = o.spec as { postgresql: { parameters: Record<string, string> } };
      return { ...o, spec: { ...spec, postgresql: { ...spec.postgresql, parameters: { ...spec.postgresql.parameters, work_mem: 'lots', effective_io_concurency: '200' } } } };
    });
    const findings = await postgresChecker.check(asResources(objects));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ policyId: POSTGRES_CONFIG_ID, severity: 'error', kind: 'Cluster', name: 'nexus-database', jsonPointer: '/spec/postgresql/parameters' });
    expect(findings[0]!.message).toMatch(/effective_io_concurency|work_mem/);
    expect(findings[0]!.message).toContain('nexus-database/spec.postgresql.parameters');
  });

  it('say, not judge, a Cluster whose image runs a PostgreSQL release not installed here', async () => {
    const objects = (await render('staging', { databaseMode: 'cloudnativepg', set: CNPG_16 })).map((o) =>
      o.kind === 'Cluster' ? { ...o, spec: { ...(o.spec as object), imageName: 'ghcr.io/cloudnative-pg/postgresql:99.1-system-trixie' } } : o,
    );
    const findings = await postgresChecker.check(asResources(objects));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ policyId: POSTGRES_CONFIG_ID, severity: 'info', kind: 'Cluster', name: 'nexus-database' });
    expect(findings[0]!.message).toMatch(/PostgreSQL 99/);
  });

  it('report a bad redis.conf and sentinel.conf directive with the server\'s message', async () => {
    const objects = withInstalledRedisImage(await render('production'));
    const badRedis = withData(objects, 'nexus-cache-config', 'redis.conf', (s) => s.replace(/^maxmemory-policy .*$/m, 'maxmemory-policy sometimes'));
    const badBoth = withData(badRedis, 'nexus-cache-config', 'sentinel.conf', (s) => s.replace(/^sentinel down-after-milliseconds (\S+) \d+$/m, 'sentinel down-after-milliseconds $1 soon'));
    const findings = await redisChecker.check(asResources(badBoth));
    expect(findings.map((f) => f.jsonPointer).sort()).toEqual(['/data/redis.conf', '/data/sentinel.conf']);
    for (const f of findings) expect(f).toMatchObject({ policyId: REDIS_CONFIG_ID, severity: 'error', name: 'nexus-cache-config' });
    const redis = findings.find((f) => f.jsonPointer === '/data/redis.conf')!;
    expect(redis.message).toMatch(/FATAL CONFIG FILE ERROR/);
    expect(redis.message).toMatch(/maxmemory-policy sometimes/);
  });

  it('start a TLS config with a throwaway certificate, and report a bad TLS directive', async () => {
    const objects = withInstalledRedisImage(await render('production'));
    expect(configMapData(objects, 'nexus-cache-config')['redis.conf']).toMatch(/^tls-port 6379$/m);
    const bad = withData(objects, 'nexus-cache-config', 'redis.conf', (s) => s.replace(/^tls-auth-clients .*$/m, 'tls-auth-clients sometimes'));
    const findings = await redisChecker.check(asResources(bad));
    expect(findings.map((f) => f.jsonPointer)).toEqual(['/data/redis.conf']);
    expect(findings[0]!.message).toMatch(/tls-auth-clients sometimes/);
    expect(findings[0]!.message).toContain('the TLS port and certificate files rewritten');
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
