/** `helm lint --strict` of a chart with one values file, its messages turned into findings. */
import { relative } from 'node:path';
import { PROJECT_ROOT } from '../util/paths.ts';
import { runHelm, type Helm } from './helm.ts';
import type { Finding, Severity } from './types.ts';

const LEVEL: Record<string, Severity> = { ERROR: 'error', WARNING: 'warning', INFO: 'info' };

export async function helmLint(helm: Helm, chartDir: string, valuesFiles: string[], extraArgs: string[] = []): Promise<Finding[]> {
  const args = ['lint', chartDir, '--strict', ...valuesFiles.flatMap((f) => ['-f', f]), ...extraArgs];
  const result = await runHelm(helm, args);
  const source = valuesFiles.map((f) => relative(PROJECT_ROOT, f) || f).join(',') || 'defaults';
  const findings: Finding[] = [];
  for (const line of `${result.stdout}\n${result.stderr}`.split('\n')) {
    const m = /^\[(ERROR|WARNING|INFO)\]\s*(.*)$/.exec(line.trim());
    if (!m || m[1] === 'INFO') continue;
    const text = m[2]!;
    // "templates/deployment.yaml: message" or "values.yaml: message" or ": message"
    const fileMatch = /^([^\s:]+\.(?:yaml|yml|tpl|txt|json)):\s*(.*)$/.exec(text);
    findings.push({
      policyId: 'helm/lint',
      severity: LEVEL[m[1]!]!,
      message: fileMatch ? fileMatch[2]! : text.replace(/^:\s*/, ''),
      file: fileMatch ? `${relative(PROJECT_ROOT, chartDir)}/${fileMatch[1]}` : relative(PROJECT_ROOT, chartDir),
      source,
    });
  }
  if (result.code !== 0 && findings.length === 0) {
    findings.push({ policyId: 'helm/lint', severity: 'error', message: (result.stderr || result.stdout).trim() || `helm lint exited ${result.code}`, file: relative(PROJECT_ROOT, chartDir), source });
  }
  return findings;
}
