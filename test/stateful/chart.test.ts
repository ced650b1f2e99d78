/**
 * The database and cache charts as rendered by both helm versions: lint clean, and the shapes the
 * issue asks for (storage, Services, pooling, backups, restore, security contexts, network policy).
 */
import { describe, expect, it } from 'vitest';
import type { HelmFlavour } from '../../validator/helm.ts';
import { helm, HELM_FLAVOURS } from '../helpers/helm.ts';
import { postgresChecker } from '../../validator/deep/postgres.ts';
import { intendedFromValues, parsePgConf, pgValueInBase } from './lib/pg-values.ts';
import { asResources, CHART_DIR, ENV_FILES, find, render, type EnvName, type K8sObject } from './lib/render.ts';

type Any = any; // rendered Kubernetes objects are walked structurally
const podSpec = (o: K8sObject): Any => (o.kind === 'CronJob' ? (o as Any).spec.jobTemplate.spec.template.spec : (o as Any).spec.template.spec);
const MINE = new Set(['postgresql', 'pgbouncer', 'backup', 'restore', 'redis']);
const component = (o: K8sObject) => o.metadata.labels?.['app.kubernetes.io/component'] ?? '';
const workloads = (objects: K8sObject[]) => objects.filter((o) => ['StatefulSet', 'Deployment', 'CronJob', 'Job'].includes(o.kind) && MINE.has(component(o)));

