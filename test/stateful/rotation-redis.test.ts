/**
 * Redis ACL users and zero-downtime rotation of the application's password, on a real 3-node Redis +
 * Sentinel set started by the RENDERED production scripts and configs (only addresses, ports and paths
 * rewritten):
 *   - the application user reads and writes but cannot FLUSHALL, FLUSHDB, CONFIG, KEYS, DEBUG or
 *     SHUTDOWN; `default` is off; the exporter, replication and Sentinel users can do only their job;
 *   - redis-rotate.sh `add` (pre-upgrade hook): the old and the new password both log in everywhere,
 *     sessions already open keep working, and a Sentinel failover during the switch works (replication
 *     and Sentinel log in as their own users);
 *   - `finish` (post-upgrade hook): only the new password logs in, the old is refused everywhere, open
 *     sessions keep working, and a failover after the switch (master killed) still works;
 *   - Kong's rate-limiting user (`cache.auth.gateway`) runs exactly what the plugin sends (Kong 3.x
 *     policies: AUTH, SELECT, INFO server, EVAL of its two scripts on `ratelimit:*` keys) and nothing else,
 *     and its password rotates with the application's.
 * The user names come from the cache's Secret (the StatefulSet reads them with secretKeyRef); the test plays
 * that Secret.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, requireTool, run, runAsync, waitFor } from './lib/proc.ts';
import { configMapData, find, render, type K8sObject } from './lib/render.ts';
import { cliTlsArgs, makeRedisPki, onlineReplicas, type RedisPki, type RedisNode, startRedisNode } from './lib/redis-tls.ts';
import { openSession, type Session } from './lib/session.ts';

type Any = Record<string, any>;
const OLD = 'old app "pw" with spaces';
const NEW = 'new app pw >not-a-rule';
const ADMIN = 'internal admin pw';
const GW_OLD = 'gateway old pw';
const GW_NEW = 'gateway new pw';
const GW_USER = 'kong';
// Kong's rate-limiting plugin (kong/plugins/rate-limiting/policies/init.lua, 3.4–3.9): the per-request
// counter (usage) and the batched sync (sync_to_redis), sent with EVAL and one key.
const KONG_USAGE = `local cache_key, expiration = KEYS[1], ARGV[1]
local result_incr = redis.call("incr", cache_key)
if result_incr == 1 then redis.call("expire", cache_key, expiration) end
return result_incr - 1`;
const KONG_SYNC = `local key, value, expiration = KEYS[1], tonumber(ARGV[1]), ARGV[2]
local exists = redis.call("exists", key)
redis.call("incrby", key, value)
if not exists or exists == 0 then redis.call("expireat", key, expiration) end`;

// The production overlay runs Redis and Sentinel over TLS only: certificates openssl makes for 127.0.0.1.
let pki: RedisPki;
/** redis-cli over TLS as a user (no user: unauthenticated). The password goes through REDISCLI_AUTH. */
const cli = (port: number, args: string[], user?: string, password?: string) =>
  run('redis-cli', [...cliTlsArgs(pki.tlsDir), '--raw', '-h', '127.0.0.1', '-p', String(port), ...(user ? ['--user', user] : []), ...args], { env: password ? { REDISCLI_AUTH: password } : { REDISCLI_AUTH: '' } });
const answer = (port: number, args: string[], user?: string, password?: string) => {
  const r = cli(port, args, user, password);
  return `${r.stdout}${r.stderr}`.trim();
};

