/**
 * Real processes for the stateful tests: tool lookup with an install hint (never a silent skip),
 * non-root execution where servers demand it, free loopback ports, and cleanup.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const INSTALL_HINT = 'install the system tools with `bash scripts/install-system-deps.sh` (Debian packages: postgresql, postgresql-client, pgbouncer, redis-server, redis-sentinel, redis-tools, haproxy, gnupg, age, rclone, openssl)';

/** The newest /usr/lib/postgresql/<v>/bin. */
export function pgBin(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'postgres'))).sort((a, b) => Number(a) - Number(b)) : [];
  const newest = versions.at(-1);
  if (!newest) throw new Error(`PostgreSQL server binaries not found under ${base}: ${INSTALL_HINT}`);
  return join(base, newest, 'bin');
}

/** PATH with the PostgreSQL binaries first (initdb, pg_ctl are not on the default PATH). */
export function toolPath(): string {
  return `${pgBin()}:${process.env.PATH ?? '/usr/bin:/bin'}`;
}

export function requireTool(name: string): string {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { env: { ...process.env, PATH: toolPath() }, encoding: 'utf8' });
  const path = r.stdout.trim();
  if (r.status !== 0 || !path) throw new Error(`\`${name}\` is not installed: ${INSTALL_HINT}`);
  return path;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;
const NOBODY = 65534;

/**
 * PostgreSQL and PgBouncer refuse to run as root: when the tests run as root, the process itself is
 * spawned as `nobody` (no wrapper process, so signals reach the server and nothing is orphaned).
 */
function identity(asService: boolean | undefined): { uid?: number; gid?: number } {
  return asService && isRoot() ? { uid: NOBODY, gid: NOBODY } : {};
}

/** A temp dir the service user can write. */
export function serviceTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (isRoot()) chownSync(dir, NOBODY, NOBODY);
  return dir;
}

export function chownToService(path: string): void {
  if (isRoot()) chownSync(path, NOBODY, NOBODY);
}

export function run(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string; asService?: boolean } = {}): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { ...identity(options.asService), env: { ...process.env, PATH: toolPath(), ...options.env }, input: options.input, cwd: options.cwd, encoding: 'utf8', timeout: 90_000 });
}

/**
 * run() without blocking the event loop (a long script under spawnSync starves vitest's worker RPC on a
 * loaded machine).
 */
export function runAsync(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; asService?: boolean } = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, { ...identity(options.asService), env: { ...process.env, PATH: toolPath(), ...options.env }, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolvePromise({ status, stdout, stderr });
    });
  });
}

/** run() that throws with the command's output when it fails. */
export function runOk(cmd: string, args: string[], options: Parameters<typeof run>[2] = {}): string {
  const r = run(cmd, args, options);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

export { freeLoopbackPort as freePort } from '../../../validator/deep/stateful-tools.ts';

export interface Server {
  proc: ChildProcess;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<void>;
}

/** Starts a long-running process, capturing its output; stop() kills it by PID and waits. */
export function startServer(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; asService?: boolean; cwd?: string } = {}): Server {
  const proc = spawn(cmd, args, { ...identity(options.asService), env: { ...process.env, PATH: toolPath(), ...options.env }, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    proc,
    output: () => out,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
