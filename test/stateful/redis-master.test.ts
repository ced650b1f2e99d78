/**
 * The cache's master-only endpoint (cache.masterService, the HAProxy that Kong's rate-limiting plugin
 * connects to) with real redis-server and haproxy processes: the RENDERED haproxy.cfg and
 * master-start.sh, with only cluster-only addresses rewritten (the listen addresses, and each node's pod
 * DNS name → 127.0.0.1:<port>). It forwards to the master only, follows a failover within a few check
 * intervals, cuts the sessions it held on the demoted master (pooled clients reconnect to the new one),
 * and is not ready while no node authenticates it as master.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, requireTool, run, startServer, waitFor, type Server } from './lib/proc.ts';
import { configMapData, render } from './lib/render.ts';

// Spaces and quotes: the role check must send the password as a RESP bulk string, not inline.
const PASSWORD = 'redis "secret" pw';

const cli = (port: number, args: string[], password = PASSWORD) => run('redis-cli', ['--raw', '-h', '127.0.0.1', '-p', String(port), ...args], { env: { REDISCLI_AUTH: password } });
const field = (port: number, section: string, key: string) => new RegExp(`^${key}:(\\S+)`, 'm').exec(cli(port, ['INFO', section]).stdout)?.[1];

function supportsInitState(): boolean {
  const [major = 0, minor = 0] = (/version (\d+)\.(\d+)/.exec(run('haproxy', ['-v']).stdout) ?? []).slice(1).map(Number);
  return major > 3 || (major === 3 && minor >= 1);
}

/** The rendered haproxy.cfg with its listen addresses and server addresses made local. */
function localConfig(conf: string, listen: { redis: number; health: number }, nodes: number[]): string {
  let server = 0;
  const out = conf.split('\n').map((line) => {
    // Debian's haproxy (2.6) predates `init-state` (3.1; the image runs 3.4): dropped here only.
    if (/^\s*default-server /.test(line) && !supportsInitState()) return line.replace(' init-state down', '');
    if (/^\s*bind :8404$/.test(line)) return `  bind 127.0.0.1:${listen.health}`;
    if (/^\s*bind :\d+$/.test(line)) return `  bind 127.0.0.1:${listen.redis}`;
    const m = /^(\s*server node-(\d+)) \S+$/.exec(line);
    if (m) {
      server++;
      return `${m[1]} 127.0.0.1:${nodes[Number(m[2])]}`;
    }
    return line;
  });
  if (server !== nodes.length) throw new Error(`expected ${nodes.length} server lines in haproxy.cfg, found ${server}:\n${conf}`);
  return out.join('\n');
}

