/** Renders the umbrella chart with real helm and picks objects out of the stream. */
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import type { HelmFlavour } from '../../../validator/helm.ts';
import type { K8sResource } from '../../../core/types.ts';
import { PROJECT_ROOT } from '../../../util/paths.ts';
import { BUNDLED_DATABASE_SET, CLOUDNATIVEPG_API_VERSIONS } from '../../helpers/database-mode.ts';
import { helm } from '../../helpers/helm.ts';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

export const CHART_DIR = join(PROJECT_ROOT, 'charts', 'nexus');
export const ENV_FILES = { staging: join(PROJECT_ROOT, 'values.staging.yaml'), production: join(PROJECT_ROOT, 'values.production.yaml') } as const;
export type EnvName = keyof typeof ENV_FILES;

/**
 * An overlay's render. These tests prove the chart's own PostgreSQL, so the database is bundled
 * (BUNDLED_DATABASE) unless `databaseMode: 'cloudnativepg'` keeps the overlay's operator mode (the
 * cluster then serves the operator's APIs).
 */
export async function render(env: EnvName, options: { flavour?: HelmFlavour; set?: string[]; databaseMode?: 'bundled' | 'cloudnativepg' } = {}): Promise<K8sObject[]> {
  const mode = options.databaseMode === 'cloudnativepg' ? CLOUDNATIVEPG_API_VERSIONS.flatMap((a) => ['--api-versions', a]) : BUNDLED_DATABASE_SET.flatMap((s) => ['--set', s]);
  const args = ['template', 'nexus', CHART_DIR, '--namespace', 'nexus-platform', '-f', ENV_FILES[env], ...mode, ...(options.set ?? []).flatMap((s) => ['--set', s])];
  const result = await helm(options.flavour ?? 'helm4', args);
  if (result.code !== 0) throw new Error(`helm template (${env}) failed: ${result.stderr}`);
  return (loadAll(result.stdout) as (K8sObject | null)[]).filter((d): d is K8sObject => d !== null && typeof d === 'object');
}

export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name} in the rendered chart (have: ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')})`);
  return found;
}

export function configMapData(objects: K8sObject[], name: string): Record<string, string> {
  return (find(objects, 'ConfigMap', name) as unknown as { data: Record<string, string> }).data;
}

/** Rendered objects as the validator's resources (what the deep checkers take). */
export function asResources(objects: K8sObject[]): K8sResource[] {
  return objects.map((o, i) => ({ source: 'test', docIndex: i, line: 1, apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, object: o as unknown as Record<string, unknown> }));
}
