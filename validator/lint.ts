/** `helm lint --strict` of a chart with its values files; messages (multi-line too) become findings. */
import { relative } from 'node:path';
import { runHelm, type Helm } from './helm.ts';
import { parseLintOutput } from './helm-messages.ts';
import { chartFile } from './render.ts';
import type { Finding } from '../core/types.ts';

export async function helmLint(helm: Pick<Helm, 'bin' | 'env'>, chartDir: string, valuesFiles: string[], extraArgs: string[] = [], source?: string): Promise<Finding[]> {
  const args = ['lint', chartDir, '--strict', ...valuesFiles.flatMap((f) => ['-f', f]), ...extraArgs];
  const result = await runHelm(helm, args);
  const label = source ?? (valuesFiles.map((f) => relative(process.cwd(), f) || f).join(',') || 'defaults');
  const chartRel = relative(process.cwd(), chartDir) || '.';
  const findings: Finding[] = [];
  for (const m of parseLintOutput(`${result.stdout}\n${result.stderr}`)) {
    if (m.level === 'info') continue;
    findings.push({
      policyId: 'helm/lint',
      severity: m.level,
      message: m.message,
      file: m.file ? chartFile(chartDir, m.file) : chartRel,
      ...(m.line !== undefined ? { line: m.line } : {}),
      ...(m.column !== undefined ? { column: m.column } : {}),
      source: label,
    });
  }
  if (result.code !== 0 && !findings.some((f) => f.severity === 'error')) {
    findings.push({ policyId: 'helm/lint', severity: 'error', message: (result.stderr || result.stdout).trim() || `helm lint exited ${result.code}`, file: chartRel, source: label });
  }
  return findings;
}
