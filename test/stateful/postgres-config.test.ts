/**
 * The generated postgresql.conf (staging and production) runs a real PostgreSQL, and every setting it
 * carries reads back equal from pg_settings; the derived tuning equals the documented formula. The
 * generated pgbouncer.ini then runs a real PgBouncer in front of it (transaction pooling).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intendedPgSettings, parsePgConf, pgValueInBase } from './lib/pg-values.ts';
import { startPostgres, type Postgres } from './lib/postgres.ts';
import { chownToService, freePort, requireTool, runOk, startServer, waitFor, type Server } from './lib/proc.ts';
import { configMapData, ENV_FILES, render, type EnvName } from './lib/render.ts';

const APP_PASSWORD = "app pw with 'quotes' and \"doubles\"";

/** Runs the rendered init-db.sh the way the image's entrypoint does (application role and marker table). */
function runInitDb(pg: Postgres, scripts: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'nexus-pg-scripts-'));
  for (const [name, body] of Object.entries(scripts)) writeFileSync(join(dir, name), body, { mode: 0o755 });
  pg.psql('CREATE DATABASE nexus');
  runOk('bash', [join(dir, 'init-db.sh')], {
    env: { ...pg.env, NEXUS_SCRIPTS: dir, POSTGRES_DB: 'nexus', APP_DB_USER: 'nexus', APP_DB_PASSWORD: APP_PASSWORD },
  });
  return dir;
}

