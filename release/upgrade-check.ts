/**
 * The upgrade gate of `version-check` and `release`: the previously published version (the highest
 * one below the new version, in the OCI registry or the chart repository) is rendered next to the new
 * archive with the same values, and the upgrade stage judges every update as the API server would. A
 * release the server would refuse to upgrade to is refused, unless the changelog marks the change as
 * breaking and the major version increases (users then know to plan the migration the findings
 * describe).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import semver from 'semver';
import { parse } from 'yaml';
import type { Finding } from '../core/types.ts';
import type { Helm } from '../validator/helm.ts';
import { parseManifests } from '../validator/manifests.ts';
import { helmTemplate } from '../validator/render.ts';
import { checkUpgrade, type UpgradeStageOptions } from '../validator/upgrade/stage.ts';
import type { Credentials } from './credentials.ts';
import { NEXUS_DEFAULT_API_VERSIONS } from '../validator/run.ts';
import type { LoadedArchive } from './publish.ts';
import { fetchPublished, listPublished, previousVersion, type PublishedLocation } from './published.ts';
import type { VersionCheckResult } from './version-check.ts';

/** Chart.yaml annotation listing the breaking changes of a version (from release/changelog.ts). */
export const BREAKING_ANNOTATION = 'nexus.dev/breaking-changes';

export interface UpgradeGateOptions {
  /** Values files, one render each (default: the chart's own defaults). */
  valuesFiles: readonly string[];
  helm: Pick<Helm, 'bin' | 'env'>;
  credentials?: Credentials;
  /** Release name and namespace of the renders (defaults as `nexus validate`). */
  releaseName?: string;
  namespace?: string;
  kubeVersion?: string;
  /** `--api-versions` of both renders (default: for the nexus chart, the APIs `nexus validate` assumes). */
  apiVersions?: readonly string[];
  stage?: Pick<UpgradeStageOptions, 'expandableStorageClasses' | 'defaultStorageClass'>;
}

/** The breaking changes an archive declares (its `nexus.dev/breaking-changes` annotation). */
export function declaredBreakingChanges(archive: LoadedArchive): string[] {
  const annotations = (archive.meta.annotations ?? {}) as Record<string, unknown>;
  const text = annotations[BREAKING_ANNOTATION];
  if (typeof text !== 'string' || !text.trim()) return [];
  const parsed = parse(text) as unknown;
  return Array.isArray(parsed) ? parsed.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))) : [String(parsed)];
}

const describe = (f: Finding) => `${f.kind}/${f.name}${f.jsonPointer ? ` ${f.jsonPointer}` : ''}: ${f.message.replace(/ \(upgrading from [^)]*\)\)?$/, '')}`;

export interface UpgradeRender {
  label: string;
  findings: Finding[];
  updated: number;
}

/**
 * Renders `previous` and `next` (two chart archives or directories) with each values file and runs
 * the upgrade stage per pair. A values file the previous chart cannot render with falls back to both
 * charts' defaults, and says so.
 */
export async function compareRenders(previousChart: string, nextChart: string, previousLabel: string, options: UpgradeGateOptions): Promise<UpgradeRender[]> {
  const sets = options.valuesFiles.length ? options.valuesFiles.map((f) => ({ files: [f], label: f })) : [{ files: [] as string[], label: 'chart defaults' }];
  const render = { releaseName: options.releaseName, namespace: options.namespace, kubeVersion: options.kubeVersion, ...(options.apiVersions ? { apiVersions: [...options.apiVersions] } : {}) };
  const out: UpgradeRender[] = [];
  for (const set of sets) {
    let [before, after] = await Promise.all([helmTemplate(options.helm, previousChart, set.files, set.label, render), helmTemplate(options.helm, nextChart, set.files, set.label, render)]);
    let label = set.label;
    if (before.failed && set.files.length) {
      // New values keys the previous chart's schema does not know: compare the charts' defaults instead.
      [before, after] = await Promise.all([helmTemplate(options.helm, previousChart, [], 'defaults', render), helmTemplate(options.helm, nextChart, [], 'defaults', render)]);
      label = `chart defaults (${previousLabel} cannot render ${set.label})`;
    }
    if (before.failed || after.failed) {
      const why = (before.failed ?? after.failed ?? []).map((f) => f.message).join('; ');
      out.push({ label, updated: 0, findings: [{ policyId: 'upgrade/previous-render', severity: 'error', message: `cannot render ${before.failed ? previousLabel : 'the new chart'}: ${why}` }] });
      continue;
    }
    const result = checkUpgrade(
      parseManifests(before.manifests, { source: previousLabel, file: previousLabel }).resources,
      parseManifests(after.manifests, { source: set.label, file: set.label }).resources,
      { namespace: options.namespace ?? 'nexus', ...(options.kubeVersion ? { kubeVersion: options.kubeVersion } : {}), ...options.stage, previousLabel },
    );
    out.push({ label, updated: result.updated, findings: result.findings });
  }
  return out;
}

