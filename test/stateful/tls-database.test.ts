/**
 * Database TLS end to end, on the production render, with a real PostgreSQL and a real PgBouncer on
 * 127.0.0.1 and certificates openssl makes here (a CA, a certificate it signs for `localhost`, and a
 * rogue CA nothing trusts). Every hop the chart configures is proven the way the chart configures it:
 *
 *   backend → PgBouncer        verify-full (DATABASE_SSLMODE/PGSSLMODE, PGSSLROOTCERT from the CA Secret)
 *   PgBouncer → PostgreSQL     server_tls_sslmode = verify-full against server_tls_ca_file
 *   backup/restore → PostgreSQL PGSSLMODE=verify-full, PGSSLROOTCERT (the CronJob's env)
 *
 * and each refuses a client that does not trust the CA, a wrong host name, and plaintext.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCa, type Ca } from './lib/pki.ts';
import { startRenderedPgBouncer } from './lib/pgbouncer.ts';
import { startPostgres, type Postgres } from './lib/postgres.ts';
import { chownToService, run, runOk, waitFor, type Server } from './lib/proc.ts';
import { configMapData, render, type K8sObject } from './lib/render.ts';


const APP_PASSWORD = 'app pw over tls';
const CA_MOUNT = '/etc/postgresql-ca/ca.crt';

let pg: Postgres;
let objects: K8sObject[];
let pgbouncerIni: string;
let hba: string;
let startScript: string;
let rogue: Ca;
let work: string;
const servers: Server[] = [];

/** A client connection attempt: exit status and stderr of `psql -c 'select 1'`. */
function connect(env: NodeJS.ProcessEnv, db = 'nexus'): { ok: boolean; out: string } {
  const r = run('psql', ['--no-psqlrc', '-tA', '-d', db, '-c', 'SELECT 1'], { env: { PGCONNECT_TIMEOUT: '5', ...env } });
  return { ok: r.status === 0 && r.stdout.trim() === '1', out: `${r.stdout}${r.stderr}` };
}

async function startPgbouncer(rewrite: (ini: string) => string): Promise<{ port: number; server: Server }> {
  const dir = mkdtempSync(join(work, 'pgbouncer-'));
  chownToService(dir);
  const started = await startRenderedPgBouncer({ ini: pgbouncerIni, startScript, pg, dir, user: 'nexus', password: APP_PASSWORD, rewrite });
  servers.push(started.server);
  return started;
}

beforeAll(async () => {
  objects = await render('production');
  const db = configMapData(objects, 'nexus-database-config');
  const bouncer = configMapData(objects, 'nexus-database-pgbouncer');
  pgbouncerIni = bouncer['pgbouncer.ini']!;
  startScript = bouncer['pgbouncer-start.sh']!;
  // Only the pod's own exporter uses the loopback `host` lines; every other client arrives from another
  // pod's address. Without those two lines, 127.0.0.1 stands for such a remote address.
  hba = db['pg_hba.conf']!;
  const remoteOnly = hba.replace(/^host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+scram-sha-256\n/gm, '');
  expect(remoteOnly).not.toBe(hba);
  pg = await startPostgres(db['postgresql.conf']!, remoteOnly, { tls: true });
  pg.psql(`CREATE ROLE nexus LOGIN PASSWORD '${APP_PASSWORD}'`);
  pg.psql('CREATE DATABASE nexus OWNER nexus');
  work = mkdtempSync(join(tmpdir(), 'nexus-tls-'));
  chownToService(work);
  rogue = makeCa(join(work, 'rogue'), 'rogue-ca');
});

afterAll(async () => {
  for (const s of servers) await s.stop();
  await pg?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the production render configures verify-full on every database hop', () => {
  it('PgBouncer requires TLS from clients and verifies PostgreSQL', () => {
    expect(pgbouncerIni).toMatch(/^client_tls_sslmode = require$/m);
    expect(pgbouncerIni).toMatch(/^server_tls_sslmode = verify-full$/m);
    expect(pgbouncerIni).toMatch(/^server_tls_ca_file = \/etc\/pgbouncer-tls\/ca\.crt$/m);
  });

  it('the backup CronJob verifies PostgreSQL against the CA it mounts', () => {
    const cron = objects.find((o) => o.kind === 'CronJob' && o.metadata.name === 'nexus-database-backup') as any;
    const pod = cron.spec.jobTemplate.spec.template.spec;
    const env = Object.fromEntries(pod.containers[0].env.map((e: { name: string; value?: string }) => [e.name, e.value]));
    expect(env).toMatchObject({ PGSSLMODE: 'verify-full', PGSSLROOTCERT: CA_MOUNT, PGHOST: 'nexus-database.nexus-platform.svc' });
    const mount = pod.containers[0].volumeMounts.find((m: { name: string }) => m.name === 'database-ca');
    expect(mount).toMatchObject({ mountPath: '/etc/postgresql-ca', readOnly: true });
    expect(pod.volumes.find((v: { name: string }) => v.name === 'database-ca').secret).toMatchObject({ secretName: 'nexus-db-tls', items: [{ key: 'ca.crt', path: 'ca.crt' }] });
  });

  it('the backend verifies PgBouncer against the CA Secret it mounts', () => {
    const deploy = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'nexus-backend') as any;
    const pod = deploy.spec.template.spec;
    const cm = configMapData(objects, 'nexus-backend');
    expect(cm).toMatchObject({ DATABASE_SSLMODE: 'verify-full', PGSSLMODE: 'verify-full', PGSSLROOTCERT: '/etc/nexus/database-ca/ca.crt', DATABASE_HOST: 'nexus-database-pgbouncer' });
    expect(pod.volumes.find((v: { name: string }) => v.name === 'database-ca').secret.secretName).toBe('nexus-db-tls');
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'database-ca', mountPath: '/etc/nexus/database-ca', readOnly: true });
  });
});

