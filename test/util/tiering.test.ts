/**
 * util/tiering.ts: a stage run under `withoutTurbofan` gets no TurboFan code, the code after it does, and
 * V8's flags (whose hash keys the CLI's code caches) are exactly what they were, even when the stage
 * throws. Each case runs in a fresh process: %GetOptimizationStatus needs --allow-natives-syntax, and
 * that flag must not leak into the test runner.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../util/paths.ts';

const dir = mkdtempSync(join(tmpdir(), 'nexus-tiering-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TIERING = pathToFileURL(join(PROJECT_ROOT, 'util', 'tiering.ts')).href;

function probe(body: string, nodeFlags: string[] = []): Record<string, unknown> {
  const file = join(dir, `probe-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(
    file,
    `const { withoutTurbofan, v8FlagHash } = await import(${JSON.stringify(TIERING)});
const TURBOFANNED = 1 << 6; // V8's OptimizationStatus bit
function optimizedAfterHeat(f) {
  let status = 0;
  for (let round = 0; round < 300 && !(status & TURBOFANNED); round++) {
    for (let i = 0; i < 10000; i++) f(50);
    status = %GetOptimizationStatus(f);
  }
  return Boolean(status & TURBOFANNED);
}
${body}
`,
  );
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', ...nodeFlags, '--import', 'tsx', file], { encoding: 'utf8', cwd: PROJECT_ROOT, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`probe failed (${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe('withoutTurbofan (util/tiering.ts)', () => {
  it('holds TurboFan back inside the stage only, and returns the stage value with the flags as they were', () => {
    const out = probe(`
function inside(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s; }
function after(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 5; return s; }
const before = v8FlagHash();
const value = withoutTurbofan(() => ({ optimized: optimizedAfterHeat(inside) }));
console.log(JSON.stringify({ insideOptimized: value.optimized, flagsKept: v8FlagHash() === before, afterOptimized: optimizedAfterHeat(after) }));
`);
    expect(out).toEqual({ insideOptimized: false, flagsKept: true, afterOptimized: true });
  }, 180_000);

  it('gives the flags back when the stage throws', () => {
    const out = probe(`
const before = v8FlagHash();
let message = '';
try { withoutTurbofan(() => { throw new Error('stage failed'); }); } catch (err) { message = err.message; }
function after(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 5; return s; }
console.log(JSON.stringify({ message, flagsKept: v8FlagHash() === before, afterOptimized: optimizedAfterHeat(after) }));
`);
    expect(out).toEqual({ message: 'stage failed', flagsKept: true, afterOptimized: true });
  }, 180_000);

  it('changes no flag in a process whose flags are frozen (V8 would abort the process)', () => {
    const out = probe(
      `
const before = v8FlagHash();
const value = withoutTurbofan(() => 42);
console.log(JSON.stringify({ value, flagsKept: v8FlagHash() === before }));
`,
      ['--freeze-flags-after-init'],
    );
    expect(out).toEqual({ value: 42, flagsKept: true });
  }, 60_000);
});
