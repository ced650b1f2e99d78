/**
 * Errors that mean "could not run" (exit 2), as opposed to findings (exit 1).
 * Every one carries enough context to act on: where (file:line:col), what, and how to fix it.
 */
export interface ErrorLocation {
  file?: string;
  line?: number;
  column?: number;
  /** Index of the YAML document in a multi-document stream (0-based). */
  docIndex?: number;
  /** JSON path or pointer of the offending node, e.g. `frontend.autoscaling.maxReplicas`. */
  path?: string;
}

export class NexusError extends Error {
  readonly location: ErrorLocation;
  readonly hint: string | undefined;
  readonly exitCode: 2 = 2;

  constructor(message: string, options: { location?: ErrorLocation; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NexusError';
    this.location = options.location ?? {};
    this.hint = options.hint;
  }
}

export function formatLocation(loc: ErrorLocation): string {
  if (!loc.file) return '';
  let out = loc.file;
  if (loc.line !== undefined) out += `:${loc.line}`;
  if (loc.line !== undefined && loc.column !== undefined) out += `:${loc.column}`;
  return out;
}

/** One human-readable block: `file:line:col: message (document N, at path)\n  hint`. */
export function formatNexusError(err: NexusError): string {
  const where = formatLocation(err.location);
  const extras: string[] = [];
  if (err.location.docIndex !== undefined) extras.push(`document ${err.location.docIndex + 1}`);
  if (err.location.path) extras.push(`at ${err.location.path}`);
  let out = `${where ? `${where}: ` : ''}error: ${err.message}`;
  if (extras.length) out += ` (${extras.join(', ')})`;
  if (err.hint) out += `\n  hint: ${err.hint}`;
  return out;
}

/** What an errno code means, in words, with the fix (for file-system errors). */
const FS_CODES: Record<string, { says: string; hint: string }> = {
  ENOENT: { says: 'no such file or directory', hint: 'check the path' },
  ENOTDIR: { says: 'a part of the path is a file, not a directory', hint: 'check the path: a file is in the way of a directory' },
  EISDIR: { says: 'it is a directory', hint: 'pass a file path, not a directory' },
  EEXIST: { says: 'something else already exists there', hint: 'remove it or choose another path' },
  EROFS: { says: 'the file system is read-only', hint: 'choose a location on a writable file system' },
  EACCES: { says: 'permission denied', hint: 'check the permissions of the path and its directory' },
  EPERM: { says: 'operation not permitted', hint: 'check the permissions and attributes of the path and its directory' },
  ENOSPC: { says: 'no space left on the device', hint: 'free some space and run it again; files written before were kept as they were' },
  EDQUOT: { says: 'the disk quota is exhausted', hint: 'free some space and run it again; files written before were kept as they were' },
  ELOOP: { says: 'too many levels of symbolic links (a symlink loop?)', hint: 'check where the symbolic links in the path point' },
  ENAMETOOLONG: { says: 'the path is too long', hint: 'use a shorter path' },
  EMFILE: { says: 'too many open files', hint: 'raise the open-file limit (ulimit -n) or close other programs' },
  EIO: { says: 'an input/output error from the device', hint: 'check the disk or network file system' },
  EBUSY: { says: 'the resource is busy', hint: 'close whatever holds it and run it again' },
  EXDEV: { says: 'it crosses file systems', hint: 'keep the path on the same file system' },
};

function isErrno(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string' && /^E[A-Z]+$/.test((err as NodeJS.ErrnoException).code!);
}

/**
 * A file-system error as a NexusError: `cannot <verb> <path>: <what the code means>`, with a fix.
 * `verb` is what we were doing ("write", "read", "create the directory").
 */
export function fsError(err: unknown, verb: string, path: string, hint?: string): NexusError {
  if (err instanceof NexusError) return err;
  if (!isErrno(err)) return new NexusError(`cannot ${verb} ${path}: ${err instanceof Error ? err.message : String(err)}`, { location: { file: path }, cause: err });
  const known = FS_CODES[err.code!];
  return new NexusError(`cannot ${verb} ${path}: ${known?.says ?? err.message} (${err.code})`, { location: { file: path }, hint: hint ?? known?.hint, cause: err });
}

/** Turns anything thrown into a message without a stack trace (stacks only with NEXUS_DEBUG=1). */
export function describeUnknownError(err: unknown): string {
  if (err instanceof NexusError) return formatNexusError(err);
  // A file-system error that escaped without context still gets its meaning and a fix.
  if (isErrno(err) && (err.path || err.syscall)) {
    const verb = { open: 'open', read: 'read', write: 'write', mkdir: 'create the directory', rename: 'rename', unlink: 'remove', rmdir: 'remove', scandir: 'list', stat: 'read', lstat: 'read' }[err.syscall ?? ''] ?? err.syscall ?? 'access';
    return formatNexusError(fsError(err, verb, err.path ?? '(unknown path)'));
  }
  if (err instanceof RangeError && /Maximum call stack size exceeded/.test(err.message)) {
    return 'error: the input is nested too deeply to process\n  hint: flatten the structure (a generated file with runaway nesting, or an alias loop?)';
  }
  if (err instanceof Error) {
    const debug = process.env.NEXUS_DEBUG === '1' && err.stack ? `\n${err.stack}` : '';
    return `error: ${err.message}${debug}\n  hint: this is unexpected; rerun with NEXUS_DEBUG=1 and report it`;
  }
  return `error: ${String(err)}`;
}
