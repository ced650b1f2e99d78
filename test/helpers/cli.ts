/** Runs the nexus CLI: the real bin as a child process (the way users and CI do), or `main` in-process. */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../util/paths.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runNexus(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): CliRun {
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'nexus.mjs'), ...args], {
    cwd: options.cwd ?? PROJECT_ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    input: options.input,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `main` in this process (faster than a child), capturing what it writes; no colour. */
export async function runMain(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { main } = await import('../../cli/main.ts');
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s), color: false });
  return { code, out, err };
}

/** A stack trace line as Node prints it. */
export const STACK_FRAME = /^\s+at .+\(?.+:\d+:\d+\)?$/m;

export interface AsyncCliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * The real bin in a child process, without blocking the test worker (a long spawnSync starves
 * vitest's worker heartbeats on a loaded machine).
 */
export function nexusAsync(args: string[], options: { input?: string | Buffer; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<AsyncCliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'nexus.mjs'), ...args], { cwd: options.cwd ?? PROJECT_ROOT, env: { ...process.env, NO_COLOR: '1', ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.on('error', () => undefined); // a run that exits without reading stdin
    child.stdin.end(options.input ?? '');
  });
}
