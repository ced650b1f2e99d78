/** The report: sorted findings, per-resource results and a summary. Pure; formatters render it. */
import type { RuleMeta } from './rules.ts';
import type { Finding, ResourceStatus, Severity } from '../core/types.ts';

export interface ResourceResult {
  source: string;
  docIndex: number;
  itemIndex?: number;
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  file?: string;
  status: ResourceStatus;
}

export interface Report {
  tool: { name: string; version: string };
  inputs: string[];
  findings: Finding[];
  resources: ResourceResult[];
  /** Metadata of every rule that produced a finding or ran (SARIF `tool.driver.rules`), sorted by id. */
  rules: RuleMeta[];
  summary: {
    resources: number;
    byStatus: Record<ResourceStatus, number>;
    bySeverity: Record<Severity, number>;
    skipped: number;
  };
}

export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

function cmp(a: string | number | undefined, b: string | number | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return a < b ? -1 : 1;
}

/** Total, stable order: input, file, position, resource, policy, pointer, message. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    cmp(a.source, b.source) ||
    cmp(a.file, b.file) ||
    cmp(a.line, b.line) ||
    cmp(a.column, b.column) ||
    cmp(a.docIndex, b.docIndex) ||
    cmp(a.itemIndex, b.itemIndex) ||
    cmp(a.kind, b.kind) ||
    cmp(a.name, b.name) ||
    cmp(a.policyId, b.policyId) ||
    cmp(a.jsonPointer, b.jsonPointer) ||
    cmp(a.message, b.message)
  );
}

export function buildReport(input: { version: string; inputs: string[]; findings: Finding[]; resources?: ResourceResult[]; rules?: RuleMeta[] }): Report {
  const findings = [...input.findings].sort(compareFindings);
  const resources = [...(input.resources ?? [])].sort((a, b) => cmp(a.source, b.source) || cmp(a.docIndex, b.docIndex) || cmp(a.itemIndex, b.itemIndex) || cmp(a.kind, b.kind) || cmp(a.name, b.name));
  const rules = [...(input.rules ?? [])].sort((a, b) => cmp(a.id, b.id));
  const byStatus: Record<ResourceStatus, number> = { valid: 0, invalid: 0, error: 0, skipped: 0, empty: 0 };
  for (const r of resources) byStatus[r.status]++;
  const bySeverity: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  let skipped = 0;
  for (const f of findings) {
    if (f.exemption) skipped++;
    else bySeverity[f.severity]++;
  }
  return { tool: { name: 'nexus', version: input.version }, inputs: [...input.inputs], findings, resources, rules, summary: { resources: resources.length, byStatus, bySeverity, skipped } };
}

/** Findings that mean a check could not run at all (its tool is missing): the run exits 2. */
export const COULD_NOT_RUN_IDS = new Set(['deep/tool-missing']);

/**
 * Exit code 2 when a requested check could not run (README: "could not run"), else 1 when any
 * non-exempt finding is at or above the threshold, else 0.
 */
export function exitCodeFor(report: Report, failOn: Severity): 0 | 1 | 2 {
  if (report.findings.some((f) => !f.exemption && COULD_NOT_RUN_IDS.has(f.policyId))) return 2;
  return report.findings.some((f) => !f.exemption && SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]) ? 1 : 0;
}
