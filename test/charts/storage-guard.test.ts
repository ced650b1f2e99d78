/**
 * An upgrade that would change storage the API server refuses to change fails while rendering, before
 * any hook or object is applied, naming the field and the supported path. The live objects are what the
 * previous release rendered, as the server stores them (defaults added), handed to the real chart's
 * lookup through the harness; with no live object (a first install, `helm template`) nothing is checked.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../util/paths.ts';
import { fixtureKey, harnessChart } from '../helpers/chart-harness.ts';
import { BUNDLED_DATABASE } from '../helpers/database-mode.ts';
import { CRD_API_VERSIONS, helm, renderChart, type HelmFlavour } from './helpers.ts';

type Any = Record<string, any>;
const NAMESPACE = 'nexus-platform';

/** The storage objects of a render as the API server would return them (server-side defaults added). */
async function liveStorage(files: string[], set: Record<string, string> = {}): Promise<Record<string, unknown>> {
  // The chart's own volumes: the database in bundled mode (the overlays' CloudNativePG volumes are the operator's).
  const docs = (await renderChart({ valuesFiles: files, set: { ...BUNDLED_DATABASE, ...set }, apiVersions: CRD_API_VERSIONS })).map((d) => d.object);
  const fixtures: Record<string, unknown> = {};
  for (const o of docs as Any[]) {
    if (o.kind === 'StatefulSet') {
      const live = structuredClone(o);
      for (const t of live.spec.volumeClaimTemplates ?? []) {
        Object.assign(t, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', status: { phase: 'Pending' } });
        t.spec.volumeMode = 'Filesystem';
      }
      fixtures[fixtureKey('apps/v1', 'StatefulSet', NAMESPACE, o.metadata.name)] = live;
    }
    if (o.kind === 'PersistentVolumeClaim') {
      // The DefaultStorageClass admission plugin fills in the class of a PVC that names none.
      const live = structuredClone(o);
      live.spec.storageClassName ??= 'standard';
      live.spec.volumeMode = 'Filesystem';
      fixtures[fixtureKey('v1', 'PersistentVolumeClaim', NAMESPACE, o.metadata.name)] = live;
    }
  }
  expect(Object.keys(fixtures).length).toBeGreaterThanOrEqual(4);
  return fixtures;
}

async function upgrade(fixtures: Record<string, unknown>, files: string[], set: Record<string, string> = {}, flavour: HelmFlavour = 'helm4') {
  const args = ['template', 'nexus', harnessChart(), '--namespace', NAMESPACE, ...files.flatMap((f) => ['-f', join(PROJECT_ROOT, f)]), ...Object.entries({ ...BUNDLED_DATABASE, ...set }).flatMap(([k, v]) => ['--set', `${k}=${v}`])];
  const file = join(mkdtempSync(join(tmpdir(), 'nexus-live-')), 'live.json');
  writeFileSync(file, JSON.stringify({ global: { lookupFixtures: fixtures } }));
  return helm(flavour, [...args, '-f', file, ...CRD_API_VERSIONS.flatMap((a) => ['--api-versions', a])]);
}

const guardLine = (stderr: string) => /\[storage-immutable\][^\n]*/.exec(stderr)?.[0] ?? '';

describe.each(['helm4', 'helm3'] as HelmFlavour[])('storage guard (%s)', (flavour) => {
  it('staging → production values: refused before anything changes, naming the field and the paths', async () => {
    const live = await liveStorage(['values.staging.yaml']);
    const r = await upgrade(live, ['values.production.yaml'], {}, flavour);
    expect(r.code).not.toBe(0);
    const line = guardLine(r.stderr);
    // Helm stops at the first template that fails; each refusal lists every problem of its object.
    expect(line).toMatch(/^\[storage-immutable\] (StatefulSet|PersistentVolumeClaim) nexus-\S+: .*\w+\.storage\.(size|storageClass): \S+ live, \S+ asked/);
    expect(line).toMatch(/Nothing was changed\. Supported paths: keep the live values in the upgrade; .*install a new release with these values and restore a backup/);
  });

  it('the database volume: size and class in one refusal, with the in-place growth path', async () => {
    const live = await liveStorage(['values.production.yaml']);
    const r = await upgrade(live, ['values.production.yaml'], { 'database.storage.size': '300Gi', 'database.storage.storageClass': 'standard' }, flavour);
    expect(r.code).not.toBe(0);
    const line = guardLine(r.stderr);
    expect(line).toMatch(/StatefulSet nexus-database: Kubernetes forbids any change to its volumeClaimTemplates: database\.storage\.size: 200Gi live, 300Gi asked; database\.storage\.storageClass: "fast-ssd" live, "standard" asked\./);
    expect(line).toMatch(/resize each PVC of the StatefulSet .*`kubectl delete statefulset nexus-database --cascade=orphan`/);
  });

  it('the same values upgrade cleanly (what --reuse-values does)', async () => {
    for (const files of [['values.staging.yaml'], ['values.production.yaml']]) {
      const r = await upgrade(await liveStorage(files), files, {}, flavour);
      expect(r.code, r.stderr).toBe(0);
    }
  });
});

describe('storage guard: each field and object', () => {
  const prod = ['values.production.yaml'];
  let live: Record<string, unknown>;
  const cases: [string, Record<string, string>, RegExp][] = [
    ['a Redis volume size', { 'cache.persistence.size': '16Gi' }, /StatefulSet nexus-cache: .*cache\.persistence\.size: 8Gi live, 16Gi asked/],
    ['Redis persistence switched off', { 'cache.persistence.enabled': 'false' }, /cache\.persistence: the live StatefulSet has volume claims \[data\], this upgrade renders \[\]/],
    ['Redis access modes', { 'cache.persistence.accessModes[0]': 'ReadWriteOncePod' }, /cache\.persistence\.accessModes: \["ReadWriteOnce"\] live, \["ReadWriteOncePod"\] asked/],
    ['the AlertManager class through global.storageClass', { 'global.storageClass': 'slow-hdd', 'database.backup.storage.storageClass': 'fast-ssd' }, /StatefulSet nexus-monitoring-alertmanager: .*monitoring\.alertmanager\.storage\.storageClass: "fast-ssd" live, "slow-hdd" asked/],
    ['the Prometheus volume size', { 'monitoring.prometheus.storage.size': '300Gi' }, /StatefulSet nexus-monitoring-prometheus: .*monitoring\.prometheus\.storage\.size: 200Gi live, 300Gi asked/],
    ['an AlertManager volume size', { 'monitoring.alertmanager.storage.size': '4Gi' }, /StatefulSet nexus-monitoring-alertmanager: .*monitoring\.alertmanager\.storage\.size: 2Gi live, 4Gi asked/],
    ['a smaller backup volume', { 'database.backup.storage.size': '100Gi' }, /PersistentVolumeClaim nexus-database-backups: database\.backup\.storage\.size: 500Gi live, 100Gi asked \(a volume cannot shrink\)/],
    ['a larger backup volume on a class without expansion', { 'database.backup.storage.size': '1Ti' }, /database\.backup\.storage\.size: 500Gi live, 1Ti asked, but StorageClass "fast-ssd" does not allow volume expansion/],
  ];

  it.each(cases)('%s is refused with its field', async (_what, set, message) => {
    live ??= await liveStorage(prod);
    const r = await upgrade(live, prod, set);
    expect(r.code).not.toBe(0);
    expect(guardLine(r.stderr)).toMatch(message);
  });

  it('a larger backup volume on a class that allows expansion goes through; the same size in other units too', async () => {
    live ??= await liveStorage(prod);
    const expandable = { ...live, [fixtureKey('storage.k8s.io/v1', 'StorageClass', '', 'fast-ssd')]: { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast-ssd' }, provisioner: 'x', allowVolumeExpansion: true } };
    expect((await upgrade(expandable, prod, { 'database.backup.storage.size': '1Ti' })).code).toBe(0);
    const r = await upgrade(live, prod, { 'database.storage.size': '204800Mi' });
    expect(r.code, r.stderr).toBe(0);
  });

  it('the guard reads the live object: with none (first install, helm template) any storage renders', async () => {
    const r = await upgrade({}, prod, { 'cache.persistence.size': '16Gi', 'database.backup.storage.size': '1Gi' });
    expect(r.code, r.stderr).toBe(0);
  });
});
