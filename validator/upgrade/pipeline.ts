/**
 * The upgrade stage inside a validate run (validator/run.ts): loads the previous release while the new
 * one renders, then pairs each new render with the previous render of the same values file (manifest
 * inputs are one pool) and runs the upgrade rules.
 */
import { readChartMeta } from '../../release/package.ts';
import type { Finding, K8sResource } from '../../core/types.ts';
import { helmForRun } from '../helm.ts';
import { readProcessStdin } from '../inputs.ts';
import { parseManifests } from '../manifests.ts';
import type { RuleMeta } from '../rules.ts';
import type { ValidateOptions } from '../run.ts';
import { EVERY_RENDER, loadPrevious, type PreviousRelease, type RenderSet } from './source.ts';
import { checkUpgrade, upgradeRuleMetas } from './stage.ts';

/** Loads (and renders) the previous release; started early, so that it overlaps the new render. */
export function loadPreviousRelease(options: ValidateOptions, kubeVersion: string | undefined, sets: readonly RenderSet[], apiVersions: string[] | undefined, chartDir?: string): Promise<PreviousRelease> {
  const chart = chartDir ? chartIdentity(chartDir) : undefined;
  return loadPrevious({
    ref: options.upgradeFrom!,
    ...(options.upgradeFromVersion ? { version: options.upgradeFromVersion } : {}),
    ...(chart ? { chart } : {}),
    sets,
    renderOptions: { releaseName: options.releaseName, namespace: options.namespace, kubeVersion, apiVersions },
    helm: () => helmForRun(options.helmPath),
    readStdin: options.readStdin ?? readProcessStdin,
  });
}

function chartIdentity(chartDir: string): { name: string; version: string } | undefined {
  try {
    const meta = readChartMeta(chartDir);
    return { name: meta.name, version: meta.version };
  } catch {
    return undefined;
  }
}

/**
 * Pairs the previous release with the new renders and runs the upgrade rules; returns the metadata of
 * the rules (for the report). Manifest inputs are one pool; each chart render pairs with the previous
 * render made with the same values file.
 */
export function upgradeStage(prev: PreviousRelease, streams: ReadonlyArray<{ source: string }>, resources: K8sResource[], findings: Finding[], options: ValidateOptions, kubeVersion: string | undefined): RuleMeta[] {
  findings.push(...prev.findings);
  const parsed = new Map<string, K8sResource[]>();
  const previousFor = (label: string): K8sResource[] | undefined => {
    const key = prev.streams.has(label) ? label : prev.streams.has(EVERY_RENDER) ? EVERY_RENDER : undefined;
    if (key === undefined) return undefined;
    let list = parsed.get(key);
    if (!list) {
      list = [];
      for (const s of prev.streams.get(key)!) list.push(...parseManifests(s.text, { source: s.source, file: s.source }).resources);
      parsed.set(key, list);
    }
    return list;
  };
  const stageOptions = {
    namespace: options.namespace ?? (options.manifests?.length ? 'default' : 'nexus'),
    ...(kubeVersion ? { kubeVersion } : {}),
    strategy: options.upgradeStrategy ?? 'merge',
    expandableStorageClasses: options.expandableStorageClasses ?? [],
    ...(options.defaultStorageClass !== undefined ? { defaultStorageClass: options.defaultStorageClass } : {}),
    previousLabel: prev.label,
  } as const;
  const groups = options.manifests?.length ? [{ label: EVERY_RENDER, list: resources }] : streams.map((s) => ({ label: s.source, list: resources.filter((r) => r.source === s.source) }));
  for (const g of groups) {
    const before = previousFor(g.label);
    if (before) findings.push(...checkUpgrade(before, g.list, stageOptions).findings);
  }
  const K8S = 'https://kubernetes.io/docs/reference/using-api/api-concepts/#patch-and-apply';
  return [
    { id: 'upgrade/previous-render', title: 'Previous release could not be rendered', description: 'The chart of the release being upgraded from could not be rendered with these values, so the upgrade was not checked.', severity: 'error', category: 'upgrade', remediation: 'Pass the deployed manifest instead (`helm get manifest RELEASE`).' },
    ...upgradeRuleMetas().map((m) => ({ id: m.id, title: m.title, description: m.description, severity: 'error' as const, category: 'upgrade', remediation: m.remediation, helpUri: m.references[0] ?? K8S })),
  ];
}
