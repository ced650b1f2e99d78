/**
 * SARIF 2.1.0 for GitHub code scanning: one run, rules from the report's rule metadata, results
 * located at the template file and line (`# Source:`), with the rendered position and the resource
 * in `properties` and `logicalLocations`. Pure and deterministic.
 */
import type { Report } from '../report.ts';
import type { Finding, Severity } from '../../core/types.ts';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

function uri(path: string): string {
  return path
    .replace(/\\/g, '/')
    .replace(/^\.\//, '')
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}

function resourceName(f: Finding): string | undefined {
  if (!f.kind) return undefined;
  return `${f.kind}/${f.namespace ? `${f.namespace}/` : ''}${f.name ?? ''}`;
}

export function formatSarif(report: Report): string {
  const ruleIds = [...new Set([...report.rules.map((r) => r.id), ...report.findings.map((f) => f.policyId)])].sort();
  const meta = new Map(report.rules.map((r) => [r.id, r]));
  const rules = ruleIds.map((id) => {
    const r = meta.get(id);
    const sev = r?.severity ?? report.findings.find((f) => f.policyId === id)?.severity ?? 'warning';
    return {
      id,
      name: id.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')),
      shortDescription: { text: r?.title ?? id },
      fullDescription: { text: r?.description ?? id },
      ...(r?.helpUri ? { helpUri: r.helpUri } : {}),
      help: { text: r?.remediation ?? r?.description ?? id },
      defaultConfiguration: { level: LEVEL[sev] },
      properties: { ...(r?.category ? { category: r.category } : {}), tags: [r?.category ?? id.split('/')[0]!] },
    };
  });
  const index = new Map(ruleIds.map((id, i) => [id, i]));
  const results = report.findings.map((f) => {
    const text = `${f.message}${f.hint ? ` (${f.hint})` : ''}`;
    const res = resourceName(f);
    const physical = f.file
      ? {
          physicalLocation: {
            artifactLocation: { uri: uri(f.file), uriBaseId: '%SRCROOT%' },
            region: { startLine: Math.max(1, f.line ?? 1), ...(f.column !== undefined ? { startColumn: Math.max(1, f.column) } : {}) },
          },
        }
      : {};
    const logical = res ? { logicalLocations: [{ name: f.name ?? '', fullyQualifiedName: `${res}${f.jsonPointer ? `#${f.jsonPointer}` : ''}`, kind: 'resource' }] } : {};
    return {
      ruleId: f.policyId,
      ruleIndex: index.get(f.policyId)!,
      level: LEVEL[f.severity],
      ...(f.exemption ? { kind: 'informational', suppressions: [{ kind: 'inSource', justification: f.exemption.reason }] } : {}),
      message: { text },
      ...(f.file || res ? { locations: [{ ...physical, ...logical }] } : {}),
      partialFingerprints: { nexusFinding: [f.policyId, f.source ?? '', f.kind ?? '', f.namespace ?? '', f.name ?? '', f.jsonPointer ?? '', f.file ?? ''].join('|') },
      properties: {
        ...(f.source ? { input: f.source } : {}),
        ...(f.docIndex !== undefined ? { docIndex: f.docIndex } : {}),
        ...(f.itemIndex !== undefined ? { itemIndex: f.itemIndex } : {}),
        ...(f.streamLine !== undefined ? { renderedLine: f.streamLine } : {}),
        ...(f.apiVersion ? { apiVersion: f.apiVersion } : {}),
        ...(f.kind ? { kind: f.kind } : {}),
        ...(f.namespace ? { namespace: f.namespace } : {}),
        ...(f.name ? { name: f.name } : {}),
        ...(f.jsonPointer !== undefined ? { jsonPointer: f.jsonPointer } : {}),
      },
    };
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            semanticVersion: report.tool.version,
            informationUri: 'https://github.com/nexus-platform/nexus-charts',
            rules,
          },
        },
        results,
        columnKind: 'unicodeCodePoints',
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
