/**
 * Redis maxmemory leaves room for fork copy-on-write: whenever Redis forks (AOF rewrite, RDB snapshot,
 * a replica's full resync) the pages the parent changes are copied and count against the container's
 * memory limit. The derived maxmemory is 80 % of the limit, less cache.forkHeadroomPercent when Redis
 * forks. (redis.test.ts reads the rendered value back from a real redis-server.)
 */
import { describe, expect, it } from 'vitest';
import { renderChart } from '../charts/helpers.ts';

async function maxmemory(cache: Record<string, unknown>, backend: Record<string, unknown> = {}): Promise<string | undefined> {
  const docs = await renderChart({ valuesJson: { cache, backend } });
  const config = docs.map((d) => d.object).find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'nexus-cache-config') as { data: Record<string, string> } | undefined;
  return /^maxmemory (\S+)$/m.exec(config!.data['redis.conf']!)?.[1];
}

describe('cache maxmemory', () => {
  it.each([
    ['persistence and replicas (the default): 80 % - 25 % of 1Gi', {}, '563mb'],
    // Without Sentinel the backend must connect to the master directly (rule backend-redis-discovery).
    ['no persistence, one node: nothing forks, 80 %', { persistence: { enabled: false }, replicas: 1, sentinel: { enabled: false, quorum: 1 } }, '819mb', { redis: { sentinel: { enabled: false } } }],
    ['no persistence but replicas: a full resync forks', { persistence: { enabled: false } }, '563mb'],
    ['a write-heavy set keeps 40 % free of a 2Gi limit', { forkHeadroomPercent: 40, resources: { limits: { memory: '2Gi' } } }, '819mb'],
    ['an explicit maxmemory wins', { maxmemory: '700Mi' }, '700mb'],
  ] as [string, Record<string, unknown>, string, Record<string, unknown>?][])('%s', async (_label, cache, expected, backend) => {
    expect(await maxmemory(cache, backend)).toBe(expected);
  });
});
