/** `helm template` with real helm: one render per values file (or chart defaults). */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runHelm, type Helm } from './helm.ts';
import type { Finding } from '../core/types.ts';
import { NexusError } from '../util/errors.ts';
import { isBrokenChart, parseHelmError } from './helm-messages.ts';

export interface RenderOptions {
  /** `--set*` arguments for helm, after the `-f` files (see values-input.ts). */
  setArgs?: string[];
  releaseName?: string;
  namespace?: string;
  kubeVersion?: string;
  apiVersions?: string[];
}

export interface Render {
  /** Label for the report, e.g. `values.production.yaml`. */
  source: string;
  manifests: string;
  /** Set when helm could not render: the findings explaining why. */
  failed?: Finding[];
}

const chartNames = new Map<string, string>();

/** The `name:` of a chart's Chart.yaml (what helm prefixes `# Source:` paths with). */
export function chartName(chartDir: string): string {
  let name = chartNames.get(chartDir);
  if (!name) {
    const file = join(chartDir, 'Chart.yaml');
    const m = existsSync(file) ? /^name:\s*["']?([^"'\s#]+)/m.exec(readFileSync(file, 'utf8')) : null;
    name = m?.[1] ?? chartDir.split('/').pop()!;
    chartNames.set(chartDir, name);
  }
  return name;
}

/** A path as helm prints it (`nexus/charts/x/templates/y.yaml` or `templates/y.yaml`) → a path relative to the cwd. */
export function chartFile(chartDir: string, helmPath: string): string {
  const name = chartName(chartDir);
  const inChart = helmPath.startsWith(`${name}/`) ? helmPath.slice(name.length + 1) : helmPath;
  return relative(process.cwd(), join(chartDir, inChart)) || inChart;
}

export function templateArgs(chartDir: string, valuesFiles: string[], options: RenderOptions): string[] {
  return [
    'template',
    options.releaseName ?? 'nexus',
    chartDir,
    '--namespace',
    options.namespace ?? 'nexus',
    ...valuesFiles.flatMap((f) => ['-f', f]),
    ...(options.setArgs ?? []),
    ...(options.kubeVersion ? ['--kube-version', options.kubeVersion] : []),
    ...(options.apiVersions?.length ? ['--api-versions', options.apiVersions.join(',')] : []),
  ];
}

export async function helmTemplate(helm: Pick<Helm, 'bin' | 'env'>, chartDir: string, valuesFiles: string[], source: string, options: RenderOptions = {}): Promise<Render> {
  const result = await runHelm(helm, templateArgs(chartDir, valuesFiles, options));
  if (result.code === 0) return { source, manifests: result.stdout };
  const messages = parseHelmError(result.stderr || result.stdout);
  const chartRel = relative(process.cwd(), chartDir) || '.';
  const broken = messages.find((m) => isBrokenChart(m.message));
  if (broken) {
    // Not a finding about these values: the chart cannot be rendered at all (exit 2).
    throw new NexusError(`the chart cannot be rendered: ${broken.message}`, {
      location: { file: broken.file ? chartFile(chartDir, broken.file) : chartRel, ...(broken.line !== undefined ? { line: broken.line } : {}), ...(broken.column !== undefined ? { column: broken.column } : {}) },
      hint: 'fix the template at that position (a broken chart is not a values problem)',
    });
  }
  const failed: Finding[] = (messages.length ? messages : [{ level: 'error' as const, message: `helm template exited ${result.code}` }]).map((m) => ({
    policyId: 'helm/template',
    severity: 'error',
    message: `helm template failed: ${m.message}`,
    file: m.file ? chartFile(chartDir, m.file) : chartRel,
    ...(m.line !== undefined ? { line: m.line } : {}),
    ...(m.column !== undefined ? { column: m.column } : {}),
    source,
  }));
  return { source, manifests: '', failed };
}
