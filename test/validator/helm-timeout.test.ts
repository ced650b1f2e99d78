/**
 * A hung helm: `--timeout` (helm's duration syntax) stops it, and everything it started, and says so
 * (exit 2); progress is shown on a terminal for work that takes more than a few seconds, never when
 * the output is not a TTY. The TTY is a real pseudo-terminal (`script`).
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../util/paths.ts';
import { parseDuration } from '../../validator/helm.ts';
import { nexusAsync } from '../helpers/cli.ts';

let tmp: string;
let chart: string;

/** A helm stand-in: `version` answers; `template` starts a background grandchild, then waits `seconds`. */
function fakeHelm(name: string, seconds: number): string {
  const path = join(tmp, name);
  writeFileSync(
    path,
    `#!/bin/sh
case "$1" in
  version) echo v4.1.4; exit 0 ;;
  lint) exit 0 ;;
esac
sleep 300 &
echo $! > ${JSON.stringify(join(tmp, `${name}.grandchild`))}
echo $$ > ${JSON.stringify(join(tmp, `${name}.pid`))}
sleep ${seconds}
printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: x\\n'
`,
  );
  chmodSync(path, 0o755);
  return path;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'nexus-timeout-'));
  chart = join(tmp, 'chart');
  mkdirSync(join(chart, 'templates'), { recursive: true });
  writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: tiny\nversion: 0.1.0\n');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('--timeout', () => {
  it('parses helm durations', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(() => parseDuration('5 minutes')).toThrow(/invalid --timeout/);
    expect(() => parseDuration('')).toThrow(/invalid --timeout/);
  });

  it('stops a hung helm and its whole process group; exit 2 with the fix', async () => {
    const helm = fakeHelm('hung', 300);
    const started = Date.now();
    const r = await nexusAsync(['render', '--chart', chart, '--helm', helm, '--timeout', '2s']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('helm template did not finish within 2 s and was stopped (with everything it started)');
    expect(r.stderr).toContain('--timeout');
    expect(Date.now() - started).toBeLessThan(60_000);
    const grandchild = Number(readFileSync(join(tmp, 'hung.grandchild'), 'utf8'));
    const helmPid = Number(readFileSync(join(tmp, 'hung.pid'), 'utf8'));
    for (let i = 0; i < 50 && (alive(grandchild) || alive(helmPid)); i++) await new Promise((res) => setTimeout(res, 100));
    expect(alive(helmPid), 'helm itself').toBe(false);
    expect(alive(grandchild), "helm's own child").toBe(false);
  });

  it('an invalid duration is a usage error (exit 2)', async () => {
    const r = await nexusAsync(['render', '--chart', chart, '--timeout', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('invalid --timeout `soon`');
  });
});

/** Runs the CLI on a pseudo-terminal (util-linux `script`), returning everything the terminal showed. */
function onTty(args: string[]): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, join(PROJECT_ROOT, 'bin', 'nexus.mjs'), ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  return new Promise((resolve) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], { env: { ...process.env, TERM: 'xterm', NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('progress', () => {
  it('on a TTY, work over a few seconds shows what is running and for how long', async () => {
    expect(existsSync('/usr/bin/script'), 'needs util-linux `script` (Debian bsdutils) for a pseudo-terminal').toBe(true);
    const helm = fakeHelm('slow-tty', 6);
    const r = await onTty(['render', '--chart', chart, '--helm', helm]);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/… helm template [^:]*: [3-9] s/);
    expect(r.output).toContain('kind: ConfigMap');
  });

  it('not on a TTY: no progress at all', async () => {
    const helm = fakeHelm('slow-pipe', 5);
    const r = await nexusAsync(['render', '--chart', chart, '--helm', helm]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
  });
});
