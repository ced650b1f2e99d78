/**
 * Every PromQL expression in the rules and the dashboard parses with @prometheus-io/lezer-promql
 * (no error node in the tree), alerts and panels are built on the recording rules, and the dashboard
 * is valid JSON whose panels read only series that exist.
 */
import { parser } from '@prometheus-io/lezer-promql';
import jsyaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import type { K8sResource } from '../../core/types.ts';
import { configMapData, names, render } from './render.ts';

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
}
interface Panel {
  title: string;
  type: string;
  datasource?: { uid: string };
  targets?: { expr: string; refId: string }[];
}

/** Syntax errors as `offset: text`; empty when the expression parses cleanly. */
function promqlErrors(expr: string): string[] {
  const errors: string[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(`${node.from}: ${JSON.stringify(expr.slice(Math.max(0, node.from - 10), node.to + 10))}`);
    },
  });
  return errors;
}

/** Metric names the expression selects (VectorSelector → Identifier). */
function selectedMetrics(expr: string): string[] {
  const names = new Set<string>();
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.name === 'VectorSelector') {
        const id = node.node.getChild('Identifier');
        if (id) names.add(expr.slice(id.from, id.to));
      }
    },
  });
  return [...names].sort();
}

/** Raw series the recording rules read, by exporter: the scrape targets of prometheus.yml provide them. */
const RAW_SERIES_BY_SOURCE: Record<string, string[]> = {
  'backend / frontend (HTTP instrumentation)': ['http_requests_total', 'http_request_duration_seconds_bucket'],
  postgres_exporter: ['pg_up', 'pg_stat_activity_count', 'pg_settings_max_connections', 'pg_replication_lag_seconds', 'pg_stat_database_xact_commit', 'pg_stat_database_xact_rollback'],
  pgbouncer_exporter: [
    'pgbouncer_pools_client_active_connections',
    'pgbouncer_pools_client_waiting_connections',
    'pgbouncer_pools_server_active_connections',
    'pgbouncer_pools_server_idle_connections',
    'pgbouncer_pools_client_maxwait_seconds',
    'pgbouncer_stats_queries_pooled_total',
  ],
  redis_exporter: [
    'redis_up',
    'redis_instance_info',
    'redis_keyspace_hits_total',
    'redis_keyspace_misses_total',
    'redis_memory_used_bytes',
    'redis_memory_max_bytes',
    'redis_connected_clients',
    'redis_commands_processed_total',
    'redis_evicted_keys_total',
  ],
  'kube-state-metrics': [
    'kube_job_status_failed',
    'kube_job_status_start_time',
    'kube_job_status_completion_time',
    'kube_pod_container_status_waiting_reason',
    'kube_pod_status_ready',
    'kube_pod_status_phase',
    'kube_horizontalpodautoscaler_status_current_replicas',
    'kube_horizontalpodautoscaler_spec_min_replicas',
    'kube_horizontalpodautoscaler_spec_max_replicas',
    'kube_cronjob_status_last_successful_time',
  ],
  kubelet: ['kubelet_volume_stats_used_bytes', 'kubelet_volume_stats_capacity_bytes'],
  'cert-manager': ['certmanager_certificate_expiration_timestamp_seconds'],
  'backup job': ['nexus_backup_last_success_timestamp_seconds'],
  'CloudNativePG instances (database.mode cloudnativepg)': ['cnpg_collector_up', 'cnpg_backends_total', 'cnpg_pg_settings_setting', 'cnpg_pg_replication_lag', 'cnpg_pg_stat_database_xact_commit', 'cnpg_pg_stat_database_xact_rollback'],
  'CloudNativePG Pooler (database.mode cloudnativepg)': ['cnpg_pgbouncer_pools_cl_active', 'cnpg_pgbouncer_pools_cl_waiting', 'cnpg_pgbouncer_pools_sv_active', 'cnpg_pgbouncer_pools_sv_idle', 'cnpg_pgbouncer_pools_maxwait', 'cnpg_pgbouncer_stats_total_query_count'],
  'Kong (monitoring.prometheus.kong)': ['kong_http_requests_total', 'kong_request_latency_ms_bucket', 'kong_upstream_latency_ms_bucket', 'kong_bandwidth_bytes'],
  'Barman Cloud Plugin (CloudNativePG backups)': ['barman_cloud_cloudnative_pg_io_last_available_backup_timestamp'],
  prometheus: ['up'],
  'Loki (logging tier)': ['loki_distributor_lines_received_total'],
};
const RAW_SERIES = new Set(Object.values(RAW_SERIES_BY_SOURCE).flat());

