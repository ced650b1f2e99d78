/**
 * The defaults (no overlay) install on a plain cluster: every Secret, ConfigMap and ServiceAccount the
 * rendered objects reference is rendered too (outside production the charts generate the credentials,
 * and upgrades keep them through lookup), hooks run in an order that can succeed, and no default image
 * resolves to somebody else's Docker Hub repository.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureKey, harnessChart } from '../helpers/chart-harness.ts';
import { componentOf, isHook, ofKind, podTemplateOf, references, renderChart, type K8sObject, type RenderedDoc } from './helpers.ts';

type Any = Record<string, any>;

/** Objects every namespace has without any chart (kube-controller-manager publishes the cluster CA). */
const CLUSTER_PROVIDED = ['ConfigMap/kube-root-ca.crt'];

function missingReferences(docs: RenderedDoc[]): string[] {
  const rendered = new Set([...CLUSTER_PROVIDED, ...docs.map((d) => `${d.object.kind}/${d.object.metadata.name}`)]);
  return docs.flatMap((d) => references(d.object)).filter((r) => !rendered.has(`${r.kind}/${r.name}`)).map((r) => `${r.from} → ${r.kind}/${r.name}`);
}

const NAMESPACE = 'nexus-platform';
let defaults: RenderedDoc[];

beforeAll(async () => {
  defaults = await renderChart({ namespace: NAMESPACE });
});

