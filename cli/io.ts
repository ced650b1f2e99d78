/** The CLI's edge: stdout/stderr writers and whether colour is on. */
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

export function processIo(): CliIo {
  quietOnBrokenPipe(process.stdout);
  quietOnBrokenPipe(process.stderr);
  return {
    out: (s) => process.stdout.write(s),
    drained: () => new Promise<void>((resolve) => process.stdout.once('drain', () => resolve())),
    err: (s) => process.stderr.write(s),
    color: colorEnabled(process.env, !!process.stdout.isTTY),
    progress: !!process.stderr.isTTY && process.env.TERM !== 'dumb',
  };
}