/** The scrape job of prometheus.yml that brings each source's series (sources outside the bundled render: none). */
const JOB_OF_SOURCE: Record<string, string[]> = {
  'backend / frontend (HTTP instrumentation)': ['backend', 'frontend'],
  postgres_exporter: ['postgresql'],
  pgbouncer_exporter: ['pgbouncer'],
  redis_exporter: ['redis'],
  'kube-state-metrics': ['kube-state-metrics'],
  kubelet: ['kubelet'],
  'Kong (monitoring.prometheus.kong)': ['kong'],
  prometheus: ['prometheus'],
  'Loki (logging tier)': ['loki'],
};

type Dashboard = { title: string; uid: string; panels: Panel[]; templating: { list: { name: string; query: { query: string } }[] } };
const rulesOf = (r: K8sResource[]): Rule[] => Object.values(configMapData(r, names.rules)).flatMap((text) => (jsyaml.load(text) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules));
const dashboardsOf = (r: K8sResource[]): Record<string, Dashboard> => Object.fromEntries(Object.entries(configMapData(r, names.dashboards)).map(([k, v]) => [k, JSON.parse(v) as Dashboard]));

let resources: K8sResource[];
let rules: Rule[];
let dashboard: { title: string; uid: string; panels: Panel[] };
/** Production with Kong scraped (every dashboard), bundled database; and the CloudNativePG mode. */
let full: K8sResource[];
let cnpg: K8sResource[];

beforeAll(async () => {
  resources = await render({ valuesFiles: ['values.production.yaml'] });
  rules = rulesOf(resources);
  dashboard = JSON.parse(configMapData(resources, names.dashboards)['nexus-overview.json']!);
  full = await render({ valuesFiles: ['values.production.yaml'], values: 'database:\n  mode: bundled\nmonitoring:\n  prometheus:\n    kong:\n      enabled: true\n' });
  cnpg = await render({
    valuesFiles: ['values.production.yaml'],
    values: 'database:\n  mode: cloudnativepg\n  backup:\n    objectStorage:\n      bucket: nexus-backups/prod\n      existingSecret: nexus-backup-s3\n',
    apiVersions: ['postgresql.cnpg.io/v1', 'barmancloud.cnpg.io/v1'],
  });
});

describe('PromQL', () => {
  it('the parse check itself catches broken expressions', () => {
    expect(promqlErrors('sum(rate(http_requests_total[5m])')).not.toEqual([]);
    expect(promqlErrors('foo > > 1')).not.toEqual([]);
    expect(promqlErrors('sum by (a) (rate(x[5m])) > 0.2')).toEqual([]);
  });

  it('every rule expression parses with lezer-promql', () => {
    expect(rules.length).toBeGreaterThan(40);
    for (const rule of rules) expect(promqlErrors(rule.expr), rule.alert ?? rule.record).toEqual([]);
  });

  it('alerts are built on recording rules (raw series only for `up`)', () => {
    const recorded = new Set(rules.flatMap((r) => (r.record ? [r.record] : [])));
    for (const alert of rules.filter((r) => r.alert)) {
      const metrics = selectedMetrics(alert.expr);
      expect(metrics.length, alert.alert).toBeGreaterThan(0);
      for (const m of metrics) expect(recorded.has(m) || m === 'up', `${alert.alert} reads ${m}`).toBe(true);
    }
  });

  it('recording rules read only series the scrape targets provide, or other recording rules', () => {
    const recorded = new Set(rules.flatMap((r) => (r.record ? [r.record] : [])));
    for (const rule of rules.filter((r) => r.record)) {
      for (const m of selectedMetrics(rule.expr)) expect(RAW_SERIES.has(m) || recorded.has(m), `${rule.record} reads ${m}`).toBe(true);
    }
  });
});

/** The panels above the Logs row (the LogQL panels below it are checked in test/logging). */
const metricsPanels = () => {
  const row = dashboard.panels.findIndex((p) => p.type === 'row');
  return row < 0 ? dashboard.panels : dashboard.panels.slice(0, row);
};

