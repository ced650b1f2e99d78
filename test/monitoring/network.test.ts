/**
 * Monitoring flows through every rendered NetworkPolicy (the release default-deny, each tier's
 * allow-list and the monitoring policies), with Kubernetes semantics: only Prometheus scrapes, only
 * Grafana queries Prometheus, only Prometheus reaches AlertManager.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CRD_API_VERSIONS, allowsFlow, endpointOf, renderChart, type Endpoint, type RenderedDoc } from '../charts/helpers.ts';

const NS = 'nexus-platform';
let docs: RenderedDoc[];
const ep = (component: string): Endpoint => {
  const e = endpointOf(docs, component, NS);
  if (!e) throw new Error(`no pods of component ${component} in the render`);
  return e;
};
const stranger: Endpoint = { namespace: NS, labels: { app: 'stranger' } };

beforeAll(async () => {
  docs = await renderChart({ valuesFiles: ['values.production.yaml'], namespace: NS, apiVersions: CRD_API_VERSIONS });
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

  it('Prometheus reaches postgres_exporter and redis_exporter on their `metrics` ports; Grafana does not', () => {
    for (const [component, port] of [['postgresql', 9187], ['redis', 9121]] as const) {
      expect(ep(component).namedPorts?.metrics, component).toBe(port);
      expect(allowsFlow(docs, ep('prometheus'), ep(component), port), component).toBe(true);
      expect(allowsFlow(docs, ep('grafana'), ep(component), port), component).toBe(false);
    }
  });

  it('Prometheus reaches only the metrics ports: not PostgreSQL, Redis or the API themselves', () => {
    expect(allowsFlow(docs, ep('prometheus'), ep('postgresql'), 5432)).toBe(false);
    expect(allowsFlow(docs, ep('prometheus'), ep('redis'), 6379)).toBe(false);
    expect(allowsFlow(docs, ep('prometheus'), ep('backend'), 8000)).toBe(false);
  });

  it('Grafana cannot reach the data tiers or the internet', () => {
    expect(allowsFlow(docs, ep('grafana'), { namespace: 'elsewhere', labels: {} }, 443)).toBe(false);
    expect(allowsFlow(docs, ep('grafana'), ep('backend'), 8000)).toBe(false);
  });
});
