/**
 * Renders the umbrella chart with real helm and pulls the monitoring tier's embedded files out of
 * it: rule files, prometheus.yml, alertmanager.yml and the dashboard, exactly as a cluster gets them.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseManifests } from '../../validator/manifests.ts';
import type { HelmFlavour } from '../../validator/helm.ts';
import type { K8sResource } from '../../core/types.ts';
import { locateTool, runTool, MONITORING_TOOLS_HINT, type ToolResult } from '../../validator/deep/monitoring-tools.ts';
import { CLOUDNATIVEPG_API_VERSIONS } from '../helpers/database-mode.ts';
import { helm } from '../helpers/helm.ts';
import { UMBRELLA_CHART_DIR, PROJECT_ROOT } from '../../util/paths.ts';

export const NAMESPACE = 'nexus-platform';
export const RELEASE = 'nexus';
export const MONITORING_SOURCE = 'nexus/charts/monitoring/templates/';

export interface RenderOptions {
  flavour?: HelmFlavour;
  /** Values files relative to the project root, e.g. `values.production.yaml`. */
  valuesFiles?: string[];
  /** Values given inline as YAML text (written to a temp file). */
  values?: string;
  apiVersions?: string[];
}

export async function renderText(options: RenderOptions = {}): Promise<string> {
  const args = ['template', RELEASE, UMBRELLA_CHART_DIR, '-n', NAMESPACE];
  for (const f of options.valuesFiles ?? []) args.push('-f', join(PROJECT_ROOT, f));
  if (options.values) {
    const file = join(mkdtempSync(join(tmpdir(), 'nexus-mon-values-')), 'values.yaml');
    writeFileSync(file, options.values);
    args.push('-f', file);
  }
  // The overlays' database runs under the CloudNativePG operator: a cluster installing them serves its APIs.
  for (const v of new Set([...CLOUDNATIVEPG_API_VERSIONS, ...(options.apiVersions ?? [])])) args.push('--api-versions', v);
  const result = await helm(options.flavour ?? 'helm4', args);
  if (result.code !== 0) throw new Error(`helm template failed (exit ${result.code}):\n${result.stderr}`);
  return result.stdout;
}

export async function render(options: RenderOptions = {}): Promise<K8sResource[]> {
  const parsed = parseManifests(await renderText(options), { source: 'render' });
  if (parsed.findings.length) throw new Error(`unparseable render: ${parsed.findings.map((f) => f.message).join('; ')}`);
  return parsed.resources;
}

/** Objects rendered by the monitoring subchart. */
export function monitoringObjects(resources: K8sResource[]): K8sResource[] {
  return resources.filter((r) => r.templateFile?.startsWith(MONITORING_SOURCE));
}

export function find(resources: K8sResource[], kind: string, name: string): K8sResource {
  const found = resources.find((r) => r.kind === kind && r.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the render (have: ${resources.map((r) => `${r.kind}/${r.name}`).join(', ')})`);
  return found;
}

export function configMapData(resources: K8sResource[], name: string): Record<string, string> {
  return (find(resources, 'ConfigMap', name).object.data ?? {}) as Record<string, string>;
}

export const names = {
  prometheus: `${RELEASE}-monitoring-prometheus`,
  rules: `${RELEASE}-monitoring-prometheus-rules`,
  alertmanager: `${RELEASE}-monitoring-alertmanager`,
  grafana: `${RELEASE}-monitoring-grafana`,
  dashboards: `${RELEASE}-monitoring-grafana-dashboards`,
};

/** Writes files into a fresh temp dir and returns it. */
export function writeTemp(files: Record<string, string>, prefix = 'nexus-mon-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/** A Debian tool (promtool/amtool); a missing one fails the test with the install command. */
export function tool(name: 'promtool' | 'amtool'): (args: string[], cwd?: string) => Promise<ToolResult> {
  const bin = locateTool(name);
  if (!bin) throw new Error(`${name} is not installed: ${MONITORING_TOOLS_HINT}`);
  return (args, cwd) => runTool(bin, args, { timeoutMs: 180_000, ...(cwd ? { cwd } : {}) });
}
