/**
 * The committed environment renders pass every policy: zero findings at warning or above (exempted
 * findings are allowed only with a reason). Real helm 4, with and without the CRD API groups the charts
 * gate on, so ServiceMonitor/VPA/HTTPRoute objects are judged too; and every mode a user can switch on,
 * in both overlays, rendered with explicit values (not what an overlay happens to choose today).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluatePolicies } from '../../policies/engine.ts';
import type { K8sResource } from '../../core/types.ts';
import { CRD_API_VERSIONS, ENV_FILES, renderChart } from '../charts/helpers.ts';
import { CLOUDNATIVEPG_API_VERSIONS } from '../helpers/database-mode.ts';

async function resources(valuesFile: string, apiVersions: readonly string[]): Promise<K8sResource[]> {
  const docs = await renderChart({ valuesFiles: [valuesFile], apiVersions, namespace: 'nexus' });
  return docs.map((d, docIndex) => ({
    source: valuesFile,
    docIndex,
    line: 1,
    templateFile: d.source,
    apiVersion: d.object.apiVersion,
    kind: d.object.kind,
    name: d.object.metadata.name,
    ...(d.object.metadata.namespace ? { namespace: d.object.metadata.namespace } : {}),
    object: d.object,
  }));
}

describe.each(ENV_FILES.map((f) => [f]))('policies on the %s render', (valuesFile) => {
  const environment = valuesFile.replace(/^values\.|\.yaml$/g, '');
  it.each([
    ['without CRDs', [] as readonly string[]],
    ['with the CRD API groups', CRD_API_VERSIONS],
  ])('has no finding at warning or above (%s)', async (_label, apiVersions) => {
    const r = await resources(valuesFile, apiVersions);
    expect(r.length).toBeGreaterThan(30);
    const findings = evaluatePolicies(r, { environment, namespace: 'nexus' });
    const blocking = findings.filter((f) => !f.exemption && f.severity !== 'info');
    expect(blocking.map((f) => `${f.file} ${f.kind}/${f.name} ${f.policyId} ${f.jsonPointer}: ${f.message}`)).toEqual([]);
    for (const f of findings.filter((x) => x.exemption)) expect(f.exemption!.reason.trim().length).toBeGreaterThan(10);
  });
});

describe('policies on the production render in monitoring operator mode', () => {
  const OPERATOR = [
    'global:',
    '  metricsScrapers:',
    '    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}',
    '      podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}',
    'monitoring:',
    '  mode: operator',
    '  operator:',
    '    prometheusUrl: http://prometheus-operated.monitoring.svc:9090',
    '    labels: {release: kube-prometheus-stack}',
  ].join('\n');

  // The chart's own PostgreSQL (its exporters behind the release's NetworkPolicies), and the overlay as it is
  // (CloudNativePG): the Cluster's PodMonitors scrape the operator's pods, so the ServiceMonitor targets name
  // only the release's own Services (README "Monitoring a CloudNativePG database with a Prometheus Operator").
  const VARIANTS = [
    ['bundled database', ['database:', '  mode: bundled', 'backend:', '  database:', '    caSecret: nexus-db-tls']],
    ['CloudNativePG database', ['database:', '  cloudnativepg:', '    podMonitor: {enabled: true}', 'monitoring:', '  scrapeTargets:', ...['backend', 'frontend', 'redis'].map((c) => `    - {component: ${c}, portName: metrics, path: /metrics}`)]],
  ] as const;

  it.each(VARIANTS)('%s: admits the operator-managed Prometheus to every metrics port and has no finding at warning or above', async (variant, extra) => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-operator-'));
    try {
      const file = join(dir, 'operator.yaml');
      writeFileSync(file, `${OPERATOR}\n`);
      const variantFile = join(dir, 'variant.yaml');
      writeFileSync(variantFile, `${extra.join('\n')}\n`);
      const docs = await renderChart({ valuesFiles: ['values.production.yaml', file, variantFile], apiVersions: CRD_API_VERSIONS, namespace: 'nexus' });
      const r = docs.map((d, docIndex) => ({ source: 'operator', docIndex, line: 1, templateFile: d.source, apiVersion: d.object.apiVersion, kind: d.object.kind, name: d.object.metadata.name, ...(d.object.metadata.namespace ? { namespace: d.object.metadata.namespace } : {}), object: d.object }) as K8sResource);
      expect(r.some((x) => x.kind === 'ServiceMonitor')).toBe(true);
      expect(r.filter((x) => x.kind === 'PodMonitor').map((x) => x.name)).toEqual(variant === 'bundled database' ? [] : ['nexus-database', 'nexus-database-pgbouncer']);
      // Every ingress rule that lets a Prometheus in now names the operator's pods, never the absent bundled one.
      const scraperRules = r
        .filter((x) => x.kind === 'NetworkPolicy')
        .flatMap((np) => ((np.object.spec as { ingress?: { from?: Record<string, unknown>[] }[] }).ingress ?? []).filter((rule) => JSON.stringify(rule.from ?? []).includes('prometheus')));
      expect(scraperRules.length).toBeGreaterThan(2);
      for (const rule of scraperRules) expect(rule.from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }]);
      const blocking = evaluatePolicies(r, { environment: 'production', namespace: 'nexus' }).filter((f) => !f.exemption && f.severity !== 'info');
      expect(blocking.map((f) => `${f.file} ${f.kind}/${f.name} ${f.policyId} ${f.jsonPointer}: ${f.message}`)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Every API group the chart can gate on: CRD-backed objects of each mode are rendered and judged. */
