/**
 * `database.mode: cloudnativepg`: the settings that only the CloudNativePG `Cluster` has. Everything
 * both modes share stays in the database section and is read by both (auth, resources, storage, tuning,
 * the PgBouncer pool, backups' schedule and retention), so switching a values file between modes keeps
 * its numbers.
 */
import { z } from 'zod';
import { port, resourceName } from './primitives.ts';
import { image } from './workload.ts';

export const CloudNativePGSection = z
  .strictObject({
    force: z.boolean().default(false).describe('Render the `Cluster`, `Pooler` and `ScheduledBackup` without detecting `postgresql.cnpg.io/v1` (e.g. `helm template` without `--api-versions`). Without it, a cluster that does not serve the API fails the render with the list of what to install; nothing is silently left out.'),
    keepOnUninstall: z.boolean().default(true).describe('Annotate the `Cluster`, and with backups its `ObjectStore` and `ScheduledBackup`, `helm.sh/resource-policy: keep`: `helm uninstall` leaves the database running with its volumes, WAL archive and daily backups (like bundled mode, whose volume claims outlive the release), and a re-install of the same release name in the same namespace adopts them. Delete them deliberately with kubectl (NOTES.txt and the database OPERATIONS.md say how). `false`: uninstall deletes the Cluster, and the operator its volumes; only the object-store backups remain.'),
    instances: z.number().int().min(1).max(9).default(3).describe('PostgreSQL instances: one primary and the rest hot standbys the operator promotes on failure. Three survive a node loss with a standby to spare.'),
    // The bundled image's PostgreSQL release (database.image): the tuning model is checked against it
    // (`validate --deep`), and moving a bundled release here with the operator's import keeps the major.
    // A dated tag of the operator's system image family, as its ClusterImageCatalog lists it.
    image: image({ registry: 'ghcr.io', repository: 'cloudnative-pg/postgresql', tag: '16.15-202608170814-system-bookworm' }),
    primaryUpdateStrategy: z.enum(['unsupervised', 'supervised']).default('unsupervised').describe('`unsupervised`: the operator switches over to an updated standby by itself during a rolling update; `supervised`: it waits for `kubectl cnpg promote`.'),
    synchronous: z
      .strictObject({
        enabled: z.boolean().default(false).describe('Quorum-based synchronous replication: a commit returns only once `number` standbys have its WAL, so a failover loses no committed transaction.'),
        method: z.enum(['any', 'first']).default('any').describe('`any`: quorum over all standbys; `first`: priority order.'),
        number: z.number().int().min(1).default(1).describe('Standbys that must confirm each commit (less than `instances`).'),
        dataDurability: z.enum(['required', 'preferred']).default('required').describe('`required`: writes wait while too few standbys are up (no acknowledged commit is ever lost); `preferred`: the operator relaxes the requirement when standbys are missing (availability first).'),
      })
      .prefault({})
      .describe('Synchronous replication (`spec.postgresql.synchronous`).'),
    affinity: z
      .strictObject({
        nodeAntiAffinity: z.enum(['required', 'preferred']).default('required').describe('Instances on different nodes: `required` never co-locates two instances (a cluster needs as many schedulable nodes as instances); `preferred` co-locates when it must.'),
        zoneSpread: z.enum(['DoNotSchedule', 'ScheduleAnyway']).default('ScheduleAnyway').describe('Spread instances across `topology.kubernetes.io/zone` (maxSkew 1): `DoNotSchedule` refuses an uneven spread (needs as many zones as instances), `ScheduleAnyway` prefers it (single-zone clusters keep working).'),
      })
      .prefault({})
      .describe('Where instances run: across nodes and zones, so one failure takes at most one instance.'),
    tls: z
      .strictObject({
        source: z.enum(['operator', 'certManager']).default('operator').describe('`operator`: the operator runs its own CA and issues and rotates the server certificate; `certManager`: a cert-manager `Certificate` (rendered here, for the `-rw`, `-ro`, `-r` and pooler names) from `issuer`.'),
        issuer: z.string().default('').describe('cert-manager issuer name (source `certManager`). A CA issuer, so the Secret carries `ca.crt` for clients.'),
        issuerKind: z.enum(['ClusterIssuer', 'Issuer']).default('Issuer').describe('cert-manager issuer kind.'),
      })
      .prefault({})
      .describe('Server TLS. CloudNativePG always serves TLS; clients verify it against the CA in `<fullname>-ca` (operator) or the certificate Secret\'s `ca.crt` (cert-manager).'),
    backup: z
      .strictObject({
        walCompression: z.enum(['gzip', 'bzip2', 'snappy', 'lz4', 'xz', 'zstd']).default('gzip').describe('WAL compression in the archive.'),
        target: z.enum(['prefer-standby', 'primary']).default('prefer-standby').describe('Which instance takes base backups (a standby spares the primary the I/O).'),
      })
      .prefault({})
      .describe('Physical backups while `database.backup.enabled`: continuous WAL archiving and base backups through the Barman Cloud Plugin (CNPG-I), the operator\'s current mechanism (the in-tree `barmanObjectStore` is deprecated since 1.26), to `database.backup.objectStorage` (bucket, endpoint, credentials), on `database.backup.schedule`, kept `database.backup.retentionDays` as a recovery window: point-in-time recovery to any moment of it. The pg_dump CronJob and the restore Job step aside in this mode.'),
    import: z
      .strictObject({
        enabled: z.boolean().default(false).describe('Bootstrap the new Cluster by importing the application database from an existing PostgreSQL (the operator\'s `initdb.import`, microservice type: `pg_dump` over the network, then `pg_restore`), e.g. the bundled database of another release when moving to this mode. Read at the Cluster\'s creation only.'),
        host: z.string().default('').describe('Host of the source PostgreSQL, e.g. `nexus-database.nexus-platform.svc` (the old release\'s primary Service, not its PgBouncer).'),
        port: port().default(5432).describe('Port of the source.'),
        database: z.string().default('').describe('Database to import; empty means `database.auth.database`.'),
        username: z.string().default('').describe('User that reads the source; empty means `database.auth.username`.'),
        existingSecret: resourceName().default('').describe('Secret with that user\'s password.'),
        passwordKey: z.string().min(1).default('password').describe('Key of the password in that Secret.'),
        sslMode: z.enum(['disable', 'prefer', 'require', 'verify-ca', 'verify-full']).default('prefer').describe('libpq sslmode towards the source.'),
      })
      .prefault({})
      .describe('One-time import from an existing database when the Cluster is created (the operator\'s documented path from another PostgreSQL; see "Switching database modes").'),
    recovery: z
      .strictObject({
        enabled: z.boolean().default(false).describe('Bootstrap the new Cluster from base backups and the WAL archive of another Cluster (the operator\'s `bootstrap.recovery` through the Barman Cloud Plugin) instead of an empty database: point-in-time recovery into a new release (see "Recovering a CloudNativePG database"). Read at the Cluster\'s creation only.'),
        objectStore: resourceName().default('').describe('The `ObjectStore` holding the source\'s backups (in this namespace), e.g. `nexus-database` of the old release.'),
        serverName: z.string().default('').describe('The source Cluster\'s name in that store, e.g. `nexus-database`.'),
        targetTime: z.string().regex(/^$|^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}(:?\d{2})?|Z)$/, { error: 'must be a timestamp with its zone, e.g. `2026-05-01 10:42:00+00`' }).default('').describe('Recover up to this moment (PostgreSQL timestamp with zone); empty recovers to the end of the archive.'),
      })
      .prefault({})
      .describe('One-time recovery from backups when the Cluster is created.'),
    podMonitor: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Create a `PodMonitor` for the instances\' metrics port (when monitoring.coreos.com/v1 is served, or forced), as the operator recommends instead of its deprecated `enablePodMonitor`.'),
        force: z.boolean().default(false).describe('Render the PodMonitor without detecting the API.'),
      })
      .prefault({})
      .describe('Metrics of the instances (`cnpg_*`, `pg_*`).'),
  })
  .prefault({})
  .describe('CloudNativePG settings (`mode: cloudnativepg`). Resources, storage, tuning, auth and the PgBouncer pool come from the database section itself.');
