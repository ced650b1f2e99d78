/**
 * Disabling a tier removes every object of it and every network rule that names it: its own
 * objects, its NetworkPolicy, the rules other tiers had towards it, its gateway route and its smoke test.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CRD_API_VERSIONS, componentOf, ofKind, renderChart, type K8sObject, type RenderedDoc } from './helpers.ts';

const base = { valuesFiles: ['values.production.yaml'], apiVersions: CRD_API_VERSIONS };

/** Every string value anywhere inside an object (names, label values, selector values, service refs). */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

/** Components a NetworkPolicy selects or names as a peer, from matchLabels and In expressions. */
function componentsNamed(np: K8sObject): Set<string> {
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    const ml = o.matchLabels as Record<string, string> | undefined;
    if (ml?.['app.kubernetes.io/component']) found.add(ml['app.kubernetes.io/component']);
    for (const e of (o.matchExpressions as { key: string; operator: string; values?: string[] }[] | undefined) ?? []) {
      if (e.key === 'app.kubernetes.io/component' && e.operator === 'In') for (const x of e.values ?? []) found.add(x);
    }
    Object.values(o).forEach(walk);
  };
  walk(np.spec);
  return found;
}

let full: RenderedDoc[];
beforeAll(async () => {
  full = await renderChart(base);
});

describe('frontend.enabled=false', () => {
  let docs: RenderedDoc[];
  beforeAll(async () => {
    docs = await renderChart({ ...base, set: { 'frontend.enabled': false } });
  });

  it('the full render does have frontend objects, rules and routes (the test is live)', () => {
    expect(full.filter((d) => componentOf(d.object) === 'frontend').length).toBeGreaterThan(5);
    expect(ofKind(full, 'NetworkPolicy').some((np) => componentsNamed(np).has('frontend'))).toBe(true);
    expect(strings(ofKind(full, 'Ingress'))).toContain('nexus-frontend');
  });

  it('removes every object of the frontend tier', () => {
    expect(docs.filter((d) => d.source.startsWith('nexus/charts/frontend/')).map((d) => d.source)).toEqual([]);
    expect(docs.filter((d) => componentOf(d.object) === 'frontend').map((d) => `${d.object.kind}/${d.object.metadata.name}`)).toEqual([]);
  });

  it('removes every network rule naming the frontend', () => {
    const naming = ofKind(docs, 'NetworkPolicy').filter((np) => componentsNamed(np).has('frontend'));
    expect(naming.map((np) => np.metadata.name)).toEqual([]);
  });

  it('drops the gateway route and the smoke test, and nothing else of the stateless tiers, gateway or umbrella refers to it', () => {
    const ours = docs.filter((d) => /^nexus\/(templates|charts\/(backend|gateway))\//.test(d.source));
    expect(ours.length).toBeGreaterThan(10);
    const mentions = ours.filter((d) => strings(d.object).some((s) => /(^|[-/])frontend($|[-:/.])/.test(s) && s !== 'nexus/frontend')).map((d) => `${d.source} ${d.object.kind}/${d.object.metadata.name}`);
    expect(mentions).toEqual([]);
    const ingress = ofKind(docs, 'Ingress')[0]!;
    const paths = (ingress.spec as { rules: { http: { paths: { path: string }[] } }[] }).rules.flatMap((r) => r.http.paths.map((p) => p.path));
    expect(paths).toEqual(['/api']);
  });

  it('leaves the backend tier whole', () => {
    const kinds = (d: RenderedDoc[]) => d.filter((x) => componentOf(x.object) === 'backend').map((x) => `${x.object.kind}/${x.object.metadata.name}`).sort();
    expect(kinds(docs)).toEqual(kinds(full));
  });
});

describe('backend.enabled=false', () => {
  it('removes the backend objects and the rules the umbrella had towards it', async () => {
    const docs = await renderChart({ ...base, set: { 'backend.enabled': false } });
    expect(docs.filter((d) => d.source.startsWith('nexus/charts/backend/')).map((d) => d.source)).toEqual([]);
    expect(docs.filter((d) => componentOf(d.object) === 'backend' || componentOf(d.object) === 'migrations')).toEqual([]);
    const umbrellaPolicies = ofKind(docs, 'NetworkPolicy').filter((np) => np.metadata.labels?.['app.kubernetes.io/name'] === 'nexus');
    expect(umbrellaPolicies.filter((np) => componentsNamed(np).has('backend')).map((np) => np.metadata.name)).toEqual([]);
    const ingress = ofKind(docs, 'Ingress')[0]!;
    expect(strings(ingress)).not.toContain('nexus-backend');
  });
});
