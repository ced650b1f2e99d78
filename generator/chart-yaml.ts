import { stringify } from 'yaml';
import { LIBRARY_CHART, TIER_CHARTS, UMBRELLA_CHART, type TierChart } from './tiers.ts';

export interface ChartVersions {
  chartVersion: string;
  appVersion: string;
}

const COMMON = {
  home: 'https://github.com/nexus-platform/nexus-charts',
  sources: ['https://github.com/nexus-platform/nexus-charts'],
  maintainers: [{ name: 'NEXUS platform team', email: 'platform@nexus.example.com' }],
  kubeVersion: '>=1.25.0-0',
};

function dump(doc: Record<string, unknown>): string {
  return stringify(doc, { lineWidth: 0 });
}

export function umbrellaChartYaml(v: ChartVersions, annotations: Record<string, string> = {}): string {
  return dump({
    apiVersion: 'v2',
    name: UMBRELLA_CHART,
    description: 'NEXUS platform: Next.js frontend, FastAPI backend, PostgreSQL, Redis, Kong gateway and monitoring, hardened for production.',
    type: 'application',
    version: v.chartVersion,
    appVersion: v.appVersion,
    kubeVersion: COMMON.kubeVersion,
    keywords: ['nexus', 'platform', 'nextjs', 'fastapi', 'postgresql', 'redis', 'kong', 'prometheus'],
    home: COMMON.home,
    sources: COMMON.sources,
    maintainers: COMMON.maintainers,
    // Subcharts live in charts/<tier>/ and are declared without `repository` (DESIGN §4):
    // a file:// reference into charts/ would make `helm package` ship a second, stale copy.
    dependencies: [
      { name: LIBRARY_CHART, version: v.chartVersion },
      ...TIER_CHARTS.map((t) => ({ name: t.name, version: v.chartVersion, condition: `${t.name}.enabled` })),
    ],
    ...(Object.keys(annotations).length ? { annotations } : {}),
  });
}

export function tierChartYaml(t: TierChart, v: ChartVersions): string {
  return dump({
    apiVersion: 'v2',
    name: t.name,
    description: t.description,
    type: 'application',
    version: v.chartVersion,
    appVersion: v.appVersion,
    kubeVersion: COMMON.kubeVersion,
    keywords: ['nexus', ...t.keywords],
    home: COMMON.home,
    sources: COMMON.sources,
    maintainers: COMMON.maintainers,
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
    keywords: ['nexus', 'library', 'common'],
    home: COMMON.home,
    maintainers: COMMON.maintainers,
  });
}