describe('Redis ACL users and password rotation with the rendered scripts (real redis-server and redis-sentinel)', () => {
  const nodes: RedisNode[] = [];
  const sessions: Session[] = [];
  let masterSet = '';
  let scriptsDir = '';
  let appUser = '';
  let objects: K8sObject[];

  const nodeEnv = (i: number, appPassword = OLD, gatewayPassword = GW_OLD) => ({
    ANNOUNCE_HOST: '127.0.0.1',
    SEED_HOST: '127.0.0.1',
    SEED_PORT: String(nodes[0]!.redisPort),
    MASTER_SET: masterSet,
    SENTINEL_ADDRS: nodes.map((n) => `127.0.0.1:${n.sentinelPort}`).join(' '),
    REDIS_APP_USER: appUser,
    REDIS_PASSWORD: appPassword,
    REDIS_ADMIN_PASSWORD: ADMIN,
    REDIS_GATEWAY_USER: GW_USER,
    REDIS_GATEWAY_PASSWORD: gatewayPassword,
    REDIS_HAPROXY_PASSWORD: 'haproxy pw',
    REDIS_TLS_DIR: pki.tlsDir,
    REDIS_PORT: String(nodes[i]!.redisPort),
    SENTINEL_PORT: String(nodes[i]!.sentinelPort),
    REDIS_CONF: join(nodes[i]!.dir, 'redis.conf'),
    SENTINEL_CONF: join(nodes[i]!.dir, 'sentinel.conf'),
    REDIS_USERS: join(nodes[i]!.dir, 'redis-users.acl'),
    SENTINEL_USERS: join(nodes[i]!.dir, 'sentinel-users.acl'),
    RUNTIME_DIR: join(nodes[i]!.dir, 'run'),
  });
  const rotateEnv = (password: string, gatewayPassword = GW_NEW) => ({
    REDIS_NODES: nodes.map((n) => `127.0.0.1:${n.redisPort}`).join(' '),
    SENTINEL_ADDRS: nodes.map((n) => `127.0.0.1:${n.sentinelPort}`).join(' '),
    REDIS_APP_USER: appUser,
    REDIS_PASSWORD: password,
    REDIS_GATEWAY_USER: GW_USER,
    REDIS_GATEWAY_PASSWORD: gatewayPassword,
    REDIS_ADMIN_PASSWORD: ADMIN,
    REDIS_TLS_DIR: pki.tlsDir,
    ROTATION_GRACE: '0',
  });
  const masterOf = (sentinelPort: number, user = 'admin', password = ADMIN) => {
    const r = cli(sentinelPort, ['SENTINEL', 'get-master-addr-by-name', masterSet], user, password);
    return r.status === 0 ? r.stdout.trim().split('\n').join(':') : '';
  };
  const masterPort = () => Number(masterOf(nodes.find((n) => n.sentinel?.proc.exitCode === null)!.sentinelPort).split(':')[1]);
  const everywhere = () => nodes.flatMap((n) => [n.redisPort, n.sentinelPort]);
  const alive = (port: number) => nodes.some((n) => (n.redisPort === port && n.redis?.proc.exitCode === null) || (n.sentinelPort === port && n.sentinel?.proc.exitCode === null));

  beforeAll(async () => {
    requireTool('redis-server');
    requireTool('redis-sentinel');
    requireTool('redis-cli');
    requireTool('openssl');
    objects = await render('production');
    const data = configMapData(objects, 'nexus-cache-config');
    const scripts = configMapData(objects, 'nexus-cache-scripts');
    const sts = find(objects, 'StatefulSet', 'nexus-cache') as Any;
    // The nodes read the user names from the cache's Secret (production: an existing one); the test is that Secret.
    const env = sts.spec.template.spec.containers[0].env as Any[];
    expect(env.find((e) => e.name === 'REDIS_APP_USER')!.valueFrom.secretKeyRef).toEqual({ name: 'nexus-redis-credentials', key: 'redis-username' });
    expect(env.find((e) => e.name === 'REDIS_GATEWAY_USER')!.valueFrom.secretKeyRef).toEqual({ name: 'nexus-redis-credentials', key: 'redis-gateway-username', optional: true });
    appUser = 'nexus';
    scriptsDir = mkdtempSync(join(tmpdir(), 'nexus-redis-scripts-'));
    pki = makeRedisPki(join(scriptsDir, 'pki'), ['DNS:localhost', 'IP:127.0.0.1']);
    for (const [name, body] of Object.entries(scripts)) writeFileSync(join(scriptsDir, name), body, { mode: 0o755 });
    const monitor = /^sentinel monitor (\S+) (\S+) (\d+) (\d+)$/m.exec(data['sentinel.conf']!)!;
    masterSet = monitor[1]!;
    for (let i = 0; i < 3; i++) nodes.push({ redisPort: await freePort(), sentinelPort: await freePort(), dir: mkdtempSync(join(tmpdir(), `nexus-redis-rot${i}-`)) });
    for (const [i, n] of nodes.entries()) await startRedisNode({ node: n, index: i, data, tlsDir: pki.tlsDir, primaryPort: nodes[0]!.redisPort, scriptsDir, env: nodeEnv(i) });
    // Online, not just connected: a replica waiting for its first transfer (repl-diskless-sync-delay) acks nothing.
    await waitFor('two online replicas', () => onlineReplicas(answer(nodes[0]!.redisPort, ['INFO', 'replication'], 'admin', ADMIN)) === 2, 60_000);
    await waitFor('Sentinels to discover each other', () => {
      const r = answer(nodes[0]!.sentinelPort, ['SENTINEL', 'MASTER', masterSet], 'admin', ADMIN).split('\n');
      return r[r.indexOf('num-other-sentinels') + 1] === '2';
    }, 30_000);
  }, 120_000);

  afterAll(async () => {
    for (const s of sessions) await s.close();
    for (const n of nodes) {
      await n.sentinel?.stop();
      await n.redis?.stop();
      rmSync(n.dir, { recursive: true, force: true });
    }
    if (scriptsDir) rmSync(scriptsDir, { recursive: true, force: true });
  });

  it('the application user reads and writes but cannot FLUSHALL, FLUSHDB, CONFIG, KEYS, DEBUG or SHUTDOWN', () => {
    const m = nodes[0]!.redisPort;
    expect(appUser).toBe('nexus');
    expect(answer(m, ['SET', 'k', 'v'], appUser, OLD)).toBe('OK');
    expect(answer(m, ['GET', 'k'], appUser, OLD)).toBe('v');
    // What Sentinel-aware clients and health checks send.
    expect(answer(m, ['PING'], appUser, OLD)).toBe('PONG');
    expect(answer(m, ['ROLE'], appUser, OLD).split('\n')[0]).toBe('master');
    expect(answer(m, ['INFO', 'replication'], appUser, OLD)).toMatch(/role:master/);
    for (const denied of [['FLUSHALL'], ['FLUSHDB'], ['CONFIG', 'SET', 'maxmemory', '1'], ['CONFIG', 'GET', 'requirepass'], ['KEYS', '*'], ['SHUTDOWN'], ['ACL', 'LIST'], ['REPLICAOF', 'NO', 'ONE'], ['MONITOR'], ['SAVE'], ['SWAPDB', '0', '1']]) {
      expect(answer(m, denied, appUser, OLD), denied.join(' ')).toMatch(/NOPERM/);
    }
    // DEBUG is refused before the ACL check (enable-debug-command is off), and the ACL denies it too.
    expect(answer(m, ['DEBUG', 'SLEEP', '0'], appUser, OLD)).toMatch(/DEBUG command not allowed/);
    expect(answer(m, ['ACL', 'DRYRUN', appUser, 'DEBUG', 'SLEEP', '0'], 'admin', ADMIN)).toMatch(/no permissions to run the 'debug' command/);
    expect(answer(m, ['ACL', 'DRYRUN', appUser, 'GET', 'k'], 'admin', ADMIN)).toBe('OK');
    expect(answer(m, ['GET', 'k'], appUser, OLD)).toBe('v');
    // No way in without a user: `default` is off.
    expect(answer(m, ['GET', 'k'])).toMatch(/NOAUTH/);
    expect(answer(m, ['GET', 'k'], 'default', OLD)).toMatch(/WRONGPASS/);
    // The application's password opens no internal user.
    expect(answer(m, ['PING'], 'admin', OLD)).toMatch(/WRONGPASS/);
  });

  it('the exporter, replication and Sentinel users can do only their own job', () => {
    const m = nodes[0]!.redisPort;
    // redis_exporter: server state (INFO, CONFIG GET, SLOWLOG, LATENCY), no keys, no writes.
    expect(answer(m, ['INFO', 'memory'], 'exporter', ADMIN)).toMatch(/used_memory:/);
    expect(answer(m, ['CONFIG', 'GET', 'maxmemory'], 'exporter', ADMIN)).toMatch(/^maxmemory\n\d+$/);
    expect(answer(m, ['SLOWLOG', 'LEN'], 'exporter', ADMIN)).toMatch(/^\d+$/);
    expect(answer(m, ['LATENCY', 'LATEST'], 'exporter', ADMIN)).not.toMatch(/NOPERM/);
    for (const denied of [['GET', 'k'], ['SET', 'k', 'x'], ['FLUSHALL'], ['CONFIG', 'SET', 'maxmemory', '1']]) expect(answer(m, denied, 'exporter', ADMIN), denied.join(' ')).toMatch(/NOPERM/);
    for (const denied of [['GET', 'k'], ['INFO'], ['FLUSHALL']]) expect(answer(m, denied, 'replication', ADMIN), denied.join(' ')).toMatch(/NOPERM/);
    for (const denied of [['GET', 'k'], ['FLUSHALL'], ['CONFIG', 'SET', 'maxmemory', '1']]) expect(answer(m, denied, 'sentinel', ADMIN), denied.join(' ')).toMatch(/NOPERM/);
    // On Sentinel, the application may discover the master but not steer it.
    const s = nodes[0]!.sentinelPort;
    expect(answer(s, ['SENTINEL', 'get-master-addr-by-name', masterSet], appUser, OLD)).toBe(`127.0.0.1\n${nodes[0]!.redisPort}`);
    for (const denied of [['SENTINEL', 'FAILOVER', masterSet], ['SENTINEL', 'SET', masterSet, 'quorum', '1'], ['SENTINEL', 'RESET', '*'], ['SENTINEL', 'REMOVE', masterSet], ['SHUTDOWN']]) {
      expect(answer(s, denied, appUser, OLD), denied.join(' ')).toMatch(/NOPERM/);
    }
    expect(answer(s, ['PING'])).toMatch(/NOAUTH/);
  });

  it("Kong's rate-limiting user runs what the plugin sends on its own keys, and nothing else", () => {
    const m = nodes[0]!.redisPort;
    const kong = (args: string[]) => answer(m, args, GW_USER, GW_OLD);
    // usage(): INCR + EXPIRE in one EVAL, answering the count before this request.
    expect(kong(['EVAL', KONG_USAGE, '1', 'ratelimit:route:service:1.2.3.4:1700000000:minute', '60'])).toBe('0');
    expect(kong(['EVAL', KONG_USAGE, '1', 'ratelimit:route:service:1.2.3.4:1700000000:minute', '60'])).toBe('1');
    expect(Number(answer(m, ['TTL', 'ratelimit:route:service:1.2.3.4:1700000000:minute'], 'admin', ADMIN))).toBeGreaterThan(0);
    // sync_to_redis(): EXISTS + INCRBY + EXPIREAT for batched counters (sync_rate > 0).
    const at = String(Math.floor(Date.now() / 1000) + 3600);
    expect(kong(['EVAL', KONG_SYNC, '1', 'ratelimit:route:service:1.2.3.4:1700000000:hour', '5', at])).toBe('');
    expect(answer(m, ['GET', 'ratelimit:route:service:1.2.3.4:1700000000:hour'], 'admin', ADMIN)).toBe('5');
    // SELECT of a non-zero database, and the anonymous-report version probe (INFO server).
    expect(kong(['SELECT', '1'])).toBe('OK');
    expect(kong(['INFO', 'server'])).toMatch(/redis_version:/);
    // Nothing else: other keys, plain commands outside the scripts, other INFO sections, dangerous commands.
    expect(kong(['EVAL', KONG_USAGE, '1', 'session:abc', '60'])).toMatch(/NOPERM/);
    // A script's own calls are checked against the user's ACL too (Redis 7).
    expect(kong(['EVAL', 'return redis.call("get", KEYS[1])', '1', 'ratelimit:x'])).toMatch(/user executing the script can't run this command/);
    for (const denied of [['GET', 'k'], ['SET', 'ratelimit:x', '1'], ['DEL', 'ratelimit:x'], ['KEYS', '*'], ['FLUSHALL'], ['FLUSHDB'], ['CONFIG', 'GET', 'maxmemory'], ['INFO', 'replication'], ['SCRIPT', 'FLUSH'], ['PING']]) {
      expect(kong(denied), denied.join(' ')).toMatch(/NOPERM/);
    }
    // Its password opens nothing else, and Sentinel does not know it.
    expect(answer(m, ['PING'], appUser, GW_OLD)).toMatch(/WRONGPASS/);
    expect(answer(nodes[0]!.sentinelPort, ['PING'], GW_USER, GW_OLD)).toMatch(/WRONGPASS/);
  });

  it('add: both passwords log in everywhere, open sessions keep working, and a failover during the switch works', async () => {
    const session = openSession('redis-cli', [...cliTlsArgs(pki.tlsDir), '-h', '127.0.0.1', '-p', String(nodes[0]!.redisPort), '--user', appUser], { REDISCLI_AUTH: OLD });
    sessions.push(session);
    expect(await session.ask('SET open-session before', /OK/)).toMatch(/OK/);

    const r = await runAsync('/bin/sh', [join(scriptsDir, 'redis-rotate.sh'), 'add'], { env: rotateEnv(NEW) });
    expect(r.status, r.stderr).toBe(0);
    // 6 for the application (3 nodes, 3 Sentinels), 3 for the gateway user (nodes only).
    expect(r.stderr).toMatch(/nexus and kong accept the old and the new password \(9 changes on nodes and Sentinels\)/);
    for (const port of everywhere()) {
      expect(answer(port, ['PING'], appUser, OLD), `old on ${port}`).toBe('PONG');
      expect(answer(port, ['PING'], appUser, NEW), `new on ${port}`).toBe('PONG');
    }
    for (const n of nodes) {
      expect(answer(n.redisPort, ['EVAL', KONG_USAGE, '1', 'ratelimit:rot:add', '60'], GW_USER, GW_NEW), `gateway new on ${n.redisPort}`).not.toMatch(/WRONGPASS|NOAUTH/);
      expect(answer(n.redisPort, ['EVAL', KONG_USAGE, '1', 'ratelimit:rot:add', '60'], GW_USER, GW_OLD), `gateway old on ${n.redisPort}`).not.toMatch(/WRONGPASS|NOAUTH/);
    }
    expect(await session.ask('GET open-session', /before/)).toMatch(/before/);

    // A controlled failover in the middle of the switch: Sentinel (auth-user sentinel) promotes a replica,
    // the others follow it (masteruser replication), and both passwords work on the new master.
    const before = masterPort();
    expect(answer(nodes[1]!.sentinelPort, ['SENTINEL', 'FAILOVER', masterSet], 'admin', ADMIN)).toBe('OK');
    const after = await waitFor('a new master', () => {
      const p = masterPort();
      return p && p !== before ? p : undefined;
    }, 60_000, 250);
    await waitFor('the new master to take writes', () => answer(after, ['ROLE'], 'admin', ADMIN).startsWith('master'), 30_000);
    await waitFor('two online replicas of the new master', () => onlineReplicas(answer(after, ['INFO', 'replication'], 'admin', ADMIN)) === 2, 120_000);
    expect(answer(after, ['SET', 'during', 'switch'], appUser, OLD)).toBe('OK');
    expect(answer(after, ['SET', 'during-new', 'switch'], appUser, NEW)).toBe('OK');
    expect(answer(after, ['WAIT', '2', '30000'], appUser, NEW)).toBe('2');
  }, 240_000);

  it('finish: only the new password logs in, the old is refused everywhere, open sessions keep working', async () => {
    const session = openSession('redis-cli', [...cliTlsArgs(pki.tlsDir), '-h', '127.0.0.1', '-p', String(masterPort()), '--user', appUser], { REDISCLI_AUTH: OLD });
    sessions.push(session);
    expect(await session.ask('GET during', /switch/)).toMatch(/switch/);
    const r = await runAsync('/bin/sh', [join(scriptsDir, 'redis-rotate.sh'), 'finish'], { env: rotateEnv(NEW) });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/nexus and kong accept only the new password \(9 changes on nodes and Sentinels\)/);
    for (const port of everywhere()) {
      expect(answer(port, ['PING'], appUser, NEW), `new on ${port}`).toBe('PONG');
      expect(answer(port, ['PING'], appUser, OLD), `old on ${port}`).toMatch(/WRONGPASS/);
    }
    for (const n of nodes) {
      expect(answer(n.redisPort, ['EVAL', KONG_USAGE, '1', 'ratelimit:rot:finish', '60'], GW_USER, GW_OLD), `gateway old on ${n.redisPort}`).toMatch(/WRONGPASS/);
      expect(answer(n.redisPort, ['EVAL', KONG_USAGE, '1', 'ratelimit:rot:finish', '60'], GW_USER, GW_NEW), `gateway new on ${n.redisPort}`).not.toMatch(/WRONGPASS|NOAUTH|ERR/);
    }
    // The gateway user exists on the Redis nodes only (Kong talks to the master Service, never to Sentinel).
    expect(answer(nodes[0]!.sentinelPort, ['PING'], GW_USER, GW_NEW)).toMatch(/WRONGPASS/);
    // Connections authenticated before the switch ended keep working (passwords are checked at AUTH).
    expect(await session.ask('GET during', /switch/)).toMatch(/switch/);
  }, 120_000);

  it('after the switch, Sentinel fails over a killed master and the nodes replicate from the new one', async () => {
    const master = masterPort();
    const victim = nodes.find((n) => n.redisPort === master)!;
    expect(answer(master, ['SET', 'before-crash', 'kept'], appUser, NEW)).toBe('OK');
    expect(answer(master, ['WAIT', '2', '30000'], appUser, NEW)).toBe('2');
    await victim.redis!.stop('SIGKILL');
    await victim.sentinel!.stop('SIGKILL');
    const survivor = nodes.find((n) => n !== victim)!;
    const promoted = await waitFor('a new master after the crash', () => {
      const seen = masterOf(survivor.sentinelPort);
      const port = Number(seen.split(':')[1]);
      return port && port !== master ? port : undefined;
    }, 90_000, 250);
    await waitFor('the promoted node to take writes', () => answer(promoted, ['ROLE'], 'admin', ADMIN).startsWith('master'), 30_000);
    expect(answer(promoted, ['GET', 'before-crash'], appUser, NEW)).toBe('kept');
    expect(answer(promoted, ['PING'], appUser, OLD)).toMatch(/WRONGPASS/);
    const other = nodes.find((n) => n !== victim && n.redisPort !== promoted)!;
    await waitFor('the other survivor to replicate from the new master', () => {
      const info = answer(other.redisPort, ['INFO', 'replication'], 'admin', ADMIN);
      return info.includes(`master_port:${promoted}`) && info.includes('master_link_status:up');
    }, 120_000);
    expect(answer(promoted, ['SET', 'after-crash', 'yes'], appUser, NEW)).toBe('OK');
    expect(answer(promoted, ['WAIT', '1', '30000'], appUser, NEW)).toBe('1');
    // The application discovers the new master through Sentinel with its own (new) credentials.
    expect(answer(survivor.sentinelPort, ['SENTINEL', 'get-master-addr-by-name', masterSet], appUser, NEW)).toBe(`127.0.0.1\n${promoted}`);
    expect(alive(promoted)).toBe(true);
  }, 300_000);
});
