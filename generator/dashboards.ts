/**
 * The per-tier Grafana dashboards (frontend/backend RED, PostgreSQL, PgBouncer, Redis, backups, Kong),
 * written as data and emitted as JSON into the monitoring chart's files/dashboards/, beside the
 * platform overview. Every query reads a recording rule (files/rules/recording.yaml), never a raw
 * series, so the dashboards follow the database mode (postgres_exporter or CloudNativePG) the rules
 * already absorb; test/monitoring/promql-dashboard.test.ts holds every panel to that.
 */

import { GENERATED_NOTICE } from './header.ts';

const PROMETHEUS = { type: 'prometheus', uid: 'nexus-prometheus' } as const;

interface Target {
  expr: string;
  legend: string;
}

interface PanelSpec {
  title: string;
  description: string;
  unit: string;
  targets: Target[];
  /** `stat` for a single current number; `timeseries` (default) for a trend. */
  type?: 'timeseries' | 'stat';
  /** Grid width (of 24); 12 by default, 6 for stats. */
  width?: number;
  /** Fixed axis range (ratios). */
  max?: number;
}

interface DashboardSpec {
  file: string;
  uid: string;
  title: string;
  description: string;
  /** A recording rule every install of the dashboard has, to list the namespaces it covers. */
  namespaceFrom: string;
  panels: PanelSpec[];
}

const ns = '{namespace="$namespace"}';
const nsAnd = (extra: string) => `{namespace="$namespace", ${extra}}`;

