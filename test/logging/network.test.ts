/**
 * Reachability through the rendered NetworkPolicies with the logging tier on (both ends' policies,
 * Kubernetes semantics): every documented log flow works, across the two namespaces, and nothing else.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { allowsFlow, endpointOf, type Endpoint, type RenderedDoc } from '../charts/helpers.ts';
import { AGENT_NS, NS, renderLogging } from './render.ts';

let docs: RenderedDoc[];
beforeAll(async () => {
  docs = await renderLogging(undefined, { valuesFiles: ['values.production.yaml'] });
});

const ep = (component: string) => {
  const e = endpointOf(docs, component, NS);
  if (!e) throw new Error(`no pods of component ${component} in the render`);
  return e;
};
const kubeDns: Endpoint = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };
const apiServer: Endpoint = { namespace: 'default', labels: { component: 'apiserver' } };
const internet: Endpoint = { namespace: 'elsewhere', labels: { app: 'anything' } };
const agentNeighbour: Endpoint = { namespace: AGENT_NS, labels: { app: 'other-agent' } };
// The production overlay's PostgreSQL: a CloudNativePG instance as the operator labels it (1.30; not in the render).
const postgres: Endpoint = { namespace: NS, labels: { 'cnpg.io/cluster': 'nexus-database', 'cnpg.io/instanceRole': 'primary', 'cnpg.io/podRole': 'instance' }, namedPorts: { postgresql: 5432, metrics: 9187 } };

describe('log flows', () => {
  it('puts the node agent in its own namespace', () => {
    expect(ep('fluent-bit').namespace).toBe(AGENT_NS);
    expect(ep('loki').namespace).toBe(NS);
  });

  const allowed: [string, () => Endpoint, () => Endpoint, number, string?][] = [
    ['node agent → Loki (across namespaces)', () => ep('fluent-bit'), () => ep('loki'), 3100],
    ['node agent → DNS', () => ep('fluent-bit'), () => kubeDns, 53, 'UDP'],
    ['node agent → API server (pod labels)', () => ep('fluent-bit'), () => apiServer, 443],
    ['backend → OTLP gateway', () => ep('backend'), () => ep('otlp-gateway'), 4318],
    ['frontend → OTLP gateway', () => ep('frontend'), () => ep('otlp-gateway'), 4318],
    ['OTLP gateway → Loki', () => ep('otlp-gateway'), () => ep('loki'), 3100],
    ['Grafana → Loki', () => ep('grafana'), () => ep('loki'), 3100],
    ['Prometheus → Loki metrics', () => ep('prometheus'), () => ep('loki'), 3100],
    ['Loki → DNS', () => ep('loki'), () => kubeDns, 53, 'UDP'],
  ];
  it.each(allowed)('allows %s', (_name, src, dst, port, protocol) => {
    expect(allowsFlow(docs, src(), dst(), port, protocol ?? 'TCP', NS)).toBe(true);
  });

  const denied: [string, () => Endpoint, () => Endpoint, number][] = [
    ['backend → Loki directly', () => ep('backend'), () => ep('loki'), 3100],
    ['another pod of the agent namespace → Loki', () => agentNeighbour, () => ep('loki'), 3100],
    ['the outside → Loki', () => internet, () => ep('loki'), 3100],
    ['node agent → PostgreSQL', () => ep('fluent-bit'), () => postgres, 5432],
    ['node agent → Loki gRPC', () => ep('fluent-bit'), () => ep('loki'), 9095],
    ['node agent → the internet', () => ep('fluent-bit'), () => internet, 80],
    ['Prometheus → node agent (no ingress at all)', () => ep('prometheus'), () => ep('fluent-bit'), 2020],
    ['PostgreSQL → OTLP gateway', () => postgres, () => ep('otlp-gateway'), 4318],
    ['OTLP gateway → the internet', () => ep('otlp-gateway'), () => internet, 443],
    ['Loki → the internet', () => ep('loki'), () => internet, 443],
    ['Grafana → node agent', () => ep('grafana'), () => ep('fluent-bit'), 2020],
  ];
  it.each(denied)('denies %s', (_name, src, dst, port) => {
    expect(allowsFlow(docs, src(), dst(), port, 'TCP', NS)).toBe(false);
  });
});
