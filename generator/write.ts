/**
 * The only writer of generated output, crash-safe at every step. Each generator-owned folder (e.g.
 * `nexus`) is replaced through a journal, so that a run killed at any instruction leaves a state the
 * next run completes:
 *
 *   1. write the new tree into `.nexus.tmp-<id>/` (every file flushed to disk);
 *   2. write the journal `.nexus.swap` (atomically) naming the staging and backup folders;
 *   3. rename `nexus` → `.nexus.old-<id>`;
 *   4. rename `.nexus.tmp-<id>` → `nexus`;
 *   5. remove `.nexus.old-<id>`;
 *   6. remove the journal.
 *
 * Every run (generate and generate --check) first takes `.generate.lock` and recovers:
 *   - a journal means the staging tree was complete before any rename, so the swap is rolled
 *     forward from whichever step it stopped at (or, should the staging tree be gone, the backup is
 *     put back);
 *   - without a journal, nothing was renamed by this protocol: leftover staging and backup folders
 *     are removed, except that a backup is put back when the folder itself is missing (an older
 *     nexus, which swapped without a journal, could be killed between its two renames).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, relative } from 'node:path';
import { flushFiles, syncDir, writeFileAtomic, writeNewFile } from '../util/atomic-write.ts';
import { onCleanup } from '../util/cleanup.ts';
import { fsError, NexusError } from '../util/errors.ts';
import { faultPoint } from '../util/fault.ts';
import type { OutputFile } from './types.ts';
import { isProcessAlive } from '../util/pid.ts';

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

interface Journal {
  top: string;
  staging: string;
  backup: string;
}

const journalPath = (outDir: string, top: string) => join(outDir, `.${top}.swap`);
const LOCK = '.generate.lock';


/**
 * Takes `<outDir>/.generate.lock` (holding our pid). A lock left by a dead process is taken over; a
 * live holder is an error. Returns the release function (also run on a signal).
 */
function takeLock(outDir: string): () => void {
  const lock = join(outDir, LOCK);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(lock, `${process.pid}\n`, { flag: 'wx' });
      return onCleanup(() => rmSync(lock, { force: true }));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw fsError(err, 'create the lock file', lock);
      const holder = Number.parseInt(readFileSync(lock, 'utf8'), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isProcessAlive(holder)) {
        throw new NexusError(`another \`nexus generate\` (pid ${holder}) is writing ${outDir}`, { location: { file: lock }, hint: `wait for it to finish; if no such process is running, remove ${lock}` });
      }
      rmSync(lock, { force: true }); // left by a process that no longer runs
    }
  }
  throw new NexusError(`cannot take the lock ${lock}`, { hint: 'another generate keeps taking it; run one at a time' });
}

function readJournal(file: string): Journal | undefined {
  try {
    const j = JSON.parse(readFileSync(file, 'utf8')) as Partial<Journal>;
    return typeof j.top === 'string' && typeof j.staging === 'string' && typeof j.backup === 'string' ? (j as Journal) : undefined;
  } catch {
    return undefined; // unreadable: it never became the journal (it is written atomically), so ignore it
  }
}

/** What recovery did, for the run's message. */
export interface Recovery {
  top: string;
  action: 'completed' | 'restored';
}

/**
 * Finishes or undoes an interrupted swap of `top` and removes stale staging/backup folders.
 * Must run under the lock.
 */
