/**
 * A long-lived client session (psql or redis-cli reading commands from stdin), to prove that
 * connections opened before a credential change keep working after it.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { toolPath } from './proc.ts';

export interface Session {
  /** Sends one command line and resolves with the output up to and including `expect` (a regex). */
  ask: (line: string, expect: RegExp, timeoutMs?: number) => Promise<string>;
  alive: () => boolean;
  close: () => Promise<void>;
}

export function openSession(cmd: string, args: string[], env: NodeJS.ProcessEnv): Session {
  const child: ChildProcessWithoutNullStreams = spawn(cmd, args, { env: { ...process.env, PATH: toolPath(), ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    alive: () => child.exitCode === null && child.signalCode === null,
    ask: async (line, expect, timeoutMs = 15_000) => {
      const start = out.length;
      child.stdin.write(`${line}\n`);
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const got = out.slice(start);
        if (expect.test(got)) return got;
        if (child.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`${cmd} session: no ${expect} after \`${line}\` (exit ${child.exitCode}):\nstdout: ${out.slice(start)}\nstderr: ${err}`);
    },
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
