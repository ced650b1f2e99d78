/**
 * Redis/Sentinel over TLS in the stateful tests: certificates laid out like the pod's /etc/redis-tls
 * (tls.crt, tls.key, ca.crt), the rewrites that point a rendered redis.conf/sentinel.conf at them and at a
 * free loopback port, and redis-cli's TLS arguments (the chart's scripts use the same, via REDIS_TLS_DIR).
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { join } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import { makeCa, makeLeaf, type Ca } from './pki.ts';
import { chownToService, run, startServer, waitFor, type Server } from './proc.ts';

export interface RedisPki {
  ca: Ca;
  /** A CA nothing trusts, and a certificate it signed for the same names. */
  rogue: Ca;
  rogueDir: string;
  /** Directory like the pod's /etc/redis-tls: tls.crt, tls.key, ca.crt. */
  tlsDir: string;
  caPem: string;
}

/** Certificates for the cache: a CA, a server+client certificate for `names` (`DNS:x`, `IP:x`), a rogue pair. */
export function makeRedisPki(dir: string, names: string[]): RedisPki {
  const ca = makeCa(join(dir, 'ca'), 'cache-ca');
  const rogue = makeCa(join(dir, 'rogue'), 'rogue-ca');
  const tlsDir = join(dir, 'redis-tls');
  const rogueDir = join(dir, 'rogue-tls');
  for (const [target, signer] of [[tlsDir, ca], [rogueDir, rogue]] as const) {
    mkdirSync(target, { recursive: true });
    const leaf = makeLeaf(target, 'leaf', signer, names);
    copyFileSync(leaf.cert, join(target, 'tls.crt'));
    copyFileSync(leaf.key, join(target, 'tls.key'));
    copyFileSync(signer.cert, join(target, 'ca.crt'));
    for (const f of ['tls.crt', 'tls.key', 'ca.crt']) chownToService(join(target, f));
  }
  return { ca, rogue, rogueDir, tlsDir, caPem: readFileSync(ca.cert, 'utf8') };
}

/** Rewrites whole config lines by their directive (first word); every listed directive must exist. */
export function rewriteConf(conf: string, replace: Record<string, string>): string {
  const seen = new Set<string>();
  const out = conf.split('\n').map((line) => {
    const key = Object.keys(replace).find((k) => line.startsWith(`${k} `));
    if (!key) return line;
    seen.add(key);
    return replace[key]!;
  });
  const missing = Object.keys(replace).filter((k) => !seen.has(k));
  if (missing.length) throw new Error(`no \`${missing.join('`, `')}\` line to rewrite in:\n${conf}`);
  return out.join('\n');
}

/** How many replicas an `INFO replication` answer lists as online (synced, acknowledging writes). */
export const onlineReplicas = (info: string) => (info.match(/^slave\d+:.*state=online/gm) ?? []).length;

/** The line rewrites that make a rendered TLS redis.conf/sentinel.conf run here (directive → whole line). */
export function tlsConfRewrites(tlsDir: string, port: number, dir: string): Record<string, string> {
  return {
    bind: 'bind 127.0.0.1',
    'tls-port': `tls-port ${port}`,
    dir: `dir ${dir}`,
    'tls-cert-file': `tls-cert-file ${join(tlsDir, 'tls.crt')}`,
    'tls-key-file': `tls-key-file ${join(tlsDir, 'tls.key')}`,
    'tls-ca-cert-file': `tls-ca-cert-file ${join(tlsDir, 'ca.crt')}`,
  };
}

/** redis-cli's TLS arguments as the chart's scripts pass them (redis-lib.sh REDIS_CLI_TLS). */
export const cliTlsArgs = (tlsDir: string) => ['--tls', '--cacert', join(tlsDir, 'ca.crt'), '--cert', join(tlsDir, 'tls.crt'), '--key', join(tlsDir, 'tls.key')];

/** redis-cli over TLS on 127.0.0.1 (password from REDISCLI_AUTH when given). */
export function tlsCli(tlsDir: string, port: number, args: string[], password?: string, extra: string[] = []) {
  return run('redis-cli', [...cliTlsArgs(tlsDir), ...extra, '--raw', '-h', '127.0.0.1', '-p', String(port), ...args], { env: password === undefined ? {} : { REDISCLI_AUTH: password } });
}

