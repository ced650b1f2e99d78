/**
 * `nexus generate` is crash-safe at every step of its swap: the process is killed (SIGKILL, through
 * the NEXUS_FAULT hook, not by timing) between each pair of steps, and the next run completes or
 * undoes the swap, never loses the chart, and leaves no `.nexus.*` folders behind.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCharts } from '../../generator/index.ts';
import { loadTemplateSources, loadVersions } from '../../generator/sources.ts';
import { findDrift, writeOutputAtomically } from '../../generator/write.ts';
import { nexusAsync } from '../helpers/cli.ts';
import { fullDiskDir, readOnlyDir } from '../helpers/fs-faults.ts';

const files = generateCharts(loadTemplateSources(), loadVersions());
const generate = (out: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) => nexusAsync(['generate', '--out', out, ...args], { env });
let root: string;

/** An output folder holding an "old" generation: the real files plus a marker the new one lacks. */
function previousGeneration(): string {
  const out = mkdtempSync(join(root, 'out-'));
  writeOutputAtomically(out, files);
  writeFileSync(join(out, 'nexus', 'old-marker.yaml'), '# from the previous generation\n');
  return out;
}

const isOld = (out: string) => existsSync(join(out, 'nexus', 'old-marker.yaml')) && findDrift(out, files).extra.join() === 'nexus/old-marker.yaml' && findDrift(out, files).missing.length === 0;
const isNew = (out: string) => JSON.stringify(findDrift(out, files)) === JSON.stringify({ changed: [], missing: [], extra: [] });
const leftovers = (out: string) => readdirSync(out).filter((n) => n.startsWith('.'));

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'nexus-crash-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a generate killed at each step', () => {
  // After the kill: what is on disk, and what the next `generate --check` makes of it.
  const steps = [
    { point: 'generate:staging-half', after: 'old', check: 'old' },
    { point: 'generate:staged', after: 'old', check: 'old' },
    { point: 'generate:journaled', after: 'old', check: 'new' },
    { point: 'generate:backed-up', after: 'missing', check: 'new' },
    { point: 'generate:swapped', after: 'new', check: 'new' },
    { point: 'generate:cleaned', after: 'new', check: 'new' },
  ] as const;

  it.each(steps)('$point: the next run completes or undoes the swap', async ({ point, after, check }) => {
    const out = previousGeneration();
    const killed = await generate(out, [], { NEXUS_FAULT: `${point}=kill` });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    expect(leftovers(out).length, 'the kill left the swap unfinished').toBeGreaterThan(0);
    if (after === 'old') expect(isOld(out)).toBe(true);
    if (after === 'new') expect(isNew(out)).toBe(true);
    if (after === 'missing') {
      expect(existsSync(join(out, 'nexus'))).toBe(false);
      expect(existsSync(join(out, '.nexus.swap')), 'the journal that makes it recoverable').toBe(true);
    }

    // --check recovers first, then compares.
    const checked = await generate(out, ['--check']);
    expect(checked.code, checked.stderr).toBe(check === 'new' ? 0 : 1);
    if (check === 'old') expect(checked.stderr).toContain('not generated: nexus/old-marker.yaml');
    expect(check === 'new' ? isNew(out) : isOld(out)).toBe(true);
    expect(leftovers(out)).toEqual([]);

    const again = await generate(out);
    expect(again.code, again.stderr).toBe(0);
    expect(isNew(out)).toBe(true);
    expect(leftovers(out)).toEqual([]);
  });

  it('a plain generate recovers too, and says so', async () => {
    const out = previousGeneration();
    expect((await generate(out, [], { NEXUS_FAULT: 'generate:backed-up=kill' })).signal).toBe('SIGKILL');
    const r = await generate(out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/note: an interrupted `nexus generate` left .*\/nexus mid-swap; completed the swap/);
    expect(isNew(out)).toBe(true);
    expect(leftovers(out)).toEqual([]);
  });

  it('leftovers of a journal-less swap (older nexus) are restored, never deleted', async () => {
    const out = previousGeneration();
    // What the old two-rename swap left when killed between its renames: no chart, a backup, a staging tree.
    renameSync(join(out, 'nexus'), join(out, '.nexus.old-4242'));
    mkdirSync(join(out, '.nexus.tmp-4242', 'templates'), { recursive: true });
    const r = await generate(out, ['--check']);
    expect(r.stderr).toMatch(/restored the previous tree/);
    expect(isOld(out)).toBe(true);
    expect(leftovers(out)).toEqual([]);
  });
});

describe('the generate lock', () => {
  it('a lock held by a running process is an error (exit 2) naming it; a dead holder\'s lock is taken over', async () => {
    const out = previousGeneration();
    writeFileSync(join(out, '.generate.lock'), `${process.pid}\n`);
    const busy = await generate(out);
    expect(busy.code).toBe(2);
    expect(busy.stderr).toContain(`another \`nexus generate\` (pid ${process.pid}) is writing`);
    expect(isOld(out)).toBe(true);
    const dead = spawnSync('true').pid!; // exited already
    writeFileSync(join(out, '.generate.lock'), `${dead}\n`);
    const r = await generate(out);
    expect(r.code, r.stderr).toBe(0);
    expect(isNew(out)).toBe(true);
    expect(leftovers(out)).toEqual([]);
  });
});

describe('generate into paths it cannot write', () => {
  it('a read-only directory: exit 2 with a real message, the previous chart intact', async () => {
    const ro = readOnlyDir((dir) => {
      writeOutputAtomically(dir, files);
      writeFileSync(join(dir, 'nexus', 'old-marker.yaml'), '# old\n');
    });
    try {
      const r = await generate(ro.dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(ro.kind === 'tmpfs' ? /the file system is read-only \(EROFS\)/ : /permission denied \(EACCES\)/);
      expect(r.stderr).not.toMatch(/unexpected|\n\s+at /);
      expect(isOld(ro.dir)).toBe(true);
    } finally {
      ro.cleanup();
    }
  });

  it('a file where the output directory should be: exit 2, says so', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    const r = await generate(join(file, 'charts'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot create the output directory .*a-file\/charts: a part of the path is a file, not a directory \(ENOTDIR\)/);
  });

  it('a full disk: exit 2, the previous chart intact, no staging folder left', async () => {
    // Room for the previous chart tree (sized from it: tmpfs takes whole 4 KiB pages per file and per
    // directory, plus a quarter for slack, so the chart may grow), then filled.
    const pages = files.reduce((n, f) => n + Math.max(1, Math.ceil(Buffer.byteLength(f.content) / 4096)), 0) + new Set(files.map((f) => f.path.split('/').slice(0, -1).join('/'))).size;
    const full = fullDiskDir('Chart.yaml', (dir) => writeOutputAtomically(dir, files), Math.ceil(pages * 4 * 1.25) + 512);
    try {
      writeFileSync(join(full.dir, 'nexus', 'values.yaml'), '# old values\n'); // shrinks the old tree a little; still "old"
      const before = readFileSync(join(full.dir, 'nexus', 'values.yaml'), 'utf8');
      const r = await generate(full.dir, [], full.env);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/no space left on the device \(ENOSPC\)/);
      expect(readFileSync(join(full.dir, 'nexus', 'values.yaml'), 'utf8')).toBe(before);
      expect(leftovers(full.dir).filter((n) => n !== '.filler')).toEqual([]);
    } finally {
      full.cleanup();
    }
  });
});
