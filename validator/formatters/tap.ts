/**
 * TAP version 13 (testanything.org), as kubeconform's `-output tap` writes it: one test point per
 * resource (ok / not ok), with the findings of a failing one in a YAML diagnostic block; findings that
 * belong to no resource (values, helm) are test points of their own. Pure and byte-stable.
 */
import type { Finding } from '../../core/types.ts';
import type { Report } from '../report.ts';
import { formatLocation } from '../../util/errors.ts';

const yamlString = (s: string) => JSON.stringify(s); // a JSON string is a valid YAML scalar

function diagnostics(findings: Finding[]): string[] {
  if (!findings.length) return [];
  const out = ['  ---', '  findings:'];
  for (const f of findings) {
    out.push(`    - policy: ${yamlString(f.policyId)}`, `      severity: ${f.exemption ? 'skipped' : f.severity}`, `      message: ${yamlString(f.message)}`);
    const where = formatLocation(f);
    if (where) out.push(`      at: ${yamlString(where)}`);
    if (f.jsonPointer) out.push(`      path: ${yamlString(f.jsonPointer)}`);
  }
  out.push('  ...');
  return out;
}

const key = (source: string | undefined, docIndex: number | undefined, kind: string | undefined, name: string | undefined) => `${source}\u0000${docIndex}\u0000${kind}\u0000${name}`;

export function formatTap(report: Report): string {
  const byResource = new Map<string, Finding[]>();
  const loose: Finding[] = [];
  for (const f of report.findings) {
    if (f.docIndex === undefined) loose.push(f);
    else {
      const k = key(f.source, f.docIndex, f.kind, f.name);
      byResource.set(k, [...(byResource.get(k) ?? []), f]);
    }
  }
  const lines = ['TAP version 13'];
  let n = 0;
  for (const r of report.resources) {
    const findings = byResource.get(key(r.source, r.docIndex, r.kind, r.name)) ?? [];
    const what = r.kind ? `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}` : `document ${r.docIndex + 1}`;
    const failed = r.status === 'invalid' || r.status === 'error';
    const directive = r.status === 'skipped' ? ' # SKIP' : r.status === 'empty' ? ' # SKIP empty document' : '';
    lines.push(`${failed ? 'not ok' : 'ok'} ${++n} - ${r.source} ${what}${directive}`, ...diagnostics(findings));
  }
  for (const f of loose) {
    const failed = !f.exemption && f.severity === 'error';
    lines.push(`${failed ? 'not ok' : 'ok'} ${++n} - ${f.source ?? f.file ?? ''} ${f.policyId}${f.exemption ? ' # SKIP exempted' : ''}`, ...diagnostics([f]));
  }
  lines.push(`1..${n}`);
  return `${lines.join('\n')}\n`;
}
