/**
 * Database TLS in the render, per mode (issue 18 part 2): every client of PostgreSQL and PgBouncer
 * verifies the certificate (verify-full) against a mounted CA, and every name a client dials is in the
 * certificate the server presents. Bundled mode: the chart's cert-manager Certificate; CloudNativePG:
 * the operator's certificate (serverAltDNSNames) or the cert-manager one, and the Pooler requiring TLS.
 * The real-server proof of each hop is test/stateful/tls-database.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { NEXUS_DEFAULT_API_VERSIONS } from '../../validator/run.ts';
import { helm, ofKind, podTemplateOf, renderChart, templateArgs, type K8sObject, type RenderedDoc } from './helpers.ts';
import { BUNDLED_DATABASE } from '../helpers/database-mode.ts';

type Any = Record<string, any>;
const CNPG = {
  'database.mode': 'cloudnativepg',
  'database.backup.objectStorage.bucket': 'nexus-backups/prod',
  'database.backup.objectStorage.existingSecret': 'nexus-backup-s3',
};
/** An overlay render; bundled mode (BUNDLED_DATABASE) unless `set` picks another (the overlays run CloudNativePG). */
const render = (set: Record<string, string | number | boolean> = {}, valuesFile = 'values.production.yaml') =>
  renderChart({ valuesFiles: [valuesFile], set: { ...BUNDLED_DATABASE, ...set }, apiVersions: [...NEXUS_DEFAULT_API_VERSIONS, 'cert-manager.io/v1'] });
const named = (docs: RenderedDoc[], kind: string, name: string): Any => {
  const o = ofKind(docs, kind).find((d) => d.metadata.name === name);
  expect(o, `${kind} ${name}`).toBeDefined();
  return o as Any;
};
const envMap = (o: Any): Record<string, string> =>
  Object.fromEntries((podTemplateOf(o as K8sObject)!.spec.containers[0]!.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));

/** The names a client dials, in every form the chart uses (short, namespaced, .svc). */
const forms = (name: string, ns = 'nexus-platform') => [name, `${name}.${ns}`, `${name}.${ns}.svc`];

describe('database TLS (bundled mode)', () => {
  it.each(['values.staging.yaml', 'values.production.yaml'])('%s: the backend and its migration Job verify the database with the mounted CA', async (file) => {
    const docs = await render({}, file);
    for (const [kind, name, host] of [
      ['Deployment', 'nexus-backend', 'nexus-database-pgbouncer'],
      ['Job', 'nexus-backend-migrations', 'nexus-database'],
    ] as const) {
      const o = named(docs, kind, name);
      // The backend reads its settings from its ConfigMap (envFrom); the hook Job carries them inline.
      const env = kind === 'Job' ? envMap(o) : (named(docs, 'ConfigMap', name).data as Record<string, string>);
      expect(env, name).toMatchObject({ DATABASE_HOST: host, DATABASE_SSLMODE: 'verify-full', PGSSLMODE: 'verify-full', PGSSLROOTCERT: '/etc/nexus/database-ca/ca.crt', DATABASE_SSLROOTCERT: '/etc/nexus/database-ca/ca.crt' });
      const spec = podTemplateOf(o as K8sObject)!.spec as Any;
      const volume = spec.volumes.find((v: Any) => v.name === 'database-ca');
      expect(volume?.secret, name).toEqual({ secretName: 'nexus-db-tls', defaultMode: 0o444, items: [{ key: 'ca.crt', path: 'ca.crt' }] });
      expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'database-ca', mountPath: '/etc/nexus/database-ca', readOnly: true });
      // The CA Secret is declared as read from outside the render (references-exist, rotation).
      const annotations = ((o as Any).spec.template.metadata.annotations ?? {}) as Record<string, string>;
      expect(annotations['nexus.dev/external-secrets']?.split(','), name).toContain('nexus-db-tls');
    }
  });

  it('the cert-manager Certificate names every host a client dials: PostgreSQL (migrations, backups) and PgBouncer (backend)', async () => {
    const docs = await render({ 'database.tls.existingSecret': '', 'database.tls.certManager.enabled': true, 'database.tls.certManager.issuer': 'nexus-ca', 'backend.database.caSecret': '' });
    const cert = named(docs, 'Certificate', 'nexus-database-postgresql');
    expect(cert.spec.secretName).toBe('nexus-database-tls');
    expect(cert.spec.issuerRef).toEqual({ name: 'nexus-ca', kind: 'Issuer', group: 'cert-manager.io' });
    for (const host of [...forms('nexus-database'), ...forms('nexus-database-pgbouncer')]) expect(cert.spec.dnsNames).toContain(host);
    // The backend's default CA Secret is that Certificate's Secret.
    const volume = (podTemplateOf(named(docs, 'Deployment', 'nexus-backend') as K8sObject)!.spec as Any).volumes.find((v: Any) => v.name === 'database-ca');
    expect(volume.secret.secretName).toBe('nexus-database-tls');
  });

  it('PgBouncer requires TLS from clients and verifies PostgreSQL; the backup verifies it too', async () => {
    const docs = await render();
    const ini = named(docs, 'ConfigMap', 'nexus-database-pgbouncer').data['pgbouncer.ini'] as string;
    expect(ini).toMatch(/^client_tls_sslmode = require$/m);
    expect(ini).toMatch(/^server_tls_sslmode = verify-full$/m);
    expect(ini).toMatch(/^server_tls_ca_file = \/etc\/pgbouncer-tls\/ca\.crt$/m);
    const cron = named(docs, 'CronJob', 'nexus-database-backup') as Any;
    const container = cron.spec.jobTemplate.spec.template.spec.containers[0];
    const env = Object.fromEntries(container.env.filter((e: Any) => e.value).map((e: Any) => [e.name, e.value]));
    expect(env).toMatchObject({ PGSSLMODE: 'verify-full', PGSSLROOTCERT: '/etc/postgresql-ca/ca.crt' });
  });
});

