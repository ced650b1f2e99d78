/** The CLI's edge: stdout/stderr writers and whether colour is on. */
export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
  color: boolean;
}

/**
 * A reader that goes away (`nexus render | head`) is not an error: like other Unix tools we stop
 * writing quietly instead of crashing on EPIPE.
 */
function quietOnBrokenPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
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
