/**
 * Monitoring flows through every rendered NetworkPolicy (the release default-deny, each tier's
 * allow-list and the monitoring policies), with Kubernetes semantics: only Prometheus scrapes, only
 * Grafana queries Prometheus, only Prometheus reaches AlertManager.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CRD_API_VERSIONS, allowsFlow, endpointOf, renderChart, type Endpoint, type RenderedDoc } from '../charts/helpers.ts';
import { BUNDLED_DATABASE } from '../helpers/database-mode.ts';

const NS = 'nexus-platform';
/** The production overlay as it is (PostgreSQL under CloudNativePG), and with the chart's own PostgreSQL (bundled mode). */
let docs: RenderedDoc[];
let bundledDocs: RenderedDoc[];
const endpoint = (from: RenderedDoc[], component: string): Endpoint => {
  const e = endpointOf(from, component, NS);
  if (!e) throw new Error(`no pods of component ${component} in the render`);
  return e;
};
const ep = (component: string): Endpoint => endpoint(docs, component);
const stranger: Endpoint = { namespace: NS, labels: { app: 'stranger' } };
// A CloudNativePG instance as the operator labels it (1.30; not in the render): metrics on its named port.
const cnpgInstance: Endpoint = { namespace: NS, labels: { 'cnpg.io/cluster': 'nexus-database', 'cnpg.io/instanceRole': 'primary', 'cnpg.io/podRole': 'instance' }, namedPorts: { postgresql: 5432, metrics: 9187 } };

beforeAll(async () => {
  docs = await renderChart({ valuesFiles: ['values.production.yaml'], namespace: NS, apiVersions: CRD_API_VERSIONS });
  bundledDocs = await renderChart({ valuesFiles: ['values.production.yaml'], namespace: NS, apiVersions: CRD_API_VERSIONS, set: BUNDLED_DATABASE });
});

describe('monitoring network flows (production)', () => {
  it('only Grafana queries Prometheus', () => {
    expect(allowsFlow(docs, ep('grafana'), ep('prometheus'), 9090)).toBe(true);
    for (const other of ['backend', 'frontend', 'alertmanager']) expect(allowsFlow(docs, ep(other), ep('prometheus'), 9090), other).toBe(false);
    expect(allowsFlow(docs, stranger, ep('prometheus'), 9090)).toBe(false);
  });

  it('only Prometheus reaches AlertManager', () => {
    expect(allowsFlow(docs, ep('prometheus'), ep('alertmanager'), 9093)).toBe(true);
    for (const other of ['grafana', 'backend']) expect(allowsFlow(docs, ep(other), ep('alertmanager'), 9093), other).toBe(false);
  });

  it('Prometheus may scrape the backend metrics port; nobody else may', () => {
    expect(allowsFlow(docs, ep('prometheus'), ep('backend'), 9090)).toBe(true);
    expect(allowsFlow(docs, ep('grafana'), ep('backend'), 9090)).toBe(false);
    expect(allowsFlow(docs, stranger, ep('backend'), 9090)).toBe(false);
  });

  it('Prometheus reaches postgres_exporter (bundled) and redis_exporter on their `metrics` ports; Grafana does not', () => {
    for (const [from, component, port] of [[bundledDocs, 'postgresql', 9187], [docs, 'redis', 9121]] as const) {
      const target = endpoint(from, component);
      expect(target.namedPorts?.metrics, component).toBe(port);
      expect(allowsFlow(from, endpoint(from, 'prometheus'), target, port), component).toBe(true);
      expect(allowsFlow(from, endpoint(from, 'grafana'), target, port), component).toBe(false);
    }
  });

  it('Prometheus reaches the CloudNativePG instances\' metrics port in the overlay as it is; Grafana does not', () => {
    expect(allowsFlow(docs, ep('prometheus'), cnpgInstance, 9187, 'TCP', NS)).toBe(true);
    expect(allowsFlow(docs, ep('grafana'), cnpgInstance, 9187, 'TCP', NS)).toBe(false);
    expect(allowsFlow(docs, ep('prometheus'), cnpgInstance, 5432, 'TCP', NS)).toBe(false);
  });

  it('Prometheus reaches only the metrics ports: not PostgreSQL, Redis or the API themselves', () => {
    expect(allowsFlow(bundledDocs, endpoint(bundledDocs, 'prometheus'), endpoint(bundledDocs, 'postgresql'), 5432)).toBe(false);
    expect(allowsFlow(docs, ep('prometheus'), ep('redis'), 6379)).toBe(false);
    expect(allowsFlow(docs, ep('prometheus'), ep('backend'), 8000)).toBe(false);
  });

  it('Grafana cannot reach the data tiers or the internet', () => {
    expect(allowsFlow(docs, ep('grafana'), { namespace: 'elsewhere', labels: {} }, 443)).toBe(false);
    expect(allowsFlow(docs, ep('grafana'), ep('backend'), 8000)).toBe(false);
  });
});