describe.each(['staging', 'production'] as EnvName[])('postgresql.conf for %s on a real PostgreSQL', (env) => {
  let pg: Postgres;
  let conf: Record<string, string>;
  let data: Record<string, string>;
  let scripts: Record<string, string>;
  let pgbouncerCm: Record<string, string>;
  const servers: Server[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    const objects = await render(env);
    data = configMapData(objects, 'nexus-database-config');
    scripts = configMapData(objects, 'nexus-database-scripts');
    pgbouncerCm = configMapData(objects, 'nexus-database-pgbouncer');
    conf = parsePgConf(data['postgresql.conf']!);
    pg = await startPostgres(data['postgresql.conf']!, data['pg_hba.conf']!, { tls: conf.ssl === 'on' });
    dirs.push(runInitDb(pg, scripts));
  });

  afterAll(async () => {
    for (const s of servers) await s.stop();
    await pg?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('reads back every setting of the generated file from pg_settings', () => {
    const rows = pg.psql("SELECT name, setting, coalesce(unit, ''), vartype, source FROM pg_settings", 'postgres');
    const settings = new Map(
      rows.split('\n').map((r) => {
        const [name, setting, unit, vartype, source] = r.split('|');
        return [name!.toLowerCase(), { setting: setting!, unit: unit!, vartype: vartype!, source: source! }] as const;
      }),
    );
    const rewritten = new Set(['listen_addresses', 'port', 'unix_socket_directories', 'hba_file', 'ssl_cert_file', 'ssl_key_file', 'ssl_ca_file']);
    const checked: string[] = [];
    for (const [name, value] of Object.entries(conf)) {
      if (rewritten.has(name)) continue;
      const s = settings.get(name);
      expect(s, `${name} is not a PostgreSQL setting`).toBeDefined();
      expect(s!.source, `${name} was not taken from the configuration file`).toBe('configuration file');
      if (s!.vartype === 'integer' || s!.vartype === 'real') {
        expect(Number(s!.setting), `${name} = ${value}`).toBeCloseTo(pgValueInBase(value, s!.unit), 6);
      } else {
        // bool, enum and string settings read back verbatim (on/off, lz4, 'UTC', ...).
        expect(s!.setting, name).toBe(value);
      }
      checked.push(name);
    }
    expect(checked.length).toBeGreaterThan(30);
  });

  it('derives the tuning from the container limits as documented', () => {
    const intended = intendedPgSettings(ENV_FILES[env]);
    for (const [name, expected] of Object.entries(intended)) {
      const [setting, unit] = pg.psql(`SELECT setting, coalesce(unit, '') FROM pg_settings WHERE name = '${name}'`).split('|');
      const bytesPer: Record<string, number> = { '': 1, B: 1, kB: 1024, '8kB': 8192, MB: 1024 * 1024 };
      const actual = Number(setting) * (bytesPer[unit!] ?? NaN);
      expect(actual, `${name} (${setting} ${unit})`).toBe(expected);
    }
  });

  it('serves TLS, as both overlays ask (staging rehearses production), and only hostssl to remote clients', () => {
    expect(conf.ssl).toBe('on');
    expect(pg.psql('SHOW ssl')).toBe('on');
    // Remote clients must use TLS: the generated pg_hba.conf has only hostssl lines for them.
    expect(data['pg_hba.conf']).toMatch(/^hostssl\s+all\s+all\s+0\.0\.0\.0\/0\s+scram-sha-256$/m);
    expect(data['pg_hba.conf']).not.toMatch(/^host\s+all\s+all\s+0\.0\.0\.0\/0/m);
    expect(pg.psql('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).toBe('t');
  });

  it('creates the application role and the backup marker table on first start', () => {
    expect(pg.psql("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'nexus'")).toBe('nexus');
    expect(pg.psql("SELECT to_regclass('public.nexus_backup_status') IS NOT NULL")).toBe('t');
  });

  it('runs a real PgBouncer from the generated pgbouncer.ini in transaction mode', async () => {
    requireTool('pgbouncer');
    const ini = pgbouncerCm['pgbouncer.ini']!;
    expect(ini).toMatch(/^pool_mode = transaction$/m);
    const dir = mkdtempSync(join(tmpdir(), 'nexus-pgbouncer-'));
    dirs.push(dir);
    chownToService(dir);
    const port = await freePort();
    const authFile = join(dir, 'userlist.txt');
    // Rewrite only the cluster-only addresses and paths (with TLS: the mounted certificate files).
    let local = ini
      .replace(/^\* = host=\S+ port=\d+$/m, `* = host=127.0.0.1 port=${pg.port}`)
      .replace(/^listen_addr = .*$/m, 'listen_addr = 127.0.0.1')
      .replace(/^listen_port = .*$/m, `listen_port = ${port}`)
      .replace(/^auth_file = .*$/m, `auth_file = ${authFile}`);
    if (pg.tls) {
      local = local
        .replace(/^client_tls_cert_file = .*$/m, `client_tls_cert_file = ${pg.tls.cert}`)
        .replace(/^client_tls_key_file = .*$/m, `client_tls_key_file = ${pg.tls.key}`)
        .replace(/^server_tls_ca_file = .*$/m, `server_tls_ca_file = ${pg.tls.ca.cert}`);
    }
    expect(local).not.toBe(ini);
    writeFileSync(join(dir, 'pgbouncer.ini'), local);
    writeFileSync(join(dir, 'pgbouncer-start.sh'), pgbouncerCm['pgbouncer-start.sh']!, { mode: 0o755 });
    chownToService(join(dir, 'pgbouncer.ini'));
    chownToService(join(dir, 'pgbouncer-start.sh'));
    const bouncer = startServer('/bin/sh', [join(dir, 'pgbouncer-start.sh')], {
      asService: true,
      env: { PGBOUNCER_INI: join(dir, 'pgbouncer.ini'), PGBOUNCER_AUTH_FILE: authFile, DB_USER: 'nexus', DB_PASSWORD: APP_PASSWORD },
    });
    servers.push(bouncer);
    // With TLS on, PgBouncer refuses plaintext clients: connect as the backend does (verify-full).
    const clientEnv = { PGHOST: '127.0.0.1', PGPORT: String(port), PGUSER: 'nexus', PGPASSWORD: APP_PASSWORD, PGSSLMODE: pg.tls ? 'verify-full' : 'disable', ...(pg.tls ? { PGSSLROOTCERT: pg.tls.ca.cert } : {}), PGCONNECT_TIMEOUT: '5' };
    const answer = await waitFor(
      'PgBouncer to answer a query',
      () => {
        if (bouncer.proc.exitCode !== null) throw new Error(`pgbouncer exited ${bouncer.proc.exitCode}: ${bouncer.output()}`);
        return runOk('psql', ['--no-psqlrc', '-tA', '-d', 'nexus', '-c', 'SELECT current_user || \'@\' || current_database()'], { env: clientEnv }).trim();
      },
      60_000, // each failed probe can take PGCONNECT_TIMEOUT (5 s) on a loaded machine
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}\n--- pgbouncer output ---\n${bouncer.output()}`);
    });
    expect(answer).toBe('nexus@nexus');
    // Transaction pooling: a transaction runs on one server connection; the admin console says the mode.
    const tx = runOk('psql', ['--no-psqlrc', '-tA', '-d', 'nexus', '-c', 'BEGIN; CREATE TEMP TABLE t(x int) ON COMMIT DROP; INSERT INTO t VALUES (41); SELECT x + 1 FROM t; COMMIT;'], { env: clientEnv });
    expect(tx).toContain('42');
    const pools = runOk('psql', ['--no-psqlrc', '-tA', '-d', 'pgbouncer', '-c', 'SHOW POOLS'], { env: clientEnv });
    expect(pools).toMatch(/^nexus\|nexus\|.*\|transaction$/m);
    if (env === 'production') {
      // server_tls_sslmode = verify-full: PgBouncer's own server connection is encrypted (and verified).
      expect(pg.psql("SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.usename = 'nexus' AND s.ssl")).not.toBe('0');
    }
  });
});