/** One command with ioredis; resolves to the reply, or to the error's code/message. */
export async function attempt(options: RedisOptions, command: (r: Redis) => Promise<unknown>): Promise<{ ok: boolean; value?: unknown; error?: string }> {
  const client = new Redis({ host: '127.0.0.1', lazyConnect: true, connectTimeout: 5_000, retryStrategy: () => null, maxRetriesPerRequest: 0, ...options });
  // The TLS failure itself arrives as an 'error' event; connect() then only says the connection closed.
  let first: NodeJS.ErrnoException | undefined;
  client.on('error', (e: NodeJS.ErrnoException) => (first ??= e));
  try {
    await client.connect();
    return { ok: true, value: await command(client) };
  } catch (e) {
    const err = first ?? (e as NodeJS.ErrnoException);
    return { ok: false, error: `${err.code ?? ''} ${err.message}` };
  } finally {
    client.disconnect();
  }
}

/** A plaintext RESP PING on a TLS-only port: what comes back before the server closes (nothing useful). */
export function plaintextPing(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = netConnect(port, '127.0.0.1');
    let got = '';
    socket.on('data', (d) => (got += d.toString('latin1')));
    socket.on('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.on('error', (e) => resolve(`${got}[${(e as NodeJS.ErrnoException).code}]`));
    socket.on('close', () => resolve(got));
    setTimeout(() => {
      socket.destroy();
      resolve(got);
    }, 3_000);
  });
}

/** One Redis node of a test cluster: its loopback ports, its directory and the servers it runs. */
export interface RedisNode {
  redisPort: number;
  sentinelPort: number;
  dir: string;
  redis?: Server;
  sentinel?: Server;
}

/**
 * Lays out one node from the rendered cache ConfigMap (redis.conf and sentinel.conf pointed at the node's
 * TLS files and ports, Sentinel monitoring node 0 as the first primary, both ACL files) and starts it the
 * way the StatefulSet does (OrderedReady): its Redis through the chart's redis-start.sh, then its Sentinel,
 * each waited for until the chart's own probe passes.
 */
export async function startRedisNode(o: { node: RedisNode; index: number; data: Record<string, string>; tlsDir: string; primaryPort: number; scriptsDir: string; env: NodeJS.ProcessEnv }): Promise<void> {
  const { node: n, index: i, data, scriptsDir, env } = o;
  const monitor = /^sentinel monitor (\S+) (\S+) (\d+) (\d+)$/m.exec(data['sentinel.conf']!)!;
  mkdirSync(join(n.dir, 'data'));
  writeFileSync(join(n.dir, 'redis.conf'), rewriteConf(data['redis.conf']!, tlsConfRewrites(o.tlsDir, n.redisPort, join(n.dir, 'data'))));
  writeFileSync(
    join(n.dir, 'sentinel.conf'),
    rewriteConf(data['sentinel.conf']!, {
      ...tlsConfRewrites(o.tlsDir, n.sentinelPort, n.dir),
      [`sentinel monitor ${monitor[1]}`]: `sentinel monitor ${monitor[1]} 127.0.0.1 ${o.primaryPort} ${monitor[4]}`,
    }),
  );
  writeFileSync(join(n.dir, 'redis-users.acl'), data['redis-users.acl']!);
  writeFileSync(join(n.dir, 'sentinel-users.acl'), data['sentinel-users.acl']!);
  n.redis = startServer('/bin/sh', [join(scriptsDir, 'redis-start.sh')], { env });
  await waitFor(`redis node ${i}`, () => {
    if (n.redis!.proc.exitCode !== null) throw new Error(`redis node ${i} exited:\n${n.redis!.output()}`);
    return run('/bin/sh', [join(scriptsDir, 'redis-probe.sh'), 'ready'], { env }).status === 0;
  });
  n.sentinel = startServer('/bin/sh', [join(scriptsDir, 'sentinel-start.sh')], { env });
  await waitFor(`sentinel ${i}`, () => {
    if (n.sentinel!.proc.exitCode !== null) throw new Error(`sentinel ${i} exited:\n${n.sentinel!.output()}`);
    return run('/bin/sh', [join(scriptsDir, 'redis-probe.sh'), 'sentinel'], { env }).status === 0;
  });
}
