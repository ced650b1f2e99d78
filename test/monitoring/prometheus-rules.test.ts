/**
 * The rendered rule files, proven with the real promtool: `check rules`, then `test rules` with the
 * synthetic-series unit tests in ./promtool (each alert fires when it should and stays silent when
 * it should not), and the deep checker `nexus validate --deep` runs on them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsyaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { prometheusChecker, PROMETHEUS_RULES_ID } from '../../validator/deep/prometheus.ts';
import type { K8sResource } from '../../core/types.ts';
import { configMapData, names, render, tool, writeTemp } from './render.ts';

const UNIT_TESTS_DIR = join(import.meta.dirname, 'promtool');
const unitTest = (name: string) => readFileSync(join(UNIT_TESTS_DIR, name), 'utf8');
/** Unit tests that need a render other than the defaults (each has its own test below). */
const SPECIAL_UNIT_TESTS = ['custom-thresholds.promtool.yaml', 'scrape-targets.promtool.yaml'];
const DEFAULT_UNIT_TESTS = readdirSync(UNIT_TESTS_DIR).filter((f) => f.endsWith('.promtool.yaml') && !SPECIAL_UNIT_TESTS.includes(f)).sort();

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const groupsOf = (files: Record<string, string>) =>
  Object.values(files).flatMap((text) => (jsyaml.load(text) as { groups: { name: string; rules: Rule[] }[] }).groups);

let defaults: K8sResource[];
let production: K8sResource[];

beforeAll(async () => {
  [defaults, production] = await Promise.all([render(), render({ valuesFiles: ['values.production.yaml'] })]);
});