function recoverTop(outDir: string, top: string): Recovery | undefined {
  const target = join(outDir, top);
  const journalFile = journalPath(outDir, top);
  const journal = existsSync(journalFile) ? readJournal(journalFile) : undefined;
  let recovery: Recovery | undefined;
  if (journal && journal.top === top) {
    const staging = join(outDir, journal.staging);
    const backup = join(outDir, journal.backup);
    if (existsSync(staging)) {
      // Steps 3–4 did not both happen: roll forward (the staging tree is complete, see step 2).
      if (existsSync(target)) renameSync(target, backup);
      renameSync(staging, target);
      recovery = { top, action: 'completed' };
    } else if (!existsSync(target) && existsSync(backup)) {
      renameSync(backup, target); // cannot happen by this protocol; never lose the last good tree
      recovery = { top, action: 'restored' };
    } else if (existsSync(backup)) {
      recovery = { top, action: 'completed' }; // only step 5 or 6 was left
    }
    rmSync(backup, { recursive: true, force: true });
    syncDir(outDir);
  } else if (!existsSync(target)) {
    // No journal and no folder: put back the newest backup an older, journal-less swap left.
    const backups = readdirSync(outDir).filter((n) => n.startsWith(`.${top}.old-`)).sort();
    const last = backups[backups.length - 1];
    if (last) {
      renameSync(join(outDir, last), target);
      recovery = { top, action: 'restored' };
    }
  }
  rmSync(journalFile, { force: true });
  for (const name of readdirSync(outDir)) {
    if (name.startsWith(`.${top}.tmp-`) || name.startsWith(`.${top}.old-`) || name.startsWith(`..${top}.swap.tmp-`)) {
      rmSync(join(outDir, name), { recursive: true, force: true });
    }
  }
  return recovery;
}

/** Whether `top` shows signs of an interrupted run (a journal, or leftover staging/backup folders). */
function interrupted(outDir: string, top: string): boolean {
  return readdirSync(outDir).some((n) => n === `.${top}.swap` || n.startsWith(`.${top}.tmp-`) || n.startsWith(`.${top}.old-`) || n.startsWith(`..${top}.swap.tmp-`));
}

/**
 * For `generate --check`: completes an interrupted swap before comparing. Takes the lock only when
 * there is something to recover, so a check of a clean, read-only checkout writes nothing.
 */
export function recoverInterruptedWrites(outDir: string, files: OutputFile[]): Recovery[] {
  if (!existsSync(outDir)) return [];
  const tops = ownedRoots(files).filter((top) => interrupted(outDir, top));
  if (!tops.length) return [];
  const release = takeLock(outDir);
  try {
    return tops.flatMap((top) => recoverTop(outDir, top) ?? []);
  } finally {
    release();
  }
}

function writeTree(staging: string, top: string, files: OutputFile[]): void {
  const mine = files.filter((x) => x.path.split('/')[0] === top);
  const half = Math.floor(mine.length / 2);
  const written: string[] = [];
  for (const [i, f] of mine.entries()) {
    if (i === half) faultPoint('generate:staging-half');
    const dest = join(staging, f.path.slice(top.length + 1));
    mkdirSync(dirname(dest), { recursive: true });
    writeNewFile(dest, f.content);
    written.push(dest);
  }
  flushFiles(staging, written);
}

/** Writes `files` under `outDir`, replacing each owned folder through the journal (module comment). */
export function writeOutputAtomically(outDir: string, files: OutputFile[]): Recovery[] {
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (err) {
    throw fsError(err, 'create the output directory', outDir);
  }
  const release = takeLock(outDir);
  const recoveries: Recovery[] = [];
  try {
    for (const top of ownedRoots(files)) {
      const recovered = recoverTop(outDir, top);
      if (recovered) recoveries.push(recovered);
      const id = `${process.pid}-${randomBytes(3).toString('hex')}`;
      const target = join(outDir, top);
      const staging = join(outDir, `.${top}.tmp-${id}`);
      const backup = join(outDir, `.${top}.old-${id}`);
      try {
        writeTree(staging, top, files);
      } catch (err) {
        rmSync(staging, { recursive: true, force: true });
        throw fsError(err, 'write the generated files into', outDir);
      }
      faultPoint('generate:staged');
      const journal: Journal = { top, staging: relative(outDir, staging), backup: relative(outDir, backup) };
      try {
        writeFileAtomic(journalPath(outDir, top), `${JSON.stringify(journal)}\n`);
      } catch (err) {
        rmSync(staging, { recursive: true, force: true });
        throw err;
      }
      faultPoint('generate:journaled');
      if (existsSync(target)) renameSync(target, backup);
      faultPoint('generate:backed-up');
      renameSync(staging, target);
      syncDir(outDir);
      faultPoint('generate:swapped');
      rmSync(backup, { recursive: true, force: true });
      faultPoint('generate:cleaned');
      rmSync(journalPath(outDir, top), { force: true });
      syncDir(outDir);
    }
  } finally {
    release();
  }
  return recoveries;
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
