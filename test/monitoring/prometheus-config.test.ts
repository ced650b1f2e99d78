/**
 * prometheus.yml as rendered: accepted by the real promtool (kubernetes_sd_configs checked as
 * file_sd_configs, DESIGN §6), and scraping every component the platform exposes metrics on.
 */
import jsyaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkableConfig, prometheusChecker, PROMETHEUS_CONFIG_ID } from '../../validator/deep/prometheus.ts';
import type { K8sResource } from '../../core/types.ts';
import { configMapData, names, NAMESPACE, RELEASE, render, tool, writeTemp } from './render.ts';

interface Relabel {
  source_labels?: string[];
  regex?: string;
  action?: string;
  target_label?: string;
}
interface Job {
  job_name: string;
  metrics_path?: string;
  kubernetes_sd_configs?: { role: string; namespaces?: { names: string[] } }[];
  static_configs?: { targets: string[] }[];
  relabel_configs?: Relabel[];
}
interface PromConfig {
  global: Record<string, string>;
  alerting?: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
  rule_files: string[];
  scrape_configs: Job[];
}

const configOf = (resources: K8sResource[]) => configMapData(resources, names.prometheus)['prometheus.yml']!;

let production: K8sResource[];
let everything: K8sResource[];

beforeAll(async () => {
  [production, everything] = await Promise.all([
    render({ valuesFiles: ['values.production.yaml'] }),
    render({
      values: [
        'monitoring:',
        '  prometheus:',
        '    clusterWideDiscovery: true',
        '    externalLabels: {cluster: eu-1}',
        '    extraScrapeConfigs:',
        '      - job_name: cert-manager',
        '        static_configs: [{targets: ["cert-manager.cert-manager.svc:9402"]}]',
        '  alertmanager:',
        '    replicas: 3',
      ].join('\n'),
    }),
  ]);
});

describe('prometheus.yml', () => {
  it.each([
    ['production', () => production],
    ['cluster-wide, clustered AlertManager, extra scrape config', () => everything],
  ])('passes `promtool check config` (%s)', async (_label, resources) => {
    const promtool = tool('promtool');
    const dir = writeTemp({ 'targets.json': '[]\n' });
    const checkable = checkableConfig(configOf(resources()), `${dir}/targets.json`);
    expect(checkable).not.toContain('kubernetes_sd_configs');
    const path = writeTemp({ 'prometheus.yml': checkable });
    const result = await promtool(['check', 'config', '--syntax-only', 'prometheus.yml'], path);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  it('scrapes the backend, frontend, postgres_exporter, redis_exporter, PgBouncer, Loki and itself, in the release namespace only', () => {
    const config = jsyaml.load(configOf(production)) as PromConfig;
    const jobs = new Map(config.scrape_configs.map((j) => [j.job_name, j]));
    // Production installs the logging tier (Loki joins the named targets) and scrapes the kubelets too
    // (clusterWideDiscovery), for the disk-full alert.
    // `cloudnativepg`: the operator's database pods (the overlays' database; database-modes.test.ts).
    expect([...jobs.keys()]).toEqual(['prometheus', 'backend', 'frontend', 'postgresql', 'pgbouncer', 'redis', 'loki', 'nexus-pods', 'cloudnativepg', 'kube-state-metrics', 'kubelet']);
    expect(jobs.get('prometheus')!.static_configs![0]!.targets).toEqual(['localhost:9090']);
    const expected: Record<string, [string, string]> = {
      backend: ['backend;metrics', '/metrics'],
      frontend: ['frontend;metrics', '/metrics'],
      postgresql: ['postgresql;metrics', '/metrics'],
      pgbouncer: ['pgbouncer;metrics', '/metrics'],
      redis: ['redis;metrics', '/metrics'],
      loki: ['loki;http-metrics', '/metrics'],
    };
    for (const [job, [keep, path]] of Object.entries(expected)) {
      const j = jobs.get(job)!;
      expect(j.metrics_path, job).toBe(path);
      expect(j.kubernetes_sd_configs, job).toEqual([{ role: 'pod', namespaces: { names: [NAMESPACE] } }]);
      const keeps = j.relabel_configs!.filter((r) => r.action === 'keep').map((r) => r.regex);
      expect(keeps, job).toEqual([RELEASE, keep]);
      expect(j.relabel_configs!.map((r) => r.target_label).filter(Boolean), job).toEqual(['namespace', 'pod', 'container', 'component']);
    }
    // Any other pod of the release with a port named `metrics`, minus the components scraped by name.
    const catchAll = jobs.get('nexus-pods')!.relabel_configs!;
    expect(catchAll.find((r) => r.action === 'keep' && r.regex === '.+;metrics')).toBeDefined();
    expect(catchAll.find((r) => r.action === 'drop' && r.regex === '(backend|frontend|postgresql|pgbouncer|redis|loki)')).toBeDefined();
    expect(config.rule_files).toEqual(['/etc/prometheus/rules/*.yaml']);
  });

  it('sends alerts to every AlertManager replica through the headless Service', () => {
    const config = jsyaml.load(configOf(everything)) as PromConfig;
    const am = `${RELEASE}-monitoring-alertmanager`;
    expect(config.alerting!.alertmanagers[0]!.static_configs[0]!.targets).toEqual([0, 1, 2].map((i) => `${am}-${i}.${am}-headless.${NAMESPACE}.svc:9093`));
    expect(config.global.external_labels).toEqual({ cluster: 'eu-1' });
    expect(config.scrape_configs.map((j) => j.job_name)).toEqual(expect.arrayContaining(['kubelet', 'cert-manager']));
  });

  it('the deep check reports a config promtool rejects', async () => {
    expect(await prometheusChecker.check(production)).toEqual([]);
    const broken = production.map((r) =>
      r.kind === 'ConfigMap' && r.name === names.prometheus
        ? { ...r, object: { ...r.object, data: { 'prometheus.yml': configOf(production).replace('scrape_interval: 30s', 'scrape_interval: soon') } } }
        : r,
    );
    const findings = await prometheusChecker.check(broken);
    expect(findings.map((f) => [f.policyId, f.name, f.jsonPointer, f.file])).toEqual([
      [PROMETHEUS_CONFIG_ID, names.prometheus, '/data/prometheus.yml', 'nexus/charts/monitoring/templates/prometheus-configmap.yaml'],
    ]);
    expect(findings[0]!.message).toContain('soon');
  });
});
