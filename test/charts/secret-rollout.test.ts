/**
 * Pods roll when a Secret they read changes. Rendered Secrets are hashed from their rendered content
 * (nexus.checksum); Secrets the release does not render (existingSecret, ExternalSecret targets, the
 * extras' references) from their LIVE data at `helm upgrade` (`checksum/external-secrets`, through
 * nexus.lookup, here fed fixture objects by the chart harness). Offline the annotation is absent, so
 * `helm template` stays byte-stable. global.secretReloader adds Reloader annotations for rotations
 * between upgrades.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PlatformConfigBase, prerequisites } from '../../schema/index.ts';
import { PROJECT_ROOT } from '../../util/paths.ts';
import type { HelmFlavour } from '../../validator/helm.ts';
import { fixtureKey, harnessChart } from '../helpers/chart-harness.ts';
import { BUNDLED_DATABASE, BUNDLED_DATABASE_SET } from '../helpers/database-mode.ts';
import { helm, parseManifests, podTemplateOf, references, type K8sObject, WORKLOAD_KINDS } from './helpers.ts';

type Any = Record<string, any>;
const NAMESPACE = 'nexus-platform';
const PRODUCTION = 'values.production.yaml';
/**
 * The overlay with the chart's own database (bundled mode): which pods roll for the database password
 * (the backend and PgBouncer, never PostgreSQL) is a question about pods the chart renders.
 */
const overlay = (file: string) => {
  const values = parse(readFileSync(join(PROJECT_ROOT, file), 'utf8'), { version: '1.1' }) as Any;
  values.database.mode = BUNDLED_DATABASE['database.mode'];
  values.backend.database.caSecret = BUNDLED_DATABASE['backend.database.caSecret'];
  return values as Record<string, unknown>;
};

/** The live cluster: every prerequisite Secret of the overlay (with the given data per Secret), plus the CA probe. */
function cluster(file: string, data: Record<string, Record<string, string>> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {
    [fixtureKey('v1', 'ConfigMap', NAMESPACE, 'kube-root-ca.crt')]: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt' }, data: { 'ca.crt': 'x' } },
  };
  for (const p of prerequisites(PlatformConfigBase.parse(overlay(file)))) {
    if (p.kind === 'Secret') {
      const body = data[p.name] ?? Object.fromEntries(p.keys.map((k) => [k, Buffer.from(`${p.name}/${k}`).toString('base64')]));
      out[fixtureKey('v1', 'Secret', NAMESPACE, p.name)] = { apiVersion: 'v1', kind: 'Secret', metadata: { name: p.name }, type: p.type ?? 'Opaque', data: body };
    }
    if (p.kind === 'StorageClass') out[fixtureKey('storage.k8s.io/v1', 'StorageClass', '', p.name)] = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: p.name } };
    if (p.kind === 'IngressClass') out[fixtureKey('networking.k8s.io/v1', 'IngressClass', '', p.name)] = { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: p.name } };
    if (p.kind === 'ClusterIssuer') out[fixtureKey('cert-manager.io/v1', 'ClusterIssuer', '', p.name)] = { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: p.name } };
  }
  return out;
}

async function renderLive(flavour: HelmFlavour, file: string, live: Record<string, unknown> | undefined, set: string[] = []): Promise<K8sObject[]> {
  const args = ['template', 'nexus', harnessChart(), '--namespace', NAMESPACE, '-f', join(PROJECT_ROOT, file)];
  if (live) {
    const values = join(mkdtempSync(join(tmpdir(), 'nexus-live-')), 'live.json');
    // The prerequisites check (its own test) would also want the CRD APIs; this test is about Secrets.
    writeFileSync(values, JSON.stringify({ global: { lookupFixtures: live, checkPrerequisites: false } }));
    args.push('-f', values);
  }
  const r = await helm(flavour, [...args, ...[...BUNDLED_DATABASE_SET, ...set].flatMap((s) => ['--set', s])]);
  if (r.code !== 0) throw new Error(`helm template failed:\n${r.stderr}`);
  return parseManifests(r.stdout).map((d) => d.object);
}

const podAnnotations = (o: K8sObject): Record<string, string> => ((o.spec as Any)?.template?.metadata?.annotations ?? {}) as Record<string, string>;
const workloads = (objects: K8sObject[]) => objects.filter((o) => WORKLOAD_KINDS.has(o.kind));
/**
 * The Secrets a workload's pods read that the release does not render (image pull Secrets are not read
 * by the pods: the kubelet uses them at pull time, so a change there needs no roll).
 */
