/**
 * The cache's master-only endpoint (cache.masterService, the HAProxy that Kong's rate-limiting plugin
 * connects to) with real redis-server and haproxy processes: the RENDERED haproxy.cfg and
 * master-start.sh, with only cluster-only addresses rewritten (the listen addresses, each node's pod DNS
 * name → 127.0.0.1:<port>, and /etc/redis-tls → the test's certificate directory). The staging overlay
 * runs the cache with TLS only (cache.tls), so everything here is TLS, with certificates openssl makes in
 * the test for exactly the names the chart's cert-manager Certificate lists (plus 127.0.0.1):
 *   - HAProxy terminates TLS for its clients with the cache certificate and reaches every node over its
 *     own verified TLS connection (CA + the node's pod name, `verifyhost`), presenting the cache
 *     certificate (the nodes here run `tls-auth-clients yes`, so a check without it would fail);
 *   - it forwards to the master only, follows a failover within a few check intervals, and cuts the
 *     sessions it held on the demoted master (pooled clients reconnect to the new one);
 *   - a client configured as the KongPlugin is (ssl, ssl_verify, server_name) is served; a client that
 *     does not trust the CA, one that checks another name, and a plaintext one are refused;
 *   - it forwards nothing (and is not ready) while the nodes present a certificate of another CA, a
 *     certificate of the right CA without the node's name, or refuse its password.
 * The nodes run the RENDERED ACL user `haproxy` (redis-users.acl): the role check logs in as it (its own
 * password), and that user can do nothing but the check.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLeaf } from './lib/pki.ts';
import { chownToService, freePort, requireTool, run, startServer, waitFor, type Server } from './lib/proc.ts';
import { attempt, makeRedisPki, onlineReplicas, plaintextPing, tlsCli, type RedisPki } from './lib/redis-tls.ts';
import { configMapData, find, render, type K8sObject } from './lib/render.ts';

// Spaces and quotes: the role check must send the password as a RESP bulk string, not inline.
const PASSWORD = 'redis "secret" pw';
// The role check's own user and password (cache.auth.haproxyPasswordKey); PASSWORD is the default user's here.
const HAPROXY_PASSWORD = 'haproxy "check" pw';
const NS = 'nexus-platform';

let pki: RedisPki;
const cli = (port: number, args: string[], password = PASSWORD) => tlsCli(pki.tlsDir, port, args, password);
const field = (port: number, section: string, key: string) => new RegExp(`^${key}:(\\S+)`, 'm').exec(cli(port, ['INFO', section]).stdout)?.[1];
const pem = (path: string) => readFileSync(path, 'utf8');

function supportsInitState(): boolean {
  const [major = 0, minor = 0] = (/version (\d+)\.(\d+)/.exec(run('haproxy', ['-v']).stdout) ?? []).slice(1).map(Number);
  return major > 3 || (major === 3 && minor >= 1);
}

/**
 * The rendered haproxy.cfg made local: listen addresses, each server's address (its `verifyhost` stays:
 * the pod name the certificate must carry), and the certificate directory.
 */
function localConfig(conf: string, listen: { redis: number; health: number }, nodes: number[], tlsDir: string): string {
  let server = 0;
  const out = conf.split('\n').map((line) => {
    line = line.replaceAll('/etc/redis-tls/', `${tlsDir}/`);
    // Debian's haproxy (2.6) predates `init-state` (3.1; the image runs 3.4): dropped here only.
    if (/^\s*default-server /.test(line) && !supportsInitState()) return line.replace(' init-state down', '');
    if (/^\s*bind :8404$/.test(line)) return `  bind 127.0.0.1:${listen.health}`;
    const bind = /^\s*bind :\d+( .*)?$/.exec(line);
    if (bind) return `  bind 127.0.0.1:${listen.redis}${bind[1] ?? ''}`;
    const m = /^(\s*server node-(\d+)) \S+( .*)?$/.exec(line);
    if (m) {
      server++;
      return `${m[1]} 127.0.0.1:${nodes[Number(m[2])]}${m[3] ?? ''}`;
    }
    return line;
  });
  if (server !== nodes.length) throw new Error(`expected ${nodes.length} server lines in haproxy.cfg, found ${server}:\n${conf}`);
  return out.join('\n');
}

