/**
 * Optional ExternalSecret objects (External Secrets Operator, external-secrets.io/v1): one per entry of
 * externalSecrets.secrets, gated on the CRD, checked by the validator against ESO's bundled CRD schema,
 * and taken out of the install-time Secret prerequisites (ESO writes them after the install).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlatformConfigBase, prerequisites } from '../../schema/index.ts';
import { PROJECT_ROOT } from '../../util/paths.ts';
import { validate } from '../../validator/run.ts';
import { fixtureKey, harnessChart } from '../helpers/chart-harness.ts';
import { CLOUDNATIVEPG_API_VERSIONS } from '../helpers/database-mode.ts';
import { helm, parseManifests, renderChart, type K8sObject } from './helpers.ts';

type Any = Record<string, any>;
const NAMESPACE = 'nexus-platform';
const ESO_API = 'external-secrets.io/v1';

const ESO = {
  enabled: true,
  secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' },
  secrets: {
    'nexus-db-credentials': {
      data: [
        { secretKey: 'password', remoteRef: { key: 'nexus/prod/db', property: 'password' } },
        { secretKey: 'postgres-password', remoteRef: { key: 'nexus/prod/db', property: 'admin' } },
      ],
    },
    'nexus-redis-credentials': { dataFrom: [{ extract: { key: 'nexus/prod/redis' } }], refreshInterval: '15m', secretStoreRef: { name: 'aws', kind: 'SecretStore' } },
    'nexus-db-tls': { type: 'kubernetes.io/tls', data: [{ secretKey: 'tls.crt', remoteRef: { key: 'nexus/prod/db-tls', property: 'crt' } }] },
  },
};

const externalSecrets = (objects: K8sObject[]) => objects.filter((o) => o.kind === 'ExternalSecret') as Any[];

describe('ExternalSecret objects', () => {
  it('render one ExternalSecret per entry, writing the Secret of that name, with store and refresh defaults and overrides', async () => {
    const docs = await renderChart({ valuesFiles: ['values.production.yaml'], valuesJson: { externalSecrets: ESO }, apiVersions: [ESO_API] });
    const es = externalSecrets(docs.map((d) => d.object));
    expect(es.map((o) => o.metadata.name).sort()).toEqual(['nexus-db-credentials', 'nexus-db-tls', 'nexus-redis-credentials']);
    for (const o of es) {
      expect(o.apiVersion).toBe(ESO_API);
      expect(o.metadata.namespace).toBe(NAMESPACE);
      expect(o.spec.target).toMatchObject({ name: o.metadata.name, creationPolicy: 'Owner', deletionPolicy: 'Retain' });
    }
    const db = es.find((o) => o.metadata.name === 'nexus-db-credentials')!;
    expect(db.spec.secretStoreRef).toEqual({ name: 'vault', kind: 'ClusterSecretStore' });
    expect(db.spec.refreshInterval).toBe('1h');
    expect(db.spec.data).toEqual(ESO.secrets['nexus-db-credentials'].data);
    const redis = es.find((o) => o.metadata.name === 'nexus-redis-credentials')!;
    expect(redis.spec.secretStoreRef).toEqual({ name: 'aws', kind: 'SecretStore' });
    expect(redis.spec.refreshInterval).toBe('15m');
    expect(redis.spec.dataFrom).toEqual([{ extract: { key: 'nexus/prod/redis' } }]);
    expect(es.find((o) => o.metadata.name === 'nexus-db-tls')!.spec.target.template).toEqual({ type: 'kubernetes.io/tls' });
    // Off by default: nothing rendered.
    const off = await renderChart({ valuesFiles: ['values.production.yaml'], apiVersions: [ESO_API] });
    expect(externalSecrets(off.map((d) => d.object))).toEqual([]);
  });

  it('are gated on the CRD: without external-secrets.io/v1 the render fails with the reason, unless forced', async () => {
    const values = join(mkdtempSync(join(tmpdir(), 'nexus-eso-')), 'eso.json');
    writeFileSync(values, JSON.stringify({ externalSecrets: ESO }));
    // The overlay's database operator is served (its APIs), so the only API missing is ESO's.
    const base = ['template', 'nexus', join(PROJECT_ROOT, 'charts', 'nexus'), '--namespace', NAMESPACE, '-f', join(PROJECT_ROOT, 'values.production.yaml'), '-f', values, ...CLOUDNATIVEPG_API_VERSIONS.flatMap((a) => ['--api-versions', a])];
    for (const flavour of ['helm4', 'helm3'] as const) {
      const refused = await helm(flavour, base);
      expect(refused.code, flavour).not.toBe(0);
      expect(refused.stderr).toMatch(/\[external-secrets-api\] externalSecrets\.enabled: the cluster does not serve external-secrets\.io\/v1/);
      const forced = await helm(flavour, [...base, '--set', 'externalSecrets.force=true']);
      expect(forced.code, forced.stderr).toBe(0);
      expect(externalSecrets(parseManifests(forced.stdout).map((d) => d.object))).toHaveLength(3);
    }
    const noStore = await helm('helm4', [...base, '--set', 'externalSecrets.force=true', '--set', 'externalSecrets.secretStoreRef.name=']);
    expect(noStore.stderr).toMatch(/\[external-secrets-store\] externalSecrets\.secrets\.nexus-db-credentials: no SecretStore named/);
  });

  it('refuses a misspelt field in values (the closed schema), before anything renders', async () => {
    const bad = { ...ESO, secrets: { 'nexus-db-credentials': { data: [{ secretKey: 'password', remoteRef: { kee: 'nexus/prod/db' } }] } } };
    expect(PlatformConfigBase.safeParse({ externalSecrets: bad }).success).toBe(false);
    const values = join(mkdtempSync(join(tmpdir(), 'nexus-eso-')), 'eso.json');
    writeFileSync(values, JSON.stringify({ externalSecrets: bad }));
    const r = await helm('helm4', ['template', 'nexus', join(PROJECT_ROOT, 'charts', 'nexus'), '-f', values, '--api-versions', ESO_API]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/kee/);
  });

  it('validate against ESO\'s bundled CRD schema: the render is clean and checked, and a wrong dataFrom field is reported', { timeout: 600_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-eso-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ externalSecrets: ESO }));
    const clean = await validate({ version: 'test', lint: false, valuesFiles: [join(PROJECT_ROOT, 'values.production.yaml'), good] });
    expect(clean.findings.filter((f) => !f.exemption && (f.severity === 'error' || f.severity === 'warning')).map((f) => `${f.kind}/${f.name} ${f.policyId}: ${f.message}`)).toEqual([]);
    expect(clean.resources.filter((r) => r.kind === 'ExternalSecret' && r.status === 'valid')).toHaveLength(3);
    const wrong = join(dir, 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ externalSecrets: { ...ESO, secrets: { 'nexus-redis-credentials': { dataFrom: [{ extract: { kee: 'nexus/prod/redis' } }] } } } }));
    const bad = await validate({ version: 'test', lint: false, valuesFiles: [join(PROJECT_ROOT, 'values.production.yaml'), wrong] });
    const reported = bad.findings.filter((f) => f.kind === 'ExternalSecret' && f.severity === 'error');
    expect(reported.map((f) => `${f.jsonPointer} ${f.message}`).join('\n')).toMatch(/dataFrom\/0\/extract/);
  });

  it('take the Secrets they write out of the install-time prerequisites, and need the ESO API instead', async () => {
    const config = PlatformConfigBase.parse({ global: { environment: 'production' }, externalSecrets: ESO, database: { auth: { existingSecret: 'nexus-db-credentials' } } });
    const list = prerequisites(config);
    expect(list.filter((p) => p.kind === 'Secret' && Object.keys(ESO.secrets).includes(p.name))).toEqual([]);
    expect(list.some((p) => p.kind === 'API' && p.name === ESO_API)).toBe(true);
    // The live check in Helm agrees: a cluster without those Secrets (but with the API) is not refused for them.
    const live = { [fixtureKey('v1', 'ConfigMap', NAMESPACE, 'kube-root-ca.crt')]: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt' }, data: { 'ca.crt': 'x' } } };
    const values = join(mkdtempSync(join(tmpdir(), 'nexus-eso-')), 'live.json');
    writeFileSync(values, JSON.stringify({ global: { lookupFixtures: live }, externalSecrets: ESO }));
    const r = await helm('helm4', ['template', 'nexus', harnessChart(), '--namespace', NAMESPACE, '-f', join(PROJECT_ROOT, 'values.production.yaml'), '-f', values, '--api-versions', ESO_API]);
    expect(r.code).not.toBe(0); // other prerequisites (StorageClasses, the Grafana Secret, ...) are missing
    expect(r.stderr).toMatch(/\[prerequisites\]/);
    for (const name of Object.keys(ESO.secrets)) expect(r.stderr, name).not.toMatch(new RegExp(`Secret ${name}[ :]`));
    expect(r.stderr).toMatch(/Secret nexus-grafana-admin/);
  });
});