function externalSecretsOf(o: K8sObject, objects: K8sObject[]): string[] {
  const rendered = new Set(objects.filter((x) => x.kind === 'Secret').map((x) => x.metadata.name));
  const pull = new Set(((podTemplateOf(o)?.spec as Any)?.imagePullSecrets ?? []).map((s: Any) => s.name as string));
  return [...new Set(references(o).filter((r) => r.kind === 'Secret' && !rendered.has(r.name) && !pull.has(r.name)).map((r) => r.name))].sort();
}
const key = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;
/**
 * Credentials read only at start, whose rotation the hooks apply in place (a restart would end every
 * session): they roll nothing on these workloads.
 */
const NO_ROLL: Record<string, string[]> = { 'StatefulSet/nexus-database': ['nexus-db-credentials'], 'StatefulSet/nexus-cache': ['nexus-redis-credentials'] };

describe.each(['helm4', 'helm3'] as HelmFlavour[])('checksum of the live Secrets a pod reads (%s)', (flavour) => {
  it('every workload reading an existing Secret carries its checksum; a changed Secret rolls exactly its readers', async () => {
    const before = await renderLive(flavour, PRODUCTION, cluster(PRODUCTION));
    const readers = workloads(before).filter((o) => externalSecretsOf(o, before).length > 0);
    // The production overlay names existing Secrets for the database, cache, Grafana and AlertManager.
    expect(readers.map(key).length).toBeGreaterThanOrEqual(5);
    for (const o of workloads(before)) {
      const sum = podAnnotations(o)['checksum/external-secrets'];
      const rolling = externalSecretsOf(o, before).filter((n) => !(NO_ROLL[key(o)] ?? []).includes(n));
      if (rolling.length) expect(sum, key(o)).toMatch(/^[0-9a-f]{64}$/);
      else expect(sum, key(o)).toBeUndefined();
    }
    // The Redis nodes roll on their TLS Secret only (the loop above: their credentials are NO_ROLL).
    expect(externalSecretsOf(before.find((o) => key(o) === 'StatefulSet/nexus-cache')!, before)).toEqual(['nexus-redis-credentials', 'nexus-redis-tls']);
    // The Redis password is rotated in its existing Secret: the readers of that Secret, and only they, change,
    // except the Redis nodes themselves, which the rotation hooks give both passwords (rotation-redis test):
    // a restart would drop the old password while the application still uses it.
    const redisSecret = 'nexus-redis-credentials';
    const after = await renderLive(flavour, PRODUCTION, cluster(PRODUCTION, { [redisSecret]: { 'redis-password': Buffer.from('rotated').toString('base64'), 'redis-admin-password': Buffer.from('same').toString('base64') } }));
    const changed = workloads(after).filter((o) => podAnnotations(o)['checksum/external-secrets'] !== podAnnotations(before.find((b) => key(b) === key(o))!)['checksum/external-secrets']).map(key).sort();
    const redisReaders = workloads(before).filter((o) => externalSecretsOf(o, before).includes(redisSecret)).map(key).sort();
    // The master endpoint (HAProxy) reads its role-check password there too; stateless, it rolls with any change.
    expect(redisReaders).toEqual(['Deployment/nexus-backend', 'Deployment/nexus-cache-master', 'StatefulSet/nexus-cache']);
    expect(changed).toEqual(['Deployment/nexus-backend', 'Deployment/nexus-cache-master']);
    // The database password rolls PgBouncer and the backend, never the PostgreSQL primary: PostgreSQL reads
    // the passwords only at initdb, and the rotation hook Job applies a new one (rotation-postgres test).
    const dbSecret = 'nexus-db-credentials';
    const rotatedDb = await renderLive(flavour, PRODUCTION, cluster(PRODUCTION, { [dbSecret]: { password: Buffer.from('rotated').toString('base64'), 'postgres-password': Buffer.from('same').toString('base64') } }));
    const dbChanged = workloads(rotatedDb).filter((o) => podAnnotations(o)['checksum/external-secrets'] !== podAnnotations(before.find((b) => key(b) === key(o))!)['checksum/external-secrets']).map(key).sort();
    expect(dbChanged).toEqual(['Deployment/nexus-backend', 'Deployment/nexus-database-pgbouncer']);
    expect(externalSecretsOf(before.find((o) => key(o) === 'StatefulSet/nexus-database')!, before)).toContain(dbSecret);
    // Nothing else of any pod template moved.
    for (const o of workloads(after)) {
      const b = before.find((x) => key(x) === key(o))!;
      const strip = (x: K8sObject) => ({ ...podTemplateOf(x), annotations: { ...podAnnotations(x), 'checksum/external-secrets': '' } });
      expect(strip(o), key(o)).toEqual(strip(b));
    }
  });

  it('offline (lookup returns nothing) there is no checksum annotation, so `helm template` is byte-stable', async () => {
    const offline = await renderLive(flavour, PRODUCTION, undefined);
    for (const o of workloads(offline)) expect(podAnnotations(o)['checksum/external-secrets'], key(o)).toBeUndefined();
  });
});