export const TIER_DASHBOARDS: DashboardSpec[] = [
  {
    file: 'nexus-red.json',
    uid: 'nexus-red',
    title: 'NEXUS frontend and backend (RED)',
    description: 'Rate, errors and duration of the stateless tiers, per component, from the HTTP recording rules.',
    namespaceFrom: 'component:http_requests:rate5m',
    panels: [
      { title: 'Request rate', description: 'Requests per second by component.', unit: 'reqps', targets: [{ expr: `component:http_requests:rate5m${nsAnd('component=~"$component"')}`, legend: '{{component}}' }] },
      {
        title: 'Error ratio (5xx)',
        description: 'Share of 5xx answers by component, over 5 minutes and over 1 hour (the burn-rate windows).',
        unit: 'percentunit',
        targets: [
          { expr: `component:http_request_errors:ratio_rate5m${nsAnd('component=~"$component"')}`, legend: '{{component}} 5m' },
          { expr: `component:http_request_errors:ratio_rate1h${nsAnd('component=~"$component"')}`, legend: '{{component}} 1h' },
        ],
      },
      {
        title: 'Duration (p50, p95, p99)',
        description: 'Request duration quantiles by component.',
        unit: 's',
        width: 24,
        targets: ['50', '95', '99'].map((q) => ({ expr: `component:http_request_duration_seconds:p${q}_rate5m${nsAnd('component=~"$component"')}`, legend: `{{component}} p${q}` })),
      },
      {
        title: 'Replicas vs HPA bounds',
        description: 'Current replicas of each autoscaled tier, with its minimum and maximum.',
        unit: 'short',
        width: 24,
        targets: [
          { expr: `namespace_hpa:kube_horizontalpodautoscaler_status_current_replicas:max${ns}`, legend: '{{horizontalpodautoscaler}} current' },
          { expr: `namespace_hpa:kube_horizontalpodautoscaler_spec_min_replicas:max${ns}`, legend: '{{horizontalpodautoscaler}} min' },
          { expr: `namespace_hpa:kube_horizontalpodautoscaler_spec_max_replicas:max${ns}`, legend: '{{horizontalpodautoscaler}} max' },
        ],
      },
    ],
  },
  {
    file: 'nexus-postgresql.json',
    uid: 'nexus-postgresql',
    title: 'NEXUS PostgreSQL',
    description: 'Availability, connections, transactions and replication of the database (postgres_exporter in bundled mode, the CloudNativePG instances in cloudnativepg mode).',
    namespaceFrom: 'namespace:pg_up:min',
    panels: [
      { title: 'Up', description: '1 while PostgreSQL answers the exporter (any instance, with CloudNativePG).', unit: 'short', type: 'stat', targets: [{ expr: `namespace:pg_up:min${ns}`, legend: 'up' }] },
      { title: 'Connections used', description: 'Connections over max_connections.', unit: 'percentunit', type: 'stat', max: 1, targets: [{ expr: `namespace:pg_connections:ratio${ns}`, legend: 'used' }] },
      { title: 'Connections', description: 'Backends connected (the busiest instance with CloudNativePG).', unit: 'short', targets: [{ expr: `namespace:pg_stat_activity_count:sum${ns}`, legend: 'connections' }] },
      {
        title: 'Transactions',
        description: 'Commits and rollbacks per second, all databases.',
        unit: 'ops',
        targets: [
          { expr: `namespace:pg_xact_commit:rate5m${ns}`, legend: 'commits' },
          { expr: `namespace:pg_xact_rollback:rate5m${ns}`, legend: 'rollbacks' },
        ],
      },
      { title: 'Replication lag', description: 'Seconds each standby is behind the primary.', unit: 's', targets: [{ expr: `namespace_pod:pg_replication_lag_seconds:max${ns}`, legend: '{{pod}}' }] },
      { title: 'Volume usage', description: 'Used share of each volume claim of the release (kubelet volume stats).', unit: 'percentunit', max: 1, targets: [{ expr: `namespace_persistentvolumeclaim:kubelet_volume_stats_used_bytes:ratio${ns}`, legend: '{{persistentvolumeclaim}}' }] },
    ],
  },
  {
    file: 'nexus-pgbouncer.json',
    uid: 'nexus-pgbouncer',
    title: 'NEXUS PgBouncer',
    description: 'The connection pooler in front of PostgreSQL: clients served and waiting, server connections, wait time and throughput (pgbouncer_exporter, or the CloudNativePG Pooler).',
    namespaceFrom: 'namespace:pgbouncer_client_active_connections:sum',
    panels: [
      {
        title: 'Client connections',
        description: 'Clients linked to a server connection (active) and clients queued for one (waiting): a steady queue means the pool is too small.',
        unit: 'short',
        targets: [
          { expr: `namespace:pgbouncer_client_active_connections:sum${ns}`, legend: 'active' },
          { expr: `namespace:pgbouncer_client_waiting_connections:sum${ns}`, legend: 'waiting' },
        ],
      },
      {
        title: 'Server connections',
        description: 'Connections to PostgreSQL in use (active) and ready (idle).',
        unit: 'short',
        targets: [
          { expr: `namespace:pgbouncer_server_active_connections:sum${ns}`, legend: 'active' },
          { expr: `namespace:pgbouncer_server_idle_connections:sum${ns}`, legend: 'idle' },
        ],
      },
      { title: 'Longest client wait', description: 'How long the oldest waiting client has waited for a server connection.', unit: 's', targets: [{ expr: `namespace:pgbouncer_client_maxwait_seconds:max${ns}`, legend: 'max wait' }] },
      { title: 'Queries pooled', description: 'Queries per second forwarded to PostgreSQL.', unit: 'ops', targets: [{ expr: `namespace:pgbouncer_queries_pooled:rate5m${ns}`, legend: 'queries' }] },
    ],
  },
  {
    file: 'nexus-redis.json',
    uid: 'nexus-redis',
    title: 'NEXUS Redis',
    description: 'The cache: nodes up, the master count, memory against maxmemory, clients, commands, evictions and the hit rate (redis_exporter).',
    namespaceFrom: 'namespace:redis_up:sum',
    panels: [
      { title: 'Nodes up', description: 'Redis nodes the exporter reaches.', unit: 'short', type: 'stat', targets: [{ expr: `namespace:redis_up:sum${ns}`, legend: 'up' }] },
      { title: 'Masters', description: 'Nodes reporting the master role: exactly 1 is healthy (0: no writes; 2: split brain).', unit: 'short', type: 'stat', targets: [{ expr: `namespace:redis_masters:count${ns}`, legend: 'masters' }] },
      { title: 'Hit rate', description: 'Keyspace hits over hits and misses.', unit: 'percentunit', type: 'stat', max: 1, targets: [{ expr: `namespace:redis_keyspace_hits:ratio_rate5m${ns}`, legend: 'hit rate' }] },
      { title: 'Memory used of maxmemory', description: 'Used memory over maxmemory per node (eviction starts at 100 %).', unit: 'percentunit', type: 'stat', max: 1, targets: [{ expr: `namespace_pod:redis_memory_used:ratio${ns}`, legend: '{{pod}}' }] },
      { title: 'Memory used', description: 'Bytes used per node.', unit: 'bytes', targets: [{ expr: `namespace_pod:redis_memory_used_bytes:max${ns}`, legend: '{{pod}}' }] },
      { title: 'Connected clients', description: 'Client connections per node.', unit: 'short', targets: [{ expr: `namespace_pod:redis_connected_clients:max${ns}`, legend: '{{pod}}' }] },
      { title: 'Commands', description: 'Commands processed per second per node.', unit: 'ops', targets: [{ expr: `namespace_pod:redis_commands_processed:rate5m${ns}`, legend: '{{pod}}' }] },
      { title: 'Evictions', description: 'Keys evicted per second per node (memory pressure under maxmemory).', unit: 'ops', targets: [{ expr: `namespace_pod:redis_evicted_keys:rate5m${ns}`, legend: '{{pod}}' }] },
    ],
  },
  {
    file: 'nexus-backups.json',
    uid: 'nexus-backups',
    title: 'NEXUS backups',
    description: 'Age of the newest good backup (the backup metric, the CronJob\'s last success, or CloudNativePG\'s last available backup), failed runs and run durations.',
    namespaceFrom: 'namespace:nexus_backup_age_seconds:max',
    panels: [
      { title: 'Backup age', description: 'Time since the newest successful backup.', unit: 's', type: 'stat', targets: [{ expr: `namespace:nexus_backup_age_seconds:max${ns}`, legend: 'age' }] },
      { title: 'Failed backup runs', description: 'Backup Jobs that failed and are still kept (kube-state-metrics).', unit: 'short', type: 'stat', targets: [{ expr: `namespace:nexus_backup_jobs_failed:sum${ns}`, legend: 'failed' }] },
      { title: 'Backup age over time', description: 'A saw-tooth: it drops at each successful backup.', unit: 's', targets: [{ expr: `namespace:nexus_backup_age_seconds:max${ns}`, legend: 'age' }] },
      { title: 'Run durations', description: 'Duration of each completed backup Job.', unit: 's', targets: [{ expr: `namespace_job:nexus_backup_duration_seconds:max${ns}`, legend: '{{job_name}}' }] },
    ],
  },
  {
    file: 'nexus-kong.json',
    uid: 'nexus-kong',
    title: 'NEXUS Kong gateway',
    description: 'The gateway\'s view of this release\'s Services: requests by status code, rate-limited (429) answers, latency in Kong and upstream, bandwidth. Needs monitoring.prometheus.kong.enabled.',
    namespaceFrom: 'component:http_requests:rate5m',
    panels: [
      { title: 'Requests by status code', description: 'Requests per second through Kong, by Kong Service and status code.', unit: 'reqps', width: 24, targets: [{ expr: 'sum by (service, code) (service_code:kong_http_requests:rate5m{service=~"$namespace\\\\..+"})', legend: '{{service}} {{code}}' }] },
      { title: 'Rate-limited requests (429)', description: 'Answers of the rate-limiting plugin.', unit: 'reqps', targets: [{ expr: 'sum by (service) (service_code:kong_http_requests:rate5m{service=~"$namespace\\\\..+", code="429"})', legend: '{{service}}' }] },
      {
        title: 'Latency p95',
        description: 'Whole request as Kong measures it, and the upstream (the tier) alone.',
        unit: 'ms',
        targets: [
          { expr: 'service:kong_request_latency_ms:p95_rate5m{service=~"$namespace\\\\..+"}', legend: '{{service}} request' },
          { expr: 'service:kong_upstream_latency_ms:p95_rate5m{service=~"$namespace\\\\..+"}', legend: '{{service}} upstream' },
        ],
      },
      { title: 'Bandwidth', description: 'Bytes per second by Service and direction.', unit: 'Bps', width: 24, targets: [{ expr: 'service_direction:kong_bandwidth_bytes:rate5m{service=~"$namespace\\\\..+"}', legend: '{{service}} {{direction}}' }] },
    ],
  },
];

