/**
 * Real tools for the release tests: the nexus CLI as a child process, isolated helm homes, a GnuPG
 * RSA key, Debian's docker-registry and a node static/PUT file server, all on 127.0.0.1.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, sep } from 'node:path';
import { PROJECT_ROOT, UMBRELLA_CHART_DIR } from '../../util/paths.ts';
import { freeLoopbackPort as freePort } from '../../validator/deep/stateful-tools.ts';
import { BUNDLED_HELM, type HelmFlavour } from '../../validator/helm.ts';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function exec(bin: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = execFile(bin, args, { env: options.env ?? process.env, cwd: options.cwd ?? PROJECT_ROOT, maxBuffer: 256 * 1024 * 1024, timeout: options.timeoutMs ?? 120_000 }, (error, stdout, stderr) => {
      if (error && typeof (error as NodeJS.ErrnoException).code === 'string') {
        reject(new Error(`cannot run ${bin}: ${(error as NodeJS.ErrnoException).code}. ${INSTALL_HINT}`));
        return;
      }
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
    child.stdin?.on('error', () => undefined); // a tool that exits without reading stdin
    child.stdin?.end(options.input ?? '');
  });
}

export const INSTALL_HINT = 'install the system tools with `bash scripts/install-system-deps.sh` (gnupg, docker-registry) and run `npm ci` (helm 4 and 3 into .tools/)';

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `nexus-${prefix}-`));
}

/** The nexus CLI, as users run it. */
export function nexus(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return exec(process.execPath, [join(PROJECT_ROOT, 'bin', 'nexus.mjs'), ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, timeoutMs: 300_000 });
}

/** A helm home of its own (cache, config, data): repo adds and logins never leak. */
export function helmEnv(dir: string): NodeJS.ProcessEnv {
  const env = { HELM_CACHE_HOME: join(dir, 'cache'), HELM_CONFIG_HOME: join(dir, 'config'), HELM_DATA_HOME: join(dir, 'data') };
  for (const d of Object.values(env)) mkdirSync(d, { recursive: true });
  return { ...process.env, ...env, KUBECONFIG: join(dir, 'no-cluster'), NO_COLOR: '1' };
}

