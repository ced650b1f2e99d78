/**
 * Operator mode: with the capability monitoring.coreos.com/v1 the chart emits ServiceMonitor and
 * PrometheusRule objects (valid against @kubernetes-models/prometheus-operator) instead of a
 * Prometheus; without it, nothing CRD-based is rendered unless forced.
 */
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import jsyaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { prometheusChecker } from '../../validator/deep/prometheus.ts';
import type { K8sResource } from '../../core/types.ts';
import { configMapData, monitoringObjects, names, render } from './render.ts';

const OPERATOR_VALUES = ['monitoring:', '  mode: operator', '  operator:', '    prometheusUrl: http://prometheus-operated.monitoring.svc:9090', '    labels: {release: kube-prometheus-stack}'].join('\n');

let withApi: K8sResource[];
let withoutApi: K8sResource[];
let forced: K8sResource[];
let bundled: K8sResource[];

beforeAll(async () => {
  [withApi, withoutApi, forced, bundled] = await Promise.all([
    render({ values: OPERATOR_VALUES, apiVersions: ['monitoring.coreos.com/v1'] }),
    render({ values: OPERATOR_VALUES }),
    render({ values: `${OPERATOR_VALUES}\n    force: true` }),
    render({ apiVersions: ['monitoring.coreos.com/v1'] }),
  ]);
});

const kinds = (rs: K8sResource[]) => monitoringObjects(rs).map((r) => r.kind);

describe('operator mode', () => {
  it('emits ServiceMonitors and a PrometheusRule that validate against the prometheus-operator models', () => {
    const monitors = withApi.filter((r) => r.kind === 'ServiceMonitor' && r.templateFile?.includes('/monitoring/'));
    expect(monitors.map((m) => m.name)).toEqual(['backend', 'frontend', 'postgresql', 'pgbouncer', 'redis'].map((c) => `nexus-monitoring-${c}`));
    for (const m of monitors) {
      expect(() => new ServiceMonitor(m.object as never).validate(), m.name).not.toThrow();
      expect((m.object.metadata as { labels: Record<string, string> }).labels.release).toBe('kube-prometheus-stack');
    }
    const rules = withApi.filter((r) => r.kind === 'PrometheusRule');
    expect(rules).toHaveLength(1);
    expect(() => new PrometheusRule(rules[0]!.object as never).validate()).not.toThrow();
  });

  it('the model validation is real: a malformed ServiceMonitor is rejected', () => {
    expect(() => new ServiceMonitor({ metadata: { name: 'x' }, spec: { endpoints: [{ port: 3 }] } } as never).validate()).toThrow(/selector/);
  });

  it('the PrometheusRule carries the bundled rule groups, and promtool accepts them', async () => {
    type Group = { name: string; rules: { alert?: string }[] };
    const spec = withApi.find((r) => r.kind === 'PrometheusRule')!.object.spec as { groups: Group[] };
    const bundledGroups = Object.entries(configMapData(bundled, names.rules))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .flatMap(([, text]) => (jsyaml.load(text) as { groups: Group[] }).groups);
    // By mode, on purpose: the bundled Prometheus watches its own scrape jobs (NexusScrapeTargetAbsent);
    // the operator's Prometheus, whose jobs the chart does not name, is assumed to scrape cert-manager.
    const without = (groups: Group[], alerts: string[]) => groups.map((g) => ({ ...g, rules: g.rules.filter((r) => !alerts.includes(r.alert ?? '')) }));
    const alertsOf = (groups: Group[]) => groups.flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : [])));
    expect(alertsOf(spec.groups)).toContain('NexusCertificateExpiring');
    expect(alertsOf(spec.groups)).not.toContain('NexusScrapeTargetAbsent');
    expect(alertsOf(bundledGroups)).toContain('NexusScrapeTargetAbsent');
    const modeSpecific = ['NexusCertificateExpiring', 'NexusScrapeTargetAbsent'];
    expect(without(spec.groups, modeSpecific)).toEqual(without(bundledGroups, modeSpecific));
    expect(await prometheusChecker.check(withApi)).toEqual([]);
  });

  it('runs no Prometheus or AlertManager of its own, and points Grafana at the operator Prometheus', () => {
    expect(kinds(withApi)).not.toContain('StatefulSet');
    expect(withApi.find((r) => r.kind === 'Role' && r.templateFile?.includes('/monitoring/'))).toBeUndefined();
    expect(configMapData(withApi, names.grafana)['datasources.yaml']).toContain('url: http://prometheus-operated.monitoring.svc:9090');
  });

  it('renders no CRD objects when the API is not served, unless forced', () => {
    expect(kinds(withoutApi).filter((k) => k === 'ServiceMonitor' || k === 'PrometheusRule')).toEqual([]);
    expect(kinds(forced).filter((k) => k === 'ServiceMonitor' || k === 'PrometheusRule')).toHaveLength(6);
  });

  it('bundled mode never emits them, even when the API is served', () => {
    expect(kinds(bundled).filter((k) => k === 'ServiceMonitor' || k === 'PrometheusRule')).toEqual([]);
  });
});
