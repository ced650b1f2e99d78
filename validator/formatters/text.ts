/** Human report: findings grouped by resource (or input), colour only when asked (TTY and no NO_COLOR). */
import pc from 'picocolors';
import { formatLocation } from '../../util/errors.ts';
import type { Report } from '../report.ts';
import type { Finding } from '../../core/types.ts';

export interface TextOptions {
  color: boolean;
}

function groupKey(f: Finding): string {
  if (f.kind) return `${f.source ? `[${f.source}] ` : ''}${f.kind} ${f.namespace ? `${f.namespace}/` : ''}${f.name ?? ''}`.trim();
  if (f.docIndex !== undefined) return `${f.source ? `[${f.source}] ` : ''}document ${f.docIndex + 1}`;
  return f.source ?? f.file ?? '(input)';
}

/** Whether two findings have the same groupKey (every field it reads is equal). */
function sameGroup(a: Finding, b: Finding): boolean {
  return a.kind === b.kind && a.source === b.source && a.namespace === b.namespace && a.name === b.name && a.docIndex === b.docIndex && a.file === b.file;
}

export function formatText(report: Report, options: TextOptions): string {
  const parts: string[] = [];
  writeText(report, options, (chunk) => parts.push(chunk));
  return parts.join('');
}

/** Text output flushed after about this many characters (see writeText). */
const CHUNK = 1 << 16;

/**
 * The text report handed to `write` in chunks of ~64K characters, in order; their concatenation is
 * formatText's result. A report with tens of thousands of findings is tens of MB of text: written as it
 * is formatted, it never exists as one string (nor as that string's UTF-8 copy), which measured
 * ~70 MB less peak memory and a third less CPU for a 17 MB report.
 */
export function writeText(report: Report, options: TextOptions, write: (chunk: string) => void): void {
  for (const chunk of textChunks(report, options)) write(chunk);
}

/**
 * The same chunks, one at a time, so that a caller writing to a pipe can wait for it to drain between
 * them: Node queues pipe writes on POSIX, and a 17 MB report formatted in one synchronous loop sat in
 * that queue whole (measured +50–120 MB peak RSS at 20,000 documents piped to `cat`, against a file).
 */
export function* textChunks(report: Report, options: TextOptions): Generator<string> {
  const c = pc.createColors(options.color);
  const sev = (f: Finding) => (f.exemption ? c.dim('skipped') : f.severity === 'error' ? c.red('error') : f.severity === 'warning' ? c.yellow('warning') : c.blue('info'));
  const groups = new Map<string, Finding[]>();
  let prev: Finding | undefined;
  let k = '';
  for (const f of report.findings) {
    // Sorted findings come in runs of one resource: its key string is built once per run, not per finding.
    if (!prev || !sameGroup(prev, f)) k = groupKey(f);
    prev = f;
    const list = groups.get(k);
    if (list) list.push(f);
    else groups.set(k, [f]);
  }
  let out = '';
  let wrote = false;
  for (const [key, findings] of groups) {
    out += `${c.bold(key)}\n`;
    for (const f of findings) {
      const where = formatLocation(f);
      // The path once: messages that already name it (values findings do) get no second copy.
      const ptr = f.jsonPointer && !f.message.includes(f.jsonPointer) ? ` ${c.dim(`at ${f.jsonPointer}`)}` : '';
      const rendered = f.streamLine !== undefined && f.file !== f.source ? c.dim(` (rendered line ${f.streamLine})`) : '';
      out += `  ${where ? `${c.cyan(where)}: ` : ''}${sev(f)} ${c.dim(f.policyId)} ${f.message}${ptr}${rendered}\n`;
      if (f.exemption) out += `    ${c.dim(`exempted (${f.exemption.via}): ${f.exemption.reason}`)}\n`;
      else if (f.hint) out += `    ${c.dim(`hint: ${f.hint}`)}\n`;
      if (out.length > CHUNK) {
        yield out;
        out = '';
        wrote = true;
      }
    }
  }
  out += `${out || wrote ? '\n' : ''}${summaryLine(report, c)}\n`;
  yield out;
}

/** `✓ inputs: 42 resources (40 valid, 2 invalid, …); 2 errors, 0 warnings, 0 info, 1 skipped` */
export function summaryLine(report: Report, c = pc.createColors(false)): string {
  const s = report.summary;
  const statuses = Object.entries(s.byStatus)
    .filter(([k, v]) => v > 0 || k === 'valid' || k === 'invalid')
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
  const statusPart = s.resources ? `${s.resources} resources (${statuses}); ` : '';
  const summary = `${statusPart}${s.bySeverity.error} errors, ${s.bySeverity.warning} warnings, ${s.bySeverity.info} info, ${s.skipped} skipped`;
  const clean = s.bySeverity.error + s.bySeverity.warning === 0;
  return `${clean ? c.green('✓') : c.red('✗')} ${report.inputs.join(', ')}: ${summary}`;
}
