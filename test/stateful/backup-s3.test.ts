/**
 * Off-cluster disaster recovery, end to end, with real servers on 127.0.0.1: PostgreSQL (started from the
 * rendered config), an S3-compatible server (s3rver) and rclone. The RENDERED backup CronJob and restore
 * Job run as the kubelet runs them (init containers in order, then the main container; lib/job-pod.ts):
 * dump -> upload -> prune -> (new cluster) fetch -> verify -> restore, roles included.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, SUPERUSER_PASSWORD, type Postgres } from './lib/postgres.ts';
import { requireTool, run, runAsync, runOk, serviceTempDir } from './lib/proc.ts';
import { podSteps, runPod, writeScripts, type PodMounts } from './lib/job-pod.ts';
import { configMapData, find, render, type K8sObject } from './lib/render.ts';
import { S3_KEY, startS3, type S3Server } from './lib/s3.ts';

const BUCKET = 'nexus-backups';
const PREFIX = `${BUCKET}/prod`;
const APP_PASSWORD = 'app "secret" pw';

/** The application's data and the cluster's roles, as a comparable fingerprint. */
function fingerprint(pg: Postgres) {
  const schema = runOk('pg_dump', ['--schema-only', '--no-comments', '-d', 'nexus'], { env: pg.env }).replace(/^(--|\\restrict |\\unrestrict ).*$/gm, '');
  const rows = ['items', 'accounts', 'audit'].map((t) => pg.psql(`SELECT '${t}:' || count(*) || ':' || md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) FROM ${t} x`, 'nexus'));
  // Roles the application does not manage keep everything, password hash included; the app role its attributes.
  const roles = pg.psql(
    `SELECT string_agg(format('%s|%s|%s|%s|%s|%s', rolname, rolcanlogin, rolconnlimit, rolcreatedb, CASE WHEN rolname = 'nexus' THEN '(secret)' ELSE coalesce(rolpassword, '') END, coalesce(array_to_string(s.setconfig, ','), '')), E'\\n' ORDER BY rolname)
       FROM pg_authid a LEFT JOIN pg_db_role_setting s ON s.setrole = a.oid AND s.setdatabase = 0 WHERE rolname IN ('nexus', 'analyst', 'reporting')`,
  );
  const members = pg.psql("SELECT string_agg(r.rolname || '>' || m.rolname, ',' ORDER BY r.rolname, m.rolname) FROM pg_auth_members am JOIN pg_roles r ON r.oid = am.roleid JOIN pg_roles m ON m.oid = am.member WHERE m.rolname IN ('analyst', 'nexus')");
  return { schema, rows, roles, members };
}

