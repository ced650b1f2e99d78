/**
 * The generated redis.conf and sentinel.conf run real redis-server / redis-sentinel processes, and a
 * 3-node set started with the chart's own start scripts fails over when its master is killed, keeping
 * its data. Both overlays serve TLS only (cache.tls), so everything here runs over TLS with certificates
 * openssl makes in the test: the nodes' replication, the Sentinels' links, the scripts' redis-cli calls,
 * and a client (ioredis) that finds the master through Sentinel and verifies the CA and the host name.
 * Only cluster-only addresses and paths are rewritten (bind, tls-port, dir, the certificate files, the
 * seed host). test/stateful/tls-redis.test.ts proves what TLS refuses.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, requireTool, run, runAsync, startServer, waitFor, type Server } from './lib/proc.ts';
import { makeRedisPki, onlineReplicas, type RedisPki, type RedisNode, rewriteConf, startRedisNode, tlsCli, tlsConfRewrites } from './lib/redis-tls.ts';
import { configMapData, render, type EnvName } from './lib/render.ts';

const PASSWORD = 'redis "secret" pw';
/** The application user's password; PASSWORD is the internal one (users admin, replication, sentinel). */
const APP_PASSWORD = 'app pw';

let pki: RedisPki;
let pkiDir = '';
beforeAll(() => {
  requireTool('openssl');
  pkiDir = mkdtempSync(join(tmpdir(), 'nexus-redis-pki-'));
  pki = makeRedisPki(pkiDir, ['DNS:localhost', 'IP:127.0.0.1']);
});
afterAll(() => {
  if (pkiDir) rmSync(pkiDir, { recursive: true, force: true });
});

/** redis-cli over TLS as the admin user (the scripts' user; the single servers of the first tests run the default user: ''). */
const cli = (port: number, args: string[], password = PASSWORD, user = 'admin') => tlsCli(pki.tlsDir, port, args, password, user ? ['--user', user] : []);
const cliOk = (port: number, args: string[], user = 'admin') => {
  const r = cli(port, args, PASSWORD, user);
  if (r.status !== 0 || /^(ERR|NOAUTH|WRONGPASS)/m.test(r.stdout)) throw new Error(`redis-cli ${args.join(' ')}: ${r.stdout}${r.stderr}`);
  return r.stdout.trim();
};
const configGet = (port: number, key: string) => cliOk(port, ['CONFIG', 'GET', key], '').split('\n')[1];

