/**
 * Redis and Sentinel TLS, on the production render, with a real redis-server and redis-sentinel (7.0,
 * linked with libssl) on 127.0.0.1 and certificates openssl makes here: a CA, a certificate it signs for
 * the names the chart's Certificate lists (the client Service, every pod under the headless Service) plus
 * localhost/127.0.0.1, and a rogue CA with a certificate for the same names. Each listener refuses:
 *   - a client that does not trust the CA,
 *   - a client that verifies the host name and dials a name the certificate lacks,
 *   - a plaintext client (`port 0`),
 *   - a client certificate from another CA (`tls-auth-clients optional`),
 * and accepts the client the chart configures (the CA, the host name Sentinel hands out). The failover
 * over TLS is proven in test/stateful/redis.test.ts.
 *
 * redis-cli (hiredis) checks the chain but NOT the host name, whatever `--sni` says: it is shown below, and
 * the host-name checks use node's TLS client (ioredis), which verifies both, as the backend's client must.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RedisOptions } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, requireTool, run, startServer, waitFor, type Server } from './lib/proc.ts';
import { attempt, cliTlsArgs, makeRedisPki, plaintextPing, type RedisPki, rewriteConf, tlsCli, tlsConfRewrites } from './lib/redis-tls.ts';
import { configMapData, find, render, type K8sObject } from './lib/render.ts';

const PASSWORD = 'cache pw over tls';
const NS = 'nexus-platform';
const POD0 = `nexus-cache-0.nexus-cache-headless.${NS}.svc.cluster.local`;

let pki: RedisPki;
let work: string;
let objects: K8sObject[];
let redisPort: number;
let sentinelPort: number;
let masterSet: string;
const servers: Server[] = [];
const pem = (path: string) => readFileSync(path, 'utf8');

beforeAll(async () => {
  requireTool('redis-server');
  requireTool('redis-sentinel');
  requireTool('redis-cli');
  requireTool('openssl');
  objects = await render('production', { set: ['cache.tls.existingSecret=', 'backend.redis.tls.caSecret=', 'cache.tls.certManager.enabled=true', 'cache.tls.certManager.issuer=nexus-ca', 'cache.tls.certManager.force=true'] });
  const cert = find(objects, 'Certificate', 'nexus-cache-redis') as unknown as { spec: { dnsNames: string[]; usages: string[] } };
  work = mkdtempSync(join(tmpdir(), 'nexus-tls-redis-'));
  // The names the chart's Certificate asks for, as the issuer would sign them, plus the loopback names.
  pki = makeRedisPki(join(work, 'pki'), [...cert.spec.dnsNames.map((n) => `DNS:${n}`), 'DNS:localhost', 'IP:127.0.0.1']);

  const data = configMapData(objects, 'nexus-cache-config');
  masterSet = /^sentinel monitor (\S+) /m.exec(data['sentinel.conf']!)![1]!;
  redisPort = await freePort();
  sentinelPort = await freePort();
  mkdirSync(join(work, 'data'));
  writeFileSync(join(work, 'redis.conf'), rewriteConf(data['redis.conf']!, tlsConfRewrites(pki.tlsDir, redisPort, join(work, 'data'))));
  const redis = startServer('redis-server', [join(work, 'redis.conf'), '--requirepass', PASSWORD]);
  servers.push(redis);
  await waitFor('redis-server over TLS', () => {
    if (redis.proc.exitCode !== null) throw new Error(`redis-server exited ${redis.proc.exitCode}:\n${redis.output()}`);
    return tlsCli(pki.tlsDir, redisPort, ['PING'], PASSWORD).stdout.trim() === 'PONG';
  });
  writeFileSync(
    join(work, 'sentinel.conf'),
    `${rewriteConf(data['sentinel.conf']!, { ...tlsConfRewrites(pki.tlsDir, sentinelPort, work), [`sentinel monitor ${masterSet}`]: `sentinel monitor ${masterSet} 127.0.0.1 ${redisPort} 1` })}\nsentinel auth-pass ${masterSet} "${PASSWORD}"\nrequirepass "${PASSWORD}"\n`,
  );
  const sentinel = startServer('redis-sentinel', [join(work, 'sentinel.conf')]);
  servers.push(sentinel);
  await waitFor('redis-sentinel over TLS to see the master', () => {
    if (sentinel.proc.exitCode !== null) throw new Error(`redis-sentinel exited ${sentinel.proc.exitCode}:\n${sentinel.output()}`);
    const r = tlsCli(pki.tlsDir, sentinelPort, ['SENTINEL', 'MASTER', masterSet], PASSWORD).stdout.split('\n');
    return r[r.indexOf('flags') + 1] === 'master';
  });
}, 120_000);

afterAll(async () => {
  for (const s of servers) await s.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.each([
  ['Redis', () => redisPort],
  ['Sentinel', () => sentinelPort],
] as const)('%s over TLS', (what, portOf) => {
  const ping = (options: RedisOptions) => attempt({ port: portOf(), password: PASSWORD, ...options }, (r) => r.ping());

  it('accepts a client that verifies the CA and the host name it dials (the names the chart\'s Certificate lists)', async () => {
    for (const name of ['nexus-cache', `nexus-cache.${NS}.svc`, POD0, `nexus-cache-2.nexus-cache-headless.${NS}.svc.cluster.local`]) {
      const r = await ping({ tls: { ca: pki.caPem, servername: name } });
      expect(r, name).toEqual({ ok: true, value: 'PONG' });
    }
  });

  it('refuses a client that does not trust the CA', async () => {
    const r = await ping({ tls: { ca: pem(pki.rogue.cert), servername: POD0 } });
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|unable to verify|self[- ]signed/i);
    // redis-cli, trusting only the rogue CA, is refused too.
    const cli = run('redis-cli', ['--tls', '--cacert', pki.rogue.cert, '-h', '127.0.0.1', '-p', String(portOf()), 'PING'], { env: { REDISCLI_AUTH: PASSWORD } });
    expect(`${cli.stdout}${cli.stderr}`).toMatch(/certificate verify failed/);
  });

  it('refuses a client that verifies the host name when the name is not in the certificate', async () => {
    for (const name of [`nexus-cache.other-namespace.svc`, `nexus-database.${NS}.svc`, `nexus-cache-0.nexus-cache-headless.${NS}.svc.other.domain`]) {
      const r = await ping({ tls: { ca: pki.caPem, servername: name } });
      expect(r.ok, name).toBe(false);
      expect(r.error, name).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID/);
    }
  });

  it('redis-cli checks the chain only: a wrong --sni still connects (so scripts and tests rely on the CA, clients must check names)', () => {
    const r = tlsCli(pki.tlsDir, portOf(), ['PING'], PASSWORD, ['--sni', 'not-in-the-certificate.example']);
    expect(r.stdout.trim()).toBe('PONG');
  });

  it('refuses plaintext: nothing listens without TLS (port 0) and the TLS port answers no plaintext command', async () => {
    expect(await plaintextPing(portOf())).not.toMatch(/PONG|NOAUTH|ERR/);
    const cli = run('redis-cli', ['-h', '127.0.0.1', '-p', String(portOf()), 'PING'], { env: { REDISCLI_AUTH: PASSWORD } });
    expect(cli.stdout.trim()).not.toBe('PONG');
    // Sentinel has no CONFIG command; Redis reports its plaintext port as 0.
    if (what === 'Redis') expect(tlsCli(pki.tlsDir, portOf(), ['CONFIG', 'GET', 'port'], PASSWORD).stdout.trim().split('\n')[1]).toBe('0');
  });

  it('tls-auth-clients optional: no client certificate is accepted, one from another CA is refused, the cache\'s own is accepted', async () => {
    expect(await ping({ tls: { ca: pki.caPem, servername: POD0 } })).toMatchObject({ ok: true });
    const rogueCert = await ping({ tls: { ca: pki.caPem, servername: POD0, cert: pem(join(pki.rogueDir, 'tls.crt')), key: pem(join(pki.rogueDir, 'tls.key')) } });
    expect(rogueCert.ok, `${what}: a certificate from another CA`).toBe(false);
    const own = await ping({ tls: { ca: pki.caPem, servername: POD0, cert: pem(join(pki.tlsDir, 'tls.crt')), key: pem(join(pki.tlsDir, 'tls.key')) } });
    expect(own).toEqual({ ok: true, value: 'PONG' });
  });
});

describe('what the chart wires to these listeners', () => {
  it('Sentinel reaches Redis over TLS (its link to the master is up) and hands out the master to a verifying client', async () => {
    const r = await attempt({ port: sentinelPort, password: PASSWORD, tls: { ca: pki.caPem, servername: POD0 } }, (c) => c.call('SENTINEL', 'get-master-addr-by-name', masterSet));
    expect(r).toEqual({ ok: true, value: ['127.0.0.1', String(redisPort)] });
  });

  it('the exporter connects with rediss://, the CA, the cache certificate and a server name the certificate carries', async () => {
    const sts = find(objects, 'StatefulSet', 'nexus-cache') as unknown as { spec: { template: { spec: { containers: { name: string; env: { name: string; value?: string }[] }[] } } } };
    const env = Object.fromEntries(sts.spec.template.spec.containers.find((c) => c.name === 'metrics')!.env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));
    expect(env.REDIS_ADDR).toMatch(/^rediss:\/\/127\.0\.0\.1:6379$/);
    expect(env).toMatchObject({ REDIS_EXPORTER_TLS_CA_CERT_FILE: '/etc/redis-tls/ca.crt', REDIS_EXPORTER_TLS_CLIENT_CERT_FILE: '/etc/redis-tls/tls.crt', REDIS_EXPORTER_TLS_CLIENT_KEY_FILE: '/etc/redis-tls/tls.key' });
    // Go's crypto/tls checks the server name against the certificate as node's client does: pod 0's name
    // (what $(POD_NAME) expands to there) is accepted, so the exporter's verified connection succeeds.
    const serverName = env.REDIS_EXPORTER_TLS_SERVER_NAME!.replace('$(POD_NAME)', 'nexus-cache-0');
    expect(serverName).toBe(POD0);
    const r = await attempt({ port: redisPort, password: PASSWORD, tls: { ca: pki.caPem, servername: serverName, cert: pem(join(pki.tlsDir, 'tls.crt')), key: pem(join(pki.tlsDir, 'tls.key')) } }, (c) => c.call('INFO', 'server'));
    expect(r.ok, r.error).toBe(true);
  });

  it('the start scripts\' redis-cli arguments are the ones the chart passes (REDIS_TLS_DIR → --tls --cacert --cert --key)', () => {
    const lib = configMapData(objects, 'nexus-cache-scripts')['redis-lib.sh']!;
    expect(lib).toContain('REDIS_CLI_TLS="--tls --cacert $REDIS_TLS_DIR/ca.crt --cert $REDIS_TLS_DIR/tls.crt --key $REDIS_TLS_DIR/tls.key"');
    expect(cliTlsArgs('/etc/redis-tls')).toEqual(['--tls', '--cacert', '/etc/redis-tls/ca.crt', '--cert', '/etc/redis-tls/tls.crt', '--key', '/etc/redis-tls/tls.key']);
  });
});
