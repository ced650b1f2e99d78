/** The CLI's edge: stdout/stderr writers and whether colour is on. */
export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
  color: boolean;
}

export function processIo(): CliIo {
  return {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    color: !!process.stdout.isTTY && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb',
  };
}