describe.each(HELM_FLAVOURS)('%s', (flavour: HelmFlavour) => {
  it.each(['staging', 'production'] as EnvName[])('lints %s with --strict', async (env) => {
    const r = await helm(flavour, ['lint', '--strict', CHART_DIR, '-f', ENV_FILES[env]]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  describe.each(['staging', 'production'] as EnvName[])('%s render', (env) => {
    let objects: K8sObject[];
    const get = async () => (objects ??= await render(env, { flavour }));

    it('puts PostgreSQL and Redis on PVCs of the configured storage class', async () => {
      const o = await get();
      const cls = env === 'production' ? 'fast-ssd' : 'standard';
      for (const name of ['nexus-database', 'nexus-cache']) {
        const claims = (find(o, 'StatefulSet', name) as Any).spec.volumeClaimTemplates;
        expect(claims.map((c: Any) => c.spec.storageClassName)).toEqual([cls]);
      }
      expect((find(o, 'PersistentVolumeClaim', 'nexus-database-backups') as Any).spec.storageClassName).toBe(cls);
      expect((find(o, 'StatefulSet', 'nexus-database') as Any).spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe(env === 'production' ? '200Gi' : '20Gi');
    });

    it('exposes the documented Services', async () => {
      const o = await get();
      const ports = (name: string) => (find(o, 'Service', name) as Any).spec.ports.map((p: Any) => p.port);
      expect(ports('nexus-database')).toEqual([5432]);
      expect(ports('nexus-database-headless')).toEqual([5432, 9187]);
      expect((find(o, 'Service', 'nexus-database-headless') as Any).spec.clusterIP).toBe('None');
      expect(ports('nexus-database-pgbouncer')).toEqual([6432, 9127]);
      // The client Service publishes only Sentinel: clients ask it for the master (no port that mixes roles).
      expect(ports('nexus-cache')).toEqual([26379]);
      expect((find(o, 'Service', 'nexus-cache-headless') as Any).spec.clusterIP).toBe('None');
      // Exporters are published once per component (for ServiceMonitors), never on the client Services.
      expect(ports('nexus-cache-headless')).toEqual([6379, 26379, 9121]);
    });

    it('runs PgBouncer (2+ replicas, PDB, transaction mode) pointed at the primary', async () => {
      const o = await get();
      const deploy = find(o, 'Deployment', 'nexus-database-pgbouncer') as Any;
      expect(deploy.spec.replicas).toBeGreaterThanOrEqual(2);
      expect((find(o, 'PodDisruptionBudget', 'nexus-database-pgbouncer') as Any).spec.minAvailable).toBe(1);
      const ini = (find(o, 'ConfigMap', 'nexus-database-pgbouncer') as Any).data['pgbouncer.ini'];
      expect(ini).toMatch(/^pool_mode = transaction$/m);
      expect(ini).toMatch(/^\* = host=nexus-database\.nexus-platform\.svc port=5432$/m);
      // Both overlays run database TLS (staging rehearses production): PgBouncer verifies PostgreSQL.
      expect(ini).toMatch(/^server_tls_sslmode = verify-full$/m);
      expect(ini).toMatch(/^client_tls_sslmode = require$/m);
    });

    it('schedules a daily, non-overlapping, deadline-bound encrypted backup that leaves the cluster in production', async () => {
      const o = await get();
      const cron = find(o, 'CronJob', 'nexus-database-backup') as Any;
      expect(cron.spec).toMatchObject({ schedule: '0 2 * * *', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 3600 });
      // Derived from the database size (test/charts/backup-jobs.test.ts checks the formula): at least the fixed hour.
      expect(cron.spec.jobTemplate.spec.activeDeadlineSeconds).toBeGreaterThan(3600);
      const steps = [...podSpec(cron).initContainers, ...podSpec(cron).containers];
      expect(steps.map((c: Any) => c.name)).toEqual(env === 'production' ? ['dump', 'upload', 'record'] : ['dump', 'record']);
      const envOf = (c: Any) => Object.fromEntries(c.env.map((e: Any) => [e.name, e.value ?? e.valueFrom]));
      expect(envOf(steps[0])).toMatchObject({ ENCRYPTION_METHOD: 'gpg', ENCRYPTION_PUBLIC_KEY_FILE: '/keys/public-key' });
      expect(envOf(steps.at(-1))).toMatchObject({ RETENTION_DAYS: '7', OBJECT_STORAGE: String(env === 'production') });
      if (env === 'production') expect(envOf(steps[1])).toMatchObject({ REMOTE: 'nexus:nexus-backups/production', BUCKET_RETENTION_DAYS: '7' });
      expect(podSpec(cron).volumes.find((v: Any) => v.name === 'keys').secret.secretName).toBe('nexus-backup-encryption');
      expect(o.some((x) => x.kind === 'Job' && x.metadata.name.startsWith('nexus-database-restore'))).toBe(false);
    });

    it('runs every stateful pod under the restricted security context', async () => {
      const o = await get();
      const w = workloads(o);
      expect(w.map((x) => `${x.kind}/${x.metadata.name}`).sort()).toEqual(['CronJob/nexus-database-backup', 'Deployment/nexus-database-pgbouncer', 'StatefulSet/nexus-cache', 'StatefulSet/nexus-database']);
      for (const x of w) {
        const spec = podSpec(x);
        expect(spec.securityContext, x.metadata.name).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
        expect(spec.automountServiceAccountToken).toBe(false);
        for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
          expect(c.securityContext, `${x.metadata.name}/${c.name}`).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
          expect(c.resources.limits.memory, `${x.metadata.name}/${c.name} memory limit`).toBeTruthy();
        }
      }
      const pg = podSpec(find(o, 'StatefulSet', 'nexus-database'));
      expect(pg.securityContext.runAsUser).toBe(999);
      const mounts = Object.fromEntries(pg.containers[0].volumeMounts.map((m: Any) => [m.mountPath, m.name]));
      // The official image writes its socket to /var/run/postgresql and PGDATA below the volume mount.
      expect(mounts['/var/run/postgresql']).toBe('run');
      expect(pg.volumes.find((v: Any) => v.name === 'run').emptyDir).toBeDefined();
      expect(mounts['/var/lib/postgresql/data']).toBe('data');
      expect(pg.containers[0].env.find((e: Any) => e.name === 'PGDATA').value).toBe('/var/lib/postgresql/data/pgdata');
    });

    it('adds exporters, PDBs and anti-affinity', async () => {
      const o = await get();
      for (const [name, port] of [['nexus-database', 9187], ['nexus-cache', 9121]] as const) {
        const spec = podSpec(find(o, 'StatefulSet', name));
        const metrics = spec.containers.find((c: Any) => c.name === 'metrics');
        expect(metrics.ports).toEqual([{ name: 'metrics', containerPort: port, protocol: 'TCP' }]);
        expect(spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey).toBe('kubernetes.io/hostname');
        expect(find(o, 'PodDisruptionBudget', name)).toBeDefined();
      }
      const bouncer = podSpec(find(o, 'Deployment', 'nexus-database-pgbouncer'));
      expect(bouncer.containers.find((c: Any) => c.name === 'metrics').ports).toEqual([{ name: 'metrics', containerPort: 9127, protocol: 'TCP' }]);
      expect(bouncer.affinity.podAntiAffinity).toBeDefined();
      const redis = find(o, 'StatefulSet', 'nexus-cache') as Any;
      expect(redis.spec.replicas).toBe(3);
      expect(podSpec(redis).containers.map((c: Any) => c.name)).toEqual(['redis', 'sentinel', 'metrics']);
      expect((find(o, 'ConfigMap', 'nexus-cache-config') as Any).data['sentinel.conf']).toMatch(/^sentinel monitor nexus \S+ 6379 2$/m);
    });

    it('takes credentials only from existing Secrets', async () => {
      const o = await get();
      expect(o.filter((x) => x.kind === 'Secret' && MINE.has(component(x)))).toEqual([]);
      const refs = new Set<string>();
      for (const x of workloads(o)) {
        for (const c of podSpec(x).containers) for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef) refs.add(e.valueFrom.secretKeyRef.name);
        for (const c of podSpec(x).containers) for (const e of c.env ?? []) expect(e.name === 'PGPASSWORD' || /PASS/.test(e.name) ? e.value : undefined, `${x.metadata.name} ${e.name} inline`).toBeUndefined();
      }
      expect([...refs].sort()).toEqual(['nexus-db-credentials', 'nexus-redis-credentials']);
    });

    it('limits network access: only backend, migrations, dumps and PgBouncer reach PostgreSQL, only the backend reaches PgBouncer, only the backend reaches Redis and Sentinel (the master-only HAProxy the Redis port)', async () => {
      const o = await get();
      // A peer's components: its matchLabels component, or the values of a `component In (...)` expression.
      const components = (p: Any): string[] => p.podSelector.matchLabels?.['app.kubernetes.io/component'] ?? p.podSelector.matchExpressions.find((e: Any) => e.key === 'app.kubernetes.io/component').values;
      const peers = (rules: Any[]) => rules.map((r) => ({ from: (r.from ?? r.to ?? []).flatMap(components).sort(), ports: r.ports.map((p: Any) => p.port) }));
      const pgPolicy = (find(o, 'NetworkPolicy', 'nexus-database') as Any).spec;
      expect(peers(pgPolicy.ingress)).toEqual([
        { from: ['backend', 'backup', 'migrations', 'pgbouncer', 'restore'], ports: [5432] },
        { from: ['prometheus'], ports: [9187] },
      ]);
      const bouncer = (find(o, 'NetworkPolicy', 'nexus-database-pgbouncer') as Any).spec;
      expect(peers(bouncer.ingress)).toEqual([
        { from: ['backend'], ports: [6432] },
        { from: ['prometheus'], ports: [9127] },
      ]);
      expect(peers(bouncer.egress)).toEqual([{ from: ['postgresql'], ports: [5432] }]);
      const backup = (find(o, 'NetworkPolicy', 'nexus-database-backup') as Any).spec;
      expect(backup.ingress).toEqual([]);
      // PostgreSQL, and in production the object store (HTTPS) for the off-cluster copies.
      expect(peers(backup.egress)).toEqual([{ from: ['postgresql'], ports: [5432] }, ...(env === 'production' ? [{ from: [], ports: [443] }] : [])]);
      const redis = (find(o, 'NetworkPolicy', 'nexus-cache') as Any).spec;
      expect(peers(redis.ingress)).toEqual([
        { from: ['backend', 'redis'], ports: [6379, 26379] },
        { from: ['redis-master'], ports: [6379] },
        { from: ['prometheus'], ports: [9121] },
      ]);
      // Peers are selected by instance + component only.
      for (const np of o.filter((x) => x.kind === 'NetworkPolicy' && MINE.has(component(x)))) {
        for (const rule of [...((np as Any).spec.ingress ?? []), ...((np as Any).spec.egress ?? [])]) {
          for (const p of [...(rule.from ?? []), ...(rule.to ?? [])]) expect(Object.keys(p.podSelector.matchLabels ?? {}).concat((p.podSelector.matchExpressions ?? []).map((e: Any) => e.key)).sort()).toEqual(['app.kubernetes.io/component', 'app.kubernetes.io/instance']);
        }
      }
    });
  });
});

describe('values that change the stateful shape', () => {
  it('falls back to global.storageClass when a volume sets none', async () => {
    const o = await render('production', { set: ['database.storage.storageClass=', 'global.storageClass=fast-ssd'] });
    expect((find(o, 'StatefulSet', 'nexus-database') as Any).spec.volumeClaimTemplates[0].spec.storageClassName).toBe('fast-ssd');
  });

  it('publishes each exporter on exactly one Service for the monitoring tier\'s ServiceMonitors', async () => {
    const o = await render('production', { set: ['monitoring.mode=operator', 'monitoring.operator.force=true', 'monitoring.operator.prometheusUrl=http://prometheus-operated.monitoring.svc:9090'] });
    const monitors = o.filter((x) => x.kind === 'ServiceMonitor') as Any[];
    for (const c of ['postgresql', 'pgbouncer', 'redis']) {
      const sm = monitors.find((m) => m.spec.selector.matchLabels['app.kubernetes.io/component'] === c);
      expect(sm, `ServiceMonitor for ${c}`).toBeDefined();
      const port = sm.spec.endpoints[0].port;
      const matching = o.filter(
        (x) => x.kind === 'Service' && Object.entries(sm.spec.selector.matchLabels).every(([k, v]) => x.metadata.labels?.[k] === v) && (x as Any).spec.ports.some((p: Any) => p.name === port),
      );
      expect(matching.map((x) => x.metadata.name), c).toHaveLength(1);
    }
  });

  it('defaults the Secret names to <release>-database and <release>-cache, and renders them outside production', async () => {
    const o = await render('staging', { set: ['database.auth.existingSecret=', 'cache.auth.existingSecret=', 'backend.database.existingSecret=', 'backend.redis.existingSecret=', 'gateway.rateLimiting.redis.existingSecret='] });
    const pg = podSpec(find(o, 'StatefulSet', 'nexus-database'));
    expect(pg.containers[0].env.find((e: Any) => e.name === 'POSTGRES_PASSWORD').valueFrom.secretKeyRef).toEqual({ name: 'nexus-database', key: 'postgres-password' });
    const redis = podSpec(find(o, 'StatefulSet', 'nexus-cache'));
    expect(redis.containers[0].env.find((e: Any) => e.name === 'REDIS_PASSWORD').valueFrom.secretKeyRef).toEqual({ name: 'nexus-cache', key: 'redis-password' });
    expect(Object.keys((find(o, 'Secret', 'nexus-database') as Any).data).sort()).toEqual(['password', 'postgres-password']);
    // The application user (name, password), the internal users' password (admin, replication, sentinel,
    // exporter), Kong's gateway user (name, password) and the master endpoint's role check (haproxy).
    const cacheSecret = (find(o, 'Secret', 'nexus-cache') as Any).data;
    expect(Object.keys(cacheSecret).sort()).toEqual(['redis-admin-password', 'redis-gateway-password', 'redis-gateway-username', 'redis-haproxy-password', 'redis-password', 'redis-username']);
    expect(Buffer.from(cacheSecret['redis-username'], 'base64').toString()).toBe('nexus');
    expect(Buffer.from(cacheSecret['redis-gateway-username'], 'base64').toString()).toBe('kong');
    expect(redis.containers[0].env.find((e: Any) => e.name === 'REDIS_APP_USER').valueFrom.secretKeyRef).toEqual({ name: 'nexus-cache', key: 'redis-username' });
    expect(redis.containers[0].env.find((e: Any) => e.name === 'REDIS_ADMIN_PASSWORD').valueFrom.secretKeyRef).toEqual({ name: 'nexus-cache', key: 'redis-admin-password' });
  });

  it('renders the restore Job only for a request, as a hook with the private key', async () => {
    const o = await render('production', { set: ['database.restore.requestId=2026-01-02-dr', 'database.restore.dumpName=nexus-20260101T020000Z.dump.gpg', 'database.restore.existingSecret=nexus-backup-private'] });
    const job = find(o, 'Job', 'nexus-database-restore-2026-01-02-dr') as Any;
    expect(job.metadata.annotations['helm.sh/hook']).toBe('post-install,pre-upgrade');
    const env = Object.fromEntries(podSpec(job).containers[0].env.map((e: Any) => [e.name, e.value]));
    expect(env).toMatchObject({ RESTORE_REQUEST_ID: '2026-01-02-dr', RESTORE_DUMP: 'nexus-20260101T020000Z.dump.gpg', DECRYPT_KEY_FILE: '/keys/private-key', RESTORE_DATABASE: 'nexus' });
    const dumpPeer = (find(o, 'NetworkPolicy', 'nexus-database') as Any).spec.ingress[0].from.find((p: Any) => p.podSelector.matchExpressions);
    expect(dumpPeer.podSelector.matchExpressions).toContainEqual({ key: 'app.kubernetes.io/component', operator: 'In', values: ['backup', 'restore'] });
  });

  it('derives postgresql.conf from the limits and lets overrides win', async () => {
    const o = await render('staging', { set: ['database.resources.limits.memory=16Gi', 'database.resources.limits.cpu=8', 'database.tuning.overrides.work_mem=32MB', 'database.tuning.maxConnections=300'] });
    const conf = (find(o, 'ConfigMap', 'nexus-database-config') as Any).data['postgresql.conf'];
    expect(conf).toMatch(/^shared_buffers = '4096MB'$/m);
    expect(conf).toMatch(/^effective_cache_size = '12288MB'$/m);
    expect(conf).toMatch(/^maintenance_work_mem = '1024MB'$/m);
    expect(conf).toMatch(/^max_connections = 300$/m);
    expect(conf).toMatch(/^work_mem = '32MB'$/m);
    expect(conf).toMatch(/^max_parallel_workers = 8$/m);
    expect(conf).toMatch(/^max_parallel_workers_per_gather = 4$/m);
  });

  // Limits at the edges of every clamp: tiny (floors), fractional, huge (caps), millicores, no CPU limit.
  it.each([
    { memory: '256Mi', cpu: '500m' },
    { memory: '1.5Gi', cpu: '1' },
    { memory: '3000M', cpu: '3' },
    { memory: '64Gi', cpu: '16' },
    { memory: '128Gi', cpu: null },
  ])('derives the documented tuning for limits $memory / $cpu', async ({ memory, cpu }) => {
    const set = [`database.resources.limits.memory=${memory}`, cpu === null ? 'database.resources.limits.cpu=null' : `database.resources.limits.cpu=${cpu}`];
    const objects = await render('staging', { set });
    const conf = parsePgConf((find(objects, 'ConfigMap', 'nexus-database-config') as Any).data['postgresql.conf']);
    const intended = intendedFromValues({ database: { resources: { limits: { memory, cpu } } } });
    for (const [name, expected] of Object.entries(intended)) {
      const actual = /[a-zA-Z]$/.test(conf[name]!) ? pgValueInBase(conf[name]!, 'B') : Number(conf[name]);
      expect(actual, `${name} = ${conf[name]}`).toBe(expected);
    }
    // And the real server accepts the file (postgres -C parses every setting).
    expect(await postgresChecker.check(asResources(objects))).toEqual([]);
  });
});
