/**
 * database.mode: the CloudNativePG mode renders the operator's objects in place of the bundled ones,
 * for both overlays, on Helm 4.1 and 3.17, and every consumer of the database follows it: the backend
 * and its migrations (host, port, Secret), the NetworkPolicies, backups, monitoring. The guards: no
 * silently absent database, the model's rules as Helm failures, and no in-place mode switch of a live
 * release (decided on fixture objects through the lookup harness).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, UMBRELLA_CHART_DIR } from '../../util/paths.ts';
import { NEXUS_DEFAULT_API_VERSIONS, validate } from '../../validator/run.ts';
import { fixtureKey, harnessChart } from '../helpers/chart-harness.ts';
import { BUNDLED_DATABASE } from '../helpers/database-mode.ts';
import { HELM_FLAVOURS } from '../helpers/helm.ts';
import { componentOf, helm, networkPeers, ofKind, podTemplateOf, renderChart, templateArgs, type K8sObject, type RenderedDoc } from './helpers.ts';

type Any = Record<string, any>;
const OVERLAYS = ['values.staging.yaml', 'values.production.yaml'] as const;
/** The overlays run the database under CloudNativePG; this keeps the mode explicit where a test needs it. */
const CNPG = { 'database.mode': 'cloudnativepg' };
/** Settings CloudNativePG owns (rejected or set by the operator): none may reach spec.postgresql.parameters. */
const OPERATOR_OWNED = ['listen_addresses', 'port', 'unix_socket_directories', 'hba_file', 'ssl', 'ssl_cert_file', 'ssl_key_file', 'ssl_ca_file', 'ssl_min_protocol_version', 'shared_preload_libraries', 'logging_collector', 'log_destination', 'wal_level', 'archive_mode', 'archive_command', 'synchronous_standby_names'];

const render = (valuesFile: string, set: Record<string, string | number | boolean> = {}, flavour: (typeof HELM_FLAVOURS)[number] = 'helm4') =>
  renderChart({ helm: flavour, valuesFiles: [valuesFile], set: { ...CNPG, ...set }, apiVersions: NEXUS_DEFAULT_API_VERSIONS });

const one = (docs: RenderedDoc[], kind: string): Any => {
  const found = ofKind(docs, kind);
  expect(found.map((o) => o.metadata.name), kind).toHaveLength(1);
  return found[0] as Any;
};
const databaseChart = (o: K8sObject) => /^database-/.test(o.metadata.labels?.['helm.sh/chart'] ?? '');
const envOf = (o: K8sObject, name: string) => podTemplateOf(o)!.spec.containers[0]!.env!.find((e) => e.name === name);

/** postgresql.conf of the bundled ConfigMap as a map (`key = value`, quotes dropped). */
function postgresqlConf(docs: RenderedDoc[]): Record<string, string> {
  const cm = ofKind(docs, 'ConfigMap').find((c) => databaseChart(c) && (c as Any).data?.['postgresql.conf']) as Any;
  return Object.fromEntries(
    (cm.data['postgresql.conf'] as string)
      .split('\n')
      .map((l) => /^([a-z_.0-9]+)\s*=\s*'?(.*?)'?$/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => !!m)
      .map((m) => [m[1]!, m[2]!]),
  );
}