describe('cache master-only endpoint (HAProxy) with the rendered config on real servers', () => {
  const servers: Server[] = [];
  const dirs: string[] = [];
  const nodes: number[] = [];
  let data: Record<string, string>;
  let dir = '';

  const startProxy = async (password: string) => {
    const listen = { redis: await freePort(), health: await freePort() };
    const cfg = join(dir, `haproxy-${listen.redis}.cfg`);
    writeFileSync(cfg, localConfig(data['haproxy.cfg']!, listen, nodes));
    const proxy = startServer('/bin/sh', [join(dir, 'master-start.sh')], { env: { HAPROXY_CONFIG: cfg, REDIS_PASSWORD: password } });
    servers.push(proxy);
    await waitFor('haproxy health port', async () => {
      if (proxy.proc.exitCode !== null) throw new Error(`haproxy exited ${proxy.proc.exitCode}:\n${proxy.output()}`);
      return fetch(`http://127.0.0.1:${listen.health}/ready`).then(() => true, () => false);
    });
    return { ...listen, proxy };
  };
  const ready = (health: number) => fetch(`http://127.0.0.1:${health}/ready`).then((r) => r.status);

  beforeAll(async () => {
    requireTool('redis-server');
    requireTool('redis-cli');
    requireTool('haproxy');
    // Staging: Sentinel and auth on, so the master Service is the HAProxy Deployment.
    const objects = await render('staging');
    data = configMapData(objects, 'nexus-cache-master-config');
    dir = mkdtempSync(join(tmpdir(), 'nexus-redis-master-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'master-start.sh'), data['master-start.sh']!);
    for (let i = 0; i < 3; i++) nodes.push(await freePort());
    for (const [i, port] of nodes.entries()) {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--dbfilename', `n${i}.rdb`, '--appendonly', 'no', '--save', '', '--requirepass', PASSWORD, '--masterauth', PASSWORD];
      const server = startServer('redis-server', i === 0 ? args : [...args, '--replicaof', '127.0.0.1', String(nodes[0])]);
      servers.push(server);
      await waitFor(`redis-server ${i}`, () => {
        if (server.proc.exitCode !== null) throw new Error(`redis-server exited:\n${server.output()}`);
        return cli(port, ['PING']).stdout.trim() === 'PONG';
      });
    }
    // The replicas finish their initial sync before any test writes: under load a full resync can take
    // longer than a WAIT timeout, and a replica still syncing acknowledges nothing.
    await waitFor('both replicas linked to the master', () =>
      nodes.slice(1).every((port) => field(port, 'replication', 'master_link_status') === 'up' && field(port, 'replication', 'master_sync_in_progress') === '0')
      && (cli(nodes[0]!, ['INFO', 'replication']).stdout.match(/^slave\d+:.*state=online/gm) ?? []).length === 2, 60_000);
  });
  afterAll(async () => {
    for (const s of servers.reverse()) await s.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('renders one server line per node, checked for role:master with the password sent as a RESP array', () => {
    const conf = data['haproxy.cfg']!;
    expect(conf.match(/^\s*server node-\d+ /gm)).toHaveLength(3);
    expect(conf).toMatch(/tcp-check expect string role:master/);
    expect(conf).toMatch(/balance first/);
    expect(conf).toMatch(/on-marked-down shutdown-sessions/);
  });

  it('forwards only to the master, and follows a failover, cutting the sessions held on the old master', async () => {
    const { redis, health } = await startProxy(PASSWORD);
    const runId = (port: number) => field(port, 'server', 'run_id');
    const [a, b, c] = nodes as [number, number, number];
    await waitFor('proxy ready', async () => (await ready(health)) === 200);
    expect(runId(redis)).toBe(runId(a));
    expect(field(redis, 'replication', 'role')).toBe('master');
    expect(cli(redis, ['SET', 'ratelimit:1', '1']).stdout.trim()).toBe('OK');
    // Both replicas have the write before the failover (WAIT, through the proxy: it runs on the master).
    expect(cli(redis, ['WAIT', '2', '30000']).stdout.trim()).toBe('2');

    // A pooled client connection through the proxy (Kong keeps them): AUTH, then wait.
    const pooled = connect(redis, '127.0.0.1');
    let closed = false;
    pooled.on('data', () => {}); // keep reading, so the peer's FIN is seen
    pooled.once('close', () => (closed = true));
    await new Promise<void>((resolve) => pooled.once('connect', () => resolve()));
    pooled.write(`*2\r\n$4\r\nAUTH\r\n$${Buffer.byteLength(PASSWORD)}\r\n${PASSWORD}\r\n`);

    // Failover, as Sentinel performs it: b is promoted, a and c follow it.
    const started = Date.now();
    cli(b, ['REPLICAOF', 'NO', 'ONE']);
    cli(a, ['REPLICAOF', '127.0.0.1', String(b)]);
    cli(c, ['REPLICAOF', '127.0.0.1', String(b)]);
    await waitFor('proxy forwards to the new master', () => runId(redis) === runId(b), 15_000, 100);
    const followedMs = Date.now() - started;
    // checkIntervalMs is 1000 (fall 1, rise 1): a couple of intervals at most.
    expect(followedMs).toBeLessThan(5000);
    expect(cli(redis, ['INCR', 'ratelimit:1']).stdout.trim()).toBe('2');
    await waitFor('the session on the old master is cut', () => closed, 5000);
  });

  it('is not ready, and forwards nothing, while no node accepts its password', async () => {
    const { redis, health } = await startProxy('wrong password');
    await waitFor('the proxy reports no master', async () => (await ready(health)) === 503, 10_000);
    const r = cli(redis, ['PING']);
    expect(r.stdout.trim()).not.toBe('PONG');
  });
});
