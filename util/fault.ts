/**
 * Fault injection for tests. `NEXUS_FAULT` lists named points and what happens there:
 *
 *   NEXUS_FAULT='generate:backup=kill'             SIGKILL this process at that point
 *   NEXUS_FAULT='sign:imported=SIGINT'             deliver SIGINT (the cleanup handlers run)
 *   NEXUS_FAULT='write:index.yaml=ENOSPC'          fail like the file system would (errno code)
 *   NEXUS_FAULT='publish:pushed=throw'             throw a plain error
 *
 * Several entries are separated by commas. Unset (every normal run), a point costs one env lookup.
 * The points are fixed places between steps, so a test hits "between rename 1 and rename 2" exactly,
 * instead of hoping a timed kill lands there.
 */

const ERRNO: Record<string, { errno: number; text: string }> = {
  ENOSPC: { errno: -28, text: 'no space left on device' },
  EROFS: { errno: -30, text: 'read-only file system' },
  EACCES: { errno: -13, text: 'permission denied' },
  EIO: { errno: -5, text: 'i/o error' },
  EDQUOT: { errno: -122, text: 'disk quota exceeded' },
};

function actionAt(name: string): string | undefined {
  const spec = process.env.NEXUS_FAULT;
  if (!spec) return undefined;
  for (const entry of spec.split(',')) {
    const eq = entry.lastIndexOf('=');
    const point = (eq < 0 ? entry : entry.slice(0, eq)).trim();
    if (point === name) return eq < 0 ? 'kill' : entry.slice(eq + 1).trim();
  }
  return undefined;
}

/** An Error shaped like the one Node's fs throws for `code` (for `path`, from `syscall`). */
export function errnoError(code: string, syscall: string, path?: string): NodeJS.ErrnoException {
  const known = ERRNO[code];
  const err = new Error(`${code}: ${known?.text ?? 'injected fault'}, ${syscall}${path ? ` '${path}'` : ''}`) as NodeJS.ErrnoException;
  err.code = code;
  err.errno = known?.errno ?? -1;
  err.syscall = syscall;
  if (path) err.path = path;
  return err;
}

/** A synchronous point: `kill` ends the process here; an errno code or `throw` throws. */
export function faultPoint(name: string, context: { syscall?: string; path?: string } = {}): void {
  const action = actionAt(name);
  if (action === undefined) return;
  if (action === 'kill') {
    process.kill(process.pid, 'SIGKILL');
    // SIGKILL is delivered before kill() returns to us on Linux; this is only a guard.
    for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
  }
  if (action === 'throw') throw new Error(`injected fault at ${name}`);
  if (/^SIG[A-Z]+$/.test(action)) throw new Error(`fault point ${name} is synchronous; use faultPointAsync for ${action}`);
  throw errnoError(action, context.syscall ?? 'write', context.path);
}

/**
 * An asynchronous point: besides what `faultPoint` does, a signal name (`SIGINT`, `SIGTERM`, `SIGHUP`)
 * is delivered to this process and the caller never resumes, so the signal handlers see the state
 * exactly as it is at this point.
 */
export async function faultPointAsync(name: string, context: { syscall?: string; path?: string } = {}): Promise<void> {
  const action = actionAt(name);
  if (action === undefined) return;
  if (/^SIG[A-Z]+$/.test(action) && action !== 'SIGKILL') {
    process.kill(process.pid, action as NodeJS.Signals);
    await new Promise<never>(() => setInterval(() => undefined, 1_000_000));
  }
  faultPoint(name, context);
}
