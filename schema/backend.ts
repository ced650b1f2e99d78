import { z } from 'zod';
import { port, promDuration, resourceName } from './primitives.ts';
import { statelessTierShape } from './stateless-tier.ts';

export const BackendSection = z
  .strictObject({
    ...statelessTierShape({
      title: 'backend (FastAPI)',
      image: { repository: 'nexus/backend', tag: '1.0.0' },
      containerPort: 8000,
      servicePort: 8000,
      replicaCount: 2,
      resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '1Gi' } },
      probes: {
        liveness: { path: '/health/live', periodSeconds: 10 },
        readiness: { path: '/health/ready', periodSeconds: 5 },
        startup: { path: '/health/live', periodSeconds: 5, failureThreshold: 30 },
      },
      autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercentage: 70, targetMemoryUtilizationPercentage: 80 },
      env: { LOG_LEVEL: 'info', WEB_CONCURRENCY: '2', PYTHONUNBUFFERED: '1' },
      writablePaths: { tmp: '/tmp' },
      uid: 1001,
      metrics: { enabled: true, port: 9090, path: '/metrics' },
      networkPolicy: {
        allowFrom: [{ tier: 'frontend' }],
        allowTo: [
          { tier: 'database', component: 'pgbouncer', ports: [6432] },
          { tier: 'database', component: 'postgresql', ports: [5432] },
          { tier: 'cache', component: 'redis', ports: [6379, 26379] },
        ],
      },
    }),
    database: z
      .strictObject({
        host: z.string().default('').describe('Database host; empty uses the release\'s PgBouncer service (or PostgreSQL when pooling is off).'),
        port: port().default(6432).describe('Database port (PgBouncer\'s 6432 by default; 5432 for PostgreSQL directly).'),
        name: z.string().min(1).default('nexus').describe('Database name.'),
        user: z.string().min(1).default('nexus').describe('Database user.'),
        existingSecret: resourceName().default('').describe('Existing Secret with the database password; empty means `<release>-database` (the database tier\'s Secret name).'),
        passwordKey: z.string().min(1).default('password').describe('Key of the password in that Secret.'),
        sslMode: z.enum(['disable', 'prefer', 'require', 'verify-ca', 'verify-full']).default('prefer').describe('libpq sslmode the backend uses (`DATABASE_SSLMODE`, and `PGSSLMODE` for libpq). `verify-full` (required in production) checks the certificate against the CA below and the host name.'),
        caSecret: resourceName().default('').describe('Secret holding the CA that signed the database certificate, mounted for `verify-ca`/`verify-full` at `/etc/nexus/database-ca/ca.crt` (`PGSSLROOTCERT`, `DATABASE_SSLROOTCERT`). Empty: `<release>-database-tls` (the bundled database\'s cert-manager Secret); set it to database.tls.existingSecret when that names another.'),
        caKey: z.string().min(1).default('ca.crt').describe('Key of the CA certificate in that Secret.'),
      })
      .prefault({})
      .describe('How the backend reaches PostgreSQL (credentials by reference only).'),
    redis: z
      .strictObject({
        host: z.string().default('').describe('Sentinel host with `sentinel.enabled` (REDIS_SENTINEL_HOSTS), else the Redis master\'s host (REDIS_HOST); empty means `<release>-cache`, whose client Service publishes only Sentinel, or only the master when the cache runs without Sentinel.'),
        port: port().default(6379).describe('Redis port, without Sentinel (REDIS_PORT).'),
        sentinel: z
          .strictObject({
            enabled: z.boolean().default(true).describe('Discover the master through Sentinel: the backend gets REDIS_SENTINEL_HOSTS and REDIS_SENTINEL_MASTER (no REDIS_HOST, which could reach a replica). Must match `cache.sentinel.enabled` for the bundled cache.'),
            port: port().default(26379).describe('Sentinel port.'),
            masterSet: z.string().regex(/^[a-zA-Z0-9_-]+$/).default('nexus').describe('Sentinel master set name (matches `cache.sentinel.masterSet`).'),
          })
          .prefault({})
          .describe('Sentinel discovery.'),
        existingSecret: resourceName().default('').describe('Existing Secret with the Redis password; empty means `<release>-cache` (the cache tier\'s Secret name).'),
        passwordKey: z.string().min(1).default('redis-password').describe('Key of the password in that Secret.'),
        usernameKey: z.string().default('redis-username').describe('Key of the ACL user name in that Secret (REDIS_USERNAME, for Redis and Sentinel alike): the bundled cache\'s application user (`cache.auth.usernameKey`), or a managed Redis\'s RBAC user (`cache.external.auth.usernameKey`); empty: none, the password authenticates the `default` user.'),
        tls: z
          .strictObject({
            enabled: z.boolean().default(false).describe('Connect with TLS and verify the server certificate and host name: REDIS_SSL=true, REDIS_SSL_CERT_REQS=required, REDIS_SSL_CHECK_HOSTNAME=true and, without Sentinel, REDIS_URL `rediss://<host>:<port>/0`. With Sentinel, the same TLS settings apply to Sentinel and to the master it names (its pod DNS name, which the bundled cache\'s certificate carries), e.g. redis-py `Sentinel(..., ssl=True, ssl_ca_certs=..., sentinel_kwargs={"ssl": True, "ssl_ca_certs": ...})`. Must match `cache.tls.enabled` for the bundled cache; required in production.'),
            caSecret: resourceName().default('').describe('Secret with the CA that signed the Redis certificate, mounted read-only at `/etc/nexus/redis-ca/ca.crt` (REDIS_SSL_CA_CERTS). Empty: `<release>-cache-tls` (the bundled cache\'s cert-manager Secret) while `host` is empty, else the system trust store (a managed Redis with a public CA). With the bundled cache it must name the cache\'s TLS Secret (cache.tls.existingSecret when set).'),
            caKey: z.string().min(1).default('ca.crt').describe('Key of the CA certificate in that Secret.'),
          })
          .prefault({})
          .describe('TLS to Redis (e.g. a managed Redis in `cache.mode: external`).'),
      })
      .prefault({})
      .describe('How the backend reaches Redis (through Sentinel; credentials by reference only).'),
    migrations: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Run database migrations as a Helm hook Job.'),
        hooks: z
          .array(z.enum(['pre-install', 'pre-upgrade', 'post-install', 'post-upgrade']))
          .default([])
          .describe('Helm hook events that run the Job. Empty (the default) picks them: `post-install, pre-upgrade` while the backend uses the bundled database (`database.host` empty), which does not exist before the first install; `pre-install, pre-upgrade` for an external database, so the schema is in place before the first pods start.'),
        command: z.array(z.string()).min(1).default(['alembic', 'upgrade', 'head']).describe('Migration command.'),
        backoffLimit: z.number().int().min(0).default(6).describe('Retries before the Job fails. A post-install migration may start while the bundled database is still starting: Kubernetes retries with exponential back-off (10 s, 20 s, 40 s, …), so 6 retries wait about 10 minutes.'),
        activeDeadlineSeconds: z.number().int().min(1).default(900).describe('Hard deadline for the migration Job, retries included.'),
        ttlSecondsAfterFinished: z.number().int().min(0).default(3600).describe('Seconds the finished Job is kept.'),
        database: z
          .strictObject({
            host: z
              .string()
              .default('')
              .describe('Host the migrations connect to, directly: not through PgBouncer, whose transaction pooling breaks the session state migration tools rely on (advisory locks, `SET`, prepared statements). Empty: the release\'s PostgreSQL Service (`<release>-database`) while `database.host` is empty, else `database.host` (then it must be the server, not a transaction pooler).'),
            port: port().default(5432).describe('Port of that host: PostgreSQL\'s, not PgBouncer\'s.'),
            user: z.string().default('').describe('User the migrations connect as (e.g. a schema-owner role); empty: `database.user`.'),
            existingSecret: resourceName().default('').describe('Secret with that user\'s password; empty: `database.existingSecret` (default `<release>-database`).'),
            passwordKey: z.string().default('').describe('Key of the password in that Secret; empty: `database.passwordKey`.'),
          })
          .prefault({})
          .describe('How the migration Job reaches PostgreSQL. It gets only these credentials: no Redis password, no Redis settings.'),
      })
      .prefault({})
      .describe('Database migrations.'),
  })
  .prefault({})
  .describe('Backend: the FastAPI service.');