describe('the defaults install on a plain cluster', () => {
  it('render every Secret, ConfigMap and ServiceAccount their objects reference', () => {
    expect(defaults.flatMap((d) => references(d.object)).length).toBeGreaterThan(20);
    expect(missingReferences(defaults)).toEqual([]);
  });

  it('generate the database, cache and Grafana admin credentials (random; data credentials kept on uninstall) and a self-signed Ingress certificate', () => {
    // (The rotation hook's Secret is no credential of its own: it hands the next password to the pre-upgrade Job.)
    expect(ofKind(defaults, 'Secret').filter(isHook).map((s) => s.metadata.name).sort()).toEqual(['nexus-cache-rotation', 'nexus-database-rotation']);
    const secrets = Object.fromEntries(ofKind(defaults, 'Secret').filter((s) => !isHook(s)).map((s) => [s.metadata.name, s as Any]));
    expect(Object.keys(secrets).sort()).toEqual(['nexus-cache', 'nexus-database', 'nexus-gateway-tls', 'nexus-monitoring-grafana-admin']);
    // Grafana never falls back to admin/admin.
    expect(Buffer.from(secrets['nexus-monitoring-grafana-admin']!.data['admin-password'], 'base64').toString()).toMatch(/^[A-Za-z0-9]{32}$/);
    const db = secrets['nexus-database']!;
    const decoded = Object.values(db.data as Record<string, string>).map((v) => Buffer.from(v, 'base64').toString());
    for (const v of decoded) expect(v).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(new Set(decoded).size).toBe(2);
    expect(db.metadata.annotations['helm.sh/resource-policy']).toBe('keep');
    expect(secrets['nexus-cache']!.metadata.annotations['helm.sh/resource-policy']).toBe('keep');
    expect(secrets['nexus-gateway-tls']!.type).toBe('kubernetes.io/tls');
    expect(Buffer.from(secrets['nexus-gateway-tls']!.data['tls.crt'], 'base64').toString()).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it('run the migrations after the bundled database exists (post-install), before new pods on upgrade (pre-upgrade)', () => {
    const hooks = defaults.map((d) => d.object).filter((o) => componentOf(o) === 'migrations');
    expect(hooks.map((o) => o.kind).sort()).toEqual(['Job', 'NetworkPolicy', 'ServiceAccount']);
    for (const o of hooks) expect(o.metadata.annotations?.['helm.sh/hook'], o.kind).toBe('post-install,pre-upgrade');
    const job = hooks.find((o) => o.kind === 'Job')!;
    const weight = (o: K8sObject) => Number(o.metadata.annotations?.['helm.sh/hook-weight']);
    for (const o of hooks.filter((h) => h !== job)) expect(weight(o), o.kind).toBeLessThan(weight(job));
    // Patient retries: a post-install Job may start while PostgreSQL is still starting.
    expect((job.spec as Any).backoffLimit).toBeGreaterThanOrEqual(6);
  });

  it('keep pre-install for an external database, so its schema is ready before the first pods', async () => {
    const docs = await renderChart({ set: { 'database.enabled': false, 'backend.database.host': 'db.example.internal' } });
    const job = ofKind(docs, 'Job').find((j) => componentOf(j) === 'migrations')!;
    expect(job.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
  });

  it('delete hook objects once they succeed (a failed Job stays for its logs, then its TTL removes it)', () => {
    for (const o of defaults.map((d) => d.object).filter((x) => isHook(x) && x.metadata.annotations!['helm.sh/hook'] !== 'test')) {
      const policy = o.metadata.annotations!['helm.sh/hook-delete-policy']?.split(',') ?? [];
      expect(policy, `${o.kind}/${o.metadata.name}`).toEqual(expect.arrayContaining(['before-hook-creation', 'hook-succeeded']));
      if (o.kind === 'Job') expect((o.spec as Any).ttlSecondsAfterFinished, o.metadata.name).toBeGreaterThan(0);
    }
  });

  it('never pull an application image from somebody else\'s Docker Hub repository', () => {
    const images = defaults.flatMap((d) => {
      const t = podTemplateOf(d.object);
      return t ? [...(t.spec.initContainers ?? []), ...t.spec.containers].map((c) => c.image!) : [];
    });
    const app = images.filter((i) => /\/nexus\/(frontend|backend):/.test(i));
    expect(app.length).toBeGreaterThan(2);
    for (const i of app) expect(i).toMatch(/^registry\.invalid\/nexus\/(frontend|backend):/);
  });
});

describe('generated credentials across upgrades (lookup, through the fixture harness)', () => {
  const live = (password: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'nexus-database' }, data: { password: Buffer.from(password).toString('base64'), 'postgres-password': Buffer.from(`${password}-admin`).toString('base64') } });

  it('an upgrade keeps the passwords of the live Secret (the data volume was initialised with them)', async () => {
    const docs = await renderChart({ chartDir: harnessChart(), namespace: NAMESPACE, set: {}, valuesJson: { global: { lookupFixtures: { [fixtureKey('v1', 'Secret', NAMESPACE, 'nexus-database')]: live('kept') } } } });
    const data = (ofKind(docs, 'Secret').find((s) => s.metadata.name === 'nexus-database') as Any).data;
    expect(Buffer.from(data.password, 'base64').toString()).toBe('kept');
    expect(Buffer.from(data['postgres-password'], 'base64').toString()).toBe('kept-admin');
  });

  it('an inline development password wins over the live one', async () => {
    const docs = await renderChart({ chartDir: harnessChart(), namespace: NAMESPACE, set: { 'database.auth.password': 'dev' }, valuesJson: { global: { lookupFixtures: { [fixtureKey('v1', 'Secret', NAMESPACE, 'nexus-database')]: live('kept') } } } });
    const data = (ofKind(docs, 'Secret').find((s) => s.metadata.name === 'nexus-database') as Any).data;
    expect(Buffer.from(data.password, 'base64').toString()).toBe('dev');
  });

  it('production renders no Secret at all (credentials come from existing Secrets)', async () => {
    const docs = await renderChart({ valuesFiles: ['values.production.yaml'], set: { 'frontend.image.registry': 'ghcr.io/acme', 'backend.image.registry': 'ghcr.io/acme' } });
    expect(ofKind(docs, 'Secret').map((s) => s.metadata.name)).toEqual([]);
  });
});