describe('PostgreSQL (the backup and restore hop)', () => {
  const base = () => ({ PGHOST: 'localhost', PGPORT: String(pg.port), PGUSER: 'postgres', PGPASSWORD: pg.env.PGPASSWORD! });

  it('accepts verify-full with the CA, and pg_dump runs under the CronJob settings', () => {
    const env = { ...base(), PGSSLMODE: 'verify-full', PGSSLROOTCERT: pg.tls!.ca.cert };
    expect(connect(env, 'postgres')).toMatchObject({ ok: true });
    expect(runOk('pg_dumpall', ['--globals-only'], { env })).toContain('CREATE ROLE nexus');
    expect(pg.psql("SELECT count(*) FROM pg_stat_ssl WHERE ssl AND version IN ('TLSv1.2', 'TLSv1.3')")).not.toBe('0');
  });

  it('refuses a client that does not trust the CA', () => {
    const r = connect({ ...base(), PGSSLMODE: 'verify-full', PGSSLROOTCERT: rogue.cert }, 'postgres');
    expect(r.ok).toBe(false);
    expect(r.out).toMatch(/certificate verify failed/);
  });

  it('refuses a wrong host name', () => {
    // `vm` resolves to 127.0.0.1 here, but the certificate names localhost and 127.0.0.1 only.
    const r = connect({ ...base(), PGHOST: 'vm', PGSSLMODE: 'verify-full', PGSSLROOTCERT: pg.tls!.ca.cert }, 'postgres');
    expect(r.ok).toBe(false);
    expect(r.out).toMatch(/does not match host name "vm"/);
  });

  it('refuses plaintext (pg_hba.conf has hostssl lines only, besides loopback for the exporter)', () => {
    const rules = hba.split('\n').filter((l) => /^(host|hostssl|hostnossl)\s/.test(l));
    expect(rules.filter((l) => !/^hostssl\s/.test(l)).map((l) => l.split(/\s+/)[3])).toEqual(['127.0.0.1/32', '::1/128']);
    const r = connect({ ...base(), PGSSLMODE: 'disable' }, 'postgres');
    expect(r.ok).toBe(false);
    expect(r.out).toMatch(/no pg_hba\.conf entry .*no encryption/);
  });
});

describe('PgBouncer (the backend hop, and its own hop to PostgreSQL)', () => {
  let port: number;
  beforeAll(async () => {
    ({ port } = await startPgbouncer((ini) => ini.replace(/^\* = host=\S+ port=\d+$/m, `* = host=localhost port=${pg.port}`)));
  });
  const client = () => ({ PGHOST: 'localhost', PGPORT: String(port), PGUSER: 'nexus', PGPASSWORD: APP_PASSWORD });

  it('serves a backend that verifies it (verify-full), over a verified TLS connection to PostgreSQL', async () => {
    const env = { ...client(), PGSSLMODE: 'verify-full', PGSSLROOTCERT: pg.tls!.ca.cert };
    const r = await waitFor('a query through PgBouncer', () => {
      const c = connect(env);
      return c.ok ? c : undefined;
    }, 60_000).catch(() => connect(env));
    expect(r, r.out).toMatchObject({ ok: true });
    expect(pg.psql("SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.usename = 'nexus' AND s.ssl")).not.toBe('0');
    expect(pg.psql("SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.usename = 'nexus' AND NOT s.ssl")).toBe('0');
  });

  it('refuses a client that does not trust the CA', () => {
    const r = connect({ ...client(), PGSSLMODE: 'verify-full', PGSSLROOTCERT: rogue.cert });
    expect(r.ok).toBe(false);
    expect(r.out).toMatch(/certificate verify failed/);
  });

  it('refuses a wrong host name', () => {
    const r = connect({ ...client(), PGHOST: 'vm', PGSSLMODE: 'verify-full', PGSSLROOTCERT: pg.tls!.ca.cert });
    expect(r.ok).toBe(false);
    expect(r.out).toMatch(/does not match host name "vm"/);
  });

  it('refuses plaintext clients (client_tls_sslmode = require)', () => {
    const r = connect({ ...client(), PGSSLMODE: 'disable' });
    expect(r.ok).toBe(false);
    expect(r.out).toMatch(/SSL required/i);
  });

  it('does not log in to a PostgreSQL whose certificate it cannot verify (wrong name, untrusted CA)', async () => {
    const env = (p: number) => ({ ...client(), PGPORT: String(p), PGSSLMODE: 'verify-full', PGSSLROOTCERT: pg.tls!.ca.cert });
    // The database reached under a name its certificate does not carry.
    const wrongName = await startPgbouncer((ini) => ini.replace(/^\* = host=\S+ port=\d+$/m, `* = host=vm port=${pg.port}`));
    const r1 = connect(env(wrongName.port));
    expect(r1.ok).toBe(false);
    // PgBouncer trusting another CA than the one that signed PostgreSQL's certificate.
    const wrongCa = await startPgbouncer((ini) => ini.replace(/^\* = host=\S+ port=\d+$/m, `* = host=localhost port=${pg.port}`).replace(/^server_tls_ca_file = .*$/m, `server_tls_ca_file = ${rogue.cert}`));
    const r2 = connect(env(wrongCa.port));
    expect(r2.ok).toBe(false);
    expect(`${wrongName.server.output()}\n${wrongCa.server.output()}`).toMatch(/certificate|verify|TLS|SSL/i);
  });
});