function layout(panels: PanelSpec[]): { x: number; y: number; w: number; h: number }[] {
  let x = 0;
  let y = 0;
  return panels.map((p) => {
    const w = p.width ?? (p.type === 'stat' ? 6 : 12);
    const h = p.type === 'stat' ? 4 : 8;
    if (x + w > 24) {
      x = 0;
      y += 8;
    }
    const pos = { x, y, w, h };
    x += w;
    return pos;
  });
}

function panelJson(p: PanelSpec, id: number, gridPos: { x: number; y: number; w: number; h: number }): Record<string, unknown> {
  const defaults: Record<string, unknown> = { unit: p.unit, ...(p.max !== undefined ? { min: 0, max: p.max } : {}) };
  return {
    id,
    type: p.type ?? 'timeseries',
    title: p.title,
    description: p.description,
    datasource: PROMETHEUS,
    gridPos,
    fieldConfig: { defaults, overrides: [] },
    options:
      p.type === 'stat'
        ? { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'value', graphMode: 'area', textMode: 'auto' }
        : { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'none' } },
    targets: p.targets.map((t, i) => ({ refId: String.fromCharCode(65 + i), datasource: PROMETHEUS, expr: t.expr, legendFormat: t.legend, range: true })),
  };
}

/** One dashboard as Grafana's JSON model (stable key order, so the generated file is byte-stable). */
export function dashboardJson(d: DashboardSpec): Record<string, unknown> {
  const positions = layout(d.panels);
  const variables: Record<string, unknown>[] = [
    {
      name: 'namespace',
      label: 'Namespace',
      type: 'query',
      datasource: PROMETHEUS,
      query: { query: `label_values(${d.namespaceFrom}, namespace)`, refId: 'namespace' },
      definition: `label_values(${d.namespaceFrom}, namespace)`,
      refresh: 2,
      includeAll: false,
      multi: false,
      sort: 1,
      current: {},
    },
  ];
  if (d.panels.some((p) => p.targets.some((t) => t.expr.includes('$component')))) {
    variables.push({
      name: 'component',
      label: 'Component',
      type: 'query',
      datasource: PROMETHEUS,
      query: { query: 'label_values(component:http_requests:rate5m{namespace="$namespace"}, component)', refId: 'component' },
      definition: 'label_values(component:http_requests:rate5m{namespace="$namespace"}, component)',
      refresh: 2,
      includeAll: true,
      allValue: '.+',
      multi: true,
      sort: 1,
      current: {},
    });
  }
  return {
    $comment: GENERATED_NOTICE,
    uid: d.uid,
    title: d.title,
    description: `${d.description} Every query reads a recording rule of the platform.`,
    tags: ['nexus'],
    timezone: 'utc',
    editable: false,
    graphTooltip: 1,
    refresh: '30s',
    schemaVersion: 39,
    version: 1,
    time: { from: 'now-6h', to: 'now' },
    templating: { list: variables },
    annotations: { list: [] },
    links: [{ title: 'NEXUS dashboards', type: 'dashboards', tags: ['nexus'], asDropdown: true, includeVars: true, keepTime: true }],
    panels: d.panels.map((p, i) => panelJson(p, i + 1, positions[i]!)),
  };
}

/** The files the monitoring chart carries, `files/dashboards/<file>` → JSON text. */
export function tierDashboardFiles(): Record<string, string> {
  return Object.fromEntries(TIER_DASHBOARDS.map((d) => [`files/dashboards/${d.file}`, `${JSON.stringify(dashboardJson(d), null, 2)}\n`]));
}