describe('off-cluster disaster recovery: rendered backup and restore pods, real PostgreSQL, real S3 (s3rver) and rclone', () => {
  let s3: S3Server;
  let source: Postgres;
  let target: Postgres | undefined;
  let scriptsDir: string;
  let sourceVolume: string;
  let keys: { dir: string; pub: string; sec: string };
  let cronJob: K8sObject;
  let restoreJob: K8sObject;
  let parallelCronJob: K8sObject;
  let parallelRestoreJob: K8sObject;
  let rendered: K8sObject[];
  let uploaded = '';

  const secrets = (s3KeyId = S3_KEY.id): Record<string, string> => ({
    'nexus-db-credentials/postgres-password': SUPERUSER_PASSWORD,
    'nexus-backup-s3/AWS_ACCESS_KEY_ID': s3KeyId,
    'nexus-backup-s3/AWS_SECRET_ACCESS_KEY': S3_KEY.secret,
  });
  const mounts = (pg: Postgres, volume: string, extra: Partial<PodMounts> = {}): PodMounts => ({
    paths: { '/scripts': scriptsDir, '/backups': volume, '/keys/public-key': keys.pub, '/keys/private-key': keys.sec },
    secrets: secrets(),
    // The address of the test server instead of the cluster Service (TLS is another test's subject).
    envFor: (step): Record<string, string> => (step.image.includes('/rclone/rclone:') ? {} : { PGHOST: '127.0.0.1', PGPORT: String(pg.port), PGSSLMODE: String(pg.env.PGSSLMODE), ...(pg.env.PGSSLROOTCERT ? { PGSSLROOTCERT: String(pg.env.PGSSLROOTCERT) } : {}) }),
    ...extra,
  });

  /** A new cluster as the chart starts it: initdb, the image creates POSTGRES_DB, then the rendered init-db.sh. */
  const newCluster = async () => {
    const data = configMapData(rendered, 'nexus-database-config');
    const pg = await startPostgres(data['postgresql.conf']!, data['pg_hba.conf']!, { tls: /^ssl = on$/m.test(data['postgresql.conf']!) });
    pg.psql('CREATE DATABASE nexus');
    const r = await runAsync('bash', [join(scriptsDir, 'init-db.sh')], { env: { ...pg.env, NEXUS_SCRIPTS: scriptsDir, APP_DB_USER: 'nexus', APP_DB_PASSWORD: APP_PASSWORD, POSTGRES_DB: 'nexus' } });
    expect(r.status, r.stderr).toBe(0);
    return pg;
  };

  beforeAll(async () => {
    for (const t of ['gpg', 'pg_dump', 'pg_dumpall', 'pg_restore', 'initdb', 'pg_ctl', 'sha256sum', 'rclone', 'tar']) requireTool(t);
    s3 = await startS3(BUCKET);
    const common = [
      'database.mode=bundled',
      'backend.database.caSecret=nexus-db-tls',
      'database.backup.objectStorage.enabled=true',
      `database.backup.objectStorage.bucket=${PREFIX}`,
      'database.backup.objectStorage.existingSecret=nexus-backup-s3',
      `database.backup.objectStorage.endpoint=${s3.endpoint}`,
      'database.restore.source=objectStorage',
      'database.restore.existingSecret=nexus-backup-private-key',
    ];
    rendered = await render('staging', { set: [...common, 'database.restore.requestId=dr1', 'database.backup.verification.restoreTest=false'] });
    cronJob = find(rendered, 'CronJob', 'nexus-database-backup');
    restoreJob = find(rendered, 'Job', 'nexus-database-restore-dr1');
    const parallel = await render('staging', { set: [...common, 'database.restore.requestId=dr2', 'database.backup.format=directory', 'database.backup.jobs=2', 'database.backup.verification.restoreTest=true'] });
    parallelCronJob = find(parallel, 'CronJob', 'nexus-database-backup');
    parallelRestoreJob = find(parallel, 'Job', 'nexus-database-restore-dr2');
    scriptsDir = writeScripts(rendered);
    sourceVolume = serviceTempDir('nexus-backups-');

    const dir = mkdtempSync(join(tmpdir(), 'nexus-keys-'));
    const home = join(dir, 'gnupg');
    runOk('mkdir', ['-m', '700', home]);
    runOk('gpg', ['--batch', '--homedir', home, '--passphrase', '', '--quick-gen-key', 'nexus-backup@example.test', 'default', 'default', 'never']);
    const pub = join(dir, 'backup.pub');
    const sec = join(dir, 'backup.key');
    writeFileSync(pub, runOk('gpg', ['--batch', '--homedir', home, '--armor', '--export', 'nexus-backup@example.test']));
    writeFileSync(sec, runOk('gpg', ['--batch', '--homedir', home, '--armor', '--pinentry-mode', 'loopback', '--passphrase', '', '--export-secret-keys', 'nexus-backup@example.test']));
    chmodSync(dir, 0o755);
    chmodSync(pub, 0o644);
    chmodSync(sec, 0o644); // read by the pod's non-root user, as the Secret volume's 0440 + fsGroup allows
    keys = { dir, pub, sec };

    // The production cluster: the chart's roles plus ones an operator added, with memberships, settings and grants.
    source = await newCluster();
    source.psql(
      `CREATE ROLE reporting NOLOGIN;
       CREATE ROLE analyst LOGIN PASSWORD 'analyst pw' CONNECTION LIMIT 3 IN ROLE reporting;
       ALTER ROLE analyst SET statement_timeout = '5s';`,
    );
    source.psql(
      `SET ROLE nexus;
       CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, price numeric(10,2), tags text[], meta jsonb, created timestamptz);
       INSERT INTO items SELECT g, 'item ' || g, g * 1.25, ARRAY['t' || (g % 7)], jsonb_build_object('g', g), timestamptz '2026-01-01' + g * interval '1 minute' FROM generate_series(1, 20000) g;
       CREATE TABLE accounts (id serial PRIMARY KEY, email text UNIQUE, balance bigint);
       INSERT INTO accounts (email, balance) SELECT 'user' || g || '@example.test', g * 100 FROM generate_series(1, 3000) g;
       CREATE TABLE audit (at timestamptz, who text);
       INSERT INTO audit SELECT timestamptz '2026-02-01' + g * interval '1 second', 'analyst' FROM generate_series(1, 500) g;
       CREATE INDEX items_name ON items (name);
       GRANT SELECT ON items, accounts TO reporting;
       RESET ROLE;
       ALTER TABLE audit OWNER TO analyst;`,
      'nexus',
    );
  });

  afterAll(async () => {
    await source?.stop();
    await target?.stop();
    await s3?.stop();
    if (keys) run('gpgconf', ['--homedir', join(keys.dir, 'gnupg'), '--kill', 'gpg-agent']);
    for (const d of [scriptsDir, sourceVolume, keys?.dir]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it('renders a backup pod that dumps and encrypts (postgres image), uploads (rclone image), then records success', () => {
    const steps = podSteps(cronJob);
    expect(steps.map((s) => `${s.name}:${s.image.split(':')[0]}:${s.command.join(' ')}`)).toEqual([
      'dump:docker.io/library/postgres:/bin/bash /scripts/backup.sh',
      'upload:docker.io/rclone/rclone:/bin/sh /scripts/upload.sh',
      'record:docker.io/library/postgres:/bin/bash /scripts/backup-record.sh',
    ]);
    expect(steps[1]!.env).toMatchObject({ REMOTE: `nexus:${PREFIX}`, RCLONE_CONFIG_NEXUS_TYPE: 's3', RCLONE_CONFIG_NEXUS_ENDPOINT: s3.endpoint, BUCKET_RETENTION_DAYS: '7' });
    expect(steps[2]!.env).toMatchObject({ OBJECT_STORAGE: 'true' });
    expect(podSteps(restoreJob).map((s) => `${s.name}:${s.command.join(' ')}`)).toEqual(['fetch:/bin/sh /scripts/fetch.sh', 'restore:/bin/bash /scripts/restore.sh']);
  });

  it('backs up to the bucket: globals and dump with sha256 sidecars, encrypted; prunes only this database\'s objects older than 7 days; marks success after the upload', async () => {
    // Objects already in the bucket: two of this database (8 and 6 days old), one of another database, one unrelated.
    const seed = mkdtempSync(join(tmpdir(), 'nexus-seed-'));
    for (const f of ['nexus-20200101T020000Z.dump.gpg', 'nexus-20200101T020000Z.dump.gpg.sha256', 'nexus-20200101T020000Z.globals.sql.gpg', 'nexus-20200106T020000Z.dump.gpg', 'nexus-20200106T020000Z.dump.gpg.sha256', 'nexusold-20200101T020000Z.dump.gpg', 'README.txt']) {
      writeFileSync(join(seed, f), `seed ${f}`);
    }
    runOk('rclone', ['copy', seed, `s3test:${PREFIX}`], { env: s3.env });
    rmSync(seed, { recursive: true });
    for (const f of ['nexus-20200101T020000Z.dump.gpg', 'nexus-20200101T020000Z.dump.gpg.sha256', 'nexus-20200101T020000Z.globals.sql.gpg', 'nexusold-20200101T020000Z.dump.gpg', 'README.txt']) s3.age(`${PREFIX}/${f}`, 8);
    for (const f of ['nexus-20200106T020000Z.dump.gpg', 'nexus-20200106T020000Z.dump.gpg.sha256']) s3.age(`${PREFIX}/${f}`, 6);

    const r = await runPod(cronJob, mounts(source, sourceVolume));
    expect(r.ok, r.log).toBe(true);
    expect(r.steps.map((s) => s.name)).toEqual(['dump', 'upload', 'record']);

    const objects = s3.list(PREFIX);
    const dumps = objects.filter((o) => /^nexus-\d{8}T\d{6}Z\.dump\.gpg$/.test(o) && !o.startsWith('nexus-2020'));
    expect(dumps).toHaveLength(1);
    uploaded = dumps[0]!;
    const stem = uploaded.replace(/\.dump\.gpg$/, '');
    expect(objects).toEqual(
      expect.arrayContaining([uploaded, `${uploaded}.sha256`, `${stem}.globals.sql.gpg`, `${stem}.globals.sql.gpg.sha256`, 'nexus-20200106T020000Z.dump.gpg', 'nexus-20200106T020000Z.dump.gpg.sha256', 'nexusold-20200101T020000Z.dump.gpg', 'README.txt']),
    );
    // Retention: this database's objects uploaded more than 7 days ago are gone; nothing else is.
    expect(objects.filter((o) => o.startsWith('nexus-20200101'))).toEqual([]);
    expect(r.log).toMatch(/pruned nexus-20200101T020000Z\.dump\.gpg from nexus:nexus-backups\/prod \(uploaded more than 7 days ago\)/);
    // The objects are the encrypted files, byte for byte, and their sidecars name them.
    const fetched = mkdtempSync(join(tmpdir(), 'nexus-fetched-'));
    runOk('rclone', ['copy', `s3test:${PREFIX}`, fetched, '--include', `${stem}.*`], { env: s3.env });
    expect(runOk('sha256sum', ['--check', `${uploaded}.sha256`, `${stem}.globals.sql.gpg.sha256`], { cwd: fetched })).toMatch(/OK\n.*OK/);
    expect(readFileSync(join(fetched, uploaded)).subarray(0, 5).toString('latin1')).not.toBe('PGDMP');
    expect(readFileSync(join(fetched, `${stem}.globals.sql.gpg`), 'latin1')).not.toMatch(/CREATE ROLE/);
    rmSync(fetched, { recursive: true });
    // The success marker (the exporter's table), written by the last step, names the uploaded artifact.
    expect(source.psql("SELECT artifact FROM nexus_backup_status WHERE database = 'nexus'")).toBe(uploaded);
    expect(r.log).toMatch(new RegExp(`uploaded to nexus:nexus-backups/prod/${uploaded.replace(/\./g, '\\.')}`));
  });

  it('records no success when the upload fails: the marker keeps the last uploaded backup', async () => {
    const before = source.psql("SELECT last_success || '|' || artifact FROM nexus_backup_status WHERE database = 'nexus'");
    await new Promise((res) => setTimeout(res, 1100)); // a new backup gets a new name (second resolution)
    const volume = serviceTempDir('nexus-backups-');
    const r = await runPod(cronJob, { ...mounts(source, volume), secrets: secrets('NOT-A-KEY') });
    rmSync(volume, { recursive: true, force: true });
    expect(r.ok).toBe(false);
    expect(r.failed).toBe('upload');
    expect(r.steps.map((s) => s.name)).toEqual(['dump', 'upload']);
    expect(r.log).toMatch(/ERROR: upload of .* failed/);
    expect(source.psql("SELECT last_success || '|' || artifact FROM nexus_backup_status WHERE database = 'nexus'")).toBe(before);
  });

  let recoverySeconds = 0;
  it('recovers a new cluster from the bucket alone: fetch, checksum, decrypt, roles, then the database, identical', async () => {
    const expected = fingerprint(source);
    target = await newCluster();
    expect(target.psql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('items', 'accounts', 'audit')", 'nexus')).toBe('0');
    expect(target.psql("SELECT count(*) FROM pg_roles WHERE rolname IN ('analyst', 'reporting')")).toBe('0');
    // Nothing of the old cluster's volume: the new cluster's backup volume is empty.
    const volume = serviceTempDir('nexus-backups-');
    const started = process.hrtime.bigint();
    const r = await runPod(restoreJob, mounts(target, volume));
    recoverySeconds = Number(process.hrtime.bigint() - started) / 1e9;
    rmSync(volume, { recursive: true, force: true });
    expect(r.ok, r.log).toBe(true);
    expect(r.log).toMatch(new RegExp(`fetched ${uploaded.replace(/\./g, '\\.')} from nexus:nexus-backups/prod`));
    expect(r.log).toMatch(/checksums of .* and .*globals\.sql\.gpg are correct/);
    expect(r.log).toMatch(/roles and globals restored/);
    const got = fingerprint(target);
    expect(got.schema).toBe(expected.schema);
    expect(got.rows).toEqual(expected.rows);
    expect(got.roles).toBe(expected.roles);
    expect(got.members).toBe(expected.members);
    // The operator's role logs in with its old password; the app role with its Secret's password.
    const login = (user: string, password: string) => run('psql', ['--no-psqlrc', '-tA', '-d', 'nexus', '-c', 'SELECT current_user'], { env: { ...target!.env, PGUSER: user, PGPASSWORD: password } });
    expect(login('analyst', 'analyst pw').stdout.trim()).toBe('analyst');
    expect(login('nexus', APP_PASSWORD).stdout.trim()).toBe('nexus');
    expect(login('analyst', 'wrong').status).not.toBe(0);
    // Grants came back with the roles: the reporting role's member reads the app's table.
    expect(run('psql', ['--no-psqlrc', '-tA', '-d', 'nexus', '-c', 'SELECT count(*) FROM items'], { env: { ...target.env, PGUSER: 'analyst', PGPASSWORD: 'analyst pw' } }).stdout.trim()).toBe('20000');
    console.log(`full recovery from the bucket (fetch + verify + decrypt + roles + restore + swap): ${recoverySeconds.toFixed(2)} s`);
    expect(recoverySeconds).toBeGreaterThan(0);
  });

  it('refuses a tampered object before anything touches the database', async () => {
    const db = target!;
    const before = fingerprint(db);
    const databases = db.psql('SELECT string_agg(datname, \',\' ORDER BY datname) FROM pg_database');
    const requests = db.psql('SELECT count(*) FROM nexus_restore_requests');
    // An attacker with write access replaces the dump in the bucket (a consistent object: the store's own hash matches).
    const work = mkdtempSync(join(tmpdir(), 'nexus-tamper-'));
    runOk('rclone', ['copyto', `s3test:${PREFIX}/${uploaded}`, join(work, uploaded)], { env: s3.env });
    const bytes = readFileSync(join(work, uploaded));
    for (let i = 200; i < 232; i++) bytes[i] = bytes[i]! ^ 0x5a;
    writeFileSync(join(work, uploaded), bytes);
    runOk('rclone', ['copyto', join(work, uploaded), `s3test:${PREFIX}/${uploaded}`], { env: s3.env });

    const volume = serviceTempDir('nexus-backups-');
    const r = await runPod(restoreJob, { ...mounts(db, volume), env: { RESTORE_REQUEST_ID: 'tampered' } });
    expect(r.ok).toBe(false);
    expect(r.failed).toBe('restore');
    expect(r.log).toMatch(/ERROR: checksum mismatch for .*: the dump is corrupted/);
    expect(r.log).not.toMatch(/restoring .* into|roles and globals restored|already handled/);

    // The sidecar replaced too: the checksum matches, but the encrypted dump no longer decrypts.
    runOk('sh', ['-c', `sha256sum ${uploaded} > ${uploaded}.sha256`], { cwd: work });
    runOk('rclone', ['copyto', join(work, `${uploaded}.sha256`), `s3test:${PREFIX}/${uploaded}.sha256`], { env: s3.env });
    const forged = await runPod(restoreJob, { ...mounts(db, volume), env: { RESTORE_REQUEST_ID: 'forged' } });
    expect(forged.ok).toBe(false);
    expect(forged.log).toMatch(/ERROR: gpg could not decrypt/);
    rmSync(volume, { recursive: true, force: true });
    rmSync(work, { recursive: true });

    // Nothing changed: no request claimed, no database created or renamed, the data as it was.
    expect(db.psql('SELECT count(*) FROM nexus_restore_requests')).toBe(requests);
    expect(db.psql('SELECT string_agg(datname, \',\' ORDER BY datname) FROM pg_database')).toBe(databases);
    expect(fingerprint(db)).toEqual(before);
  });

  it('dumps large databases in parallel (pg_dump -Fd -j), tests the restore in a throw-away server (never the primary), and restores with pg_restore -j', async () => {
    expect(podSteps(parallelCronJob)[0]!.env).toMatchObject({ DUMP_FORMAT: 'directory', DUMP_JOBS: '2', RESTORE_TEST: 'true' });
    expect(podSteps(parallelRestoreJob).at(-1)!.env).toMatchObject({ RESTORE_JOBS: '2' });
    const connections = source.psql("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'");
    const volume = serviceTempDir('nexus-backups-');
    const r = await runPod(parallelCronJob, mounts(source, volume));
    rmSync(volume, { recursive: true, force: true });
    expect(r.ok, r.log).toBe(true);
    expect(r.log).toMatch(/directory format, 2 jobs/);
    expect(r.log).toMatch(/restore test of .* into a throw-away server succeeded \(roles included\)/);
    // The production server never saw a scratch database.
    expect(source.psql("SELECT count(*) FROM pg_database WHERE datname NOT IN ('postgres', 'template0', 'template1', 'nexus')")).toBe('0');
    expect(source.psql("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'")).toBe(connections);
    const tar = s3.list(PREFIX).filter((o) => o.endsWith('.dump.tar.gpg'));
    expect(tar).toHaveLength(1);

    const db = target!;
    db.psql("UPDATE accounts SET balance = -1 WHERE id < 100; DELETE FROM audit WHERE at < '2026-02-01 00:05'", 'nexus');
    const expected = fingerprint(source);
    expect(fingerprint(db).rows).not.toEqual(expected.rows);
    const restoreVolume = serviceTempDir('nexus-backups-');
    const restored = await runPod(parallelRestoreJob, mounts(db, restoreVolume));
    rmSync(restoreVolume, { recursive: true, force: true });
    expect(restored.ok, restored.log).toBe(true);
    expect(restored.log).toMatch(new RegExp(`fetched ${tar[0]!.replace(/\./g, '\\.')}`));
    expect(restored.log).toMatch(/nexus was taken out of service and kept as nexus__before_dr2/);
    const got = fingerprint(db);
    expect(got.rows).toEqual(expected.rows);
    expect(got.schema).toBe(expected.schema);
    expect(got.roles).toBe(expected.roles);
  });

  it('external mode (a managed database): dumps as the owner, no superuser; roles without passwords; the marker in its own database; uploaded', async () => {
    const managedPrefix = `${BUCKET}/managed`;
    const host = 'nexus.abc123.eu-west-1.rds.amazonaws.com';
    const external = await render('staging', {
      set: [
        'database.mode=external',
        'database.auth.existingSecret=rds-app',
        `database.external.host=${host}`,
        'database.external.caSecret=rds-ca-bundle',
        `backend.database.host=${host}`,
        'backend.database.port=5432',
        'backend.database.existingSecret=rds-app',
        'backend.database.sslMode=verify-full',
        'backend.database.caSecret=rds-ca-bundle',
        'database.backup.objectStorage.enabled=true',
        `database.backup.objectStorage.bucket=${managedPrefix}`,
        'database.backup.objectStorage.existingSecret=nexus-backup-s3',
        `database.backup.objectStorage.endpoint=${s3.endpoint}`,
      ],
    });
    const cron = find(external, 'CronJob', 'nexus-database-backup');
    const steps = podSteps(cron);
    expect(steps.map((s) => s.name)).toEqual(['dump', 'upload', 'record']);
    for (const step of [steps[0]!, steps[2]!]) {
      expect(step.env, step.name).toMatchObject({ PGUSER: 'nexus', MAINTENANCE_DB: 'nexus', PGSSLMODE: 'verify-full', PGSSLROOTCERT: '/etc/nexus/database-ca/ca.crt' });
      expect(step.secretEnv, step.name).toEqual({ PGPASSWORD: 'rds-app/password' });
    }
    expect(steps[0]!.env.GLOBALS).toBe('no-role-passwords');
    expect(find(external, 'ConfigMap', 'nexus-database-scripts')).toBeTruthy();

    // The "managed" server: the owner is no superuser and cannot read pg_authid, as on RDS, Cloud SQL or Azure.
    expect(source.psql("SELECT rolsuper FROM pg_roles WHERE rolname = 'nexus'")).toBe('f');
    expect(run('psql', ['--no-psqlrc', '-tA', '-d', 'nexus', '-c', 'SELECT count(*) FROM pg_authid'], { env: { ...source.env, PGUSER: 'nexus', PGPASSWORD: APP_PASSWORD } }).status).not.toBe(0);
    // The owner must be able to read every table it dumps (on a managed server the tables are the owner's).
    source.psql('GRANT SELECT ON audit TO nexus', 'nexus');

    const volume = serviceTempDir('nexus-backups-');
    const r = await runPod(cron, {
      // The rendered CA path maps to the test server's CA; only the address is the test server's.
      paths: { '/scripts': scriptsDir, '/backups': volume, '/keys/public-key': keys.pub, ...(source.env.PGSSLROOTCERT ? { '/etc/nexus/database-ca/ca.crt': String(source.env.PGSSLROOTCERT) } : {}) },
      secrets: { 'rds-app/password': APP_PASSWORD, 'nexus-backup-s3/AWS_ACCESS_KEY_ID': S3_KEY.id, 'nexus-backup-s3/AWS_SECRET_ACCESS_KEY': S3_KEY.secret },
      envFor: (step): Record<string, string> => (step.image.includes('/rclone/rclone:') ? {} : { PGHOST: '127.0.0.1', PGPORT: String(source.port), ...(source.env.PGSSLROOTCERT ? {} : { PGSSLMODE: String(source.env.PGSSLMODE), PGSSLROOTCERT: '' }) }),
    });
    rmSync(volume, { recursive: true, force: true });
    expect(r.ok, r.log).toBe(true);
    expect(r.log).toMatch(/pg_dumpall --globals-only --no-role-passwords/);

    const objects = s3.list(managedPrefix);
    const dump = objects.find((o) => /^nexus-\d{8}T\d{6}Z\.dump\.gpg$/.test(o))!;
    expect(dump).toBeDefined();
    const stem = dump.replace(/\.dump\.gpg$/, '');
    expect(objects).toEqual(expect.arrayContaining([`${dump}.sha256`, `${stem}.globals.sql.gpg`, `${stem}.globals.sql.gpg.sha256`]));
    // The roles, memberships and settings are there, their passwords are not.
    const work = mkdtempSync(join(tmpdir(), 'nexus-managed-'));
    runOk('rclone', ['copy', `s3test:${managedPrefix}`, work, '--include', `${stem}.*`], { env: s3.env });
    const globals = runOk('gpg', ['--batch', '--homedir', join(keys.dir, 'gnupg'), '--pinentry-mode', 'loopback', '--passphrase', '', '--decrypt', join(work, `${stem}.globals.sql.gpg`)]);
    rmSync(work, { recursive: true });
    expect(globals).toMatch(/CREATE ROLE analyst;/);
    expect(globals).toMatch(/GRANT reporting TO analyst/);
    expect(globals).toMatch(/ALTER ROLE analyst SET statement_timeout TO '5s'/);
    expect(globals).not.toMatch(/PASSWORD|SCRAM-SHA-256\$|md5[0-9a-f]{32}/);
    // The owner may not create tables in `postgres`: the success marker lives in the application's database.
    expect(source.psql("SELECT artifact FROM nexus_backup_status WHERE database = 'nexus'", 'nexus')).toBe(dump);
  });
});
