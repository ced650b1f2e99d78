/**
 * The release gate: nothing is packaged while `nexus validate` finds errors. Calls the validator
 * through its exported entry point only.
 */
import { exitCodeFor, type Report } from '../validator/report.ts';
import { validate, type ValidateOptions } from '../validator/run.ts';
import type { Finding } from '../core/types.ts';

export interface GateResult {
  passed: boolean;
  report: Report;
  /** The non-exempt error findings that closed the gate. */
  blocking: Finding[];
}

export async function releaseGate(options: Pick<ValidateOptions, 'chartDir' | 'valuesFiles' | 'environments' | 'set' | 'setString' | 'setFile' | 'setJson' | 'helmPath' | 'version'>): Promise<GateResult> {
  const report = await validate(options);
  const blocking = report.findings.filter((f) => !f.exemption && f.severity === 'error');
  return { passed: exitCodeFor(report, 'error') === 0, report, blocking };
}

/** One line per blocking finding: `file:line:col: policy: message`. */
export function describeBlocking(findings: Finding[], limit = 20): string {
  const lines = findings.slice(0, limit).map((f) => {
    const where = [f.file ?? f.source, f.line, f.line !== undefined ? f.column : undefined].filter((x) => x !== undefined).join(':');
    const message = f.message.trim().split('\n').join('\n      ');
    return `  ${where ? `${where}: ` : ''}${f.policyId}: ${message}${f.source && f.file && f.source !== f.file ? ` [${f.source}]` : ''}`;
  });
  if (findings.length > limit) lines.push(`  … and ${findings.length - limit} more (run \`nexus validate\` for the full report)`);
  return lines.join('\n');
}