/** The verdict for one published target. */
export async function checkUpgradeFrom(archive: LoadedArchive, location: PublishedLocation, target: string, options: UpgradeGateOptions): Promise<VersionCheckResult> {
  const { name, version } = archive.meta;
  const published = await listPublished(location, name, options.credentials);
  const from = previousVersion(published, version);
  if (!from) return { target, ok: true, message: `upgrade: no published version below ${version}, nothing to upgrade from`, published };
  const previous = await fetchPublished(location, name, from, options.credentials);
  const dir = mkdtempSync(join(tmpdir(), 'nexus-upgrade-gate-'));
  try {
    const file = join(dir, `${name}-${from}.tgz`);
    writeFileSync(file, previous.bytes);
    // The overlays run operator-managed kinds (the CloudNativePG database) that render only where their
    // API is served: compare them as a cluster running the overlays would, not fall back to the defaults.
    const renders = await compareRenders(file, archive.path, `${name} ${from}`, { ...options, apiVersions: options.apiVersions ?? (name === 'nexus' ? NEXUS_DEFAULT_API_VERSIONS : undefined) });
    return upgradeVerdict(archive, from, renders, target, published);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function upgradeVerdict(archive: LoadedArchive, from: string, renders: readonly UpgradeRender[], target: string, published: string[]): VersionCheckResult {
  const { version } = archive.meta;
  const refused = renders.flatMap((r) => r.findings.filter((f) => f.severity === 'error' && !f.exemption));
  const checked = renders.map((r) => r.label).join(', ');
  if (!refused.length) {
    return { target, ok: true, message: `upgrade from ${from}: the API server accepts every update (${renders.reduce((n, r) => n + r.updated, 0)} objects, ${checked})`, published };
  }
  const unique = [...new Set(refused.map(describe))];
  const list = unique.slice(0, 8).map((l) => `\n      - ${l}`).join('') + (unique.length > 8 ? `\n      - … and ${unique.length - 8} more (run \`nexus validate --upgrade-from\` for all, with hints)` : '');
  const breaking = declaredBreakingChanges(archive);
  const major = semver.valid(version) && semver.valid(from) ? semver.major(version) > semver.major(from) : false;
  if (breaking.length && major) {
    return { target, ok: true, message: `upgrade from ${from}: the API server would refuse ${unique.length} update(s), declared as breaking in the changelog (${breaking.join('; ')}) with a major version bump:${list}`, published };
  }
  const fix = breaking.length
    ? `the changelog marks ${version} as breaking, but a breaking release needs a new major version (${from} → ${semver.valid(from) ? `${semver.major(from) + 1}.0.0` : 'a higher major'})`
    : `fix the chart so the upgrade applies (each finding of \`nexus validate --upgrade-from\` says how), or mark the change \`breaking: true\` in release/changelog.ts and bump the major version`;
  return { target, ok: false, message: `upgrade from ${from}: the API server would refuse ${unique.length} update(s) (${checked}):${list}\n    ${fix}`, published };
}
