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

/** Turns anything thrown into a message without a stack trace (stacks only with NEXUS_DEBUG=1). */
export function describeUnknownError(err: unknown): string {
  if (err instanceof NexusError) return formatNexusError(err);
  if (err instanceof Error) {
    const debug = process.env.NEXUS_DEBUG === '1' && err.stack ? `\n${err.stack}` : '';
    return `error: ${err.message}${debug}\n  hint: this is unexpected; rerun with NEXUS_DEBUG=1 and report it`;
  }
  return `error: ${String(err)}`;
}