describe('the NEXUS Platform overview dashboard', () => {
  it('is valid JSON with the promised panels, on the provisioned datasource', () => {
    expect(dashboard.title).toBe('NEXUS Platform overview');
    expect(dashboard.panels.map((p) => p.title)).toEqual([
      'Request rate',
      'API p95 latency',
      'Error rate (5xx ratio)',
      'Replicas vs HPA bounds',
      'Database connections',
      'Database connections used',
      'Cache hit rate',
      'Backup age',
      // Production installs the logging tier: the Logs row on the Loki data source follows.
      'Logs',
      'Log lines by tier',
      'Error lines by tier',
      'Recent logs',
    ]);
    const datasources = configMapData(resources, names.grafana)['datasources.yaml']!;
    const uids = Object.fromEntries((jsyaml.load(datasources) as { datasources: { type: string; uid: string }[] }).datasources.map((d) => [d.type, d.uid]));
    for (const p of dashboard.panels.filter((x) => x.type !== 'row')) {
      expect(p.datasource?.uid, p.title).toBe(metricsPanels().includes(p) ? uids.prometheus : uids.loki);
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
    }
  });

  it('queries parse, and read only recording rules the alerts use', () => {
    const recorded = new Set(rules.flatMap((r) => (r.record ? [r.record] : [])));
    const alertInputs = (name: string): Set<string> => {
      // The recording rules an alert reads, followed through recording rules built on others.
      const byRecord = new Map(rules.filter((r) => r.record).map((r) => [r.record!, r]));
      const seen = new Set<string>();
      const visit = (m: string) => {
        if (seen.has(m) || !byRecord.has(m)) return;
        seen.add(m);
        for (const x of selectedMetrics(byRecord.get(m)!.expr)) visit(x);
      };
      for (const m of selectedMetrics(rules.find((r) => r.alert === name)!.expr)) visit(m);
      return seen;
    };
    const usedByAlerts = new Set(rules.filter((r) => r.alert).flatMap((r) => [...alertInputs(r.alert!)]));
    for (const panel of metricsPanels()) {
      for (const target of panel.targets!) {
        expect(promqlErrors(target.expr), `${panel.title}: ${target.expr}`).toEqual([]);
        for (const m of selectedMetrics(target.expr)) {
          expect(recorded.has(m), `${panel.title} reads ${m}, which is not a recording rule`).toBe(true);
        }
      }
    }
    // The headline panels show exactly what the alerts evaluate.
    const reads = (title: string) => dashboard.panels.find((p) => p.title === title)!.targets!.flatMap((t) => selectedMetrics(t.expr));
    for (const title of ['API p95 latency', 'Error rate (5xx ratio)', 'Replicas vs HPA bounds', 'Database connections used', 'Backup age']) {
      for (const m of reads(title)) expect(usedByAlerts.has(m), `${title}: ${m} feeds no alert`).toBe(true);
    }
  });

  it('draws the alert thresholds from values', async () => {
    type Thresholds = { fieldConfig: { defaults: { thresholds?: { steps: { value: number | null }[] } } } };
    const red = (d: { panels: (Panel & Thresholds)[] }, title: string) => d.panels.find((p) => p.title === title)!.fieldConfig.defaults.thresholds!.steps[1]!.value;
    const text = configMapData(resources, names.dashboards)['nexus-overview.json']!;
    expect(text).not.toContain('__NEXUS_');
    const production = JSON.parse(text);
    expect([red(production, 'API p95 latency'), red(production, 'Database connections used'), red(production, 'Backup age')]).toEqual([0.2, 0.8, 26 * 3600]);
    const custom = await render({ values: 'monitoring:\n  alertRules:\n    latencyP95Seconds: 0.35\n    databaseConnectionsRatio: 0.7\n    backupMaxAgeHours: 30\n' });
    const dash = JSON.parse(configMapData(custom, names.dashboards)['nexus-overview.json']!);
    expect([red(dash, 'API p95 latency'), red(dash, 'Database connections used'), red(dash, 'Backup age')]).toEqual([0.35, 0.7, 30 * 3600]);
  });
});