describe.each(HELM_FLAVOURS)('database.mode cloudnativepg (%s)', (flavour) => {
  it.each(OVERLAYS)('%s: the operator\'s Cluster, Pooler, ObjectStore and ScheduledBackup replace the bundled database', async (overlay) => {
    const docs = await render(overlay, {}, flavour);
    const cluster = one(docs, 'Cluster');
    const pooler = one(docs, 'Pooler');
    const store = one(docs, 'ObjectStore');
    const scheduled = one(docs, 'ScheduledBackup');
    // Nothing of the bundled database: no pods of its own, no pg_dump backups, no restore, no Services.
    const bundled = docs.map((d) => d.object).filter((o) => databaseChart(o) && ['StatefulSet', 'Deployment', 'CronJob', 'Job', 'Service', 'PersistentVolumeClaim', 'PodDisruptionBudget', 'NetworkPolicy', 'ConfigMap'].includes(o.kind));
    // Only the primary's alias Service (selecting the operator's primary pod) remains of the bundled names.
    expect(bundled.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([`Service/${cluster.metadata.name}`]);
    expect((bundled[0] as Any).spec.selector).toEqual({ 'cnpg.io/cluster': cluster.metadata.name, 'cnpg.io/instanceRole': 'primary' });

    // Three instances in production, two in staging (a primary and a standby: the same failover, smaller).
    expect(cluster.spec.instances).toBe(overlay === 'values.production.yaml' ? 3 : 2);
    expect(cluster.spec.affinity).toMatchObject({ enablePodAntiAffinity: true, topologyKey: 'kubernetes.io/hostname', podAntiAffinityType: 'required' });
    expect(cluster.spec.topologySpreadConstraints).toEqual([{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'cnpg.io/cluster': cluster.metadata.name } } }]);
    expect(cluster.spec.enableSuperuserAccess).toBe(false);
    // WAL archiving through the Barman Cloud Plugin into this release's ObjectStore: PITR.
    expect(cluster.spec.plugins).toEqual([{ name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true, parameters: { barmanObjectName: store.metadata.name } }]);
    expect(store.spec.retentionPolicy).toBe('7d');
    expect(store.spec.configuration).toMatchObject({ destinationPath: overlay === 'values.production.yaml' ? 's3://nexus-backups/production' : 's3://nexus-backups/staging', s3Credentials: { accessKeyId: { name: 'nexus-backup-object-storage', key: 'AWS_ACCESS_KEY_ID' }, secretAccessKey: { name: 'nexus-backup-object-storage', key: 'AWS_SECRET_ACCESS_KEY' } } });
    expect(scheduled.spec).toMatchObject({ cluster: { name: cluster.metadata.name }, method: 'plugin', pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' }, schedule: '0 0 2 * * *' });
    expect(pooler.spec).toMatchObject({ cluster: { name: cluster.metadata.name }, type: 'rw', pgbouncer: { poolMode: 'transaction' } });
    // `helm uninstall` keeps the database and its backups (keepOnUninstall, default on), not the Pooler in front of it.
    for (const kept of [cluster, store, scheduled]) expect(kept.metadata.annotations?.['helm.sh/resource-policy'], kept.kind).toBe('keep');
    expect(pooler.metadata.annotations?.['helm.sh/resource-policy']).toBeUndefined();
    // Resources and storage from the database section, as in bundled mode.
    const values = await renderChart({ helm: flavour, valuesFiles: [overlay], set: BUNDLED_DATABASE, apiVersions: NEXUS_DEFAULT_API_VERSIONS });
    const sts = ofKind(values, 'StatefulSet').find(databaseChart)!;
    expect(cluster.spec.resources).toEqual(podTemplateOf(sts)!.spec.containers[0]!.resources);
    expect(cluster.spec.storage.size).toBe((sts.spec as Any).volumeClaimTemplates[0].spec.resources.requests.storage);
  });

  it.each(OVERLAYS)('%s: postgresql parameters come from the same tuning model as bundled mode, minus what the operator owns', async (overlay) => {
    const cluster = one(await render(overlay, { 'database.tuning.overrides.work_mem': '32MB' }, flavour), 'Cluster');
    const conf = postgresqlConf(await renderChart({ helm: flavour, valuesFiles: [overlay], set: { ...BUNDLED_DATABASE, 'database.tuning.overrides.work_mem': '32MB' }, apiVersions: NEXUS_DEFAULT_API_VERSIONS }));
    const parameters = cluster.spec.postgresql.parameters as Record<string, string>;
    for (const v of Object.values(parameters)) expect(typeof v).toBe('string');
    for (const key of ['max_connections', 'shared_buffers', 'effective_cache_size', 'maintenance_work_mem', 'wal_buffers', 'max_wal_size', 'checkpoint_timeout', 'max_parallel_workers']) {
      expect(parameters[key], key).toBe(conf[key]);
    }
    expect(parameters.work_mem).toBe('32MB');
    for (const key of OPERATOR_OWNED) expect(parameters, key).not.toHaveProperty(key);
  });

  it('every consumer follows the mode: backend and migrations reach the Pooler with the operator\'s credentials, NetworkPolicies admit the operator\'s pods', async () => {
    const docs = await render('values.production.yaml', {}, flavour);
    const cluster = one(docs, 'Cluster');
    const pooler = one(docs, 'Pooler');
    const poolerPort = pooler.spec.serviceTemplate.spec.ports.find((p: Any) => p.name === 'pgbouncer');
    expect(poolerPort).toMatchObject({ targetPort: 'pgbouncer' });
    for (const component of ['backend', 'migrations']) {
      const workload = docs.map((d) => d.object).find((o) => componentOf(o) === component && ['Deployment', 'Job'].includes(o.kind))!;
      const env = (name: string) => envOf(workload, name);
      // The backend reads host/port from its ConfigMap, the migration Job carries them inline.
      const config = ofKind(docs, 'ConfigMap').find((c) => componentOf(c) === 'backend' && (c as Any).data?.DATABASE_HOST) as Any;
      const host = env('DATABASE_HOST')?.value ?? config.data.DATABASE_HOST;
      const port = env('DATABASE_PORT')?.value ?? config.data.DATABASE_PORT;
      if (component === 'backend') {
        expect(host, component).toBe(pooler.metadata.name);
        expect(Number(port), component).toBe(poolerPort.port);
      } else {
        // Migrations connect to the primary directly: the chart's `<fullname>` Service selects it like the operator's -rw Service.
        const primary = ofKind(docs, 'Service').find((s) => s.metadata.name === host) as Any;
        expect(primary?.spec.selector, component).toEqual({ 'cnpg.io/cluster': cluster.metadata.name, 'cnpg.io/instanceRole': 'primary' });
        expect(primary.spec.ports.map((p: Any) => p.port), component).toEqual([Number(port)]);
      }
      expect(env('DATABASE_PASSWORD')?.valueFrom, component).toEqual({ secretKeyRef: { name: cluster.spec.bootstrap.initdb.secret.name, key: 'password' } });
      expect(env('DATABASE_USER')?.value ?? config.data.DATABASE_USER, component).toBe(cluster.spec.bootstrap.initdb.owner);
      expect(env('DATABASE_NAME')?.value ?? config.data.DATABASE_NAME, component).toBe(cluster.spec.bootstrap.initdb.database);

      const policy = ofKind(docs, 'NetworkPolicy').find((p) => p.metadata.name === workload.metadata.name || (componentOf(p) === component && component === 'migrations'))!;
      const egress = networkPeers(policy).filter((p) => p.direction === 'egress');
      const databasePeers = egress.filter((p) => /pgbouncer|postgresql/.test(JSON.stringify(p.peer)) || JSON.stringify(p.peer).includes('cnpg.io'));
      // The backend reaches the Pooler and the instances; the migrations (direct connection) the instances only.
      const expected = [
        ...(component === 'backend' ? [[{ 'cnpg.io/poolerName': pooler.metadata.name }, [{ protocol: 'TCP', port: 5432 }]]] : []),
        [{ 'cnpg.io/cluster': cluster.metadata.name, 'cnpg.io/podRole': 'instance' }, [{ protocol: 'TCP', port: 5432 }]],
      ];
      expect(databasePeers.map((p) => [p.peer.podSelector?.matchLabels, p.ports]), component).toEqual(expected);
      expect(policy.metadata.annotations?.['nexus.dev/external-peers'], component).toBe(
        component === 'backend'
          ? `cnpg.io/poolerName=${pooler.metadata.name}; cnpg.io/cluster=${cluster.metadata.name},cnpg.io/podRole=instance`
          : `cnpg.io/cluster=${cluster.metadata.name},cnpg.io/podRole=instance`,
      );
    }
    // Metrics: the overlays' own Prometheus scrapes the instances and the Pooler (below); for a Prometheus
    // Operator, the operator's recommended PodMonitors.
    expect(ofKind(docs, 'PodMonitor')).toEqual([]);
    const withMonitors = await render('values.production.yaml', { 'database.cloudnativepg.podMonitor.enabled': true }, flavour);
    expect(ofKind(withMonitors, 'PodMonitor').map((p) => (p.spec as Any).selector.matchLabels)).toEqual([{ 'cnpg.io/cluster': cluster.metadata.name, 'cnpg.io/podRole': 'instance' }, { 'cnpg.io/poolerName': pooler.metadata.name }]);
  });

  it.each(OVERLAYS)('%s: the bundled Prometheus scrapes the operator\'s instances and Pooler, and may reach their metrics port', async (overlay) => {
    const docs = await render(overlay, {}, flavour);
    const cluster = one(docs, 'Cluster');
    const pooler = one(docs, 'Pooler');
    const config = ofKind(docs, 'ConfigMap').map((c) => (c as Any).data?.['prometheus.yml']).find(Boolean) as string;
    const job = (parse(config) as Any).scrape_configs.find((j: Any) => j.job_name === 'cloudnativepg');
    expect(job.kubernetes_sd_configs).toEqual([{ role: 'pod', namespaces: { names: ['nexus-platform'] } }]);
    // The keep rule as Prometheus applies it (anchored RE2 over "<cluster>;<pooler>;<port name>").
    const keep = new RegExp(`^(?:${job.relabel_configs[0].regex})$`);
    expect(job.relabel_configs[0].source_labels).toEqual(['__meta_kubernetes_pod_label_cnpg_io_cluster', '__meta_kubernetes_pod_label_cnpg_io_podRole', '__meta_kubernetes_pod_label_cnpg_io_poolerName', '__meta_kubernetes_pod_container_port_name']);
    // Labels as CloudNativePG 1.30 sets them: instances (cluster, role instance), Pooler pods (cluster, role pooler, pooler name).
    expect(keep.test(`${cluster.metadata.name};instance;;metrics`)).toBe(true);
    expect(keep.test(`${cluster.metadata.name};pooler;${pooler.metadata.name};metrics`)).toBe(true);
    expect(keep.test(`${cluster.metadata.name};instance;;postgresql`)).toBe(false);
    expect(keep.test(`other-database;instance;;metrics`)).toBe(false);
    expect(keep.test(`other-database;pooler;other-database-pgbouncer;metrics`)).toBe(false);
    // The series carry what the recording rules aggregate by (namespace, pod) and the component.
    const targets = job.relabel_configs.map((r: Any) => r.target_label).filter(Boolean);
    expect(targets).toEqual(['namespace', 'pod', 'container', 'component', 'component']);
    // Egress from Prometheus to both, on the named port (the pods carry no release label).
    const policy = ofKind(docs, 'NetworkPolicy').find((p) => p.metadata.name === 'nexus-monitoring-prometheus-cloudnativepg')!;
    expect(policy.spec?.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/component': 'prometheus', 'app.kubernetes.io/instance': 'nexus' } });
    // Declared as pods created outside the render (for network-policy-selects-nothing): one label set per pod kind.
    expect(policy.metadata.annotations?.['nexus.dev/external-peers']).toBe(`cnpg.io/cluster=${cluster.metadata.name},cnpg.io/podRole=instance; cnpg.io/poolerName=${pooler.metadata.name}`);
    expect(networkPeers(policy).map((p) => [p.direction, p.peer.podSelector?.matchLabels, p.ports])).toEqual([
      ['egress', { 'cnpg.io/cluster': cluster.metadata.name, 'cnpg.io/podRole': 'instance' }, [{ port: 'metrics', protocol: 'TCP' }]],
      ['egress', { 'cnpg.io/poolerName': pooler.metadata.name }, [{ port: 'metrics', protocol: 'TCP' }]],
    ]);
    // Bundled mode needs none of it: its exporters carry the release label.
    const bundled = await renderChart({ helm: flavour, valuesFiles: [overlay], set: BUNDLED_DATABASE, apiVersions: NEXUS_DEFAULT_API_VERSIONS });
    expect(ofKind(bundled, 'NetworkPolicy').map((p) => p.metadata.name)).not.toContain('nexus-monitoring-prometheus-cloudnativepg');
  });

  it.each(OVERLAYS)('%s: the overlay itself runs the database under CloudNativePG, archiving to its bucket, the backend verifying the operator\'s CA', async (overlay) => {
    const docs = await renderChart({ helm: flavour, valuesFiles: [overlay], apiVersions: NEXUS_DEFAULT_API_VERSIONS });
    const cluster = one(docs, 'Cluster');
    expect(cluster.spec.instances).toBe(overlay === 'values.production.yaml' ? 3 : 2);
    expect(one(docs, 'ObjectStore').spec.configuration.destinationPath).toBe(overlay === 'values.production.yaml' ? 's3://nexus-backups/production' : 's3://nexus-backups/staging');
    expect(one(docs, 'ScheduledBackup').spec.cluster.name).toBe(cluster.metadata.name);
    expect(ofKind(docs, 'StatefulSet').filter(databaseChart)).toEqual([]);
    // The same PostgreSQL release as the bundled image (production pins it by digest, like every third-party image).
    expect(cluster.spec.imageName).toMatch(overlay === 'values.production.yaml' ? /^ghcr\.io\/cloudnative-pg\/postgresql:16\.15-\d{12}-system-bookworm@sha256:[0-9a-f]{64}$/ : /^ghcr\.io\/cloudnative-pg\/postgresql:16\.15-\d{12}-system-bookworm$/);
    const backend = docs.map((d) => d.object).find((o) => componentOf(o) === 'backend' && o.kind === 'Deployment')!;
    const ca = (podTemplateOf(backend)!.spec.volumes as Any[]).find((v) => v.name === 'database-ca')!;
    expect(ca.secret.secretName).toBe(`${cluster.metadata.name}-ca`);
  });

  it('synchronous replication and cert-manager TLS when asked for', async () => {
    const docs = await render('values.production.yaml', { 'database.cloudnativepg.synchronous.enabled': true, 'database.cloudnativepg.tls.source': 'certManager', 'database.cloudnativepg.tls.issuer': 'nexus-ca', 'database.cloudnativepg.affinity.zoneSpread': 'DoNotSchedule' }, flavour);
    const cluster = one(docs, 'Cluster');
    expect(cluster.spec.postgresql.synchronous).toEqual({ method: 'any', number: 1, dataDurability: 'required' });
    expect(cluster.spec.topologySpreadConstraints[0].whenUnsatisfiable).toBe('DoNotSchedule');
    const cert = one(docs, 'Certificate');
    expect(cluster.spec.certificates).toEqual({ serverTLSSecret: cert.spec.secretName, serverCASecret: cert.spec.secretName });
    expect(cert.spec.issuerRef).toEqual({ name: 'nexus-ca', kind: 'Issuer', group: 'cert-manager.io' });
    expect(cert.spec.dnsNames).toContain(`${cluster.metadata.name}-rw.nexus-platform.svc`);
    expect(cert.spec.dnsNames).toContain(one(docs, 'Pooler').metadata.name);
  });

  it('bundled mode renders none of the operator\'s kinds', async () => {
    const docs = await renderChart({ helm: flavour, valuesFiles: ['values.production.yaml'], set: { ...BUNDLED_DATABASE, 'database.cloudnativepg.podMonitor.enabled': true }, apiVersions: NEXUS_DEFAULT_API_VERSIONS });
    expect(docs.map((d) => d.object.kind).filter((k) => ['Cluster', 'Pooler', 'ScheduledBackup', 'ObjectStore', 'PodMonitor'].includes(k))).toEqual([]);
  });
});

describe.each(HELM_FLAVOURS)('database.mode guards (%s)', (flavour) => {
  const fails = async (args: string[]) => {
    const r = await helm(flavour, args);
    expect(r.code, r.stdout.slice(0, 200)).not.toBe(0);
    return r.stderr;
  };

  it.each(OVERLAYS)('helm lint --strict passes in cloudnativepg mode (%s)', async (overlay) => {
    const r = await helm(flavour, ['lint', '--strict', UMBRELLA_CHART_DIR, '--namespace', 'nexus-platform', '-f', join(PROJECT_ROOT, overlay), ...Object.entries(CNPG).flatMap(([k, v]) => ['--set', `${k}=${v}`])]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('0 chart(s) failed');
  });

  it('a cluster without the CloudNativePG API fails the render instead of leaving the database out', async () => {
    const err = await fails(templateArgs({ valuesFiles: ['values.production.yaml'], set: CNPG, apiVersions: ['monitoring.coreos.com/v1'], withoutDatabaseOperator: true }));
    expect(err).toContain('[database-cloudnativepg-api]');
    expect(err).toContain('postgresql.cnpg.io/v1');
  });

  it('the rules fail in Helm with their id: backups without a bucket, too many synchronous standbys, the pg_dump restore', async () => {
    for (const [set, text] of [
      [{ 'database.backup.objectStorage.bucket': '' }, 'database.backup.objectStorage.bucket'],
      [{ 'database.cloudnativepg.synchronous.enabled': true, 'database.cloudnativepg.synchronous.number': 3 }, 'synchronous standbys need more than 3 instances'],
      [{ 'database.restore.requestId': 'r1', 'database.restore.existingSecret': 'k' }, 'bootstrapping a new Cluster from its backups'],
    ] as const) {
      const err = await fails(templateArgs({ valuesFiles: ['values.production.yaml'], set: { ...CNPG, ...set }, apiVersions: NEXUS_DEFAULT_API_VERSIONS }));
      expect(err).toContain('[cloudnativepg]');
      expect(err).toContain(text);
    }
  });
});

describe.each(HELM_FLAVOURS)('no in-place mode switch of a live release (%s)', (flavour) => {
  const NAMESPACE = 'nexus-platform';
  const STS = fixtureKey('apps/v1', 'StatefulSet', NAMESPACE, 'nexus-database');
  const CLUSTER = fixtureKey('postgresql.cnpg.io/v1', 'Cluster', NAMESPACE, 'nexus-database');
  const live = (kind: string, apiVersion: string) => ({ apiVersion, kind, metadata: { name: 'nexus-database', namespace: NAMESPACE } });
  const args = (mode: string, fixtures: Record<string, unknown>) =>
    templateArgs({ chartDir: harnessChart(), namespace: NAMESPACE, valuesFiles: ['values.production.yaml'], set: { ...CNPG, 'database.mode': mode }, valuesJson: { global: { lookupFixtures: fixtures } }, apiVersions: NEXUS_DEFAULT_API_VERSIONS });

  it('refuses cloudnativepg over a live bundled StatefulSet, and bundled over a live Cluster, naming the migration path', async () => {
    for (const [mode, fixtures, was] of [
      ['cloudnativepg', { [STS]: live('StatefulSet', 'apps/v1') }, 'bundled'],
      ['bundled', { [CLUSTER]: live('Cluster', 'postgresql.cnpg.io/v1') }, 'cloudnativepg'],
    ] as const) {
      const r = await helm(flavour, args(mode, fixtures));
      expect(r.code, `${was} → ${mode}`).not.toBe(0);
      expect(r.stderr).toContain('[database-mode-switch] database.mode:');
      expect(r.stderr).toContain(`lives in the ${was} database`);
      expect(r.stderr).toContain('Switching database modes');
    }
  });

  it('lets a release keep its mode (also a re-install that adopts the Cluster a `helm uninstall` kept), and a first install (nothing live) choose any mode', async () => {
    for (const [mode, fixtures] of [
      ['cloudnativepg', { [CLUSTER]: live('Cluster', 'postgresql.cnpg.io/v1') }],
      ['bundled', { [STS]: live('StatefulSet', 'apps/v1') }],
      ['cloudnativepg', {}],
      ['bundled', {}],
    ] as const) {
      const r = await helm(flavour, args(mode, fixtures));
      expect(r.code, `${mode} with ${Object.keys(fixtures).join() || 'nothing'} live: ${r.stderr}`).toBe(0);
    }
  });
});

describe('nexus validate on CloudNativePG renders (bundled CRD schemas with their CEL rules, every policy)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nexus-cnpg-'));
  const file = (name: string, values: Record<string, unknown>) => {
    const f = join(dir, name);
    writeFileSync(f, stringify(values));
    return f;
  };
  // PodMonitors on, so their schema is checked too (the overlays scrape with their own Prometheus).
  const cnpg = { mode: 'cloudnativepg', cloudnativepg: { podMonitor: { enabled: true } } };
  const variants = {
    plain: file('plain.yaml', { database: cnpg }),
    synchronous: file('sync.yaml', { database: { ...cnpg, cloudnativepg: { ...cnpg.cloudnativepg, synchronous: { enabled: true }, affinity: { zoneSpread: 'DoNotSchedule' } } } }),
    import: file('import.yaml', { database: { ...cnpg, cloudnativepg: { ...cnpg.cloudnativepg, import: { enabled: true, host: 'nexus-database.nexus-old.svc', existingSecret: 'nexus-old-database' } } } }),
    recovery: file('recovery.yaml', { database: { ...cnpg, cloudnativepg: { ...cnpg.cloudnativepg, recovery: { enabled: true, objectStore: 'nexus-database', serverName: 'nexus-database', targetTime: '2026-05-01 10:42:00+00' } } } }),
  };

  const cases = OVERLAYS.flatMap((overlay) => Object.keys(variants).map((variant) => [overlay, variant] as const));
  // A whole validate per case (render, schemas with the large Pooler PodSpec, every policy): minutes on a loaded 2-core machine.
  it.each(cases)('%s + %s: no finding above info, and the operator\'s kinds are checked, not skipped', { timeout: 600_000 }, async (overlay, variant) => {
    const report = await validate({ version: 'test', lint: false, valuesFiles: [overlay, variants[variant as keyof typeof variants]] });
    expect(report.findings.filter((f) => !f.exemption && (f.severity === 'error' || f.severity === 'warning')).map((f) => `${f.kind}/${f.name} ${f.policyId} ${f.jsonPointer ?? ''}: ${f.message}`)).toEqual([]);
    const checked = new Set(report.resources.filter((r) => r.status === 'valid').map((r) => r.kind));
    for (const kind of ['Cluster', 'Pooler', 'ScheduledBackup', 'ObjectStore', 'PodMonitor']) expect(checked.has(kind), kind).toBe(true);
  });
});
