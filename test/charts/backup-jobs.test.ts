/**
 * The backup CronJob and restore Job as rendered: the pod's steps and images, the store each type of
 * object storage configures, the deadlines derived from the declared database size, the egress port, and
 * the extension knobs (where Kubernetes expects each one). Behaviour on real servers: test/stateful/backup-*.
 */
import { describe, expect, it } from 'vitest';
import { componentOf, ofKind, renderChart, type K8sObject } from './helpers.ts';

type Any = Record<string, any>;
// The chart's own PostgreSQL, whatever mode the overlay runs; the backend verifies its CA (nexus-db-tls).
const BUNDLED = { 'database.mode': 'bundled', 'backend.database.caSecret': 'nexus-db-tls' };
const STORE = { 'database.backup.objectStorage.enabled': true, 'database.backup.objectStorage.bucket': 'nexus-backups/prod', 'database.backup.objectStorage.existingSecret': 'store-creds' };

async function jobs(set: Record<string, string | number | boolean> = {}, valuesJson?: Record<string, unknown>) {
  const docs = await renderChart({ valuesFiles: ['values.staging.yaml'], set: { ...BUNDLED, ...set }, ...(valuesJson ? { valuesJson } : {}) });
  const cron = ofKind(docs, 'CronJob').find((o) => componentOf(o) === 'backup');
  const restore = ofKind(docs, 'Job').find((o) => componentOf(o) === 'restore');
  const policy = ofKind(docs, 'NetworkPolicy').find((o) => componentOf(o) === 'backup');
  return { cron, restore, policy };
}
const podOf = (o: K8sObject): Any => (o.kind === 'CronJob' ? (o.spec as Any).jobTemplate.spec.template : (o.spec as Any).template);
const deadlineOf = (o: K8sObject): number => (o.kind === 'CronJob' ? (o.spec as Any).jobTemplate.spec.activeDeadlineSeconds : (o.spec as Any).activeDeadlineSeconds);
const containersOf = (o: K8sObject): Any[] => [...(podOf(o).spec.initContainers ?? []), ...podOf(o).spec.containers];
const envOf = (c: Any | undefined): Record<string, unknown> => Object.fromEntries((c!.env as Any[]).map((e) => [e.name, e.value ?? e.valueFrom]));

