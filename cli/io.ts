/** The CLI's edge: stdout/stderr writers and whether colour is on. */
export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
  color: boolean;
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

export function processIo(): CliIo {
  quietOnBrokenPipe(process.stdout);
  quietOnBrokenPipe(process.stderr);
  return {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    color: !!process.stdout.isTTY && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb',
  };
}
