/** The CLI's edge: stdout/stderr writers and whether colour is on. */
import { fstatSync, writeSync } from 'node:fs';
export interface CliIo {
  /** Writes to stdout; `false` means the data was queued (a pipe that is full): wait for `drained`. */
  out: (s: string) => unknown;
  /** Resolves when stdout has flushed what `out` queued (absent: writes never queue, as in tests). */
  drained?: () => Promise<void>;
  err: (s: string) => void;
  color: boolean;
  /** Show progress of long work on stderr (a TTY only). */
  progress?: boolean;
}

/**
 * A reader that goes away (`nexus render | head`) is not an error: like other Unix tools we stop
 * writing quietly instead of crashing on EPIPE. Any other write error (a full disk behind `>`) ends
 * the run with exit 2 and one line, not an uncaught exception's stack trace.
 */
function quietOnBrokenPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    if (stream !== process.stderr) process.stderr.write(`error: cannot write the output: ${err.code ?? err.message}\n`);
    process.exit(2);
  });
}

/**
 * Colour as https://no-color.org and https://force-color.org describe it: a non-empty NO_COLOR turns it
 * off, a FORCE_COLOR other than "0"/"false" turns it on (also when piped), else only on a TTY.
 */
export function colorEnabled(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined) return !/^(0|false)$/i.test(env.FORCE_COLOR);
  return isTTY && env.TERM !== 'dumb';
}

/**
 * What `fd` is, from fstat alone: a file or one of Linux's memory devices (/dev/null, /dev/zero,
 * /dev/full: character devices of major number 1), a pipe or socket, or something that may be a
 * terminal. Asking process.stdout or process.stderr instead creates the stream, which loads Node's
 * stream and socket modules: ~20 modules and ~7 ms of every start (a one-document validate takes ~130 ms).
 */
function kindOf(fd: number): 'file' | 'pipe' | 'maybe-terminal' {
  try {
    const st = fstatSync(fd);
    if (st.isFile() || (process.platform === 'linux' && st.isCharacterDevice() && ((st.rdev >> 8) & 0xfff) === 1)) return 'file';
    return st.isFIFO() || st.isSocket() ? 'pipe' : 'maybe-terminal';
  } catch {
    return 'maybe-terminal';
  }
}

/** Writes all of `s` to `fd`; a failure (a full disk behind `>`) ends the run as quietOnBrokenPipe does. */
function writeAllTo(fd: number, s: string): true {
  const bytes = Buffer.from(s);
  try {
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
  } catch (err) {
    process.stderr.write(`error: cannot write the output: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
    process.exit(2);
  }
  return true;
}

/**
 * The process's stdout and stderr. The streams are made only when needed: stdout to a file or /dev/null
 * is written in place (no stream, nothing queued), and stderr's stream waits for the first message.
 */
export function processIo(): CliIo {
  let stderrReady = false;
  const stderr = () => {
    if (!stderrReady) quietOnBrokenPipe(process.stderr);
    stderrReady = true;
    return process.stderr;
  };
  const stdout = kindOf(1);
  // A file or a device is written in place, as Node's own stream for them (SyncWriteStream) does.
  if (stdout !== 'file') quietOnBrokenPipe(process.stdout);
  return {
    out: stdout === 'file' ? (s) => writeAllTo(1, s) : (s) => process.stdout.write(s),
    ...(stdout === 'file' ? {} : { drained: () => new Promise<void>((resolve) => process.stdout.once('drain', () => resolve())) }),
    err: (s) => stderr().write(s),
    color: colorEnabled(process.env, stdout === 'maybe-terminal' && !!process.stdout.isTTY),
    progress: kindOf(2) === 'maybe-terminal' && !!stderr().isTTY && process.env.TERM !== 'dumb',
  };
}
