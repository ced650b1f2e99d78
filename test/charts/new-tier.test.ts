/**
 * A new stateless tier is data, not templates: copy the generated frontend chart as a third tier
 * (`worker`), register it as a dependency with its values, and the umbrella gives it everything the
 * stateless set promises — Deployment, Service, HPA, PDB, ServiceAccount, ConfigMap, its
 * NetworkPolicy and a smoke test — with no template written for it. (In the repository the same
 * comes from a schema section plus a generator entry; see README "Adding a stateless tier".)
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { UMBRELLA_CHART_DIR } from '../../util/paths.ts';
import { componentOf, ofKind, renderChart, type RenderedDoc } from './helpers.ts';

let dir: string;
let docs: RenderedDoc[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nexus-new-tier-'));
  const chart = join(dir, 'nexus');
  cpSync(UMBRELLA_CHART_DIR, chart, { recursive: true });
  cpSync(join(chart, 'charts', 'frontend'), join(chart, 'charts', 'worker'), { recursive: true });
  const sub = parse(readFileSync(join(chart, 'charts', 'worker', 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(chart, 'charts', 'worker', 'Chart.yaml'), stringify({ ...sub, name: 'worker' }));
  const umbrella = parse(readFileSync(join(chart, 'Chart.yaml'), 'utf8')) as { dependencies: Record<string, unknown>[] };
  umbrella.dependencies.push({ name: 'worker', version: sub.version, condition: 'worker.enabled' });
  writeFileSync(join(chart, 'Chart.yaml'), stringify(umbrella));
  // The umbrella's values.schema.json is closed; a real new tier gets its section from the schema.
  rmSync(join(chart, 'values.schema.json'));
  const values = join(dir, 'worker-values.yaml');
  writeFileSync(values, stringify({ worker: { containerPort: 8080, networkPolicy: { allowTo: [{ tier: 'backend', component: '', ports: [] }] } } }));
  docs = await renderChart({ chartDir: chart, valuesFiles: [values] });
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a third stateless tier', () => {
  it('gets the stateless objects from the shared template set', () => {
    const kinds = docs.filter((d) => componentOf(d.object) === 'worker' && d.source.startsWith('nexus/charts/worker/')).map((d) => d.object.kind).sort();
    expect(kinds).toEqual(['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Service', 'ServiceAccount']);
    expect(ofKind(docs, 'Deployment').find((d) => componentOf(d) === 'worker')!.metadata.name).toBe('nexus-worker');
  });

  it('gets its NetworkPolicy and smoke test from the umbrella, which discovers it', () => {
    const np = ofKind(docs, 'NetworkPolicy').find((p) => componentOf(p) === 'worker')!;
    expect(np.metadata.name).toBe('nexus-worker');
    const egress = (np.spec as { egress: { to: { podSelector: { matchLabels: Record<string, string> } }[]; ports: { port: number }[] }[] }).egress;
    expect(egress.map((r) => `${r.to[0]!.podSelector.matchLabels['app.kubernetes.io/component']}:${r.ports[0]!.port}`)).toEqual(['backend:8000']);
    const smoke = ofKind(docs, 'Pod').map((p) => p.metadata.name);
    expect(smoke).toContain('nexus-smoke-test-worker');
  });
});
