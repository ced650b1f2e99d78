/**
 * Zero-downtime rotation of the application's PostgreSQL password, on a real PostgreSQL and PgBouncer
 * run from the RENDERED production configs and scripts (only addresses, ports and paths rewritten):
 *   1. the pre-upgrade hook Job's rotate-password.sh sets the Secret's new password (ALTER ROLE), with
 *      statement logging off so the password never reaches the server log;
 *   2. sessions opened before it, directly and through PgBouncer, keep working;
 *   3. new logins use the new password; the old one is refused from then on;
 *   4. PgBouncer picks the password up by rolling (its pod template carries the Secret's checksum, see
 *      test/charts/secret-rollout): a PgBouncer started by the rendered pgbouncer-start.sh with the new
 *      Secret serves the new password and refuses the old, while the old pod's open sessions keep working
 *      until it is drained;
 *   5. the next upgrade finds nothing to do; a wrong superuser password fails with a clear message.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRenderedPgBouncer } from './lib/pgbouncer.ts';
import { startPostgres, SUPERUSER_PASSWORD, type Postgres } from './lib/postgres.ts';
import { chownToService, requireTool, run, runOk, waitFor, type Server } from './lib/proc.ts';
import { configMapData, find, render, type K8sObject } from './lib/render.ts';
import { openSession, type Session } from './lib/session.ts';

type Any = Record<string, any>;
const OLD = "old app pw 'q' \"d\"";
const NEW = 'new app pw $(not a command) \'q\'';

describe('PostgreSQL password rotation with the rendered hook Job, PgBouncer and scripts', () => {
  let objects: K8sObject[];
  let pg: Postgres;
  let scripts: Record<string, string>;
  let bouncerCm: Record<string, string>;
  let jobEnv: Record<string, string>;
  const servers: Server[] = [];
  const sessions: Session[] = [];
  const dirs: string[] = [];
  let scriptDir = '';

  /** A PgBouncer started the way its pod starts (rendered pgbouncer.ini and pgbouncer-start.sh). */
  async function startBouncer(password: string): Promise<{ port: number; server: Server }> {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-pgbouncer-'));
    dirs.push(dir);
    chownToService(dir);
    const started = await startRenderedPgBouncer({ ini: bouncerCm['pgbouncer.ini']!, startScript: bouncerCm['pgbouncer-start.sh']!, pg, dir, user: jobEnv.APP_DB_USER!, password });
    servers.push(started.server);
    return started;
  }

  // Every hop verify-full, as the backend connects (the test CA signed both servers' certificate).
  const clientEnv = (port: number, password: string) => ({ PGHOST: '127.0.0.1', PGPORT: String(port), PGUSER: jobEnv.APP_DB_USER!, PGPASSWORD: password, PGSSLMODE: 'verify-full', PGSSLROOTCERT: pg.tls!.ca.cert, PGCONNECT_TIMEOUT: '5', PGDATABASE: jobEnv.POSTGRES_DB! });
  const login = (port: number, password: string) => run('psql', ['--no-psqlrc', '-tA', '-c', 'SELECT current_user'], { env: clientEnv(port, password) });
  function session(port: number, password: string): Session {
    const s = openSession('psql', ['--no-psqlrc', '-tA'], clientEnv(port, password));
    sessions.push(s);
    return s;
  }
  // The Job's environment as rendered (PGSSLMODE verify-full), with the CA it mounts at PGSSLROOTCERT.
  const rotate = (env: Record<string, string> = {}) => run('bash', [join(scriptDir, 'rotate-password.sh')], { env: { ...jobEnv, PGHOST: '127.0.0.1', PGPORT: String(pg.port), PGSSLROOTCERT: pg.tls!.ca.cert, NEXUS_SCRIPTS: scriptDir, ...env } });

  beforeAll(async () => {
    for (const tool of ['psql', 'pgbouncer', 'pg_isready']) requireTool(tool);
    objects = await render('production');
    const data = configMapData(objects, 'nexus-database-config');
    scripts = configMapData(objects, 'nexus-database-scripts');
    bouncerCm = configMapData(objects, 'nexus-database-pgbouncer');
    const job = find(objects, 'Job', 'nexus-database-rotation') as Any;
    // The Job's literal environment, as rendered (Secret references are filled in per step below).
    jobEnv = Object.fromEntries((job.spec.template.spec.containers[0].env as Any[]).filter((e) => 'value' in e).map((e) => [e.name, String(e.value)]));
    pg = await startPostgres(data['postgresql.conf']!, data['pg_hba.conf']!, { tls: true });
    scriptDir = mkdtempSync(join(tmpdir(), 'nexus-pg-scripts-'));
    dirs.push(scriptDir);
    for (const [name, body] of Object.entries(scripts)) writeFileSync(join(scriptDir, name), body, { mode: 0o755 });
    pg.psql(`CREATE DATABASE ${jobEnv.POSTGRES_DB}`);
    // First start: the image's entrypoint runs init-db.sh with the Secret's (old) password.
    runOk('bash', [join(scriptDir, 'init-db.sh')], { env: { ...pg.env, NEXUS_SCRIPTS: scriptDir, POSTGRES_DB: jobEnv.POSTGRES_DB, APP_DB_USER: jobEnv.APP_DB_USER, APP_DB_PASSWORD: OLD } });
  }, 120_000);

  afterAll(async () => {
    for (const s of sessions) await s.close();
    for (const s of servers) await s.stop();
    await pg?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('renders a pre-upgrade hook Job weighted before the restore and the migrations, with the least it needs', () => {
    const job = find(objects, 'Job', 'nexus-database-rotation') as Any;
    const weight = (o: Any) => Number(o.metadata.annotations['helm.sh/hook-weight']);
    expect(job.metadata.annotations['helm.sh/hook']).toBe('pre-upgrade');
    expect(job.metadata.annotations['helm.sh/hook-delete-policy']).toBe('before-hook-creation,hook-succeeded');
    const hooks = objects.filter((o) => o.metadata.annotations?.['helm.sh/hook']?.includes('pre-upgrade')) as Any[];
    const later = hooks.filter((o) => o.kind === 'Job' && ['migrations', 'restore'].includes(o.metadata.labels?.['app.kubernetes.io/component']));
    expect(later.map((o) => o.metadata.name)).toContain('nexus-backend-migrations');
    for (const o of later) expect(weight(job), o.metadata.name).toBeLessThan(weight(o));
    // Its NetworkPolicies exist before it runs (hooks too: the upgraded release's policies do not exist yet).
    const policies = hooks.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.labels?.['app.kubernetes.io/component'] === 'rotation');
    expect(policies.map((o) => o.metadata.name).sort()).toEqual(['nexus-database-rotation', 'nexus-database-rotation-to-postgresql']);
    for (const p of policies) expect(weight(p)).toBeLessThan(weight(job));
    const egress = policies.find((p) => p.metadata.name === 'nexus-database-rotation')!.spec;
    expect(egress.ingress).toEqual([]);
    expect(egress.egress).toHaveLength(1);
    expect(egress.egress[0].ports).toEqual([{ protocol: 'TCP', port: 5432 }]);
    const pod = job.spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    const secretEnv = Object.fromEntries((pod.containers[0].env as Any[]).filter((e) => e.valueFrom).map((e) => [e.name, e.valueFrom.secretKeyRef]));
    expect(secretEnv).toEqual({ PGPASSWORD: { name: 'nexus-db-credentials', key: 'postgres-password' }, APP_DB_PASSWORD: { name: 'nexus-db-credentials', key: 'password' } });
    // verify-full against the CA only (not the server key) of the database TLS Secret.
    expect(jobEnv).toMatchObject({ PGSSLMODE: 'verify-full', PGSSLROOTCERT: '/etc/postgresql-ca/ca.crt' });
    expect(pod.volumes.find((v: Any) => v.name === 'database-ca').secret.items).toEqual([{ key: 'ca.crt', path: 'ca.crt' }]);
  });

  it('sets the new password: open sessions keep working, new logins use the new password, the old one is refused', async () => {
    // The PgBouncer pod running before the upgrade, and sessions the application opened with the old password.
    const before = await startBouncer(OLD);
    const direct = session(pg.port, OLD);
    const pooled = session(before.port, OLD);
    expect(await direct.ask("SELECT 'direct-' || current_user;", /direct-nexus/)).toMatch(/direct-nexus/);
    expect(await pooled.ask("SELECT 'pooled-' || current_user;", /pooled-nexus/)).toMatch(/pooled-nexus/);
    // A careless ALTER ROLE would be logged: log every statement, and check that logging works.
    pg.psql("ALTER SYSTEM SET log_statement = 'all'");
    pg.psql('SELECT pg_reload_conf()');
    await waitFor('statement logging on', () => pg.psql('SHOW log_statement') === 'all');
    pg.psql("SELECT 'log-probe-7f3a'");
    await waitFor('the probe statement in the server log', () => pg.server.output().includes('log-probe-7f3a'));

    const r = rotate({ PGPASSWORD: SUPERUSER_PASSWORD, APP_DB_PASSWORD: NEW });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/password of role nexus set from the Secret/);
    expect(pg.server.output()).not.toContain('not a command');

    // Open sessions keep working (PostgreSQL checks passwords at login only; PgBouncer keeps its server connection).
    expect(await direct.ask("SELECT 'still-direct';", /still-direct/)).toMatch(/still-direct/);
    expect(await pooled.ask("SELECT 'still-pooled';", /still-pooled/)).toMatch(/still-pooled/);
    // New logins: the new password works, the old one is refused.
    expect(login(pg.port, NEW).stdout.trim()).toBe('nexus');
    const old = login(pg.port, OLD);
    expect(old.status).not.toBe(0);
    expect(old.stderr).toMatch(/password authentication failed for user "nexus"/);

    // PgBouncer rolls: the new pod serves the new password and refuses the old one.
    const after = await startBouncer(NEW);
    expect(login(after.port, NEW).stdout.trim()).toBe('nexus');
    const oldThroughBouncer = login(after.port, OLD);
    expect(oldThroughBouncer.status).not.toBe(0);
    expect(oldThroughBouncer.stderr).toMatch(/SASL authentication failed/);
    // (The new pod's answer above came over a fresh server connection: PgBouncer logged in with the new password.)
    // The old pod's open session still works while it drains.
    expect(await pooled.ask("SELECT 'draining';", /draining/)).toMatch(/draining/);
  }, 180_000);

  it('does nothing on the next upgrade (the role already has the Secret\'s password)', () => {
    const r = rotate({ PGPASSWORD: SUPERUSER_PASSWORD, APP_DB_PASSWORD: NEW });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/already logs in with the Secret's password: nothing to rotate/);
  });

  it('fails with a clear message when the superuser password is not the database\'s, changing nothing', () => {
    const r = rotate({ PGPASSWORD: 'not the superuser password', APP_DB_PASSWORD: 'third password' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/cannot log in as the superuser postgres to rotate the password of nexus/);
    expect(login(pg.port, NEW).stdout.trim()).toBe('nexus');
  });
});
