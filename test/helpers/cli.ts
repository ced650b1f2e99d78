/** Runs the real `nexus` bin as a child process, the way users and CI do. */
import { spawnSync } from 'node:child_process';
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

/** A stack trace line as Node prints it. */
export const STACK_FRAME = /^\s+at .+\(?.+:\d+:\d+\)?$/m;