describe('Reloader annotations (global.secretReloader)', () => {
  it('none (the default): no Reloader annotation on any object', async () => {
    const objects = await renderLive('helm4', PRODUCTION, undefined);
    for (const o of objects) expect(Object.keys(o.metadata.annotations ?? {}).filter((k) => k.includes('reloader.stakater.com')), key(o)).toEqual([]);
  });

  it('auto: every workload carries reloader.stakater.com/auto; pod templates and other objects do not', async () => {
    const objects = await renderLive('helm4', PRODUCTION, undefined, ['global.secretReloader=auto']);
    expect(workloads(objects).length).toBeGreaterThan(5);
    for (const o of workloads(objects)) expect(o.metadata.annotations?.['reloader.stakater.com/auto'], key(o)).toBe('true');
    for (const o of objects.filter((x) => !WORKLOAD_KINDS.has(x.kind))) expect(o.metadata.annotations?.['reloader.stakater.com/auto'], key(o)).toBeUndefined();
    for (const o of workloads(objects)) expect(podAnnotations(o)['reloader.stakater.com/auto'], key(o)).toBeUndefined();
  });

  it('named: each workload lists exactly the existing Secrets its pods read (extras included)', async () => {
    const objects = await renderLive('helm4', PRODUCTION, undefined, ['global.secretReloader=named', 'backend.extraEnv[0].name=API_TOKEN', 'backend.extraEnv[0].valueFrom.secretKeyRef.name=api-token', 'backend.extraEnv[0].valueFrom.secretKeyRef.key=token']);
    let named = 0;
    for (const o of workloads(objects)) {
      const expected = externalSecretsOf(o, objects);
      const value = o.metadata.annotations?.['secret.reloader.stakater.com/reload'];
      if (expected.length) {
        named++;
        expect(value?.split(','), key(o)).toEqual(expected);
      } else expect(value, key(o)).toBeUndefined();
    }
    expect(named).toBeGreaterThanOrEqual(5);
    expect(objects.find((o) => key(o) === 'Deployment/nexus-backend')!.metadata.annotations?.['secret.reloader.stakater.com/reload']).toBe('api-token,nexus-db-credentials,nexus-db-tls,nexus-redis-credentials,nexus-redis-tls');
  });
});

describe('the PostgreSQL rotation hook reads the NEW password (rendered credentials)', () => {
  it('outside production, with the chart-rendered Secret, a hook Secret hands the Job the new inline password and the live superuser password stays in use', async () => {
    const live = {
      [fixtureKey('v1', 'Secret', NAMESPACE, 'nexus-database')]: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'nexus-database' }, data: { password: Buffer.from('old').toString('base64'), 'postgres-password': Buffer.from('old').toString('base64') } },
    };
    const values = join(mkdtempSync(join(tmpdir(), 'nexus-live-')), 'live.json');
    writeFileSync(values, JSON.stringify({ global: { lookupFixtures: live, checkPrerequisites: false }, database: { auth: { password: 'new-dev-password' } } }));
    const r = await helm('helm4', ['template', 'nexus', harnessChart(), '--namespace', NAMESPACE, '-f', values, '--is-upgrade']);
    expect(r.code, r.stderr).toBe(0);
    const objects = parseManifests(r.stdout).map((d) => d.object) as Any[];
    const hookSecret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === 'nexus-database-rotation')!;
    expect(hookSecret.metadata.annotations['helm.sh/hook']).toBe('pre-upgrade');
    expect(Object.keys(hookSecret.data)).toEqual(['password']);
    expect(Buffer.from(hookSecret.data.password, 'base64').toString()).toBe('new-dev-password');
    const job = objects.find((o) => o.kind === 'Job' && o.metadata.name === 'nexus-database-rotation')!;
    const env = Object.fromEntries((job.spec.template.spec.containers[0].env as Any[]).filter((e) => e.valueFrom).map((e) => [e.name, e.valueFrom.secretKeyRef.name]));
    expect(env).toEqual({ PGPASSWORD: 'nexus-database', APP_DB_PASSWORD: 'nexus-database-rotation' });
    expect(Number(hookSecret.metadata.annotations['helm.sh/hook-weight'])).toBeLessThan(Number(job.metadata.annotations['helm.sh/hook-weight']));
  });

  it('database.auth.rotateOnUpgrade=false renders no rotation hook', async () => {
    const objects = await renderLive('helm4', PRODUCTION, undefined, ['database.auth.rotateOnUpgrade=false']);
    expect(objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/component'] === 'rotation')).toEqual([]);
    const on = await renderLive('helm4', PRODUCTION, undefined);
    expect(on.filter((o) => o.metadata.labels?.['app.kubernetes.io/component'] === 'rotation').map(key).sort()).toEqual(['Job/nexus-database-rotation', 'NetworkPolicy/nexus-database-rotation', 'NetworkPolicy/nexus-database-rotation-to-postgresql']);
  });
});
