/**
 * database.mode external (a managed PostgreSQL: RDS, Cloud SQL, Azure): no database pods, Services,
 * PgBouncer, Secret or restore Job; the backend and its migrations connect to the host with verify-full;
 * their NetworkPolicies and the backup pods' open egress to its port (to the listed CIDRs, or any
 * address); the pg_dump CronJob dumps it off-site as the application's owner over verify-full with the
 * CA mounted; a marker ConfigMap records the mode, so the mode guard refuses switching a live external
 * release in place (and the reverse); the rules keep every consumer in step. Both overlays, Helm 4.1
 * and 3.17, `helm lint --strict`, `nexus validate` with every policy.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { NEXUS_DEFAULT_API_VERSIONS, validate } from '../../validator/run.ts';
import { fixtureKey, harnessChart } from '../helpers/chart-harness.ts';
import { EXTERNAL_DATABASE } from '../helpers/external-modes.ts';
import { HELM_FLAVOURS } from '../helpers/helm.ts';
import { UMBRELLA_CHART_DIR } from '../../util/paths.ts';
import { CRD_API_VERSIONS, ENV_FILES, componentOf, helm, ofKind, podTemplateOf, renderChart, templateArgs, type K8sObject, type RenderedDoc } from './helpers.ts';

type Any = Record<string, any>;
const HOST = 'nexus.abc123.eu-west-1.rds.amazonaws.com';


const byName = (docs: RenderedDoc[], kind: string, name: string) => ofKind(docs, kind).find((o) => o.metadata.name === name) as Any;
const env = (o: K8sObject) => Object.fromEntries(podTemplateOf(o)!.spec.containers[0]!.env!.map((e) => [e.name, e.value ?? e.valueFrom]));

describe.each(HELM_FLAVOURS)('database.mode external (%s)', (flavour) => {
  describe.each(ENV_FILES)('%s', (file) => {
    const render = (set: Record<string, string | number | boolean> = {}) => renderChart({ helm: flavour, valuesFiles: [file], set: { ...EXTERNAL_DATABASE, ...set }, apiVersions: CRD_API_VERSIONS });

    it('renders no database pods: only the backup CronJob, its volume, policy, scripts and the mode marker', async () => {
      const docs = await render();
      const database = docs.filter((d) => d.source.includes('/charts/database/')).map((d) => `${d.object.kind}/${d.object.metadata.name}`).sort();
      expect(database).toEqual(['ConfigMap/nexus-database-external', 'ConfigMap/nexus-database-scripts', 'CronJob/nexus-database-backup', 'NetworkPolicy/nexus-database-backup', 'PersistentVolumeClaim/nexus-database-backups', 'ServiceAccount/nexus-database'].sort());
      expect(docs.map((d) => d.object).filter((o) => ['postgresql', 'pgbouncer'].includes(componentOf(o) ?? '') && o.kind !== 'ConfigMap' && o.kind !== 'ServiceAccount')).toEqual([]);
      expect(byName(docs, 'ConfigMap', 'nexus-database-external').data).toEqual({ mode: 'external', host: HOST, port: '5432', database: 'nexus', sslmode: 'verify-full' });
    });

    it('the backend and its migrations connect to the managed host with verify-full; their NetworkPolicies open egress to it', async () => {
      const docs = await render();
      const cm = byName(docs, 'ConfigMap', 'nexus-backend').data;
      expect(cm).toMatchObject({ DATABASE_HOST: HOST, DATABASE_PORT: '5432', DATABASE_SSLMODE: 'verify-full', PGSSLMODE: 'verify-full', PGSSLROOTCERT: '/etc/nexus/database-ca/ca.crt' });
      const backend = byName(docs, 'Deployment', 'nexus-backend');
      expect(backend.spec.template.spec.volumes).toContainEqual({ name: 'database-ca', secret: expect.objectContaining({ secretName: 'rds-ca-bundle', items: [{ key: 'ca.crt', path: 'ca.crt' }] }) });
      const migrations = ofKind(docs, 'Job').find((j) => componentOf(j) === 'migrations')!;
      expect(JSON.stringify(podTemplateOf(migrations)!.spec)).toContain(HOST);
      // Pre-install: the managed database exists before the first install.
      expect(migrations.metadata.annotations?.['helm.sh/hook']).toContain('pre-install');
      const rule = { ports: [{ protocol: 'TCP', port: 5432 }], to: [{ ipBlock: { cidr: '10.30.0.0/16' } }] };
      for (const name of ['nexus-backend', 'nexus-backend-migrations']) {
        const egress = byName(docs, 'NetworkPolicy', name).spec.egress as Any[];
        expect(egress, name).toContainEqual(rule);
        expect(JSON.stringify(egress), name).not.toMatch(/"app.kubernetes.io\/component":"(postgresql|pgbouncer)"/);
      }
    });

    it('the backup CronJob dumps the managed database as its owner over verify-full, with the CA mounted', async () => {
      const docs = await render();
      const cron = byName(docs, 'CronJob', 'nexus-database-backup');
      const e = env(cron as K8sObject);
      expect(e).toMatchObject({ PGHOST: HOST, PGPORT: '5432', PGUSER: 'nexus', PGSSLMODE: 'verify-full', PGSSLROOTCERT: '/etc/nexus/database-ca/ca.crt', MAINTENANCE_DB: 'nexus' });
      expect(e.PGPASSWORD).toEqual({ secretKeyRef: { name: 'rds-app', key: 'password' } });
      const spec = podTemplateOf(cron as K8sObject)!.spec as Any;
      // defaultMode is written 0444 (octal to Kubernetes' YAML 1.1 reader).
      expect(spec.volumes).toContainEqual({ name: 'database-ca', secret: expect.objectContaining({ secretName: 'rds-ca-bundle', items: [{ key: 'ca.crt', path: 'ca.crt' }] }) });
      expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'database-ca', mountPath: '/etc/nexus/database-ca', readOnly: true });
      expect((cron as Any).spec.jobTemplate.spec.template.metadata.annotations['nexus.dev/external-secrets'].split(',')).toEqual(expect.arrayContaining(['rds-app', 'rds-ca-bundle']));
      const policy = byName(docs, 'NetworkPolicy', 'nexus-database-backup');
      expect(policy.spec.egress[0]).toEqual({ ports: [{ protocol: 'TCP', port: 5432 }], to: [{ ipBlock: { cidr: '10.30.0.0/16' } }] });
    });

    it('without backups nothing of the database chart runs but the marker', async () => {
      const docs = await render({ 'database.backup.enabled': false });
      expect(docs.filter((d) => d.source.includes('/charts/database/')).map((d) => `${d.object.kind}/${d.object.metadata.name}`)).toEqual(['ConfigMap/nexus-database-external']);
    });

    it('refuses an external database the consumers do not follow, with the rule id', async () => {
      for (const [set, text] of [
        [{ 'database.external.host': '' }, 'database.external.host'],
        [{ 'database.external.caSecret': '' }, 'database.external.caSecret'],
        [{ 'backend.database.host': '' }, `set backend.database.host: ${HOST}`],
        [{ 'backend.database.port': 6432 }, 'set backend.database.port: 5432'],
        // (In production the backend chart's own production-tls rule refuses it first.)
        ...(file === 'values.staging.yaml' ? ([[{ 'backend.database.sslMode': 'require' }, 'set backend.database.sslMode: verify-full']] as const) : []),
        [{ 'backend.database.existingSecret': 'other' }, 'set backend.database.existingSecret: rds-app'],
        [{ 'backend.database.caSecret': '' }, 'set backend.database.caSecret: rds-ca-bundle'],
        [{ 'backend.migrations.database.port': 6543 }, 'backend.migrations.database.port'],
        [{ 'database.restore.requestId': 'r1' }, 'database.restore.requestId'],
      ] as const) {
        const r = await helm(flavour, templateArgs({ valuesFiles: [file], set: { ...EXTERNAL_DATABASE, ...set }, apiVersions: CRD_API_VERSIONS }));
        expect(r.code, JSON.stringify(set)).not.toBe(0);
        expect(r.stderr).toContain('[database-external]');
        expect(r.stderr).toContain(text);
      }
    });

    it('helm lint --strict passes', async () => {
      const args = ['lint', UMBRELLA_CHART_DIR, '--strict', '--values', join(process.cwd(), file), ...Object.entries(EXTERNAL_DATABASE).flatMap(([k, v]) => ['--set', `${k}=${String(v)}`])];
      const r = await helm(flavour, args);
      expect(r.code, r.stdout + r.stderr).toBe(0);
    });
  });

  it('production requires verify-full', async () => {
    const r = await helm(flavour, templateArgs({ valuesFiles: ['values.production.yaml'], set: { ...EXTERNAL_DATABASE, 'database.external.sslMode': 'verify-ca', 'backend.database.sslMode': 'verify-ca' }, apiVersions: CRD_API_VERSIONS }));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('[database-external] database.external.sslMode');
  });
});

describe.each(HELM_FLAVOURS)('no in-place switch to or from external on a live release (%s)', (flavour) => {
  const NAMESPACE = 'nexus-platform';
  const STS = fixtureKey('apps/v1', 'StatefulSet', NAMESPACE, 'nexus-database');
  const MARKER = fixtureKey('v1', 'ConfigMap', NAMESPACE, 'nexus-database-external');
  const live = { [STS]: { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'nexus-database', namespace: NAMESPACE } } };
  const marker = { [MARKER]: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nexus-database-external', namespace: NAMESPACE }, data: { mode: 'external', host: HOST } } };
  const args = (set: Record<string, string | number | boolean>, fixtures: Record<string, unknown>) =>
    templateArgs({ chartDir: harnessChart(), namespace: NAMESPACE, valuesFiles: ['values.production.yaml'], set, valuesJson: { global: { lookupFixtures: fixtures } }, apiVersions: NEXUS_DEFAULT_API_VERSIONS });

  it('refuses external over a live bundled StatefulSet, and bundled over a live external release', async () => {
    const toExternal = await helm(flavour, args(EXTERNAL_DATABASE, live));
    expect(toExternal.code).not.toBe(0);
    expect(toExternal.stderr).toContain('[database-mode-switch] database.mode: this release\'s data lives in the bundled database');
    const toBundled = await helm(flavour, args({ 'database.mode': 'bundled' }, marker));
    expect(toBundled.code).not.toBe(0);
    expect(toBundled.stderr).toContain(`lives in the external database (the managed PostgreSQL at ${HOST}`);
  });

  it('lets an external release stay external', async () => {
    const r = await helm(flavour, args(EXTERNAL_DATABASE, marker));
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('nexus validate on external-database renders (every policy)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nexus-extdb-'));
  const values = join(dir, 'external.yaml');
  writeFileSync(
    values,
    stringify({
      database: { mode: 'external', auth: { existingSecret: 'rds-app' }, external: { host: HOST, caSecret: 'rds-ca-bundle', egress: { cidrs: ['10.30.0.0/16'] } } },
      backend: { database: { host: HOST, port: 5432, existingSecret: 'rds-app', sslMode: 'verify-full', caSecret: 'rds-ca-bundle' } },
    }),
  );
  it.each(ENV_FILES)('%s: no finding above info', { timeout: 600_000 }, async (overlay) => {
    const report = await validate({ version: 'test', lint: false, valuesFiles: [overlay, values] });
    expect(report.findings.filter((f) => !f.exemption && (f.severity === 'error' || f.severity === 'warning')).map((f) => `${f.kind}/${f.name} ${f.policyId} ${f.jsonPointer ?? ''}: ${f.message}`)).toEqual([]);
  });
});

describe('cert-manager kinds validate against the bundled cert-manager CRDs, without --crd', () => {
  it('a CloudNativePG render with cert-manager TLS: the Certificate is checked and valid, and a wrong field is caught', { timeout: 600_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-certmanager-'));
    const values = join(dir, 'cnpg-certmanager.yaml');
    const cnpg = { mode: 'cloudnativepg', backup: { objectStorage: { bucket: 'nexus-backups/prod', existingSecret: 'nexus-backup-s3' } }, cloudnativepg: { tls: { source: 'certManager', issuer: 'nexus-ca' } } };
    writeFileSync(values, stringify({ database: cnpg }));
    const report = await validate({ version: 'test', lint: false, valuesFiles: ['values.production.yaml', values], apiVersions: [...NEXUS_DEFAULT_API_VERSIONS, 'cert-manager.io/v1'] });
    const certs = report.resources.filter((r) => r.kind === 'Certificate');
    expect(certs.length).toBeGreaterThan(0);
    expect(certs.map((r) => r.status)).toEqual(certs.map(() => 'valid'));
    expect(report.findings.filter((f) => f.kind === 'Certificate' && f.severity !== 'info')).toEqual([]);

    // The schema really applies: an unknown field and a wrong type in a Certificate are findings.
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, stringify({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'x', namespace: 'n' }, spec: { secretName: 'x-tls', issuerRef: { name: 'ca' }, dnsNames: 'not-a-list', renewBeforeSeconds: 1 } }));
    const r2 = await validate({ version: 'test', manifests: [bad], policies: false });
    expect(r2.resources.map((r) => r.status)).toEqual(['invalid']);
    expect(r2.findings.map((f) => f.jsonPointer)).toEqual(expect.arrayContaining(['/spec/dnsNames']));
  });
});
