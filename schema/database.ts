import { z } from 'zod';
import { containerExtensions, diagnosticMode, jobExtensions, placement, podExtensions, serviceSection } from './extensions.ts';
import { cronSchedule, port, quantity, resourceName } from './primitives.ts';
import { CloudNativePGSection } from './database-cloudnativepg.ts';
import { externalEgress } from './external.ts';
import { certManagerSection, tlsSecretKeys } from './tls.ts';
import { exporterSidecar, image, naming, networkPolicy, pdb, persistentStorage, podPlacement, podSecurity, resources, serviceAccount } from './workload.ts';

export const DATABASE_MODES = ['bundled', 'cloudnativepg', 'external'] as const;

/** postgresql.conf setting value: numbers or strings as PostgreSQL writes them (`256MB`, `on`). */
const pgSetting = z.union([z.string(), z.number(), z.boolean()]);

export const DatabaseSection = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Deploy PostgreSQL.'),
    ...naming(),
    mode: z
      .enum(DATABASE_MODES)
      .default('bundled')
      .describe(
        'Who runs PostgreSQL. `bundled`: this chart (one primary StatefulSet, PgBouncer, pg_dump backups, the restore Job). `cloudnativepg`: a CloudNativePG `Cluster` (HA with automated failover, WAL archiving and base backups to object storage, a `Pooler`); needs the operator and its CRDs. `external`: a managed PostgreSQL (RDS, Cloud SQL, Azure) at `external.host`, reached with `sslmode=verify-full` and its CA: no database pods; the pg_dump CronJob can still dump it off-site (`backup.enabled`); the backend and migrations must point at it (rule `database-external`). Fixed for the life of a release: switching is a data migration (see the README), and an upgrade that would switch a live release is refused.',
      ),
    // 16.15 on Debian 13: the current 16.x minor (16.4 lacked the fixes for CVE-2024-10979, PL/Perl
    // environment changes, in 16.5 and CVE-2025-1094, libpq quoting / SQL injection, in 16.7).
    image: image({ registry: 'docker.io', repository: 'library/postgres', tag: '16.15-trixie' }),
    port: port().default(5432).describe('PostgreSQL port.'),
    service: serviceSection('PostgreSQL'),
    auth: z
      .strictObject({
        database: z.string().min(1).default('nexus').describe('Application database created on first start.'),
        username: z.string().min(1).default('nexus').describe('Application user.'),
        existingSecret: resourceName().default('').describe('Existing Secret with the passwords. Required in production.'),
        userPasswordKey: z.string().min(1).default('password').describe('Key of the application user\'s password.'),
        adminPasswordKey: z.string().min(1).default('postgres-password').describe('Key of the `postgres` superuser password.'),
        password: z.string().default('').describe('Inline password for local development only; forbidden in production. Prefer existingSecret.'),
        rotateOnUpgrade: z
          .boolean()
          .default(true)
          .describe(
            'Bundled mode: a pre-upgrade hook Job makes the application role\'s password the one in the Secret (`ALTER ROLE ... PASSWORD`, only when it differs) before PgBouncer and the application roll with it, so rotating means: change the Secret, then `helm upgrade`. Sessions already open keep running; new logins need the new password. The superuser password is not rotated by it (the Job logs in with it).',
          ),
      })
      .prefault({})
      .describe('Credentials, by reference to an existing Secret.'),
    resources: resources({ requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } }),
    storage: persistentStorage({ size: '50Gi', claimTemplate: true }, 'the database'),
    tuning: z
      .strictObject({
        maxConnections: z
          .number()
          .int()
          .min(10)
          .max(10000)
          .nullable()
          .default(null)
          .describe('max_connections; null derives it from the memory limit (1 per 32 MiB, clamped to 50..400). PgBouncer keeps the real count low.'),
        derive: z
          .boolean()
          .default(true)
          .describe(
            'Derive settings from the container limits: shared_buffers 25 % and effective_cache_size 75 % of memory, maintenance_work_mem 1/16 (max 2GB), work_mem from the memory left per connection (min 4MB), wal_buffers, min/max_wal_size, and the parallel worker counts from the CPU limit. Off: PostgreSQL defaults plus overrides.',
          ),
        checkpointTimeout: z.string().regex(/^\d+(s|min|h)$/, { error: 'must be a PostgreSQL duration such as `15min`' }).default('15min').describe('checkpoint_timeout.'),
        checkpointCompletionTarget: z.number().min(0).max(1).default(0.9).describe('checkpoint_completion_target: spread checkpoint writes over this share of the interval.'),
        overrides: z
          .record(z.string().regex(/^[a-z_.0-9]+$/, { error: 'must be a postgresql.conf setting name such as `work_mem`' }), pgSetting)
          .default({})
          .describe('Explicit postgresql.conf settings (e.g. `work_mem: 16MB`); they win over derived and fixed values.'),
      })
      .prefault({})
      .describe('postgresql.conf tuning.'),
    tls: z
      .strictObject({
        enabled: z.boolean().default(false).describe('TLS on every connection to PostgreSQL and PgBouncer: PostgreSQL accepts remote clients only over TLS (`hostssl`), PgBouncer requires TLS from its clients and verifies PostgreSQL (`server_tls_sslmode = verify-full`), and the backup and restore Jobs verify it too (`PGSSLMODE=verify-full`).'),
        existingSecret: resourceName()
          .default('')
          .describe('Secret with the certificate, its key and the CA that signed it (kubernetes.io/tls, e.g. from cert-manager). The certificate must name the addresses clients use: `<fullname>.<namespace>.svc` (PostgreSQL) and `<fullname>-pgbouncer.<namespace>.svc` (PgBouncer). Empty with certManager.enabled: `<fullname>-tls`, issued by the chart\'s Certificate.'),
        ...tlsSecretKeys('PgBouncer, the backup and the restore verify PostgreSQL against it, and PostgreSQL offers it for client certificates (`ssl_ca_file`).'),
        certManager: certManagerSection('a `Certificate` named `<fullname>-postgresql` for the PostgreSQL and PgBouncer Service names, into the Secret `<fullname>-tls` unless existingSecret names another'),
      })
      .prefault({})
      .describe('TLS for PostgreSQL and PgBouncer.'),
    pgbouncer: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Deploy PgBouncer in front of PostgreSQL; the backend connects through it.'),
        // CloudNativePG's PgBouncer image, now built on Debian 13 (trixie-slim) and rebuilt for Debian updates.
        image: image({ registry: 'ghcr.io', repository: 'cloudnative-pg/pgbouncer', tag: '1.25.2' }),
        replicas: z.number().int().min(1).default(2).describe('PgBouncer replicas.'),
        port: port().default(6432).describe('PgBouncer port.'),
        service: serviceSection('PgBouncer'),
        poolMode: z.enum(['session', 'transaction', 'statement']).default('transaction').describe('Pooling mode; transaction pooling suits FastAPI workers.'),
        defaultPoolSize: z.number().int().min(1).default(25).describe('Server connections per user/database pair.'),
        minPoolSize: z.number().int().min(0).default(5).describe('Server connections kept open per pool.'),
        reservePoolSize: z.number().int().min(0).default(5).describe('Extra server connections allowed when a pool is exhausted.'),
        maxClientConn: z.number().int().min(1).default(1000).describe('Client connections PgBouncer accepts.'),
        settings: z
          .record(z.string().regex(/^[a-z_]+$/, { error: 'must be a pgbouncer.ini setting name such as `max_prepared_statements`' }), pgSetting)
          .default({})
          .describe('Extra `[pgbouncer]` settings; they win over the generated ones (e.g. `max_prepared_statements: 200` on PgBouncer >= 1.21 for asyncpg).'),
        podSecurityContext: podSecurity({ runAsUser: 1001, runAsGroup: 1001, fsGroup: 1001 }),
        metrics: exporterSidecar({
          enabled: 'Run a pgbouncer_exporter sidecar (reads SHOW STATS/POOLS as the application user, a PgBouncer `stats_users` member).',
          image: { registry: 'quay.io', repository: 'prometheuscommunity/pgbouncer-exporter', tag: 'v0.12.1' },
          port: 9127,
          resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
          describe: 'pgbouncer_exporter sidecar.',
        }),
        resources: resources({ requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } }),
        pdb: pdb({ enabled: true, minAvailable: 1 }),
        ...containerExtensions('pgbouncer'),
        ...podExtensions({ kind: 'Deployment', maxSurge: 1, maxUnavailable: 0 }),
        ...placement({ inherit: true }),
      })
      .prefault({})
      .describe('Connection pooling.'),
    backup: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Run scheduled logical backups (pg_dumpall --globals-only for the roles, pg_dump for the database).'),
        image: image({ registry: 'docker.io', repository: 'library/postgres', tag: '16.15-trixie' }),
        resources: resources({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } }),
        schedule: cronSchedule().default('0 2 * * *').describe('Cron schedule (daily at 02:00 by default).'),
        retentionDays: z.number().int().min(1).default(7).describe('Dumps on the backup volume older than this are pruned (the bucket has its own, `objectStorage.retentionDays`). In CloudNativePG mode: the recovery window of the object store.'),
        format: z
          .enum(['custom', 'directory'])
          .default('custom')
          .describe('pg_dump format. `custom`: one compressed file, one pg_dump process. `directory`: `pg_dump -Fd -j <jobs>`, one worker per table in parallel (and `pg_restore -j` on restore), for large databases; it travels as one tar file.'),
        jobs: z.number().int().min(1).max(64).default(4).describe('Parallel pg_dump / pg_restore workers with `format: directory` (each holds a database connection; keep it at or under the CPU limit).'),
        sizing: z
          .strictObject({
            databaseSize: quantity()
              .nullable()
              .default(null)
              .describe('Declared size of the database (what `pg_database_size` reports, e.g. `200Gi`); null: the data volume size (`database.storage.size`), an upper bound. The Jobs\' deadlines are derived from it.'),
            throughputMiBps: z.number().int().min(1).default(25).describe('Throughput one pg_dump / pg_restore worker sustains, in MiB/s of database size (conservative for network block storage); the deadlines assume it.'),
          })
          .prefault({})
          .describe('Sizing of the backup and restore Jobs: their deadlines are derived from it.'),
        concurrencyPolicy: z.enum(['Forbid', 'Replace']).default('Forbid').describe('Never run two backups at once.'),
        startingDeadlineSeconds: z.number().int().min(1).default(3600).describe('How late a missed run may still start.'),
        activeDeadlineSeconds: z
          .number()
          .int()
          .min(1)
          .nullable()
          .default(null)
          .describe(
            'Hard deadline for one backup run; null derives it from `sizing`: 1 h plus, at `throughputMiBps` per worker, one pass to dump (divided among `jobs` with the directory format), one to verify, one to encrypt and checksum, one to upload (with object storage) and two for the restore test (when on). The restore Job gets the same derivation for its own passes (download, checksum, decrypt, restore).',
          ),
        backoffLimit: z.number().int().min(0).default(1).describe('Retries of a failed backup.'),
        successfulJobsHistoryLimit: z.number().int().min(0).default(3).describe('Finished Jobs kept.'),
        failedJobsHistoryLimit: z.number().int().min(0).default(3).describe('Failed Jobs kept.'),
        compressionLevel: z.number().int().min(0).max(9).default(6).describe('pg_dump compression level.'),
        encryption: z
          .strictObject({
            enabled: z.boolean().default(false).describe('Encrypt every dump (and the roles dump) to a public key (the Secret in `existingSecret`; a chart cannot generate GPG/age keys). Required in production.'),
            method: z.enum(['age', 'gpg']).default('gpg').describe('Encryption tool. The postgres image ships gpg; `age` needs a backup image that has age.'),
            existingSecret: resourceName().default('').describe('Secret holding the recipient public key.'),
            publicKeyKey: z.string().default('backup.pub').describe('Key of the public key in that Secret.'),
          })
          .prefault({})
          .describe('Dump encryption.'),
        verification: z
          .strictObject({
            enabled: z.boolean().default(true).describe('Verify each new dump: `pg_restore --list` and a full read of its data.'),
            restoreTest: z
              .boolean()
              .default(false)
              .describe('Also restore it, with its roles, into a throw-away PostgreSQL started inside the backup pod (on a Unix socket, in a directory of the backup volume): never into the production server. Needs room on the volume for the restored database and lengthens the run (see `activeDeadlineSeconds`).'),
          })
          .prefault({})
          .describe('Dump verification.'),
        storage: persistentStorage({ size: '100Gi', claimTemplate: false }, 'backups'),
        objectStorage: z
          .strictObject({
            enabled: z.boolean().default(false).describe('Copy every backup off the cluster to object storage (S3-compatible, Google Cloud Storage or Azure Blob, through rclone), and enforce the retention there. The backup is marked successful only once uploaded.'),
            type: z
              .enum(['s3', 'gcs', 'azureblob'])
              .default('s3')
              .describe('Store type (bundled and external modes; CloudNativePG archives to S3-compatible storage). The `existingSecret` keys per type: s3 `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`; gcs `GOOGLE_SERVICE_ACCOUNT_JSON` (a service account key); azureblob `AZURE_STORAGE_ACCOUNT`, `AZURE_STORAGE_KEY`.'),
            bucket: z.string().default('').describe('Bucket (container for Azure), with an optional prefix: `nexus-backups/prod`.'),
            endpoint: z.string().default('').describe('S3 endpoint URL (MinIO, Ceph, R2, ...); empty uses AWS. Its port, if it names one, is the port the backup pods\' NetworkPolicy opens (else 443).'),
            provider: z.string().default('').describe('rclone S3 provider (`AWS`, `Minio`, `Ceph`, `Cloudflare`, `GCS`, `Other`, ...); empty: `AWS` without an endpoint, `Other` with one.'),
            region: z.string().default('').describe('S3 region (AWS needs it for buckets outside us-east-1).'),
            forcePathStyle: z.boolean().default(true).describe('S3 path-style addressing (`endpoint/bucket/key`), which every S3-compatible server accepts; false uses virtual-hosted style.'),
            existingSecret: resourceName().default('').describe('Secret with the store credentials (keys: see `type`).'),
            retentionDays: z
              .number()
              .int()
              .min(0)
              .default(7)
              .describe('Backups in the bucket older than this many days (upload time) are deleted after each successful upload (bundled and external modes; 7 daily backups by default; 0 keeps everything, e.g. when a bucket lifecycle rule or object lock governs it).'),
            // The official rclone image (Alpine, busybox sh): the uploader must be in the image the container runs.
            image: image({ registry: 'docker.io', repository: 'rclone/rclone', tag: '1.75.1' }),
            resources: resources({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '1', memory: '256Mi' } }),
          })
          .prefault({})
          .describe('Off-cluster copies of the backups (the upload step of the backup pod, the fetch step of a restore).'),
        ...jobExtensions('backup'),
      })
      .prefault({})
      .describe('Backups.'),
    restore: z
      .strictObject({
        requestId: z
          .string()
          .regex(/^$|^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/, { error: 'must be a short lowercase id (letters, digits, `-`; at most 32), e.g. `2026-05-01-inc42`' })
          .default('')
          .describe(
            'Request a restore by giving it a new id (e.g. the date and the incident, `2026-05-01-inc42`). A request runs once: while the id stays the same (`helm upgrade --reuse-values`, a re-sync), nothing is restored again, and the database refuses an id it already handled; to restore again, use a new id. It runs as a hook (post-install, pre-upgrade, before the migrations): the dump is restored into a private database while the application keeps running, then the live database is taken out of service (its sessions ended), kept as `<database>__before_<id>`, and the restored one takes its place.',
          ),
        source: z
          .enum(['volume', 'objectStorage'])
          .default('volume')
          .describe('Where the dump comes from: the backup volume, or the bucket of `backup.objectStorage` (downloaded first; the way to restore into a new cluster).'),
        dumpName: z.string().regex(/^[A-Za-z0-9._-]*$/, { error: 'must be a file name in the backup volume, e.g. `nexus-20260101T020000Z.dump.gpg`' }).default('').describe('File (or object) name of the dump to restore; empty picks the newest.'),
        existingSecret: resourceName().default('').describe('Secret with the private key that decrypts the dumps (only for the restore; keep it out of the cluster otherwise).'),
        privateKeyKey: z.string().min(1).default('backup.key').describe('Key of the private key (armored GPG secret key or age identity) in that Secret.'),
        resources: resources({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '2', memory: '1Gi' } }),
        ...jobExtensions('restore'),
      })
      .prefault({})
      .describe('Restore from a backup, once per request (see requestId).'),
    cloudnativepg: CloudNativePGSection,
    external: z
      .strictObject({
        host: z.string().default('').describe('Host name of the managed PostgreSQL (e.g. the RDS endpoint, or a Cloud SQL private IP\'s DNS name): the name its certificate carries, for `verify-full`. Required in external mode. The database, user and password Secret are `auth.database`, `auth.username`, `auth.existingSecret` / `auth.userPasswordKey`.'),
        port: port().default(5432).describe('Its port.'),
        sslMode: z.enum(['verify-full', 'verify-ca', 'require']).default('verify-full').describe('libpq sslmode for every client (backend, migrations, backups). `verify-full` (required in production) checks the certificate against `caSecret` and the host name.'),
        caSecret: resourceName().default('').describe('Secret holding the CA bundle that signed the server certificate (e.g. the RDS regional bundle). Required for verify-ca/verify-full.'),
        caKey: z.string().min(1).default('ca.crt').describe('Key of the CA bundle in that Secret.'),
        egress: externalEgress('the managed PostgreSQL'),
      })
      .prefault({})
      .describe('The managed PostgreSQL of `mode: external`.'),
    metrics: exporterSidecar({
      enabled: 'Run a postgres_exporter sidecar.',
      // v0.20 keeps --extend.query-path (the backup marker query); it renamed only flags this chart does not use.
      image: { registry: 'quay.io', repository: 'prometheuscommunity/postgres-exporter', tag: 'v0.20.1' },
      port: 9187,
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
      describe: 'postgres_exporter sidecar (also exports `nexus_backup_last_success_timestamp_seconds` from the backup marker table).',
    }),
    shmSizeLimit: quantity().default('1Gi').describe('Size limit of the memory-backed /dev/shm (parallel queries need more than the 64 MB container default).'),
    pdb: pdb({ enabled: true, maxUnavailable: 1 }),
    podSecurityContext: podSecurity({ runAsUser: 999, runAsGroup: 999, fsGroup: 999 }),
    serviceAccount: serviceAccount(),
    networkPolicy: networkPolicy(),
    ...containerExtensions('postgresql'),
    ...podExtensions({ kind: 'StatefulSet' }),
    diagnosticMode: diagnosticMode(),
    ...podPlacement(),
  })
  .prefault({})
  .describe('Database: PostgreSQL with PgBouncer pooling, backups and restore.');
