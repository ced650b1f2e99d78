/**
 * Deep check: every redis.conf and sentinel.conf embedded in the rendered chart is started by the real
 * redis-server / redis-sentinel on 127.0.0.1 (Redis has no "check only" mode). Only cluster-only
 * settings are rewritten: bind, port, dir, and the monitored master's address (cluster DNS does not
 * resolve here). A TLS config (cache.tls: `tls-port`, the certificate files under the pod's Secret mount)
 * gets a throwaway self-signed certificate that openssl makes for the start, and a plaintext port beside
 * the TLS one so the check can PING it. A config error makes the server exit with its "FATAL CONFIG FILE
 * ERROR" report.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding, K8sResource } from '../../core/types.ts';
import type { DeepChecker } from './index.ts';
import { embeddedFiles, findingAt, type EmbeddedFile } from './monitoring-tools.ts';
import { chooseServer, freeLoopbackPort, imagesOf, missingServerToolFinding, rewriteDirectives, serverBinaries, versionMismatchFinding, type ServerBinary } from './stateful-tools.ts';

export const REDIS_CONFIG_ID = 'deep/redis-conf';

/** Sends PING; resolves true on any RESP reply (`+PONG`, or `-NOAUTH` when a password is set). */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write('PING\r\n'));
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('data', (d) => {
      socket.destroy();
      resolve(/^[+-]/.test(d.toString()));
    });
    socket.once('error', () => resolve(false));
  });
}

interface StartResult {
  ok: boolean;
  output: string;
}

/** Starts the server on the config; ok when it answers PING, not ok when it exits first (10 s max). */
async function tryStart(bin: string, confPath: string, port: number): Promise<StartResult> {
  const child = spawn(bin, [confPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  try {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !exited) {
      if (await answersPing(port)) return { ok: true, output };
      await new Promise((r) => setTimeout(r, 100));
    }
    return { ok: false, output: exited ? output : `${output}\n(no answer on 127.0.0.1:${port} within 10 s)` };
  } finally {
    if (!exited) {
      child.kill('SIGKILL');
      await exit;
    }
  }
}

/** The config error lines redis prints (between the FATAL banner and the end), without log noise. */
function configError(output: string): string {
  const fatal = output.indexOf('*** FATAL CONFIG FILE ERROR');
  const text = fatal >= 0 ? output.slice(fatal) : output;
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim())
    .slice(0, 6)
    .join('\n');
}

/** Whether a config turns TLS on (Redis then loads the certificate files at start-up). */
const usesTls = (conf: string) => /^\s*tls-(port|cert-file|key-file)\s/m.test(conf);

/**
 * A throwaway self-signed certificate and key (EC P-256) in `dir` for a TLS config's start, as the
 * tls-* file directives that point at them (it is its own CA). Node has no X.509 writer, so openssl
 * makes it; an error message when it cannot.
 */
function throwawayTls(dir: string, tlsPort: number): Record<string, string> | string {
  const crt = join(dir, 'tls.crt');
  const key = join(dir, 'tls.key');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', key, '-out', crt], { encoding: 'utf8', timeout: 30_000 });
  if (r.error || r.status !== 0) return `${r.error?.message ?? ''}${r.stderr ?? ''}`.trim() || `openssl exited ${r.status}`;
  return { 'tls-port': `tls-port ${tlsPort}`, 'tls-cert-file': `tls-cert-file ${crt}`, 'tls-key-file': `tls-key-file ${key}`, 'tls-ca-cert-file': `tls-ca-cert-file ${crt}` };
}

async function checkFile(file: EmbeddedFile, bin: string): Promise<Finding | undefined> {
  const sentinel = file.key === 'sentinel.conf';
  const dir = await mkdtemp(join(tmpdir(), 'nexus-redisconf-'));
  try {
    const port = await freeLoopbackPort();
    const replace: Record<string, string> = { bind: 'bind 127.0.0.1', port: `port ${port}`, dir: `dir ${dir}`, daemonize: 'daemonize no', logfile: 'logfile ""' };
    if (usesTls(file.content)) {
      const tls = throwawayTls(dir, await freeLoopbackPort());
      if (typeof tls === 'string') return missingServerToolFinding(REDIS_CONFIG_ID, 'openssl (for a throwaway TLS certificate)', `${file.resource.name}/${file.key}: ${tls}`);
      Object.assign(replace, tls);
    }
    if (sentinel) {
      // The monitored master is a cluster DNS name; point it at a loopback address (nothing listens there).
      for (const m of file.content.matchAll(/^\s*sentinel monitor (\S+) \S+ \d+ (\d+)\s*$/gm)) {
        replace[`sentinel monitor ${m[1]}`] = `sentinel monitor ${m[1]} 127.0.0.1 1 ${m[2]}`;
      }
    }
    const path = join(dir, file.key);
    await writeFile(path, rewriteDirectives(file.content, replace));
    const result = await tryStart(bin, path, port);
    if (result.ok) return undefined;
    const label = `${file.resource.name}/${file.key}`;
    return findingAt(file, REDIS_CONFIG_ID, `${sentinel ? 'redis-sentinel' : 'redis-server'} rejected ${label} (bind, port, dir${sentinel ? ' and the master address' : ''}${usesTls(file.content) ? ', the TLS port and certificate files' : ''} rewritten for a local start):\n${configError(result.output).split(path).join(label)}`, 'fix the directive in the cache chart\'s config template and regenerate');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The checker. It uses a redis-server of the cache image's release (redis:7.2.x → Redis 7.2): config
 * directives change between minor releases. The lookup of installed servers is injectable (tests).
 */
export const createRedisChecker = (installed: (tool: string) => ServerBinary[] = (tool) => serverBinaries(tool)): DeepChecker => ({
  id: REDIS_CONFIG_ID,
  requires: ['redis-server', 'redis-sentinel'],
  async check(resources: K8sResource[]): Promise<Finding[]> {
    const files = embeddedFiles(resources).filter((f) => f.key === 'redis.conf' || f.key === 'sentinel.conf');
    if (files.length === 0) return [];
    const findings: Finding[] = [];
    for (const file of files) {
      const tool = file.key === 'sentinel.conf' ? 'redis-sentinel' : 'redis-server';
      const choice = chooseServer(installed(tool), imagesOf(resources.filter((r) => r.source === file.resource.source), 'redis'), 2);
      if ('missing' in choice) {
        findings.push(missingServerToolFinding(REDIS_CONFIG_ID, tool, file.key));
        continue;
      }
      if ('mismatch' in choice) {
        findings.push({ ...findingAt(file, REDIS_CONFIG_ID, ''), ...versionMismatchFinding(REDIS_CONFIG_ID, `${file.resource.name}/${file.key}`, 'Redis', choice.mismatch) });
        continue;
      }
      const finding = await checkFile(file, choice.bin.path);
      if (finding) findings.push(finding);
    }
    return findings;
  },
});

export const redisChecker = createRedisChecker();
