import { stringify } from 'yaml';
import { changesFor, type Change } from '../release/changelog.ts';
import { defaultConfig } from '../schema/index.ts';
import { LIBRARY_CHART, TIER_CHARTS, UMBRELLA_CHART, type TierChart } from './tiers.ts';

export interface ChartVersions {
  chartVersion: string;
  appVersion: string;
}

const COMMON = {
  home: 'https://github.com/nexus-platform/nexus-charts',
  sources: ['https://github.com/nexus-platform/nexus-charts'],
  maintainers: [{ name: 'NEXUS platform team', email: 'platform@nexus.example.com' }],
  // 1.27: the oldest release that serves every field the charts set (topology spread matchLabelKeys,
  // PDB unhealthyPodEvictionPolicy, StatefulSet persistentVolumeClaimRetentionPolicy, all beta and on by
  // default there). Newer fields are rendered only where the cluster serves them (the preStop sleep action).
  kubeVersion: '>=1.27.0-0',
  icon: 'https://raw.githubusercontent.com/nexus-platform/nexus-charts/main/docs/icon.svg',
};

/** Every default image in the model (`{ repository, tag }` objects), named by its path, sorted. */
export function defaultImages(config: unknown = defaultConfig()): { name: string; image: string }[] {
  const found: { name: string; image: string }[] = [];
  const walk = (value: unknown, path: string[]) => {
    if (value === null || typeof value !== 'object') return;
    const r = value as Record<string, unknown>;
    if (typeof r.repository === 'string' && typeof r.tag === 'string') {
      const registry = typeof r.registry === 'string' && r.registry ? `${r.registry}/` : '';
      const digest = typeof r.digest === 'string' && r.digest ? `@${r.digest}` : '';
      found.push({ name: path.filter((p) => p !== 'image').join('-'), image: `${registry}${r.repository}${r.tag ? `:${r.tag}` : ''}${digest}` });
      return;
    }
    for (const [k, v] of Object.entries(r)) walk(v, [...path, k]);
  };
  walk(config, []);
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * A version's changelog as annotations: `artifacthub.io/changes` (kind, description, links), and
 * `nexus.dev/breaking-changes` (the descriptions of the changes marked breaking), which version-check
 * reads: a release whose upgrade the API server would refuse needs it and a major version bump.
 */
export function changeAnnotations(changes: readonly Change[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (changes.length) out['artifacthub.io/changes'] = stringify(changes.map(({ breaking: _, ...c }) => c), { lineWidth: 0 });
  const breaking = changes.filter((c) => c.breaking).map((c) => c.description);
  if (breaking.length) out['nexus.dev/breaking-changes'] = stringify(breaking, { lineWidth: 0 });
  return out;
}

/**
 * Artifact Hub metadata (https://artifacthub.io/docs/topics/annotations/helm/): values are YAML text.
 * `changes` comes from release/changelog.ts for this chart version.
 */
export function artifactHubAnnotations(v: ChartVersions): Record<string, string> {
  const changes = changesFor(v.chartVersion);
  const annotations: Record<string, string> = {
    'artifacthub.io/images': stringify(defaultImages(), { lineWidth: 0 }),
    'artifacthub.io/license': 'Apache-2.0',
    'artifacthub.io/links': stringify(
      [
        { name: 'source', url: COMMON.home },
        { name: 'support', url: `${COMMON.home}/issues` },
      ],
      { lineWidth: 0 },
    ),
    'artifacthub.io/prerelease': String(/^\d+\.\d+\.\d+-/.test(v.chartVersion)),
  };
  Object.assign(annotations, changeAnnotations(changes));
  if (changes.some((c) => c.kind === 'security')) annotations['artifacthub.io/containsSecurityUpdates'] = 'true';
  return Object.fromEntries(Object.entries(annotations).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function dump(doc: Record<string, unknown>): string {
  return stringify(doc, { lineWidth: 0 });
}

export function umbrellaChartYaml(v: ChartVersions, extraAnnotations: Record<string, string> = {}): string {
  const annotations = { ...artifactHubAnnotations(v), ...extraAnnotations };
  return dump({
    apiVersion: 'v2',
    name: UMBRELLA_CHART,
    description: 'NEXUS platform: Next.js frontend, FastAPI backend, PostgreSQL, Redis, Kong gateway and monitoring, hardened for production.',
    type: 'application',
    version: v.chartVersion,
    appVersion: v.appVersion,
    kubeVersion: COMMON.kubeVersion,
    icon: COMMON.icon,
    keywords: ['nexus', 'platform', 'nextjs', 'fastapi', 'postgresql', 'redis', 'kong', 'prometheus'],
    home: COMMON.home,
    sources: COMMON.sources,
    maintainers: COMMON.maintainers,
    // Subcharts live in charts/<tier>/ and are declared without `repository` (DESIGN §4):
    // a file:// reference into charts/ would make `helm package` ship a second, stale copy.
    dependencies: [
      { name: LIBRARY_CHART, version: v.chartVersion },
      // import-values: each installed tier's `exports.tier` lands in `global.tiers.<tier>`, which every
      // chart sees; Helm drops a disabled subchart before importing, so absence means "not installed".
      ...TIER_CHARTS.map((t) => ({ name: t.name, version: v.chartVersion, condition: `${t.name}.enabled`, 'import-values': [{ child: 'exports.tier', parent: `global.tiers.${t.name}` }] })),
    ],
    ...(Object.keys(annotations).length ? { annotations } : {}),
  });
}

/**
 * A tier chart declares the library it uses, so it lints and installs alone (chart-testing style): its
 * copy of nexus-lib sits in its own charts/ folder. The umbrella's .helmignore drops those copies
 * (the pattern for charts/TIER/charts/), so the umbrella, and the archive `helm package` makes of it, carry the library
 * exactly once (DESIGN §4).
 */
export function tierChartYaml(t: TierChart, v: ChartVersions): string {
  return dump({
    apiVersion: 'v2',
    name: t.name,
    description: t.description,
    type: 'application',
    version: v.chartVersion,
    appVersion: v.appVersion,
    kubeVersion: COMMON.kubeVersion,
    icon: COMMON.icon,
    keywords: ['nexus', ...t.keywords],
    home: COMMON.home,
    sources: COMMON.sources,
    maintainers: COMMON.maintainers,
    dependencies: [{ name: LIBRARY_CHART, version: v.chartVersion, repository: `file://../${LIBRARY_CHART}` }],
  });
}

export function libraryChartYaml(v: ChartVersions): string {
  return dump({
    apiVersion: 'v2',
    name: LIBRARY_CHART,
    description: 'Named templates shared by every NEXUS chart: names, labels, images, restricted security contexts, probes, autoscaling, PDB, NetworkPolicy, ServiceMonitor.',
    type: 'library',
    version: v.chartVersion,
    appVersion: v.appVersion,
    kubeVersion: COMMON.kubeVersion,
    icon: COMMON.icon,
    keywords: ['nexus', 'library', 'common'],
    home: COMMON.home,
    sources: COMMON.sources,
    maintainers: COMMON.maintainers,
  });
}
