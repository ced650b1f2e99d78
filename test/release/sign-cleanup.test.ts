/**
 * Signing leaves nothing behind: the imported private key lives in a mode-0700 home that is removed,
 * and its gpg-agent stopped, on SIGINT, SIGTERM and SIGHUP (delivered at a fixed point through the
 * NEXUS_FAULT hook); a home abandoned by a SIGKILL is swept, agent and all, by the next signing run.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../util/paths.ts';
import { makeGpgKey, tempDir, type GpgKey } from './helpers.ts';

let work: string;
let key: GpgKey;

beforeAll(async () => {
  work = tempDir('sign-cleanup');
  key = await makeGpgKey(work);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A real process that signs with clearSign, with TMPDIR pointed at `tmp` and an optional fault. */
function sign(tmp: string, fault?: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const script = `const { clearSign } = await import(${JSON.stringify(join(PROJECT_ROOT, 'release', 'sign.ts'))});
process.stdout.write(await clearSign('hello\\n', ${JSON.stringify({ key: key.name, keyring: key.secring, passphraseFile: key.passphraseFile })}));`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, TMPDIR: tmp, ...(fault ? { NEXUS_FAULT: fault } : {}) },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const homes = (tmp: string) => readdirSync(tmp).filter((n) => n.startsWith('nexus-gpg-'));

/** gpg-agent processes whose --homedir lies under `tmp` (read from /proc, like `pgrep -f`). */
function agentsUnder(tmp: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const args = cmdline.split('\0');
    if (args[0]?.endsWith('gpg-agent') && args.some((a) => a.startsWith(tmp))) pids.push(Number(entry));
  }
  return pids;
}

async function noAgentsUnder(tmp: string): Promise<number[]> {
  // gpgconf --kill asks the agent to exit; give it a moment to go.
  for (let i = 0; i < 50 && agentsUnder(tmp).length; i++) await new Promise((r) => setTimeout(r, 100));
  return agentsUnder(tmp);
}

describe('gpg home cleanup', () => {
  it('a successful signature leaves no home and no agent', async () => {
    const tmp = join(work, 'ok');
    mkdirSync(tmp);
    const r = await sign(tmp);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('BEGIN PGP SIGNATURE');
    expect(homes(tmp)).toEqual([]);
    expect(await noAgentsUnder(tmp)).toEqual([]);
  });

  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('%s after the key was imported: home removed, agent stopped, the signal ends the process', async (signal) => {
    const tmp = join(work, signal);
    mkdirSync(tmp);
    const r = await sign(tmp, `sign:imported=${signal}`);
    expect(r.signal, r.stderr).toBe(signal);
    expect(homes(tmp)).toEqual([]);
    expect(await noAgentsUnder(tmp)).toEqual([]);
  });

  it('a SIGKILL leaves a mode-0700 home and an agent; the next signing run sweeps both', async () => {
    const tmp = join(work, 'killed');
    mkdirSync(tmp);
    const killed = await sign(tmp, 'sign:imported=kill');
    expect(killed.signal).toBe('SIGKILL');
    const left = homes(tmp);
    expect(left).toHaveLength(1);
    expect(statSync(join(tmp, left[0]!)).mode & 0o777).toBe(0o700);
    expect(agentsUnder(tmp).length, 'the import started an agent for the abandoned home').toBeGreaterThan(0);
    const next = await sign(tmp);
    expect(next.code, next.stderr).toBe(0);
    expect(homes(tmp)).toEqual([]);
    expect(await noAgentsUnder(tmp)).toEqual([]);
  });
});