describe('backup pod steps', () => {
  it('without object storage: dump, then record; with it: dump, upload (rclone image), record', async () => {
    const local = await jobs();
    expect(containersOf(local.cron!).map((c) => c.name)).toEqual(['dump', 'record']);
    const remote = await jobs(STORE);
    const steps = containersOf(remote.cron!);
    expect(steps.map((c) => `${c.name} ${c.image}`)).toEqual(['dump docker.io/library/postgres:16.15-trixie', 'upload docker.io/rclone/rclone:1.75.1', 'record docker.io/library/postgres:16.15-trixie']);
    // The success marker is written by the main container, which Kubernetes starts only after every init container succeeded.
    expect(podOf(remote.cron!).spec.containers.map((c: Any) => c.name)).toEqual(['record']);
    // Every step runs restricted, and the hand-off directory is per pod.
    for (const c of steps) expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(podOf(remote.cron!).spec.volumes.find((v: Any) => v.name === 'handoff')).toEqual({ name: 'handoff', emptyDir: { sizeLimit: '1Mi' } });
  });

  it('configures the rclone remote for each store type from the Secret, never from values', async () => {
    const s3 = envOf(containersOf((await jobs({ ...STORE, 'database.backup.objectStorage.endpoint': 'https://minio.storage:9000', 'database.backup.objectStorage.region': 'eu-west-1' })).cron!)[1]);
    expect(s3).toMatchObject({
      REMOTE: 'nexus:nexus-backups/prod',
      RCLONE_CONFIG_NEXUS_TYPE: 's3',
      RCLONE_CONFIG_NEXUS_PROVIDER: 'Other',
      RCLONE_CONFIG_NEXUS_ENDPOINT: 'https://minio.storage:9000',
      RCLONE_CONFIG_NEXUS_REGION: 'eu-west-1',
      RCLONE_CONFIG_NEXUS_ENV_AUTH: 'true',
      AWS_ACCESS_KEY_ID: { secretKeyRef: { name: 'store-creds', key: 'AWS_ACCESS_KEY_ID' } },
      AWS_SECRET_ACCESS_KEY: { secretKeyRef: { name: 'store-creds', key: 'AWS_SECRET_ACCESS_KEY' } },
    });
    expect((await jobs(STORE)).cron && envOf(containersOf((await jobs(STORE)).cron!)[1]).RCLONE_CONFIG_NEXUS_PROVIDER).toBe('AWS');

    const azure = envOf(containersOf((await jobs({ ...STORE, 'database.backup.objectStorage.type': 'azureblob' })).cron!)[1]);
    expect(azure).toMatchObject({ RCLONE_CONFIG_NEXUS_TYPE: 'azureblob', RCLONE_CONFIG_NEXUS_ACCOUNT: { secretKeyRef: { name: 'store-creds', key: 'AZURE_STORAGE_ACCOUNT' } }, RCLONE_CONFIG_NEXUS_KEY: { secretKeyRef: { name: 'store-creds', key: 'AZURE_STORAGE_KEY' } } });
    expect(azure).not.toHaveProperty('AWS_ACCESS_KEY_ID');

    const gcs = (await jobs({ ...STORE, 'database.backup.objectStorage.type': 'gcs' })).cron!;
    const upload = containersOf(gcs)[1]!;
    expect(envOf(upload)).toMatchObject({ RCLONE_CONFIG_NEXUS_TYPE: 'gcs', RCLONE_CONFIG_NEXUS_SERVICE_ACCOUNT_FILE: '/etc/object-storage/service-account.json' });
    expect(upload.volumeMounts).toContainEqual({ name: 'object-storage-credentials', mountPath: '/etc/object-storage', readOnly: true });
    const key = podOf(gcs).spec.volumes.find((v: Any) => v.name === 'object-storage-credentials');
    expect(key.secret).toMatchObject({ secretName: 'store-creds', items: [{ key: 'GOOGLE_SERVICE_ACCOUNT_JSON', path: 'service-account.json' }] });
    // The credentials Secret is declared external (references-exist trusts it).
    expect(podOf(gcs).metadata.annotations['nexus.dev/external-secrets'].split(',')).toContain('store-creds');
  });

  it('opens the store\'s port (the endpoint\'s, else 443) to the backup and restore pods', async () => {
    const egressPorts = (p: K8sObject) => ((p.spec as Any).egress as Any[]).filter((e) => !e.to).flatMap((e) => e.ports.map((x: Any) => x.port));
    expect(egressPorts((await jobs(STORE)).policy!)).toEqual([443]);
    expect(egressPorts((await jobs({ ...STORE, 'database.backup.objectStorage.endpoint': 'http://minio.storage.svc:9000/' })).policy!)).toEqual([9000]);
    expect(egressPorts((await jobs()).policy!)).toEqual([]);
  });

  it('restores from the bucket with a fetch step (rclone) before the restore (postgres)', async () => {
    const { restore } = await jobs({ ...STORE, 'database.restore.requestId': 'dr1', 'database.restore.source': 'objectStorage', 'database.restore.existingSecret': 'private-key', 'database.restore.dumpName': 'nexus-20260101T020000Z.dump.gpg' });
    const [fetch, run] = containersOf(restore!) as [Any, Any];
    expect(`${fetch.name} ${fetch.image} ${fetch.command.join(' ')}`).toBe('fetch docker.io/rclone/rclone:1.75.1 /bin/sh /scripts/fetch.sh');
    expect(envOf(fetch)).toMatchObject({ RESTORE_DUMP: 'nexus-20260101T020000Z.dump.gpg', REMOTE: 'nexus:nexus-backups/prod' });
    // restore.sh takes the name fetch.sh hands over, and verifies it before anything else.
    expect(envOf(run)).toMatchObject({ RESTORE_DUMP: '', DECRYPT_KEY_FILE: '/keys/private-key' });
  });
});