const ALL_API_VERSIONS = [...CRD_API_VERSIONS, ...CLOUDNATIVEPG_API_VERSIONS];
const RDS = 'nexus.abc123.eu-west-1.rds.amazonaws.com';
const ELASTICACHE = 'master.nexus-cache.abc123.euw1.cache.amazonaws.com';

type Marker = (r: readonly K8sResource[]) => boolean;
const has = (kind: string, name?: RegExp): Marker => (r) => r.some((x) => x.kind === kind && (!name || name.test(x.name)));
const not = (m: Marker): Marker => (r) => !m(r);

/**
 * Each mode as the values a user sets for it (the same shapes the chart tests of each mode use), and an
 * object that shows the mode really rendered.
 */
const MODES: [string, Record<string, unknown>, Marker][] = [
  ['database.mode bundled', { database: { mode: 'bundled' }, backend: { database: { caSecret: 'nexus-db-tls' } } }, has('StatefulSet', /database/)],
  ['database.mode cloudnativepg', { database: { mode: 'cloudnativepg', backup: { objectStorage: { bucket: 'nexus-backups/prod', existingSecret: 'nexus-backup-s3' } } } }, has('Cluster')],
  [
    'database.mode external',
    {
      database: { mode: 'external', auth: { existingSecret: 'rds-app' }, external: { host: RDS, caSecret: 'rds-ca-bundle', egress: { cidrs: ['10.30.0.0/16'] } } },
      backend: { database: { host: RDS, port: 5432, existingSecret: 'rds-app', sslMode: 'verify-full', caSecret: 'rds-ca-bundle' } },
    },
    (r) => has('ConfigMap', /database-external/)(r) && not(has('StatefulSet', /database/))(r) && not(has('Cluster'))(r),
  ],
  [
    'cache.mode external',
    {
      cache: {
        mode: 'external',
        external: { host: ELASTICACHE, port: 6380, tls: { caSecret: 'elasticache-ca' }, auth: { existingSecret: 'elasticache-auth', usernameKey: 'username', passwordKey: 'password' }, egress: { cidrs: ['10.20.0.0/16'] } },
      },
      backend: { redis: { host: ELASTICACHE, port: 6380, sentinel: { enabled: false }, tls: { enabled: true, caSecret: 'elasticache-ca' }, existingSecret: 'elasticache-auth', usernameKey: 'username', passwordKey: 'password' } },
      gateway: { rateLimiting: { redis: { host: ELASTICACHE, port: 6380, ssl: true, existingSecret: 'elasticache-auth', usernameKey: 'username', passwordKey: 'password' } } },
    },
    not(has('StatefulSet', /cache/)),
  ],
  ['gateway.mode gatewayAPI', { gateway: { mode: 'gatewayAPI', gatewayAPI: { gatewayName: 'edge', gatewayNamespace: 'gateways', sectionName: 'https' } } }, (r) => has('HTTPRoute')(r) && not(has('Ingress'))(r)],
  ['logging on', { logging: { enabled: true } }, (r) => has('StatefulSet', /loki/)(r) && has('DaemonSet', /fluent/)(r)],
  [
    'monitoring operator mode',
    {
      global: { metricsScrapers: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }] },
      // The overlays' CloudNativePG database is scraped through its Cluster's PodMonitors; the ServiceMonitor
      // targets name the release's own Services (README "Monitoring a CloudNativePG database with a Prometheus Operator").
      monitoring: { mode: 'operator', operator: { prometheusUrl: 'http://prometheus-operated.monitoring.svc:9090', labels: { release: 'kube-prometheus-stack' } }, scrapeTargets: ['backend', 'frontend', 'redis'].map((component) => ({ component, portName: 'metrics', path: '/metrics' })) },
      database: { cloudnativepg: { podMonitor: { enabled: true } } },
    },
    (r) => has('ServiceMonitor')(r) && has('PodMonitor')(r) && not(has('Deployment', /prometheus/))(r) && not(has('StatefulSet', /prometheus/))(r),
  ],
];

describe.each(ENV_FILES.map((f) => [f]))('policies on the %s render in every mode', (valuesFile) => {
  const environment = valuesFile.replace(/^values\.|\.yaml$/g, '');
  it.each(MODES)('%s: no finding at warning or above', async (mode, values, rendered) => {
    const docs = await renderChart({ valuesFiles: [valuesFile], valuesJson: values, apiVersions: ALL_API_VERSIONS, namespace: 'nexus' });
    const r = docs.map((d, docIndex) => ({ source: `${valuesFile} (${mode})`, docIndex, line: 1, templateFile: d.source, apiVersion: d.object.apiVersion, kind: d.object.kind, name: d.object.metadata.name, ...(d.object.metadata.namespace ? { namespace: d.object.metadata.namespace } : {}), object: d.object }) as K8sResource);
    expect(r.length).toBeGreaterThan(30);
    expect(rendered(r), `the render shows ${mode}`).toBe(true);
    const findings = evaluatePolicies(r, { environment, namespace: 'nexus' });
    const blocking = findings.filter((f) => !f.exemption && f.severity !== 'info');
    expect(blocking.map((f) => `${f.file} ${f.kind}/${f.name} ${f.policyId} ${f.jsonPointer}: ${f.message}`)).toEqual([]);
    for (const f of findings.filter((x) => x.exemption)) expect(f.exemption!.reason.trim().length).toBeGreaterThan(10);
  });
});