describe('database TLS (cloudnativepg mode)', () => {
  it('the operator\'s certificate also names `<fullname>` and the Pooler, and the Pooler requires TLS and verifies the server', async () => {
    const docs = await render({ ...CNPG, 'backend.database.caSecret': 'nexus-database-ca' });
    const cluster = ofKind(docs, 'Cluster')[0] as Any;
    for (const host of [...forms('nexus-database'), ...forms('nexus-database-pgbouncer')]) expect(cluster.spec.certificates.serverAltDNSNames).toContain(host);
    const pooler = ofKind(docs, 'Pooler')[0] as Any;
    expect(pooler.spec.pgbouncer.parameters).toMatchObject({ client_tls_sslmode: 'require', server_tls_sslmode: 'verify-full', server_tls_protocols: 'secure' });
    const volume = (podTemplateOf(named(docs, 'Deployment', 'nexus-backend') as K8sObject)!.spec as Any).volumes.find((v: Any) => v.name === 'database-ca');
    expect(volume.secret.secretName).toBe('nexus-database-ca');
  });

  it('the cert-manager certificate names `<fullname>` (the migrations\' host) besides the operator\'s Services and the Pooler', async () => {
    const docs = await render({ ...CNPG, 'database.cloudnativepg.tls.source': 'certManager', 'database.cloudnativepg.tls.issuer': 'nexus-ca', 'backend.database.caSecret': 'nexus-database-server-tls' });
    const cert = named(docs, 'Certificate', 'nexus-database-server-tls');
    for (const host of [...forms('nexus-database'), ...forms('nexus-database-rw'), ...forms('nexus-database-pgbouncer')]) expect(cert.spec.dnsNames).toContain(host);
    expect((ofKind(docs, 'Cluster')[0] as Any).spec.certificates).toEqual({ serverTLSSecret: 'nexus-database-server-tls', serverCASecret: 'nexus-database-server-tls' });
  });

  it('production-tls does not ask a CloudNativePG database for the bundled TLS settings; a verifying backend must name the operator\'s CA', async () => {
    // database.tls.enabled=false is irrelevant in cloudnativepg mode: the operator always serves TLS.
    const ok = await helm('helm4', templateArgs({ valuesFiles: ['values.production.yaml'], set: { ...CNPG, 'database.tls.enabled': false, 'backend.database.caSecret': 'nexus-database-ca' }, apiVersions: NEXUS_DEFAULT_API_VERSIONS }));
    expect(ok.code, ok.stderr).toBe(0);
    const missing = await helm('helm4', templateArgs({ valuesFiles: ['values.production.yaml'], set: { ...CNPG, 'backend.database.caSecret': '' }, apiVersions: NEXUS_DEFAULT_API_VERSIONS }));
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('[tls-secret] backend.database.caSecret: the backend verifies a CloudNativePG database');
    // Bundled mode in production still needs it.
    const bundled = await helm('helm4', templateArgs({ valuesFiles: ['values.production.yaml'], set: { ...BUNDLED_DATABASE, 'database.tls.enabled': false }, apiVersions: NEXUS_DEFAULT_API_VERSIONS }));
    expect(bundled.code).not.toBe(0);
    expect(bundled.stderr).toContain('[production-tls] database.tls.enabled');
  });
});