export function helm(flavour: HelmFlavour, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<Run> {
  const bin = BUNDLED_HELM[flavour].path;
  if (!existsSync(bin)) throw new Error(`helm missing at ${bin}: ${INSTALL_HINT}`);
  return exec(bin, args, { env, cwd });
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** A copy of the real generated chart, to alter without touching charts/. */
export function copyChart(dest: string, edit?: { version?: string; appendToReadme?: string }): string {
  const dir = join(dest, 'nexus');
  cpSync(UMBRELLA_CHART_DIR, dir, { recursive: true });
  if (edit?.version) {
    const file = join(dir, 'Chart.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^version: .*$/m, `version: ${edit.version}`));
  }
  if (edit?.appendToReadme) writeFileSync(join(dir, 'README.md'), `${readFileSync(join(dir, 'README.md'), 'utf8')}\n${edit.appendToReadme}\n`);
  return dir;
}

export { freePort };

export interface GpgKey {
  name: string;
  secring: string;
  pubring: string;
  passphraseFile: string;
}

/** An RSA signing key (helm 3 rejects ed25519), exported as legacy secring.gpg + pubring.gpg. */
export async function makeGpgKey(dir: string, name = 'Nexus Release Test'): Promise<GpgKey> {
  const home = mkdtempSync(join(tmpdir(), 'nxg-'));
  const env = { ...process.env, GNUPGHOME: home };
  const passphraseFile = join(dir, 'passphrase');
  writeFileSync(passphraseFile, 'correct horse battery staple\n');
  const params = ['Key-Type: RSA', 'Key-Length: 2048', 'Key-Usage: sign', `Name-Real: ${name}`, 'Name-Email: release-test@nexus.example.com', 'Expire-Date: 0', 'Passphrase: correct horse battery staple', '%commit', ''].join('\n');
  try {
    const gen = await exec('gpg', ['--batch', '--gen-key'], { env, input: params });
    if (gen.code !== 0) throw new Error(`gpg --gen-key failed: ${gen.stderr}`);
    const secring = join(dir, 'secring.gpg');
    const pubring = join(dir, 'pubring.gpg');
    const sec = await exec('gpg', ['--batch', '--pinentry-mode', 'loopback', '--passphrase-file', passphraseFile, '--output', secring, '--export-secret-keys', name], { env });
    const pub = await exec('gpg', ['--batch', '--output', pubring, '--export', name], { env });
    if (sec.code !== 0 || pub.code !== 0) throw new Error(`gpg export failed: ${sec.stderr}${pub.stderr}`);
    return { name, secring, pubring, passphraseFile };
  } finally {
    await exec('gpgconf', ['--kill', 'gpg-agent'], { env }).catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
  }
}

function waitForExit(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

export interface Registry {
  port: number;
  host: string;
  stop: () => Promise<void>;
}

/** Debian's docker-registry (distribution v2) on 127.0.0.1 with storage in `dir`; stopped by PID. */
export async function startRegistry(dir: string, options: { htpasswd?: string } = {}): Promise<Registry> {
  const port = await freePort();
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'registry.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dir, 'storage')}`,
      ...(options.htpasswd ? ['auth:', '  htpasswd:', '    realm: nexus-test', `    path: ${options.htpasswd}`] : []),
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '',
    ].join('\n'),
  );
  let child: ChildProcess;
  try {
    child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    throw new Error(`cannot start docker-registry: ${(err as Error).message}. ${INSTALL_HINT}`);
  }
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const spawned = await new Promise<Error | undefined>((resolve) => {
    child.once('error', (err) => resolve(err));
    child.once('spawn', () => resolve(undefined));
  });
  if (spawned) throw new Error(`cannot start docker-registry: ${spawned.message}. ${INSTALL_HINT}`);
  const stop = async () => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
    await waitForExit(child);
  };
  // Generous: on a loaded 2-core machine the registry can take several seconds to listen.
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`http://127.0.0.1:${port}/v2/`).then((r) => r.ok || r.status === 401, () => false);
    if (ok) return { port, host: `127.0.0.1:${port}`, stop };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error(`docker-registry did not come up on 127.0.0.1:${port}: ${stderr}`);
}

export interface FileServer {
  url: string;
  /** Paths of PUT requests received, in order. */
  puts: string[];
  /** Paths of DELETE requests received, in order. */
  deletes: string[];
  stop: () => Promise<void>;
}

/**
 * A static file server for `root` on 127.0.0.1 (GET), optionally accepting PUT uploads (like a raw
 * repository, which also takes DELETE). `failPut` makes chosen uploads answer 500.
 */
export async function startFileServer(root: string, options: { put?: boolean; failPut?: (name: string) => boolean } = {}): Promise<FileServer> {
  const puts: string[] = [];
  const deletes: string[] = [];
  const server: Server = createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    const file = normalize(join(root, name));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (req.method === 'PUT' && options.put) {
      puts.push(name);
      if (options.failPut?.(name)) {
        req.resume();
        res.writeHead(500, 'Injected failure').end();
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, Buffer.concat(chunks));
        res.writeHead(201).end();
      });
      return;
    }
    if (req.method === 'DELETE' && options.put) {
      deletes.push(name);
      const existed = existsSync(file);
      rmSync(file, { force: true });
      res.writeHead(existed ? 204 : 404).end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    if (!existsSync(file) || name === '') {
      res.writeHead(404).end();
      return;
    }
    const body = readFileSync(file);
    res.writeHead(200, { 'content-type': name.endsWith('.yaml') ? 'application/x-yaml' : 'application/octet-stream', 'content-length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    puts,
    deletes,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
