/**
 * JUnit XML: one testsuite per input (render or file), one testcase per resource (plus one per
 * input for findings not tied to a resource: values, helm, YAML). Every non-exempt finding of a
 * resource is a <failure>; exempted findings are listed in <skipped>-free system-out. Pure.
 */
import type { Report, ResourceResult } from '../report.ts';
import { formatLocation } from '../../util/errors.ts';
import type { Finding } from '../../core/types.ts';

function esc(s: string): string {
  // XML 1.0 forbids most control characters even when escaped.
  return s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function key(source: string | undefined, docIndex: number | undefined, kind: string | undefined, name: string | undefined): string {
  return `${source ?? ''}\u0000${docIndex ?? ''}\u0000${kind ?? ''}\u0000${name ?? ''}`;
}

function failure(f: Finding): string {
  const body = [formatLocation(f), f.jsonPointer ? `at ${f.jsonPointer}` : '', f.hint ? `hint: ${f.hint}` : ''].filter(Boolean).join('\n');
  return `      <failure message="${esc(`${f.policyId}: ${f.message}`)}" type="${esc(`${f.severity}:${f.policyId}`)}">${esc(body)}</failure>\n`;
}

function testcaseName(r: ResourceResult): string {
  if (!r.kind) return `document ${r.docIndex + 1} (${r.status})`;
  return `${r.kind}/${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

export function formatJunit(report: Report): string {
  const sources = [...new Set([...report.inputs, ...report.resources.map((r) => r.source), ...report.findings.map((f) => f.source ?? '(input)')])];
  const byResource = new Map<string, Finding[]>();
  const loose = new Map<string, Finding[]>();
  const resourceKeys = new Set(report.resources.map((r) => key(r.source, r.docIndex, r.kind || undefined, r.name || undefined)));
  for (const f of report.findings) {
    const k = key(f.source, f.docIndex, f.kind, f.name);
    if (f.docIndex !== undefined && resourceKeys.has(k)) byResource.set(k, [...(byResource.get(k) ?? []), f]);
    else {
      const s = f.source ?? '(input)';
      loose.set(s, [...(loose.get(s) ?? []), f]);
    }
  }
  let suites = '';
  let totalTests = 0;
  let totalFailures = 0;
  let totalSkipped = 0;
  for (const source of sources) {
    let cases = '';
    let tests = 0;
    let failures = 0;
    let skipped = 0;
    const inputFindings = loose.get(source) ?? [];
    if (inputFindings.length || !report.resources.some((r) => r.source === source)) {
      tests++;
      const active = inputFindings.filter((f) => !f.exemption && f.severity !== 'info');
      if (active.length) failures++;
      cases += `    <testcase name="${esc(`${source} (input)`)}" classname="${esc(source)}">\n${active.map(failure).join('')}    </testcase>\n`;
    }
    for (const r of report.resources.filter((x) => x.source === source)) {
      tests++;
      const fs = byResource.get(key(r.source, r.docIndex, r.kind || undefined, r.name || undefined)) ?? [];
      const active = fs.filter((f) => !f.exemption && f.severity !== 'info');
      const exempt = fs.filter((f) => f.exemption);
      let inner = active.map(failure).join('');
      if (r.status === 'skipped' || r.status === 'empty') {
        skipped++;
        inner += `      <skipped message="${esc(r.status === 'empty' ? 'empty document' : 'no schema (--ignore-missing-schemas)')}"/>\n`;
      }
      if (active.length) failures++;
      if (exempt.length) inner += `      <system-out>${esc(exempt.map((f) => `exempted ${f.policyId}: ${f.exemption!.reason}`).join('\n'))}</system-out>\n`;
      const file = r.file ? ` file="${esc(r.file)}"` : '';
      cases += `    <testcase name="${esc(testcaseName(r))}" classname="${esc(`${source}#${r.docIndex}${r.itemIndex !== undefined ? `.${r.itemIndex}` : ''}`)}"${file}>\n${inner}    </testcase>\n`;
    }
    totalTests += tests;
    totalFailures += failures;
    totalSkipped += skipped;
    suites += `  <testsuite name="${esc(source)}" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}">\n${cases}  </testsuite>\n`;
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${esc(`${report.tool.name} validate`)}" tests="${totalTests}" failures="${totalFailures}" errors="0" skipped="${totalSkipped}">\n${suites}</testsuites>\n`;
}