describe('rendered rule files', () => {
  it('pass `promtool check rules` (defaults and production)', async () => {
    const promtool = tool('promtool');
    for (const [resources, logging] of [[defaults, []], [production, ['alerts-logging.yaml']]] as const) {
      const files = configMapData(resources, names.rules);
      // The log-ingestion rules ship only with the logging tier (production installs it).
      expect(Object.keys(files).sort()).toEqual(['alerts-api.yaml', 'alerts-data.yaml', 'alerts-kubernetes.yaml', ...logging, 'recording.yaml']);
      const dir = writeTemp(files);
      const result = await promtool(['check', 'rules', ...Object.keys(files)], dir);
      expect(result.code, result.stdout + result.stderr).toBe(0);
    }
  });

  it('cover every alert the platform promises, each with severity, summary, description and runbook', () => {
    const rules = groupsOf(configMapData(production, names.rules)).flatMap((g) => g.rules);
    const alerts = rules.filter((r) => r.alert);
    expect([...new Set(alerts.map((a) => a.alert))].sort()).toEqual([
      'NexusApiErrorBudgetBurnFast',
      'NexusApiErrorBudgetBurnSlow',
      'NexusApiErrorRateHigh',
      'NexusApiLatencyHigh',
      'NexusBackupStale',
      'NexusHpaMaxedOut',
      'NexusLogIngestionStopped',
      'NexusPersistentVolumeFilling',
      'NexusPodCrashLooping',
      'NexusPodNotReady',
      'NexusPostgresqlDown',
      'NexusPostgresqlReplicationLag',
      'NexusPostgresqlTooManyConnections',
      'NexusRedisDown',
      'NexusRedisInstanceDown',
      'NexusRedisMultipleMasters',
      'NexusRedisNoMaster',
      'NexusScrapeTargetAbsent',
      'NexusScrapeTargetDown',
    ]);
    for (const a of alerts) {
      expect(['critical', 'warning'], a.alert).toContain(a.labels?.severity);
      expect(Object.keys(a.annotations ?? {}).sort(), a.alert).toEqual(['description', 'runbook_url', 'summary']);
      expect(a.annotations?.runbook_url, a.alert).toMatch(/^https:\/\/runbooks\.nexus\.example\.com\/Nexus[A-Za-z]+$/);
      // Inhibition matches on namespace + component: an alert carries a component, statically or from
      // series aggregated `by (namespace, component)` (the component:* recording rules, or `up`).
      if (!a.labels?.component) expect(a.expr.replace(/^[\s(]+/, ''), a.alert).toMatch(/^(component:|up\{)/);
    }
  });

  it('put thresholds from values into the expressions', async () => {
    const custom = await render({ values: 'monitoring:\n  alertRules:\n    latencyP95Seconds: 0.35\n    errorRatio: 0.02\n    availabilityTarget: 0.995\n    pvcUsageRatio: 0.9\n    runbookBaseUrl: https://wiki.example.org/runbooks/\n' });
    const alerts = groupsOf(configMapData(custom, names.rules)).flatMap((g) => g.rules).filter((r) => r.alert);
    const byName = (n: string) => alerts.find((a) => a.alert === n)!;
    expect(byName('NexusApiLatencyHigh').expr).toMatch(/> 0\.35$/);
    expect(byName('NexusApiErrorRateHigh').expr).toMatch(/> 0\.02$/);
    expect(byName('NexusApiErrorBudgetBurnFast').expr).toContain('(14.4 * (1 - 0.995))');
    expect(byName('NexusPersistentVolumeFilling').expr).toMatch(/> 0\.9$/);
    expect(byName('NexusApiLatencyHigh').annotations?.runbook_url).toBe('https://wiki.example.org/runbooks/NexusApiLatencyHigh');
  });
});

describe('promtool test rules (synthetic series)', () => {
  it.each(DEFAULT_UNIT_TESTS)('%s passes against the rules rendered with default values', async (file) => {
    const promtool = tool('promtool');
    const dir = writeTemp({ ...configMapData(defaults, names.rules), [file]: unitTest(file) });
    const result = await promtool(['test', 'rules', file], dir);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('SUCCESS');
  });

  it('every alert has a unit test where it fires and one where it stays silent', () => {
    interface UnitFile { tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[] }
    const checks = DEFAULT_UNIT_TESTS.flatMap((f) => (jsyaml.load(unitTest(f)) as UnitFile).tests.flatMap((t) => t.alert_rule_test ?? []));
    const alerts = [...new Set(groupsOf(configMapData(defaults, names.rules)).flatMap((g) => g.rules).flatMap((r) => (r.alert ? [r.alert] : [])))].sort();
    const firing = new Set(checks.filter((c) => c.exp_alerts.length > 0).map((c) => c.alertname));
    const silent = new Set(checks.filter((c) => c.exp_alerts.length === 0).map((c) => c.alertname));
    expect(alerts.filter((a) => !firing.has(a)), 'alerts never shown to fire').toEqual([]);
    // Where no explicit silent check exists, the firing test's other series (healthy pods, other PVCs) must not alert.
    const silentByOtherSeries = ['NexusPersistentVolumeFilling', 'NexusPodNotReady', 'NexusPostgresqlReplicationLag'];
    expect(alerts.filter((a) => !silent.has(a) && !silentByOtherSeries.includes(a)), 'alerts never shown to stay silent').toEqual([]);
  });

  it('custom thresholds from values silence what the defaults fire (250 ms under 300 ms, 27 h under 48 h)', async () => {
    const promtool = tool('promtool');
    const file = 'custom-thresholds.promtool.yaml';
    const custom = await render({ values: 'monitoring:\n  alertRules:\n    latencyP95Seconds: 0.3\n    backupMaxAgeHours: 48\n' });
    const withCustom = await promtool(['test', 'rules', file], writeTemp({ ...configMapData(custom, names.rules), [file]: unitTest(file) }));
    expect(withCustom.code, withCustom.stdout + withCustom.stderr).toBe(0);
    // Control: the same expectations fail against the default thresholds, so the test can tell them apart.
    const withDefaults = await promtool(['test', 'rules', file], writeTemp({ ...configMapData(defaults, names.rules), [file]: unitTest(file) }));
    expect(withDefaults.code).not.toBe(0);
    const said = withDefaults.stdout + withDefaults.stderr;
    expect(said).toContain('alertname: NexusApiLatencyHigh');
    expect(said).toContain('alertname: NexusBackupStale');
  });
});

describe('monitoring blind spots', () => {
  it('production with cert-manager scraped: absent scrape targets, disk-full and certificate expiry alert (promtool)', async () => {
    const promtool = tool('promtool');
    const file = 'scrape-targets.promtool.yaml';
    const scraped = await render({ valuesFiles: ['values.production.yaml'], values: 'monitoring:\n  prometheus:\n    certManager:\n      enabled: true\n' });
    const result = await promtool(['test', 'rules', file], writeTemp({ ...configMapData(scraped, names.rules), [file]: unitTest(file) }));
    expect(result.code, result.stdout + result.stderr).toBe(0);
    // The scrape jobs and the NetworkPolicy egress those alerts need are rendered with them.
    const config = configMapData(scraped, names.prometheus)['prometheus.yml']!;
    for (const job of ['kube-state-metrics', 'kubelet', 'cert-manager']) expect(config).toContain(`job_name: ${job}`);
    const policy = scraped.find((r) => r.kind === 'NetworkPolicy' && r.name === names.prometheus)!;
    const egressPorts = ((policy.object.spec as { egress: { ports?: { port: number }[] }[] }).egress).flatMap((e) => (e.ports ?? []).map((p) => p.port));
    expect(egressPorts).toEqual(expect.arrayContaining([8080, 10250, 9402]));
  });

  it('renders the certificate alert only where cert-manager is scraped, and a target alert per scraped job', () => {
    const alertsOf = (resources: K8sResource[]) => groupsOf(configMapData(resources, names.rules)).flatMap((g) => g.rules).filter((r) => r.alert);
    const absentJobs = (resources: K8sResource[]) => alertsOf(resources).filter((r) => r.alert === 'NexusScrapeTargetAbsent').map((r) => r.labels!.job).sort();
    expect(alertsOf(defaults).some((r) => r.alert === 'NexusCertificateExpiring')).toBe(false);
    expect(absentJobs(defaults)).toEqual(['kube-state-metrics']);
    // Production scrapes the kubelets (clusterWideDiscovery), so its disk-full alert has data.
    expect(absentJobs(production)).toEqual(['kube-state-metrics', 'kubelet']);
    expect(configMapData(production, names.prometheus)['prometheus.yml']).toContain('job_name: kubelet');
  });
});

describe('deep check (nexus validate --deep)', () => {
  it('finds nothing wrong in the production render', async () => {
    expect(await prometheusChecker.check(production)).toEqual([]);
  });

  it('reports a broken rule with the template file and the ConfigMap key', async () => {
    const broken = production.map((r) => {
      if (r.kind !== 'ConfigMap' || r.name !== names.rules) return r;
      const data = { ...(r.object.data as Record<string, string>) };
      data['alerts-api.yaml'] = data['alerts-api.yaml']!.replace('> 0.2', '> > 0.2');
      return { ...r, object: { ...r.object, data } };
    });
    const findings = await prometheusChecker.check(broken);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      policyId: PROMETHEUS_RULES_ID,
      severity: 'error',
      file: 'nexus/charts/monitoring/templates/prometheus-rules-configmap.yaml',
      kind: 'ConfigMap',
      name: names.rules,
      jsonPointer: '/data/alerts-api.yaml',
    });
    expect(findings[0]!.message).toContain(`${names.rules}/alerts-api.yaml`);
    expect(findings[0]!.message).toMatch(/parse error|unexpected/);
  });
});
