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
  postgres_exporter: ['pg_up', 'pg_stat_activity_count', 'pg_settings_max_connections', 'pg_replication_lag_seconds'],
  redis_exporter: ['redis_up', 'redis_instance_info', 'redis_keyspace_hits_total', 'redis_keyspace_misses_total'],
  'kube-state-metrics': [
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
  'CloudNativePG instances (database.mode cloudnativepg)': ['cnpg_collector_up', 'cnpg_backends_total', 'cnpg_pg_settings_setting', 'cnpg_pg_replication_lag'],
  'Barman Cloud Plugin (CloudNativePG backups)': ['barman_cloud_cloudnative_pg_io_last_available_backup_timestamp'],
  prometheus: ['up'],
  'Loki (logging tier)': ['loki_distributor_lines_received_total'],
};
const RAW_SERIES = new Set(Object.values(RAW_SERIES_BY_SOURCE).flat());

let resources: K8sResource[];
let rules: Rule[];
let dashboard: { title: string; uid: string; panels: Panel[] };

beforeAll(async () => {
  resources = await render({ valuesFiles: ['values.production.yaml'] });
  rules = Object.values(configMapData(resources, names.rules)).flatMap((text) => (jsyaml.load(text) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules));
  dashboard = JSON.parse(configMapData(resources, names.dashboards)['nexus-overview.json']!);
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