describe('deadlines derived from the declared database size', () => {
  // staging: database.storage.size 20Gi; 25 MiB/s per worker -> one pass = ceil(20480 / 25) = 820 s.
  it('backup: 1 h + dump + verify + encrypt (+ upload) (+ 2 for the restore test), the dump divided among the jobs of the directory format', async () => {
    expect(deadlineOf((await jobs({ 'database.backup.verification.restoreTest': false })).cron!)).toBe(3600 + 3 * 820);
    expect(deadlineOf((await jobs({ 'database.backup.verification.restoreTest': true })).cron!)).toBe(3600 + 5 * 820);
    expect(deadlineOf((await jobs({ ...STORE, 'database.backup.verification.restoreTest': false })).cron!)).toBe(3600 + 4 * 820);
    expect(deadlineOf((await jobs({ 'database.backup.verification.restoreTest': false, 'database.backup.format': 'directory', 'database.backup.jobs': 4 })).cron!)).toBe(3600 + 205 + 2 * 820);
  });

  it('follows sizing.databaseSize and throughputMiBps; an explicit activeDeadlineSeconds wins', async () => {
    // 2Ti at 50 MiB/s: one pass = 41944 s.
    const big = await jobs({ 'database.backup.verification.restoreTest': false, 'database.backup.sizing.databaseSize': '2Ti', 'database.backup.sizing.throughputMiBps': 50, 'database.restore.requestId': 'r1', 'database.restore.existingSecret': 'k' });
    expect(deadlineOf(big.cron!)).toBe(3600 + 3 * 41944);
    // restore from the volume: checksum, decrypt, verify, then 2 passes of restore.
    expect(deadlineOf(big.restore!)).toBe(3600 + 5 * 41944);
    expect(deadlineOf((await jobs({ 'database.backup.activeDeadlineSeconds': 1234 })).cron!)).toBe(1234);
  });
});

describe('extension knobs on the backup and restore pods', () => {
  const knobs = (job: string) => ({
    extraEnv: [{ name: 'HTTPS_PROXY', value: `http://proxy.${job}:3128` }],
    extraEnvFrom: [{ configMapRef: { name: `${job}-env` } }],
    extraVolumes: [{ name: 'ca-bundle', configMap: { name: `${job}-ca` } }],
    extraVolumeMounts: [{ name: 'ca-bundle', mountPath: '/etc/ssl/custom' }],
    podLabels: { team: `${job}-team` },
    podAnnotations: { 'example.com/owner': job },
    nodeSelector: { pool: `${job}-pool` },
    tolerations: [{ key: 'dedicated', operator: 'Equal', value: job, effect: 'NoSchedule' }],
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: [job] }] }] } } },
    priorityClassName: `${job}-priority`,
  });

  it('renders each knob where Kubernetes expects it, on every container of the pod', async () => {
    const { cron, restore } = await jobs(
      { ...STORE, 'database.restore.requestId': 'r1', 'database.restore.existingSecret': 'k', 'database.restore.source': 'objectStorage' },
      { database: { backup: knobs('backup'), restore: { ...knobs('restore'), resources: { requests: { cpu: '3', memory: '3Gi' }, limits: { cpu: '3', memory: '3Gi' } } } } },
    );
    for (const [job, obj] of [['backup', cron!], ['restore', restore!]] as const) {
      const pod = podOf(obj);
      expect(pod.metadata.labels.team).toBe(`${job}-team`);
      expect(pod.metadata.annotations['example.com/owner']).toBe(job);
      expect(pod.spec.nodeSelector).toEqual({ pool: `${job}-pool` });
      expect(pod.spec.tolerations).toEqual(knobs(job).tolerations);
      expect(pod.spec.affinity).toEqual(knobs(job).affinity);
      expect(pod.spec.priorityClassName).toBe(`${job}-priority`);
      expect(pod.spec.volumes).toContainEqual({ name: 'ca-bundle', configMap: { name: `${job}-ca` } });
      expect(pod.metadata.annotations['nexus.dev/external-configmaps'].split(',')).toEqual(expect.arrayContaining([`${job}-ca`, `${job}-env`]));
      for (const c of containersOf(obj)) {
        expect(envOf(c).HTTPS_PROXY, `${job}/${c.name}`).toBe(`http://proxy.${job}:3128`);
        expect(c.envFrom).toEqual([{ configMapRef: { name: `${job}-env` } }]);
        expect(c.volumeMounts).toContainEqual({ name: 'ca-bundle', mountPath: '/etc/ssl/custom' });
      }
    }
    const restoreStep = containersOf(restore!).at(-1)!;
    expect(restoreStep.resources).toEqual({ requests: { cpu: '3', memory: '3Gi' }, limits: { cpu: '3', memory: '3Gi' } });
  });

  it('placement falls back to the database tier\'s, and renders no generated anti-affinity', async () => {
    const { cron } = await jobs({}, { database: { nodeSelector: { pool: 'db' }, tolerations: [{ key: 'db', operator: 'Exists' }] } });
    const pod = podOf(cron!);
    expect(pod.spec.nodeSelector).toEqual({ pool: 'db' });
    expect(pod.spec.tolerations).toEqual([{ key: 'db', operator: 'Exists' }]);
    expect(pod.spec.affinity).toBeUndefined();
  });
});
