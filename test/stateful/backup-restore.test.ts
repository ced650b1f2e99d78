/**
 * The backup, verify and restore scripts, taken from the RENDERED scripts ConfigMap and run with the
 * environment of the rendered CronJob/Job (the backup pod step by step, as the kubelet runs it: see
 * lib/job-pod.ts), against a real PostgreSQL started from the generated config. Only cluster-only
 * settings are replaced: the PostgreSQL address, the Secret-provided password and key files, and the
 * mount paths. Everything runs as a non-root user, as the pods do.
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, SUPERUSER_PASSWORD, type Postgres } from './lib/postgres.ts';
import { chownToService, requireTool, run, runAsync, runOk, serviceTempDir, startServer, waitFor } from './lib/proc.ts';
import { podSteps, runPod, writeScripts, type PodMounts } from './lib/job-pod.ts';
import { configMapData, find, render, type K8sObject } from './lib/render.ts';

/** The env of a rendered Job/CronJob's main container, as plain values (secret refs left out). */
function containerEnv(job: K8sObject): Record<string, string> {
  return podSteps(job).at(-1)!.env;
}

const DAY = 86_400_000;

describe('backup and restore scripts from the rendered chart, on a real PostgreSQL', () => {
  let pg: Postgres;
  let scriptsDir: string;
  let backupDir: string;
  let keys: { dir: string; pub: string; sec: string; ageRecipients: string; ageIdentity: string };
  let backupJob: K8sObject;
  let ageBackupJob: K8sObject;
  let restoreEnv: Record<string, string>;
  let fresh = '';
  let exporterQueries = '';

  /** A fingerprint of the whole application database: schema plus every row, in order. */
  const fingerprint = () => {
    const schema = runOk('pg_dump', ['--schema-only', '--no-comments', '-d', 'nexus'], { env: pg.env }).replace(/^(--|\\restrict |\\unrestrict ).*$/gm, ''); // comments and pg_dump's random \restrict keys
    const rows = ['items', 'accounts'].map((t) => pg.psql(`SELECT count(*) || ':' || md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) FROM ${t} x`, 'nexus'));
    return { schema, rows };
  };

  // The service user's own HOME, as in the pod: libpq under verify-full probes ~/.postgresql, which it cannot read in root's.
  let serviceHome = '';
  const script = (name: string, env: Record<string, string>, args: string[] = []) =>
    runAsync('bash', [join(scriptsDir, name), ...args], { env: { ...env, ...pg.env, HOME: serviceHome, BACKUP_DIR: backupDir, HANDOFF_DIR: join(backupDir, '.handoff'), GNUPGHOME: join(keys.dir, 'gnupg-job') }, asService: true });
  const backupPod = (job: K8sObject, publicKey: string) =>
    runPod(job, {
      paths: { '/scripts': scriptsDir, '/backups': backupDir, '/keys/public-key': publicKey },
      secrets: { 'nexus-db-credentials/postgres-password': SUPERUSER_PASSWORD },
      envFor: (): Record<string, string> => ({ PGHOST: '127.0.0.1', PGPORT: String(pg.port), PGSSLMODE: String(pg.env.PGSSLMODE), ...(pg.env.PGSSLROOTCERT ? { PGSSLROOTCERT: String(pg.env.PGSSLROOTCERT) } : {}) }),
    } satisfies PodMounts);

  beforeAll(async () => {
    for (const t of ['gpg', 'age', 'age-keygen', 'pg_dump', 'pg_restore', 'sha256sum']) requireTool(t);
    const staging = await render('staging', { set: ['database.mode=bundled', 'backend.database.caSecret=nexus-db-tls', 'database.restore.requestId=r1', 'database.restore.existingSecret=nexus-backup-private-key'] });
    const withAge = await render('staging', { set: ['database.mode=bundled', 'backend.database.caSecret=nexus-db-tls', 'database.backup.encryption.method=age'] });
    const data = configMapData(staging, 'nexus-database-config');
    exporterQueries = data['exporter-queries.yaml']!;
    backupJob = find(staging, 'CronJob', 'nexus-database-backup');
    restoreEnv = containerEnv(find(staging, 'Job', 'nexus-database-restore-r1'));
    ageBackupJob = find(withAge, 'CronJob', 'nexus-database-backup');

    scriptsDir = writeScripts(staging);
    backupDir = serviceTempDir('nexus-backups-');
    serviceHome = serviceTempDir('nexus-home-');

    // Keys: the job only ever sees the public key; the restore gets the private one.
    const dir = mkdtempSync(join(tmpdir(), 'nexus-keys-'));
    const home = join(dir, 'gnupg');
    runOk('mkdir', ['-m', '700', home, join(dir, 'gnupg-job')]);
    runOk('gpg', ['--batch', '--homedir', home, '--passphrase', '', '--quick-gen-key', 'nexus-backup@example.test', 'default', 'default', 'never']);
    const pub = join(dir, 'backup.pub');
    const sec = join(dir, 'backup.key');
    writeFileSync(pub, runOk('gpg', ['--batch', '--homedir', home, '--armor', '--export', 'nexus-backup@example.test']));
    writeFileSync(sec, runOk('gpg', ['--batch', '--homedir', home, '--armor', '--pinentry-mode', 'loopback', '--passphrase', '', '--export-secret-keys', 'nexus-backup@example.test']));
    const ageIdentity = join(dir, 'age.key');
    runOk('age-keygen', ['-o', ageIdentity]);
    const ageRecipients = join(dir, 'age.pub');
    writeFileSync(ageRecipients, runOk('age-keygen', ['-y', ageIdentity]));
    keys = { dir, pub, sec, ageRecipients, ageIdentity };
    // The pods run as a non-root user: the keys are readable to it (a Secret volume with fsGroup), its keyring is its own.
    chmodSync(dir, 0o755);
    for (const f of [pub, sec, ageRecipients, ageIdentity]) chmodSync(f, 0o644);
    chownToService(join(dir, 'gnupg-job'));

    // Staging serves TLS (database.tls, as production): the server gets a CA-signed certificate, and the
    // scripts connect with the CronJob's PGSSLMODE=verify-full against that CA (pg.env's PGSSLROOTCERT
    // stands in for the mounted /etc/postgresql-ca/ca.crt).
    expect(podSteps(backupJob)[0]!.env).toMatchObject({ PGSSLMODE: 'verify-full', PGSSLROOTCERT: '/etc/postgresql-ca/ca.crt' });
    pg = await startPostgres(data['postgresql.conf']!, data['pg_hba.conf']!, { tls: /^ssl = on$/m.test(data['postgresql.conf']!) });
    pg.psql('CREATE ROLE nexus LOGIN');
    pg.psql('CREATE DATABASE nexus OWNER nexus');
    pg.psql(
      `CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, price numeric(10,2), tags text[], meta jsonb, created timestamptz);
       INSERT INTO items SELECT g, 'item ' || g, g * 1.25, ARRAY['t' || (g % 7)], jsonb_build_object('g', g), timestamptz '2026-01-01' + g * interval '1 minute' FROM generate_series(1, 5000) g;
       CREATE TABLE accounts (id serial PRIMARY KEY, email text UNIQUE, balance bigint);
       INSERT INTO accounts (email, balance) SELECT 'user' || g || '@example.test', g * 100 FROM generate_series(1, 300) g;
       ALTER TABLE accounts OWNER TO nexus;
       CREATE INDEX items_name ON items (name);`,
      'nexus',
    );
  });

  afterAll(async () => {
    await pg?.stop();
    // Stop the gpg-agents gpg started for the test keyrings, then drop the files.
    if (keys) for (const home of ['gnupg', 'gnupg-job']) run('gpgconf', ['--homedir', join(keys.dir, home), '--kill', 'gpg-agent']);
    for (const d of [scriptsDir, backupDir, serviceHome, keys?.dir]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it('renders the CronJob environment the scripts need', async () => {
    const [dump, record] = podSteps(backupJob);
    expect(podSteps(backupJob).map((s) => s.name)).toEqual(['dump', 'record']);
    expect(dump!.env).toMatchObject({ BACKUP_DATABASE: 'nexus', DUMP_FORMAT: 'custom', ENCRYPTION_METHOD: 'gpg', VERIFY: 'true', RESTORE_TEST: 'true', HANDOFF_DIR: '/run/nexus-backup' });
    expect(record!.env).toMatchObject({ BACKUP_DATABASE: 'nexus', RETENTION_DAYS: '7', OBJECT_STORAGE: 'false' });
  });

  it('dumps roles and data, verifies, restore-tests in a throw-away server, encrypts, checksums, prunes expired dumps and marks success', async () => {
    const now = Date.now();
    const touch = (name: string, ageDays: number) => {
      const f = join(backupDir, name);
      writeFileSync(f, 'old dump');
      const t = new Date(now - ageDays * DAY);
      utimesSync(f, t, t);
    };
    touch('nexus-20200101T020000Z.dump.gpg', 8);
    touch('nexus-20200101T020000Z.dump.gpg.sha256', 8);
    touch('nexus-20200106T020000Z.dump.gpg', 6);
    touch('nexus-20200106T020000Z.dump.gpg.sha256', 6);
    touch('unrelated-file.txt', 30);

    const databases = pg.psql('SELECT string_agg(datname, \',\' ORDER BY datname) FROM pg_database');
    const r = await backupPod(backupJob, keys.pub);
    expect(r.ok, r.log).toBe(true);
    expect(r.log).toMatch(/verified .*table-of-contents entries/);
    expect(r.log).toMatch(/restore test of .* into a throw-away server succeeded \(roles included\)/);
    // The restore test never touched the production server.
    expect(pg.psql('SELECT string_agg(datname, \',\' ORDER BY datname) FROM pg_database')).toBe(databases);

    const files = readdirSync(backupDir).sort();
    const created = files.filter((f) => /^nexus-\d{8}T\d{6}Z\.dump\.gpg$/.test(f) && !f.startsWith('nexus-2020'));
    expect(files).toContain(created[0]!.replace('.dump.gpg', '.globals.sql.gpg'));
    expect(files).toContain(created[0]!.replace('.dump.gpg', '.globals.sql.gpg.sha256'));
    expect(created).toHaveLength(1);
    fresh = created[0]!;
    const artifact = join(backupDir, fresh);
    // Encrypted: no PostgreSQL custom-format magic ("PGDMP") at the start; gpg recognises the packet.
    expect(readFileSync(artifact).subarray(0, 5).toString('latin1')).not.toBe('PGDMP');
    expect(runOk('gpg', ['--batch', '--list-packets', '--homedir', join(keys.dir, 'gnupg'), artifact])).toMatch(/pubkey enc packet/);
    expect(files).toContain(`${fresh}.sha256`);
    // Retention 7 days: the 8-day-old dump and its checksum are gone, the 6-day-old one is kept.
    expect(files).not.toContain('nexus-20200101T020000Z.dump.gpg');
    expect(files).not.toContain('nexus-20200101T020000Z.dump.gpg.sha256');
    expect(files).toContain('nexus-20200106T020000Z.dump.gpg');
    expect(files).toContain('unrelated-file.txt');
    expect(readdirSync(join(backupDir, '.partial')), 'no plaintext or partial files left behind').toEqual([]);
    // The success marker: a Prometheus textfile and the exporter's table, both with the finish time.
    const prom = readFileSync(join(backupDir, 'metrics', 'nexus_backup.prom'), 'utf8');
    const ts = Number(/^nexus_backup_last_success_timestamp_seconds\{database="nexus"\} (\d+)$/m.exec(prom)?.[1]);
    expect(Math.abs(ts * 1000 - now)).toBeLessThan(120_000);
    expect(pg.psql("SELECT extract(epoch FROM last_success)::bigint || '|' || artifact FROM nexus_backup_status WHERE database = 'nexus'")).toBe(`${ts}|${fresh}`);
    // The postgres_exporter custom query (metric prefix `nexus_backup`) reads the same marker.
    const queries = load(exporterQueries) as Record<string, { query: string; metrics: Record<string, { usage: string }>[] }>;
    expect(queries.nexus_backup!.metrics.map((m) => Object.keys(m)[0])).toContain('last_success_timestamp_seconds');
    const row = pg.psql(queries.nexus_backup!.query, 'postgres').split('|');
    expect(row.slice(0, 2)).toEqual(['nexus', String(ts)]);
  });

  it('verifies a good encrypted dump with the private key', async () => {
    const r = await script('verify.sh', { DECRYPT_KEY_FILE: keys.sec, RESTORE_TEST: 'true' }, [fresh]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/is valid/);
  });

  it('fails loudly on a corrupted dump: flipped bytes break the checksum, a truncated dump breaks pg_restore', async () => {
    const latest = fresh;
    const bytes = readFileSync(join(backupDir, latest));
    const flipped = Buffer.from(bytes);
    for (let i = 100; i < 110; i++) flipped[i] = flipped[i]! ^ 0xff;
    writeFileSync(join(backupDir, 'nexus-29990101T000000Z.dump.gpg'), flipped);
    writeFileSync(join(backupDir, 'nexus-29990101T000000Z.dump.gpg.sha256'), readFileSync(join(backupDir, `${latest}.sha256`), 'utf8').replace(latest, 'nexus-29990101T000000Z.dump.gpg'));
    const corrupted = await script('verify.sh', { DECRYPT_KEY_FILE: keys.sec }, ['nexus-29990101T000000Z.dump.gpg']);
    expect(corrupted.status).not.toBe(0);
    expect(corrupted.stderr).toMatch(/ERROR: checksum mismatch .*corrupted/);

    // A plaintext dump cut in half, with a checksum that matches the damaged bytes: pg_restore must refuse it.
    const plain = join(keys.dir, 'plain.dump');
    runOk('gpg', ['--batch', '--homedir', join(keys.dir, 'gnupg'), '--pinentry-mode', 'loopback', '--passphrase', '', '--output', plain, '--decrypt', join(backupDir, latest)]);
    const half = readFileSync(plain).subarray(0, Math.floor(statSync(plain).size / 2));
    writeFileSync(join(backupDir, 'nexus-29990102T000000Z.dump'), half);
    runOk('sh', ['-c', 'sha256sum nexus-29990102T000000Z.dump > nexus-29990102T000000Z.dump.sha256'], { cwd: backupDir });
    const truncated = await script('verify.sh', {}, ['nexus-29990102T000000Z.dump']);
    expect(truncated.status).not.toBe(0);
    expect(truncated.stderr).toMatch(/ERROR: verification failed: pg_restore cannot read the data/);
    for (const f of ['nexus-29990101T000000Z.dump.gpg', 'nexus-29990102T000000Z.dump']) {
      runOk('rm', ['-f', join(backupDir, f), join(backupDir, `${f}.sha256`)]);
    }
  });

  it('restores the data identically with the restore Job\'s script', async () => {
    const before = fingerprint();
    pg.psql("DELETE FROM items WHERE id % 3 = 0; UPDATE accounts SET balance = 0; DROP INDEX items_name; CREATE TABLE junk (x int); INSERT INTO items VALUES (999999, 'intruder', 1, '{}', '{}', now());", 'nexus');
    expect(fingerprint()).not.toEqual(before);
    // The restore Job names no dump here, so the newest one is restored.
    expect(restoreEnv).toMatchObject({ RESTORE_REQUEST_ID: 'r1', RESTORE_DATABASE: 'nexus', RESTORE_DATABASE_OWNER: 'nexus', RESTORE_DUMP: '', DECRYPT_KEY_FILE: '/keys/private-key' });
    const r = await script('restore.sh', { ...restoreEnv, DECRYPT_KEY_FILE: keys.sec });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/nexus was taken out of service and kept as nexus__before_r1/);
    // The database as it was before the restore is kept, with connections off.
    expect(pg.psql("SELECT datallowconn FROM pg_database WHERE datname = 'nexus__before_r1'")).toBe('f');
    pg.psql('DROP DATABASE nexus__before_r1');
    // Rows and schema are the dump's: the table created after the backup stayed in the previous database.
    expect(fingerprint()).toEqual(before);
  });

  it('recreates a lost database with its owner and restores it identically', async () => {
    const before = fingerprint();
    pg.psql('DROP DATABASE nexus');
    const r = await script('restore.sh', { ...restoreEnv, RESTORE_REQUEST_ID: 'r2-lost-volume', DECRYPT_KEY_FILE: keys.sec });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/created database nexus owned by nexus/);
    expect(pg.psql("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'nexus'")).toBe('nexus');
    expect(fingerprint()).toEqual(before);
    expect(readdirSync(join(backupDir, '.partial')), 'the decrypted copy is removed').toEqual([]);
  });

  it('refuses to restore a dump it cannot decrypt', async () => {
    const r = await script('restore.sh', { ...restoreEnv, RESTORE_REQUEST_ID: 'r3-no-key', RESTORE_DUMP: fresh, DECRYPT_KEY_FILE: '' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/ERROR: .*private key is needed/);
  });

  it('runs a request once: the same id again changes nothing, whoever renders the Job', async () => {
    pg.psql("INSERT INTO accounts (email, balance) VALUES ('after-restore@example.test', 1)", 'nexus');
    const again = await script('restore.sh', { ...restoreEnv, DECRYPT_KEY_FILE: keys.sec });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/restore request r1 was already handled: restored at .*Nothing to do; to restore again, request it with a new id/);
    // The row written after the first restore is still there: nothing was restored over it.
    expect(pg.psql("SELECT count(*) FROM accounts WHERE email = 'after-restore@example.test'", 'nexus')).toBe('1');
    // A dump that could not be decrypted changed nothing and claimed nothing.
    expect(pg.psql("SELECT request_id || ':' || status FROM nexus_restore_requests ORDER BY started_at")).toBe('r1:restored\nr2-lost-volume:restored');
    // A request that fails once it has started is spent: running the Job again does not retry it.
    pg.psql('CREATE DATABASE "nexus__before_r5-spent"');
    const failed = await script('restore.sh', { ...restoreEnv, RESTORE_REQUEST_ID: 'r5-spent', DECRYPT_KEY_FILE: keys.sec });
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toMatch(/request r5-spent is spent: request the restore again with a new id/);
    pg.psql('DROP DATABASE "nexus__before_r5-spent"');
    const retried = await script('restore.sh', { ...restoreEnv, RESTORE_REQUEST_ID: 'r5-spent', DECRYPT_KEY_FILE: keys.sec });
    expect(retried.status, retried.stderr).toBe(0);
    expect(retried.stderr).toMatch(/restore request r5-spent was already handled: failed at /);
    expect(pg.psql("SELECT count(*) FROM accounts WHERE email = 'after-restore@example.test'", 'nexus')).toBe('1');
    pg.psql("DELETE FROM accounts WHERE email = 'after-restore@example.test'", 'nexus');
  });

  it('never races a writer: the restore runs beside it, and the swap ends its session', async () => {
    const before = fingerprint();
    pg.psql('CREATE TABLE IF NOT EXISTS writes (id bigserial PRIMARY KEY, at timestamptz DEFAULT now()); GRANT ALL ON writes, writes_id_seq TO nexus;', 'nexus');
    pg.psql(
      `CREATE OR REPLACE PROCEDURE keep_writing() LANGUAGE plpgsql AS $$ BEGIN LOOP INSERT INTO writes DEFAULT VALUES; COMMIT; PERFORM pg_sleep(0.02); END LOOP; END $$;`,
      'nexus',
    );
    const writer = startServer('psql', ['--no-psqlrc', '-v', 'ON_ERROR_STOP=1', '-d', 'nexus', '-c', 'CALL keep_writing()'], { env: pg.env });
    await waitFor('the writer to write', () => Number(pg.psql('SELECT count(*) FROM writes', 'nexus')) > 5);
    const r = await script('restore.sh', { ...restoreEnv, RESTORE_REQUEST_ID: 'r4-writer', DECRYPT_KEY_FILE: keys.sec });
    expect(r.status, r.stderr).toBe(0);
    // The writer's session was ended by the swap (it did not keep writing into either database).
    await waitFor('the writer to be cut off', () => writer.proc.exitCode !== null, 10_000);
    expect(writer.output()).toMatch(/terminating connection due to administrator command/);
    // The restored database is the dump, byte for byte: none of the writer's rows (the table is not in the dump).
    pg.psql('DROP PROCEDURE IF EXISTS keep_writing', 'nexus');
    expect(fingerprint()).toEqual(before);
    expect(pg.psql("SELECT count(*) FROM pg_tables WHERE tablename = 'writes'", 'nexus')).toBe('0');
    // Everything the writer committed is kept in the previous database.
    pg.psql('ALTER DATABASE "nexus__before_r4-writer" ALLOW_CONNECTIONS true');
    expect(Number(pg.psql('SELECT count(*) FROM writes', 'nexus__before_r4-writer'))).toBeGreaterThan(5);
    pg.psql('DROP DATABASE "nexus__before_r4-writer"');
  });

  it('encrypts with age when the values choose it', async () => {
    expect(podSteps(ageBackupJob)[0]!.env.ENCRYPTION_METHOD).toBe('age');
    const r = await backupPod(ageBackupJob, keys.ageRecipients);
    expect(r.ok, r.log).toBe(true);
    const aged = readdirSync(backupDir).filter((f) => f.endsWith('.dump.age'));
    expect(aged).toHaveLength(1);
    expect(readFileSync(join(backupDir, aged[0]!), 'latin1').startsWith('age-encryption.org/v1')).toBe(true);
    const v = await script('verify.sh', { DECRYPT_KEY_FILE: keys.ageIdentity }, [aged[0]!]);
    expect(v.status, v.stderr).toBe(0);
  });
});