describe('every dashboard (one per tier, and the overview)', () => {
  const TIER_FILES = ['nexus-backups.json', 'nexus-kong.json', 'nexus-overview.json', 'nexus-pgbouncer.json', 'nexus-postgresql.json', 'nexus-red.json', 'nexus-redis.json'];

  it('ships every tier\'s dashboard (Kong only where Kong is scraped), with unique uids', () => {
    expect(Object.keys(dashboardsOf(full)).sort()).toEqual(TIER_FILES);
    expect(Object.keys(dashboardsOf(resources)).sort()).toEqual(TIER_FILES.filter((f) => f !== 'nexus-kong.json'));
    const uids = Object.values(dashboardsOf(full)).map((d) => d.uid);
    expect(new Set(uids).size).toBe(uids.length);
  });

  it.each([
    ['bundled database, Kong scraped', () => full],
    ['CloudNativePG database', () => cnpg],
  ] as const)('every panel of every dashboard reads only recording rules of the same render (%s)', (_name, get) => {
    const r = get();
    const recorded = new Set(rulesOf(r).flatMap((x) => (x.record ? [x.record] : [])));
    let checked = 0;
    for (const [file, d] of Object.entries(dashboardsOf(r))) {
      for (const variable of d.templating.list) for (const m of selectedMetrics(variable.query.query.replace(/^label_values\((.*), *\w+\)$/, '$1'))) expect(recorded.has(m), `${file} variable ${variable.name} reads ${m}`).toBe(true);
      for (const panel of d.panels.filter((p) => p.type !== 'row' && p.datasource?.uid === 'nexus-prometheus')) {
        expect(panel.targets?.length, `${file}: ${panel.title}`).toBeGreaterThan(0);
        for (const target of panel.targets!) {
          checked++;
          expect(promqlErrors(target.expr), `${file}: ${panel.title}: ${target.expr}`).toEqual([]);
          const metrics = selectedMetrics(target.expr);
          expect(metrics.length, `${file}: ${panel.title}`).toBeGreaterThan(0);
          for (const m of metrics) expect(recorded.has(m), `${file}: ${panel.title} reads ${m}, which is not a recording rule of this render`).toBe(true);
        }
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('the recording rules behind them read only series whose scrape job is in the same render\'s prometheus.yml', () => {
    const jobs = new Set([...configMapData(full, names.prometheus)['prometheus.yml']!.matchAll(/job_name: (\S+)/g)].map((m) => m[1]!));
    const recordedBy = new Map(rulesOf(full).filter((x) => x.record).map((x) => [x.record!, x]));
    const sourceOf = (series: string) => Object.entries(RAW_SERIES_BY_SOURCE).find(([, list]) => list.includes(series))?.[0];
    const rawOf = (metric: string, seen = new Set<string>()): string[] => {
      if (seen.has(metric)) return [];
      seen.add(metric);
      const rule = recordedBy.get(metric);
      return rule ? selectedMetrics(rule.expr).flatMap((m) => rawOf(m, seen)) : [metric];
    };
    const raw = new Set(
      Object.values(dashboardsOf(full))
        .flatMap((d) => d.panels.filter((p) => p.datasource?.uid === 'nexus-prometheus'))
        .flatMap((p) => p.targets!.flatMap((t) => selectedMetrics(t.expr)))
        .flatMap((m) => rawOf(m)),
    );
    expect(raw.size).toBeGreaterThan(25);
    for (const series of raw) {
      const source = sourceOf(series);
      expect(source, `${series} comes from no known source`).toBeDefined();
      // CloudNativePG, cert-manager and the backup metric live outside this bundled render: they are the
      // alternatives an `or` takes in their mode (checked in the CloudNativePG render above).
      const needed = JOB_OF_SOURCE[source!];
      if (needed) for (const job of needed) expect(jobs.has(job), `${series} (${source}) needs the scrape job ${job}`).toBe(true);
    }
  });

  it('in CloudNativePG mode the database and pooler rules take the operator\'s series', () => {
    const byRecord = new Map(rulesOf(cnpg).filter((x) => x.record).map((x) => [x.record!, selectedMetrics(x.expr)]));
    expect(byRecord.get('namespace:pg_xact_commit:rate5m')).toContain('cnpg_pg_stat_database_xact_commit');
    expect(byRecord.get('namespace:pgbouncer_client_waiting_connections:sum')).toContain('cnpg_pgbouncer_pools_cl_waiting');
    expect(byRecord.get('namespace:pgbouncer_queries_pooled:rate5m')).toContain('cnpg_pgbouncer_stats_total_query_count');
    expect(byRecord.get('namespace:pg_up:min')).toContain('cnpg_collector_up');
  });

  it('the Kong rules and scrape job keep only this release\'s Kong Services', () => {
    const yml = configMapData(full, names.prometheus)['prometheus.yml']!;
    const kong = (jsyaml.load(yml) as { scrape_configs: { job_name: string; metric_relabel_configs?: { source_labels: string[]; regex: string; action: string }[]; kubernetes_sd_configs?: { namespaces: { names: string[] } }[] }[] }).scrape_configs.find((j) => j.job_name === 'kong')!;
    expect(kong.kubernetes_sd_configs![0]!.namespaces.names).toEqual(['kong']);
    const keep = kong.metric_relabel_configs!.find((c) => c.source_labels.includes('service'))!;
    const re = new RegExp(`^(?:${keep.regex})$`);
    expect(['nexus-platform.nexus-backend.pnum-8000', ''].every((v) => re.test(v))).toBe(true);
    expect(re.test('other-ns.app.80')).toBe(false);
    expect(Object.keys(dashboardsOf(resources))).not.toContain('nexus-kong.json');
    expect(rulesOf(resources).some((x) => x.record?.includes('kong'))).toBe(false);
  });
});
