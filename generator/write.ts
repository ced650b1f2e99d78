/**
 * The only writer of generated output. Writes go to a sibling temp directory which then replaces the
 * target with two renames, so a failed run leaves the previous charts intact.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { OutputFile } from './types.ts';

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? listFiles(p) : [p];
  });
}

/** Top-level folders of the output (e.g. `nexus`) that the generator owns. */
function ownedRoots(files: OutputFile[]): string[] {
  return [...new Set(files.map((f) => f.path.split('/')[0]!))].sort();
}

export function writeOutputAtomically(outDir: string, files: OutputFile[]): void {
  mkdirSync(outDir, { recursive: true });
  for (const top of ownedRoots(files)) {
    const target = join(outDir, top);
    const staging = join(outDir, `.${top}.tmp-${process.pid}`);
    const backup = join(outDir, `.${top}.old-${process.pid}`);
    rmSync(staging, { recursive: true, force: true });
    try {
      for (const f of files.filter((x) => x.path.split('/')[0] === top)) {
        const dest = join(staging, f.path.slice(top.length + 1));
        mkdirSync(dirname(dest), { recursive: true });
        writeFileSync(dest, f.content);
      }
      if (existsSync(target)) renameSync(target, backup);
      try {
        renameSync(staging, target);
      } catch (err) {
        if (existsSync(backup)) renameSync(backup, target); // put the previous output back
        throw err;
      }
      rmSync(backup, { recursive: true, force: true });
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
}

export interface Drift {
  changed: string[];
  missing: string[];
  extra: string[];
}

/** Compares generated files with what is on disk under the generator-owned folders. */
export function findDrift(outDir: string, files: OutputFile[]): Drift {
  const expected = new Map(files.map((f) => [f.path, f.content]));
  const onDisk = ownedRoots(files).flatMap((top) => listFiles(join(outDir, top)).map((p) => relative(outDir, p).split('\\').join('/')));
  const drift: Drift = { changed: [], missing: [], extra: [] };
  for (const [path, content] of expected) {
    const abs = join(outDir, path);
    if (!existsSync(abs)) drift.missing.push(path);
    else if (readFileSync(abs, 'utf8') !== content) drift.changed.push(path);
  }
  for (const path of onDisk) if (!expected.has(path)) drift.extra.push(path);
  for (const list of Object.values(drift)) list.sort();
  return drift;
}
