/**
 * The policy stage caps V8's tiering while it runs (policies/engine.ts `withoutTurbofan`) by changing a V8
 * flag at run time. V8 aborts the process when flags change while they are frozen, so a process started
 * with frozen flags (or its own tiering flags) must run the stage untouched and report the same.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
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
});
