/**
 * The policy stage caps V8's tiering while it runs (util/tiering.ts `withoutTurbofan`) by changing a V8
 * flag at run time. V8 aborts the process when flags change while they are frozen, so a process started
 * with frozen flags (or its own tiering flags) must run the stage untouched and report the same. And the
 * cap must end with the stage: code that runs afterwards (positions, the report) is optimized again.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../util/paths.ts';

const BIN = join(PROJECT_ROOT, 'bin', 'nexus.mjs');
const INPUT = join(PROJECT_ROOT, 'test', 'validator', 'fixtures', 'valid', 'stateful-and-batch.yaml');

function validate(nodeFlags: string[]) {
  return spawnSync(process.execPath, [...nodeFlags, BIN, 'validate', '--format', 'json', INPUT], { encoding: 'utf8', cwd: PROJECT_ROOT, timeout: 120_000 });
}

describe('policy stage tiering cap', () => {
  it('reports the same with frozen V8 flags, with tiering flags of its own, and without either', () => {
    const plain = validate([]);
    expect(plain.stderr).toBe('');
    expect([0, 1]).toContain(plain.status);
    const report = JSON.parse(plain.stdout) as { findings: unknown[] };
    expect(report.findings.length).toBeGreaterThan(0);
    for (const flags of [['--freeze-flags-after-init'], ['--max-opt=3']]) {
      const r = validate(flags);
      expect(r.stderr, flags.join(' ')).toBe('');
      expect(r.status, flags.join(' ')).toBe(plain.status);
      expect(r.stdout, flags.join(' ')).toBe(plain.stdout);
    }
  }, 300_000);

  it('lifts the cap when the stage ends: a function that gets hot afterwards is compiled by TurboFan', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-tiering-'));
    try {
      // %GetOptimizationStatus needs --allow-natives-syntax, so the probe is a plain module of its own.
      const probe = join(dir, 'probe.mjs');
      writeFileSync(
        probe,
        `const { evaluatePolicies } = await import(${JSON.stringify(pathToFileURL(join(PROJECT_ROOT, 'policies', 'engine.ts')).href)});
const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default' }, data: {} };
evaluatePolicies([{ source: 'x.yaml', docIndex: 0, line: 1, apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 'default', object }], { namespace: 'default' });
function hot(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s; }
const TURBOFANNED = 1 << 6; // V8's OptimizationStatus bit
let status = 0;
for (let round = 0; round < 500 && !(status & TURBOFANNED); round++) {
  for (let i = 0; i < 10000; i++) hot(50);
  status = %GetOptimizationStatus(hot);
}
console.log(JSON.stringify({ turbofanned: Boolean(status & TURBOFANNED) }));
`,
      );
      const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', probe], { encoding: 'utf8', cwd: PROJECT_ROOT, timeout: 120_000 });
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toEqual({ turbofanned: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
