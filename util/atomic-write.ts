/**
 * Atomic file writes: the data goes to a hidden temp file beside the target, is flushed to disk, and
 * replaces the target with one rename. A reader sees the old file or the new one, never half of
 * either; a failure (full disk, read-only file system, a kill before the rename) leaves the old
 * file as it was and removes the temp file. Errors become NexusErrors that say what went wrong.
 */
// node:crypto (temp names) and node:child_process (`sync -f`) are loaded on first use through
// process.getBuiltinModule: every command imports this module, and child_process alone pulls in
// net, dgram and the socket code, several milliseconds of every start for a run that writes nothing.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fsError, NexusError } from './errors.ts';
import { faultPoint } from './fault.ts';

/** The temp name for `path`: hidden, and unique per process and call. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${process.getBuiltinModule('node:crypto').randomBytes(4).toString('hex')}`);
}

function writeRange(fd: number, data: Uint8Array, from: number, to: number): void {
  let offset = from;
  while (offset < to) offset += writeSync(fd, data, offset, to - offset); // writeSync may write less than asked
}

/** Writes all of `data`; the fault point sits half-way, where a full disk typically stops a write. */
function writeAll(fd: number, data: Uint8Array, faultName: string, path: string): void {
  const half = Math.ceil(data.length / 2);
  writeRange(fd, data, 0, half);
  faultPoint(faultName, { syscall: 'write', path });
  writeRange(fd, data, half, data.length);
}

/** fsync of a directory, so that a rename inside it survives a power loss (best effort). */
export function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on directories; the rename itself is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes a new file's bytes without flushing them (see flushFiles); refuses to overwrite. */
export function writeNewFile(path: string, data: string | Uint8Array, mode = 0o666): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const fd = openSync(path, 'wx', mode);
  try {
    writeAll(fd, bytes, `write:${basename(path)}`, path);
  } finally {
    closeSync(fd);
  }
}

/**
 * Flushes many files written under `dir` to disk: one syncfs (`sync -f`, ~0.1 s) instead of one
 * fsync per file (~5 ms each on this kind of machine, 0.7 s for a chart); per-file fsync where
 * `sync -f` is not available.
 */
export function flushFiles(dir: string, paths: string[]): void {
  const r = process.getBuiltinModule('node:child_process').spawnSync('sync', ['-f', dir], { stdio: 'ignore' });
  if (r.status === 0) return;
  for (const p of paths) {
    const fd = openSync(p, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

export interface AtomicWriteOptions {
  /** File mode for a new file (default 0o666 minus the umask). */
  mode?: number;
  /** What the file is, for messages ("the report", "index.yaml"). */
  what?: string;
}

/**
 * Replaces `path` with `data` atomically. Refuses a directory (or another non-file) at `path` with a
 * clear message instead of an errno.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const what = options.what ? `${options.what} to ` : '';
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new NexusError(`cannot write ${what}${path}: it is a directory`, { location: { file: path }, hint: 'pass a file path, not a directory' });
    if (!st.isFile()) throw new NexusError(`cannot write ${what}${path}: it is not a regular file`, { location: { file: path }, hint: 'pass the path of a regular file' });
  } catch (err) {
    if (err instanceof NexusError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      // A new file: its directory must exist (we do not create directories behind the user's back).
      try {
        if (!statSync(dirname(path)).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      } catch (dirErr) {
        throw fsError(dirErr, `write ${what}`.trimEnd(), path, (dirErr as NodeJS.ErrnoException).code === 'ENOENT' ? `create the directory ${dirname(path)} first` : undefined);
      }
    } else if (code !== undefined) {
      throw fsError(err, `write ${what}`.trimEnd(), path);
    }
  }
  const tmp = tempPathFor(path);
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', options.mode ?? 0o666);
    writeAll(fd, bytes, `write:${basename(path)}`, path);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    faultPoint(`rename:${basename(path)}`, { syscall: 'rename', path });
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already failing
      }
    }
    rmSync(tmp, { force: true });
    throw fsError(err, `write ${what}`.trimEnd(), path);
  }
  syncDir(dirname(path));
}