describe.each(['staging', 'production'] as EnvName[])('redis.conf and sentinel.conf for %s on real servers', (env) => {
  const servers: Server[] = [];
  const dirs: string[] = [];
  let data: Record<string, string>;

  beforeAll(async () => {
    requireTool('redis-server');
    requireTool('redis-sentinel');
    requireTool('redis-cli');
    data = configMapData(await render(env), 'nexus-cache-config');
  });
  afterAll(async () => {
    for (const s of servers) await s.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('redis-server accepts redis.conf and reads the settings back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-redis-'));
    dirs.push(dir);
    const port = await freePort();
    // TLS only: `port 0` stays, the TLS port moves to a free one.
    expect(data['redis.conf']).toMatch(/^port 0$/m);
    writeFileSync(join(dir, 'redis.conf'), rewriteConf(data['redis.conf']!, tlsConfRewrites(pki.tlsDir, port, dir)));
    const server = startServer('redis-server', [join(dir, 'redis.conf'), '--requirepass', PASSWORD]);
    servers.push(server);
    await waitFor('redis-server', () => {
      if (server.proc.exitCode !== null) throw new Error(`redis-server exited ${server.proc.exitCode}:\n${server.output()}`);
      return cli(port, ['PING'], PASSWORD, '').stdout.trim() === 'PONG';
    });
    const conf = data['redis.conf']!;
    const directive = (k: string) => new RegExp(`^${k} (.+)$`, 'm').exec(conf)?.[1];
    // maxmemory: 80 % of the 1Gi memory limit less the 25 % kept for fork copy-on-write (AOF rewrite,
    // RDB, replica resync), in redis.conf's own unit.
    expect(directive('maxmemory')).toBe('563mb');
    expect(Number(configGet(port, 'maxmemory'))).toBe(563 * 1024 * 1024);
    for (const key of ['maxmemory-policy', 'appendonly', 'appendfsync', 'min-replicas-to-write', 'min-replicas-max-lag', 'repl-diskless-sync', 'protected-mode']) {
      expect(configGet(port, key), key).toBe(directive(key) === 'on' ? 'yes' : directive(key));
    }
    expect(configGet(port, 'save')).toBe(directive('save'));
    expect(configGet(port, 'port')).toBe('0');
    expect(configGet(port, 'tls-port')).toBe(String(port));
    for (const key of ['tls-replication', 'tls-auth-clients', 'tls-protocols', 'tls-prefer-server-ciphers']) expect(configGet(port, key), key).toBe(directive(key)!.replace(/"/g, ''));
    await server.stop();
  });

  it('redis-sentinel accepts sentinel.conf and monitors with the configured quorum and timings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-sentinel-'));
    dirs.push(dir);
    const port = await freePort();
    const conf = data['sentinel.conf']!;
    const monitor = /^sentinel monitor (\S+) (\S+) (\d+) (\d+)$/m.exec(conf)!;
    expect(monitor, 'sentinel monitor line').toBeTruthy();
    expect(monitor[2]).toBe('nexus-cache-0.nexus-cache-headless.nexus-platform.svc.cluster.local');
    expect(conf).toMatch(/^port 0$/m);
    writeFileSync(join(dir, 'sentinel.conf'), rewriteConf(conf, { ...tlsConfRewrites(pki.tlsDir, port, dir), [`sentinel monitor ${monitor[1]}`]: `sentinel monitor ${monitor[1]} 127.0.0.1 1 ${monitor[4]}` }));
    const server = startServer('redis-sentinel', [join(dir, 'sentinel.conf')]);
    servers.push(server);
    const master = await waitFor('sentinel', () => {
      if (server.proc.exitCode !== null) throw new Error(`redis-sentinel exited ${server.proc.exitCode}:\n${server.output()}`);
      const r = tlsCli(pki.tlsDir, port, ['SENTINEL', 'MASTER', monitor[1]!]);
      return r.status === 0 && r.stdout.includes('quorum') ? r.stdout.trim().split('\n') : undefined;
    });
    const field = (k: string) => master[master.indexOf(k) + 1];
    expect(field('quorum')).toBe(monitor[4]);
    expect(field('down-after-milliseconds')).toBe(/^sentinel down-after-milliseconds \S+ (\d+)$/m.exec(conf)![1]);
    expect(field('failover-timeout')).toBe(/^sentinel failover-timeout \S+ (\d+)$/m.exec(conf)![1]);
    expect(field('parallel-syncs')).toBe(/^sentinel parallel-syncs \S+ (\d+)$/m.exec(conf)![1]);
    await server.stop();
  });
});