describe('cache master-only endpoint (HAProxy) over TLS with the rendered config on real servers', () => {
  const servers: Server[] = [];
  const nodes: number[] = [];
  let objects: K8sObject[];
  let data: Record<string, string>;
  let plugin: { ssl: boolean; ssl_verify: boolean; server_name: string; host: string };
  let dir = '';
  // `--user haproxy <rendered rules> #<sha256>`: the user as redis-start.sh writes it.
  let haproxyUser: string[] = [];

  const startRedis = (port: number, tlsDir: string, name: string, extra: string[] = []) => {
    const args = [
      '--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--dbfilename', `${name}.rdb`, '--appendonly', 'no', '--save', '',
      '--tls-cert-file', join(tlsDir, 'tls.crt'), '--tls-key-file', join(tlsDir, 'tls.key'), '--tls-ca-cert-file', join(tlsDir, 'ca.crt'),
      // Stricter than the chart's `optional`: HAProxy must present the cache certificate to be let in.
      '--tls-auth-clients', 'yes', '--tls-replication', 'yes',
      '--requirepass', PASSWORD, '--masterauth', PASSWORD, ...haproxyUser, ...extra,
    ];
    const server = startServer('redis-server', args);
    servers.push(server);
    return server;
  };
  const waitRedis = (server: Server, port: number, tlsDir: string) =>
    waitFor(`redis-server on ${port}`, () => {
      if (server.proc.exitCode !== null) throw new Error(`redis-server exited:\n${server.output()}`);
      return tlsCli(tlsDir, port, ['PING'], PASSWORD).stdout.trim() === 'PONG';
    });

  /** HAProxy with the rendered config, trusting the CA and presenting the certificate in `tlsDir`. */
  const startProxy = async (password: string, backends = nodes, tlsDir = pki.tlsDir, edit = (conf: string) => conf) => {
    const listen = { redis: await freePort(), health: await freePort() };
    const cfg = join(dir, `haproxy-${listen.redis}.cfg`);
    writeFileSync(cfg, edit(localConfig(data['haproxy.cfg']!, listen, backends, tlsDir)));
    const proxy = startServer('/bin/sh', [join(dir, 'master-start.sh')], { env: { HAPROXY_CONFIG: cfg, REDIS_PASSWORD: password } });
    servers.push(proxy);
    await waitFor('haproxy health port', async () => {
      if (proxy.proc.exitCode !== null) throw new Error(`haproxy exited ${proxy.proc.exitCode}:\n${proxy.output()}`);
      return fetch(`http://127.0.0.1:${listen.health}/ready`).then(() => true, () => false);
    });
    return { ...listen, proxy };
  };
  const ready = (health: number) => fetch(`http://127.0.0.1:${health}/ready`).then((r) => r.status);
  /** A client set up as the rendered KongPlugin: TLS, the CA (Kong's lua_ssl_trusted_certificate), server_name checked. */
  const asKong = (port: number, command: Parameters<typeof attempt>[1], tls: Record<string, unknown> = {}) =>
    attempt({ port, password: PASSWORD, tls: { ca: pki.caPem, servername: plugin.server_name, ...tls } }, command);

  beforeAll(async () => {
    for (const tool of ['redis-server', 'redis-cli', 'haproxy', 'openssl']) requireTool(tool);
    // Staging: Sentinel, auth and TLS on, so the master Service is the HAProxy Deployment. The Certificate
    // (cert-manager, forced) gives the names the issuer signs; the KongPlugin (forced) what Kong dials.
    objects = await render('staging', {
      set: ['cache.tls.existingSecret=', 'backend.redis.tls.caSecret=', 'cache.tls.certManager.enabled=true', 'cache.tls.certManager.issuer=nexus-ca', 'cache.tls.certManager.force=true', 'gateway.rateLimiting.force=true'],
    });
    data = configMapData(objects, 'nexus-cache-master-config');
    plugin = (find(objects, 'KongPlugin', 'nexus-gateway-rate-limit') as unknown as { config: { redis: typeof plugin } }).config.redis;
    const cert = find(objects, 'Certificate', 'nexus-cache-redis') as unknown as { spec: { dnsNames: string[] } };
    dir = mkdtempSync(join(tmpdir(), 'nexus-redis-master-'));
    pki = makeRedisPki(join(dir, 'pki'), [...cert.spec.dnsNames.map((n) => `DNS:${n}`), 'IP:127.0.0.1']);
    writeFileSync(join(dir, 'master-start.sh'), data['master-start.sh']!);
    const rules = /^user haproxy (.+)$/m.exec(configMapData(objects, 'nexus-cache-config')['redis-users.acl']!)?.[1];
    expect(rules, 'redis-users.acl has the haproxy user').toBeDefined();
    haproxyUser = ['--user', 'haproxy', ...rules!.split(' '), `#${createHash('sha256').update(HAPROXY_PASSWORD).digest('hex')}`];
    for (let i = 0; i < 3; i++) nodes.push(await freePort());
    for (const [i, port] of nodes.entries()) {
      const server = startRedis(port, pki.tlsDir, `n${i}`, i === 0 ? [] : ['--replicaof', '127.0.0.1', String(nodes[0])]);
      await waitRedis(server, port, pki.tlsDir);
    }
    // The replicas finish their initial sync before any test writes: under load a full resync can take
    // longer than a WAIT timeout, and a replica still syncing acknowledges nothing.
    await waitFor('both replicas linked to the master', () =>
      nodes.slice(1).every((port) => field(port, 'replication', 'master_link_status') === 'up' && field(port, 'replication', 'master_sync_in_progress') === '0')
      && onlineReplicas(cli(nodes[0]!, ['INFO', 'replication']).stdout) === 2, 90_000);
  }, 180_000);
  afterAll(async () => {
    for (const s of servers.reverse()) await s.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('renders TLS on both sides: the frontend with the cache certificate, checks and traffic verified per node, Kong on ssl with the master\'s name', () => {
    const conf = data['haproxy.cfg']!;
    expect(conf.match(/^\s*server node-\d+ /gm)).toHaveLength(3);
    expect(conf).toMatch(/^\s*bind :6379 ssl crt \/etc\/redis-tls\/tls\.crt ca-file \/etc\/redis-tls\/ca\.crt verify optional$/m);
    expect(conf).toMatch(/^\s*tcp-check connect ssl$/m);
    expect(conf).toMatch(/^\s*default-server .* ssl verify required ca-file \/etc\/redis-tls\/ca\.crt crt \/etc\/redis-tls\/tls\.crt$/m);
    for (let i = 0; i < 3; i++) {
      const host = `nexus-cache-${i}.nexus-cache-headless.${NS}.svc.cluster.local`;
      expect(conf).toContain(`server node-${i} ${host}:6379 verifyhost ${host}`);
    }
    expect(conf).toMatch(/tcp-check expect string role:master/);
    expect(conf).toMatch(/balance first/);
    expect(conf).toMatch(/on-marked-down shutdown-sessions/);
    expect(plugin).toMatchObject({ host: `nexus-cache-master.${NS}.svc`, ssl: true, ssl_verify: true, server_name: `nexus-cache-master.${NS}.svc` });
    const deployment = find(objects, 'Deployment', 'nexus-cache-master') as unknown as { spec: { template: { spec: { volumes: { name: string; secret?: { secretName: string } }[] } } } };
    expect(deployment.spec.template.spec.volumes.find((v) => v.name === 'tls')?.secret?.secretName).toBe('nexus-cache-tls');
  });

  it('the haproxy user may run the role check and nothing else', () => {
    const m = nodes[0]!;
    const asHaproxy = (args: string[]) => tlsCli(pki.tlsDir, m, args, HAPROXY_PASSWORD, ['--user', 'haproxy']);
    expect(asHaproxy(['INFO', 'replication']).stdout).toMatch(/^role:master/m);
    expect(asHaproxy(['PING']).stdout.trim()).toBe('PONG');
    for (const denied of [['GET', 'k'], ['SET', 'k', 'v'], ['INFO', 'keyspace'], ['CONFIG', 'GET', 'maxmemory'], ['FLUSHALL'], ['CLIENT', 'LIST']]) {
      const r = asHaproxy(denied);
      expect(`${r.stdout}${r.stderr}`, denied.join(' ')).toMatch(/NOPERM/);
    }
  });

  it('forwards only to the master over TLS, and follows a failover, cutting the sessions held on the old master', async () => {
    const { redis, health } = await startProxy(HAPROXY_PASSWORD);
    const runId = (port: number) => field(port, 'server', 'run_id');
    const [a, b, c] = nodes as [number, number, number];
    await waitFor('proxy ready', async () => (await ready(health)) === 200, 30_000);
    expect(runId(redis)).toBe(runId(a));
    expect(field(redis, 'replication', 'role')).toBe('master');
    // Kong's connection: TLS, the CA, the rendered server_name checked against the certificate.
    expect(await asKong(redis, (r) => r.set('ratelimit:1', '1'))).toEqual({ ok: true, value: 'OK' });
    // Both replicas have the write before the failover (WAIT, through the proxy: it runs on the master).
    expect(cli(redis, ['WAIT', '2', '30000']).stdout.trim()).toBe('2');

    // A pooled client connection through the proxy (Kong keeps them): TLS, AUTH, then wait.
    let closed = false;
    const pooled = tlsConnect({ host: '127.0.0.1', port: redis, ca: pki.caPem, servername: plugin.server_name });
    pooled.on('data', () => {}); // keep reading, so the peer's close is seen
    pooled.on('error', () => {});
    pooled.once('close', () => (closed = true));
    await new Promise<void>((resolve, reject) => {
      pooled.once('secureConnect', () => resolve());
      pooled.once('error', reject);
    });
    pooled.write(`*2\r\n$4\r\nAUTH\r\n$${Buffer.byteLength(PASSWORD)}\r\n${PASSWORD}\r\n`);

    // Failover, as Sentinel performs it: b is promoted, a and c follow it.
    const started = Date.now();
    cli(b, ['REPLICAOF', 'NO', 'ONE']);
    cli(a, ['REPLICAOF', '127.0.0.1', String(b)]);
    cli(c, ['REPLICAOF', '127.0.0.1', String(b)]);
    await waitFor('proxy forwards to the new master', () => runId(redis) === runId(b), 30_000, 100);
    console.log(`master endpoint followed the failover in ${Date.now() - started} ms (TLS checks)`);
    expect(await asKong(redis, (r) => r.incr('ratelimit:1'))).toEqual({ ok: true, value: 2 });
    await waitFor('the session on the old master is cut', () => closed, 30_000);
  });

  it('refuses a client that does not trust the CA, one that checks a name the certificate lacks, and plaintext', async () => {
    const { redis, health } = await startProxy(HAPROXY_PASSWORD);
    await waitFor('proxy ready', async () => (await ready(health)) === 200, 30_000);
    expect(await asKong(redis, (r) => r.ping())).toEqual({ ok: true, value: 'PONG' });
    const rogue = await asKong(redis, (r) => r.ping(), { ca: pem(pki.rogue.cert) });
    expect(rogue.ok).toBe(false);
    expect(rogue.error).toMatch(/SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|unable to verify|self[- ]signed/i);
    for (const name of [`nexus-cache-master.other-namespace.svc`, `nexus-database.${NS}.svc`, 'redis.example.com']) {
      const r = await asKong(redis, (c) => c.ping(), { servername: name });
      expect(r.ok, name).toBe(false);
      expect(r.error, name).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID/);
    }
    // verify optional: a client certificate from another CA is refused; none is fine (Kong presents none).
    const foreign = await asKong(redis, (r) => r.ping(), { cert: pem(join(pki.rogueDir, 'tls.crt')), key: pem(join(pki.rogueDir, 'tls.key')) });
    expect(foreign.ok).toBe(false);
    expect(await plaintextPing(redis)).not.toMatch(/PONG|NOAUTH|ERR/);
  });

  it('forwards nothing while the nodes present a certificate of another CA, or one of the right CA without the node\'s name', async () => {
    // 1. HAProxy trusting another CA (its ca-file is the rogue CA; it still presents the cache certificate,
    //    which the nodes accept): no node passes its verification.
    const trustsRogue = join(dir, 'trusts-rogue');
    mkdirSync(trustsRogue);
    for (const [from, to] of [[join(pki.tlsDir, 'tls.crt'), 'tls.crt'], [join(pki.tlsDir, 'tls.key'), 'tls.key'], [pki.rogue.cert, 'ca.crt']] as const) {
      writeFileSync(join(trustsRogue, to), readFileSync(from));
      chownToService(join(trustsRogue, to));
    }
    const rogueProxy = await startProxy(HAPROXY_PASSWORD, nodes, trustsRogue);
    // 2. A Redis master whose certificate the cache CA signed, but for another name: verifyhost refuses it.
    const intruderDir = join(dir, 'intruder-tls');
    mkdirSync(intruderDir);
    const leaf = makeLeaf(intruderDir, 'leaf', pki.ca, ['DNS:intruder.example', 'IP:127.0.0.1']);
    for (const [from, to] of [[leaf.cert, 'tls.crt'], [leaf.key, 'tls.key'], [pki.ca.cert, 'ca.crt']] as const) {
      writeFileSync(join(intruderDir, to), readFileSync(from));
      chownToService(join(intruderDir, to));
    }
    const intruderPort = await freePort();
    await waitRedis(startRedis(intruderPort, intruderDir, 'intruder'), intruderPort, intruderDir);
    expect(tlsCli(intruderDir, intruderPort, ['ROLE'], PASSWORD).stdout.split('\n')[0]).toBe('master');
    const intruderProxy = await startProxy(HAPROXY_PASSWORD, [intruderPort, intruderPort, intruderPort]);
    // Control: the same proxy config is ready against the real nodes (test 2); here the checks fail.
    for (const { redis, health, proxy } of [rogueProxy, intruderProxy]) {
      await waitFor('the proxy reports no master', async () => (await ready(health)) === 503, 30_000);
      expect((await asKong(redis, (r) => r.ping())).ok).toBe(false);
      expect(proxy.output()).toMatch(/is DOWN/);
    }
    // Control: without `verifyhost` the same proxy takes the intruder as master, so the name is what refused it.
    const control = await startProxy(HAPROXY_PASSWORD, [intruderPort, intruderPort, intruderPort], pki.tlsDir, (conf) => conf.replace(/ verifyhost \S+/g, ''));
    await waitFor('the control proxy ready', async () => (await ready(control.health)) === 200, 30_000);
    expect(await asKong(control.redis, (r) => r.ping())).toEqual({ ok: true, value: 'PONG' });
  });

  it('is not ready, and forwards nothing, while no node accepts its password', async () => {
    // Another user's password (here the default user's) opens nothing: the check logs in as `haproxy`.
    const other = await startProxy(PASSWORD);
    await waitFor('the proxy with the default user\'s password reports no master', async () => (await ready(other.health)) === 503, 10_000);
    const { redis, health } = await startProxy('wrong password');
    await waitFor('the proxy reports no master', async () => (await ready(health)) === 503, 30_000);
    expect((await asKong(redis, (r) => r.ping())).ok).toBe(false);
  });
});
