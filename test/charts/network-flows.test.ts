/**
 * End-to-end reachability through the rendered NetworkPolicies (both the source's egress and the
 * destination's ingress, with Kubernetes semantics): the documented flows work, and nothing else does.
 * Flows to a component whose pods are not rendered yet are skipped by listing, not by the test.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { COVERED_COMPONENTS } from './coverage.ts';
import { CRD_API_VERSIONS, allowsFlow, endpointOf, renderChart, selectorMatches, type Endpoint, type RenderedDoc } from './helpers.ts';
import { BUNDLED_DATABASE } from '../helpers/database-mode.ts';

const NS = 'nexus-platform';
let docs: RenderedDoc[];
let operatorDocs: RenderedDoc[];
beforeAll(async () => {
  // The chart's own database pods (bundled mode) are in the render, so their flows are checked pod to pod;
  // the overlay as it is (the CloudNativePG operator's pods) is checked below with those pods' labels.
  docs = await renderChart({ valuesFiles: ['values.production.yaml'], set: BUNDLED_DATABASE, namespace: NS, apiVersions: CRD_API_VERSIONS });
  operatorDocs = await renderChart({ valuesFiles: ['values.production.yaml'], namespace: NS, apiVersions: CRD_API_VERSIONS });
});

const kong: Endpoint = { namespace: 'kong', labels: { 'app.kubernetes.io/name': 'kong' } };
const kubeDns: Endpoint = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };
const outsider: Endpoint = { namespace: 'elsewhere', labels: { app: 'curious' } };
const sameNamespaceStranger: Endpoint = { namespace: NS, labels: { app: 'stranger' } };
const ep = (component: string) => {
  const e = endpointOf(docs, component, NS);
  if (!e) throw new Error(`no pods of component ${component} in the render`);
  return e;
};

describe('allowsFlow semantics', () => {
  it('treats a pod no policy selects as open, and isolation per direction', () => {
    const open: RenderedDoc[] = [];
    expect(allowsFlow(open, outsider, sameNamespaceStranger, 80)).toBe(true);
    const denyIngress: RenderedDoc[] = [{ source: 't', object: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'd', namespace: NS }, spec: { podSelector: {} } } }];
    expect(allowsFlow(denyIngress, outsider, sameNamespaceStranger, 80)).toBe(false); // policyTypes defaults to [Ingress]
    expect(allowsFlow(denyIngress, sameNamespaceStranger, outsider, 80)).toBe(true); // egress not isolated
  });

  it('matches named ports against the destination pod', () => {
    const policy: RenderedDoc[] = [
      { source: 't', object: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: NS }, spec: { podSelector: {}, ingress: [{ ports: [{ port: 'http' }] }] } } },
    ];
    const dst = { ...sameNamespaceStranger, namedPorts: { http: 8080 } };
    expect(allowsFlow(policy, outsider, dst, 8080)).toBe(true);
    expect(allowsFlow(policy, outsider, dst, 9090)).toBe(false);
    expect(allowsFlow(policy, outsider, dst, 8080, 'UDP')).toBe(false);
  });
});

describe('production network flows', () => {
  const allowed: [string, () => Endpoint, () => Endpoint, number, string?][] = [
    ['ingress controller → frontend', () => kong, () => ep('frontend'), 3000],
    ['ingress controller → backend', () => kong, () => ep('backend'), 8000],
    ['frontend → backend', () => ep('frontend'), () => ep('backend'), 8000],
    ['smoke test → frontend', () => ep('smoke-test'), () => ep('frontend'), 3000],
    ['smoke test → backend', () => ep('smoke-test'), () => ep('backend'), 8000],
    ['frontend → DNS', () => ep('frontend'), () => kubeDns, 53, 'UDP'],
    ['backend → DNS', () => ep('backend'), () => kubeDns, 53, 'UDP'],
    ['migrations → DNS', () => ep('migrations'), () => kubeDns, 53, 'UDP'],
  ];
  it.each(allowed)('allows %s', (_name, src, dst, port, protocol) => {
    expect(allowsFlow(docs, src(), dst(), port, protocol ?? 'TCP', NS)).toBe(true);
  });

  const denied: [string, () => Endpoint, () => Endpoint, number][] = [
    ['ingress controller → frontend on another port', () => kong, () => ep('frontend'), 8080],
    ['ingress controller → backend metrics', () => kong, () => ep('backend'), 9090],
    ['backend → frontend', () => ep('backend'), () => ep('frontend'), 3000],
    ['another namespace → backend', () => outsider, () => ep('backend'), 8000],
    ['an unrelated pod of the namespace → frontend', () => sameNamespaceStranger, () => ep('frontend'), 3000],
    ['frontend → the internet', () => ep('frontend'), () => outsider, 443],
    ['backend → the internet', () => ep('backend'), () => outsider, 443],
    ['smoke test → backend metrics', () => ep('smoke-test'), () => ep('backend'), 9090],
  ];
  it.each(denied)('denies %s', (_name, src, dst, port) => {
    expect(allowsFlow(docs, src(), dst(), port, 'TCP', NS)).toBe(false);
  });

  /** Flows to the data tiers: checked once their pods are in the render (they are written concurrently). */
  const crossTier: [string, string, number, boolean][] = [
    ['backend', 'pgbouncer', 6432, true],
    ['backend', 'redis', 6379, true],
    ['backend', 'redis', 26379, true],
    // Migrations connect to PostgreSQL directly (transaction pooling breaks advisory locks and SET).
    ['migrations', 'postgresql', 5432, true],
    ['migrations', 'pgbouncer', 6432, false],
    ['prometheus', 'backend', 9090, true],
    ['frontend', 'pgbouncer', 6432, false],
    ['frontend', 'postgresql', 5432, false],
    ['frontend', 'redis', 6379, false],
  ];
  it('allows the stateless tiers exactly their data-tier flows (for the data tiers already rendered)', () => {
    const results = crossTier.map(([src, dst, port, expected]) => {
      const s = endpointOf(docs, src, NS);
      const d = endpointOf(docs, dst, NS);
      if (!s || !d) return `${src} → ${dst}:${port} not rendered`;
      return `${src} → ${dst}:${port} ${allowsFlow(docs, s, d, port, 'TCP', NS) === expected ? 'as expected' : expected ? 'BLOCKED' : 'OPEN'}`;
    });
    expect(results.filter((r) => /BLOCKED|OPEN/.test(r))).toEqual([]);
    // The stateless side of each flow is always present.
    for (const c of COVERED_COMPONENTS) expect(endpointOf(docs, c, NS), c).toBeDefined();
  });

  it('selects the smoke-test pods with the smoke-test policy', () => {
    const smoke = ep('smoke-test');
    expect(selectorMatches({ matchLabels: { 'app.kubernetes.io/component': 'smoke-test' } }, smoke.labels)).toBe(true);
  });
});