describe('Redis + Sentinel failover with the generated configs and start scripts', () => {
  const nodes: RedisNode[] = [];
  let masterSet = '';
  let scriptsDir = '';

  const nodeEnv = (i: number) => ({
    ANNOUNCE_HOST: '127.0.0.1',
    SEED_HOST: '127.0.0.1',
    SEED_PORT: String(nodes[0]!.redisPort),
    MASTER_SET: masterSet,
    SENTINEL_ADDRS: nodes.map((n) => `127.0.0.1:${n.sentinelPort}`).join(' '),
    REDIS_ADMIN_PASSWORD: PASSWORD,
    REDIS_PASSWORD: APP_PASSWORD,
    REDIS_APP_USER: 'nexus',
    REDIS_HAPROXY_PASSWORD: 'haproxy pw',
    REDIS_USERS: join(nodes[i]!.dir, 'redis-users.acl'),
    SENTINEL_USERS: join(nodes[i]!.dir, 'sentinel-users.acl'),
    REDIS_PORT: String(nodes[i]!.redisPort),
    SENTINEL_PORT: String(nodes[i]!.sentinelPort),
    REDIS_CONF: join(nodes[i]!.dir, 'redis.conf'),
    SENTINEL_CONF: join(nodes[i]!.dir, 'sentinel.conf'),
    RUNTIME_DIR: join(nodes[i]!.dir, 'run'),
    REDIS_TLS_DIR: pki.tlsDir,
  });

  /**
   * A client as the backend is configured (REDIS_SENTINEL_HOSTS/MASTER, REDIS_SSL, REDIS_SSL_CERT_REQS=required,
   * REDIS_SSL_CA_CERTS): it asks Sentinel over TLS for the master and connects to the address Sentinel
   * names over TLS, verifying the CA and the host name on both (node's checkServerIdentity: here the
   * certificate's IP:127.0.0.1; in the cluster the pod names under *.<headless>...). After a failover it asks
   * again.
   */
  let app: Redis | undefined;
  const appClient = () =>
    new Redis({
      sentinels: nodes.map((n) => ({ host: '127.0.0.1', port: n.sentinelPort })),
      name: masterSet,
      // The application's ACL user on Redis and on Sentinel (REDIS_USERNAME, REDIS_PASSWORD).
      username: 'nexus',
      password: APP_PASSWORD,
      sentinelUsername: 'nexus',
      sentinelPassword: APP_PASSWORD,
      enableTLSForSentinelMode: true,
      sentinelTLS: { ca: pki.caPem },
      tls: { ca: pki.caPem },
      connectTimeout: 5_000,
      retryStrategy: () => 250,
      sentinelRetryStrategy: () => 250,
    });
  /** The TLS port of the node a client is connected to. */
  // CLIENT INFO's local address (CONFIG is denied to the application user).
  const portOf = async (client: Redis) => Number(/laddr=[^ ]*:(\d+)/.exec(String(await client.call('CLIENT', 'INFO')))![1]);

  const masterOf = (sentinelPort: number) => {
    const r = cli(sentinelPort, ['SENTINEL', 'get-master-addr-by-name', masterSet]);
    return r.status === 0 ? r.stdout.trim().split('\n').join(':') : '';
  };

  beforeAll(async () => {
    requireTool('redis-server');
    requireTool('redis-sentinel');
    const objects = await render('production');
    const data = configMapData(objects, 'nexus-cache-config');
    const scripts = configMapData(objects, 'nexus-cache-scripts');
    scriptsDir = mkdtempSync(join(tmpdir(), 'nexus-redis-scripts-'));
    for (const [name, body] of Object.entries(scripts)) writeFileSync(join(scriptsDir, name), body, { mode: 0o755 });
    const monitor = /^sentinel monitor (\S+) (\S+) (\d+) (\d+)$/m.exec(data['sentinel.conf']!)!;
    masterSet = monitor[1]!;
    for (let i = 0; i < 3; i++) nodes.push({ redisPort: await freePort(), sentinelPort: await freePort(), dir: mkdtempSync(join(tmpdir(), `nexus-redis-node${i}-`)) });
    for (const [i, n] of nodes.entries()) await startRedisNode({ node: n, index: i, data, tlsDir: pki.tlsDir, primaryPort: nodes[0]!.redisPort, scriptsDir, env: nodeEnv(i) });
  });

  afterAll(async () => {
    app?.disconnect();
    for (const n of nodes) {
      await n.sentinel?.stop();
      await n.redis?.stop();
      rmSync(n.dir, { recursive: true, force: true });
    }
    if (scriptsDir) rmSync(scriptsDir, { recursive: true, force: true });
  });

  it('forms one master with two replicas watched by three Sentinels', async () => {
    const seed = `127.0.0.1:${nodes[0]!.redisPort}`;
    for (const n of nodes) await waitFor('every Sentinel to agree on the seed master', () => masterOf(n.sentinelPort) === seed);
    // Online, not just connected: a replica waiting for its first transfer (repl-diskless-sync-delay) acks nothing.
    await waitFor('two online replicas', () => onlineReplicas(cliOk(nodes[0]!.redisPort, ['INFO', 'replication'])) === 2);
    await waitFor('Sentinels to discover each other', () => {
      const r = cli(nodes[0]!.sentinelPort, ['SENTINEL', 'MASTER', masterSet]).stdout.trim().split('\n');
      return r[r.indexOf('num-other-sentinels') + 1] === '2';
    });
    // Replicas refuse writes; auth is enforced.
    expect(cli(nodes[1]!.redisPort, ['SET', 'k', 'v']).stdout).toMatch(/READONLY/);
    expect(cli(nodes[0]!.redisPort, ['GET', 'k'], 'wrong').stdout).toMatch(/WRONGPASS|NOAUTH/);
    // Replication and the Sentinels' links run over TLS: nothing listens in plaintext (port 0).
    expect(cliOk(nodes[0]!.redisPort, ['CONFIG', 'GET', 'port']).split('\n')[1]).toBe('0');
    // The application finds the master through Sentinel, over verified TLS.
    app = appClient();
    // Connection errors while the master is down are expected (ioredis retries through Sentinel).
    app.on('error', () => {});
    await app.set('from-app', 'over-tls');
    expect(await portOf(app)).toBe(nodes[0]!.redisPort);
    expect(cliOk(nodes[0]!.redisPort, ['GET', 'from-app'])).toBe('over-tls');
  });

  it('elects a new master when the master is killed, and the data survives', async () => {
    const master = nodes[0]!;
    for (let i = 0; i < 200; i++) cliOk(master.redisPort, ['SET', `key:${i}`, `value-${i}`]);
    cliOk(master.redisPort, ['RPUSH', 'queue', 'a', 'b', 'c']);
    // Both replicas have acknowledged every write before the crash.
    expect(cliOk(master.redisPort, ['WAIT', '2', '30000'])).toBe('2');

    await master.redis!.stop('SIGKILL');
    await master.sentinel!.stop('SIGKILL');
    const started = Date.now();
    const survivors = nodes.slice(1);
    const newMaster = await waitFor(
      'a new master',
      () => {
        const seen = masterOf(survivors[0]!.sentinelPort);
        return seen && seen !== `127.0.0.1:${master.redisPort}` ? seen : undefined;
      },
      60_000,
      250,
    );
    const failoverMs = Date.now() - started;
    const port = Number(newMaster.split(':')[1]);
    expect(survivors.map((n) => n.redisPort)).toContain(port);
    await waitFor('the new master to take writes', () => cliOk(port, ['ROLE']).startsWith('master'));
    await waitFor('every surviving Sentinel to report the new master', () => masterOf(survivors[1]!.sentinelPort) === newMaster, 30_000);
    // Data survived.
    expect(cliOk(port, ['GET', 'key:0'])).toBe('value-0');
    expect(cliOk(port, ['GET', 'key:199'])).toBe('value-199');
    expect(cliOk(port, ['DBSIZE'])).toBe('202'); // 200 keys, the queue, and the application's `from-app`
    expect(cliOk(port, ['LRANGE', 'queue', '0', '-1'])).toBe('a\nb\nc');
    // The other survivor follows the new master, and writes work again (min-replicas-to-write is met).
    const other = survivors.find((n) => n.redisPort !== port)!;
    // The leader re-points the other replica right after the promotion; if that is lost (a loaded
    // machine), Sentinel re-points stragglers when failover-timeout (60 s) ends, so wait past it.
    await waitFor('the other node to replicate from the new master', () => {
      const info = cliOk(other.redisPort, ['INFO', 'replication']);
      return info.includes(`master_port:${port}`) && info.includes('master_link_status:up');
    }, 90_000);
    cliOk(port, ['SET', 'after-failover', 'yes']);
    expect(cliOk(port, ['WAIT', '1', '30000'])).toBe('1');
    // The application rediscovers: it asks Sentinel again (over TLS) and writes to the new master, verified.
    await waitFor('the application to write to the new master', async () => {
      try {
        await app!.set('app-after-failover', 'yes');
        return (await portOf(app!)) === port;
      } catch {
        return false;
      }
    }, 60_000, 500);
    expect(cliOk(port, ['GET', 'app-after-failover'])).toBe('yes');
    expect(cliOk(other.redisPort, ['GET', 'after-failover'])).toBe('yes');
    console.log(`failover took ${failoverMs} ms`);
  }, 240_000);

  it('restarts the old master as a replica of the new one (the start script asks Sentinel)', async () => {
    const old = nodes[0]!;
    const newMaster = masterOf(nodes[1]!.sentinelPort);
    old.redis = startServer('/bin/sh', [join(scriptsDir, 'redis-start.sh')], { env: nodeEnv(0) });
    await waitFor('the old master to rejoin as a replica', () => {
      if (old.redis!.proc.exitCode !== null) throw new Error(`redis node 0 exited:\n${old.redis!.output()}`);
      const info = cli(old.redisPort, ['INFO', 'replication']).stdout;
      return info.includes('role:slave') && info.includes(`master_port:${newMaster.split(':')[1]}`) && info.includes('master_link_status:up');
    }, 30_000);
    expect(old.redis.output()).toMatch(/Sentinel reports master 127\.0\.0\.1 \d+/);
    expect(cliOk(old.redisPort, ['GET', 'after-failover'])).toBe('yes');
  });

  it('preStop on the master hands its role to a replica before the node stops; on a replica it does nothing', async () => {
    // The Sentinel killed with the first master comes back, so three Sentinels watch again.
    const first = nodes[0]!;
    first.sentinel = startServer('/bin/sh', [join(scriptsDir, 'sentinel-start.sh')], { env: nodeEnv(0) });
    await waitFor('the restarted Sentinel', () => run('/bin/sh', [join(scriptsDir, 'redis-probe.sh'), 'sentinel'], { env: nodeEnv(0) }).status === 0);
    const before = masterOf(nodes[1]!.sentinelPort);
    const masterIndex = nodes.findIndex((n) => `127.0.0.1:${n.redisPort}` === before);
    expect(masterIndex).toBeGreaterThan(0);
    await waitFor('every Sentinel to agree on the master', () => nodes.every((n) => masterOf(n.sentinelPort) === before), 30_000);
    await waitFor('two replicas in step', () => /connected_slaves:2/.test(cliOk(nodes[masterIndex]!.redisPort, ['INFO', 'replication'])), 30_000);

    // A replica's preStop returns at once and changes nothing.
    const replicaIndex = [0, 1, 2].find((i) => i !== masterIndex)!;
    const onReplica = run('/bin/sh', [join(scriptsDir, 'redis-prestop.sh')], { env: nodeEnv(replicaIndex) });
    expect(onReplica.status).toBe(0);
    expect(onReplica.stderr).toMatch(/not this node: nothing to hand over/);
    expect(masterOf(nodes[1]!.sentinelPort)).toBe(before);

    // The master's preStop: writes made up to the call survive on the new master.
    const master = nodes[masterIndex]!;
    for (let i = 0; i < 100; i++) cliOk(master.redisPort, ['SET', `prestop:${i}`, `v${i}`]);
    const started = Date.now();
    const onMaster = await runAsync('/bin/sh', [join(scriptsDir, 'redis-prestop.sh')], { env: nodeEnv(masterIndex) });
    const tookMs = Date.now() - started;
    expect(onMaster.status, onMaster.stderr).toBe(0);
    expect(onMaster.stderr).toMatch(/is failing \S+ over/);
    expect(onMaster.stderr).toMatch(/handed over: now a replica of 127\.0\.0\.1:\d+/);
    // Well inside the 60 s grace period, and far sooner than waiting for down-after-milliseconds + election.
    expect(tookMs).toBeLessThan(40_000);
    const after = masterOf(nodes.find((n, i) => i !== masterIndex)!.sentinelPort);
    expect(after).not.toBe(before);
    const port = Number(after.split(':')[1]);
    expect(cliOk(master.redisPort, ['ROLE']).split('\n')[0]).toBe('slave');
    expect(cliOk(port, ['ROLE']).split('\n')[0]).toBe('master');
    expect(cliOk(port, ['GET', 'prestop:99'])).toBe('v99');
    // The node then stops (SIGTERM, as the kubelet sends after preStop) and the new master keeps taking writes.
    await master.redis!.stop();
    cliOk(port, ['SET', 'after-prestop', 'yes']);
    expect(cliOk(port, ['GET', 'after-prestop'])).toBe('yes');
    console.log(`controlled failover took ${tookMs} ms`);
  }, 120_000);
});
