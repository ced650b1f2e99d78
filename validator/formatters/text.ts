/** Human report: findings grouped by resource (or file), colour only when asked (TTY and no NO_COLOR). */
import pc from 'picocolors';
import type { Report } from '../report.ts';
import type { Finding } from '../types.ts';

export interface TextOptions {
  color: boolean;
}

function location(f: Finding): string {
  if (!f.file) return '';
  return `${f.file}${f.line !== undefined ? `:${f.line}` : ''}${f.line !== undefined && f.column !== undefined ? `:${f.column}` : ''}`;
}

function groupKey(f: Finding): string {
  if (f.kind) return `${f.source ? `[${f.source}] ` : ''}${f.kind}${f.namespace ? ` ${f.namespace}/` : ' '}${f.name ?? ''}`.trim();
  return f.source ?? f.file ?? '(input)';
}

export function formatText(report: Report, options: TextOptions): string {
  const c = pc.createColors(options.color);
  const sev = (f: Finding) => (f.exemption ? c.dim('skipped') : f.severity === 'error' ? c.red('error') : f.severity === 'warning' ? c.yellow('warning') : c.blue('info'));
  const groups = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const k = groupKey(f);
    groups.set(k, [...(groups.get(k) ?? []), f]);
  }
  let out = '';
  for (const [key, findings] of groups) {
    out += `${c.bold(key)}\n`;
    for (const f of findings) {
      const where = location(f);
      const ptr = f.jsonPointer ? ` ${c.dim(`at ${f.jsonPointer}`)}` : '';
      out += `  ${where ? `${c.cyan(where)}: ` : ''}${sev(f)} ${c.dim(f.policyId)} ${f.message}${ptr}\n`;
      if (f.exemption) out += `    ${c.dim(`exempted (${f.exemption.via}): ${f.exemption.reason}`)}\n`;
      else if (f.hint) out += `    ${c.dim(`hint: ${f.hint}`)}\n`;
    }
  }
  const s = report.summary;
  const statusPart = s.resources ? `${s.resources} resources (${Object.entries(s.byStatus).map(([k, v]) => `${v} ${k}`).join(', ')}); ` : '';
  const summary = `${statusPart}${s.bySeverity.error} errors, ${s.bySeverity.warning} warnings, ${s.bySeverity.info} info, ${s.skipped} skipped`;
  const clean = s.bySeverity.error + s.bySeverity.warning + s.bySeverity.info === 0;
  out += `${out ? '\n' : ''}${clean ? c.green('✓') : c.red('✗')} ${report.inputs.join(', ')}: ${summary}\n`;
  return out;
}