describe('production network flows to the CloudNativePG operator\'s pods', () => {
  // The pods the operator creates at run time (not in the render), with the labels and named ports it gives
  // them (CloudNativePG 1.30): the Cluster's instances and the Pooler's PgBouncer. No release policy selects
  // them (they lack the release label), so each flow is decided by its source's egress.
  const instance: Endpoint = { namespace: NS, labels: { 'cnpg.io/cluster': 'nexus-database', 'cnpg.io/instanceRole': 'primary', 'cnpg.io/podRole': 'instance' }, namedPorts: { postgresql: 5432, metrics: 9187, status: 8000 } };
  const pooler: Endpoint = { namespace: NS, labels: { 'cnpg.io/cluster': 'nexus-database', 'cnpg.io/poolerName': 'nexus-database-pgbouncer', 'cnpg.io/podRole': 'pooler' }, namedPorts: { pgbouncer: 5432, metrics: 9127 } };
  const op = (component: string) => {
    const e = endpointOf(operatorDocs, component, NS);
    if (!e) throw new Error(`no pods of component ${component} in the render`);
    return e;
  };
  const flows: [string, () => Endpoint, Endpoint, number, boolean][] = [
    ['backend → Pooler', () => op('backend'), pooler, 5432, true],
    ['backend → instances (the Pooler\'s fallback peer)', () => op('backend'), instance, 5432, true],
    ['migrations → primary (direct, no pooling)', () => op('migrations'), instance, 5432, true],
    ['Prometheus → instances\' metrics', () => op('prometheus'), instance, 9187, true],
    ['Prometheus → Pooler\'s metrics', () => op('prometheus'), pooler, 9127, true],
    ['Prometheus → instances\' PostgreSQL port', () => op('prometheus'), instance, 5432, false],
    ['backend → instances\' metrics', () => op('backend'), instance, 9187, false],
    ['frontend → instances', () => op('frontend'), instance, 5432, false],
    ['frontend → Pooler', () => op('frontend'), pooler, 5432, false],
    ['migrations → Pooler', () => op('migrations'), pooler, 5432, false],
  ];
  it.each(flows)('%s', (_name, src, dst, port, expected) => {
    expect(allowsFlow(operatorDocs, src(), dst, port, 'TCP', NS)).toBe(expected);
  });
});
