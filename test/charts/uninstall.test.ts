/**
 * NOTES.txt lists exactly what `helm uninstall` leaves behind: every volume claim the StatefulSets make
 * (Kubernetes never deletes them with the StatefulSet) and every object marked
 * `helm.sh/resource-policy: keep` — no more, no less, on each overlay and on variants that change them.
 * Hook objects carry delete policies, so no successful hook run stays behind.
 */
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../util/paths.ts';
import { harnessChart } from '../helpers/chart-harness.ts';
import { CRD_API_VERSIONS, helm, isHook, parseManifests, renderChart, type K8sObject } from './helpers.ts';

type Any = Record<string, any>;

const DUMP = {
  'zz-retained-dump.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: retained-dump\ndata:\n  list: |\n    {{- include "nexus.umbrella.retained" . | nindent 4 }}\n',
};

/** What outlives `helm uninstall`, read from the render: claims of StatefulSets and kept objects. */
function survivors(objects: K8sObject[]): string[] {
  const out: string[] = [];
  for (const o of objects) {
    if (o.kind === 'StatefulSet') {
      const spec = o.spec as Any;
      if (spec.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete') continue;
      for (const t of spec.volumeClaimTemplates ?? []) for (let i = 0; i < (spec.replicas ?? 1); i++) out.push(`PersistentVolumeClaim/${t.metadata.name}-${o.metadata.name}-${i}`);
    }
    if (o.metadata.annotations?.['helm.sh/resource-policy'] === 'keep') out.push(`${o.kind}/${o.metadata.name}`);
  }
  return out.sort();
}

const VARIANTS: [string, string[], Record<string, unknown>][] = [
  ['values.staging.yaml', ['values.staging.yaml'], {}],
  ['values.production.yaml', ['values.production.yaml'], {}],
  ['the defaults (generated passwords)', [], {}],
  ['defaults, namespace.create, no cache persistence, 2 AlertManagers, no backups', [], { namespace: { create: true }, cache: { persistence: { enabled: false } }, monitoring: { alertmanager: { replicas: 2 } }, database: { backup: { enabled: false } } }],
  ['defaults without monitoring and cache', [], { monitoring: { enabled: false }, cache: { enabled: false }, gateway: { rateLimiting: { policy: 'local' } } }],
  ['production with Grafana persistence', ['values.production.yaml'], { monitoring: { grafana: { persistence: { enabled: true } } } }],
  // The overlays' CloudNativePG database is kept by default (Cluster, ObjectStore, ScheduledBackup); without backups
  // only the Cluster; with keepOnUninstall off nothing of it (the operator deletes the volumes with the Cluster).
  ['production, CloudNativePG without backups', ['values.production.yaml'], { database: { backup: { enabled: false } } }],
  ['production, CloudNativePG keepOnUninstall off', ['values.production.yaml'], { database: { cloudnativepg: { keepOnUninstall: false } } }],
  ['production, bundled database', ['values.production.yaml'], { database: { mode: 'bundled' }, backend: { database: { caSecret: 'nexus-db-tls' } } }],
];

describe.each(VARIANTS)('what stays after helm uninstall: %s', (_label, files, extra) => {
  it('the list NOTES.txt prints is exactly what the render leaves behind', async () => {
    const docs = (await renderChart({ chartDir: harnessChart(DUMP), valuesFiles: files, valuesJson: extra, apiVersions: CRD_API_VERSIONS })).map((d) => d.object);
    const dump = docs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'retained-dump') as Any;
    const listed = (parse(dump.data.list) as { kind: string; names: string[]; why: string }[]).flatMap((e) => {
      expect(e.why.length, `${e.kind} ${e.names} says why`).toBeGreaterThan(10);
      return e.names.map((n) => `${e.kind}/${n}`);
    });
    const rendered = docs.filter((o) => o.metadata.name !== 'retained-dump');
    const expected = survivors(rendered);
    expect(expected.length).toBeGreaterThan(0);
    expect(listed.sort()).toEqual(expected);
  });

  it('every hook has a delete policy that removes a successful run', async () => {
    const docs = (await renderChart({ valuesFiles: files, valuesJson: extra, apiVersions: CRD_API_VERSIONS })).map((d) => d.object);
    const hooks = docs.filter(isHook);
    for (const h of hooks) expect(h.metadata.annotations!['helm.sh/hook-delete-policy'], `${h.kind} ${h.metadata.name}`).toMatch(/before-hook-creation/);
    // The migration and restore runs: a successful one is deleted at once (NOTES.txt says so).
    for (const h of hooks.filter((o) => /-(migrations|restore-.+)$/.test(o.metadata.name))) expect(h.metadata.annotations!['helm.sh/hook-delete-policy'], `${h.kind} ${h.metadata.name}`).toMatch(/hook-succeeded/);
  });
});

describe('NOTES.txt prints the list (helm 4 install --dry-run=client)', () => {
  it('names every claim and kept object of the production overlay', async () => {
    // `helm install` has no --api-versions: the overlay's CloudNativePG objects render with their force switch,
    // as on a cluster running the operator.
    const r = await helm('helm4', ['install', 'nexus', join(PROJECT_ROOT, 'charts/nexus'), '-n', 'nexus-platform', '-f', join(PROJECT_ROOT, 'values.production.yaml'), '--set', 'database.cloudnativepg.force=true', '--dry-run=client']);
    expect(r.code, r.stderr).toBe(0);
    const notes = r.stdout.slice(r.stdout.indexOf('NOTES:'));
    const section = notes.slice(notes.indexOf('After `helm uninstall nexus -n nexus-platform`'));
    expect(section.length).toBeGreaterThan(100);
    const manifest = r.stdout.slice(0, r.stdout.indexOf('NOTES:'));
    const objects = parseManifests(manifest.slice(manifest.indexOf('---')));
    for (const s of survivors(objects.map((d) => d.object))) expect(section).toContain(s.split('/')[1]);
    expect(section).toMatch(/migrations Job that FAILED/);
    // The database outlives the release, and the notes say how to delete it deliberately, backups schedule first.
    expect(section).toContain('Cluster nexus-database: the CloudNativePG database keeps running with its volumes');
    expect(section).toContain('a re-install of this release adopts it');
    expect(section).toContain('kubectl -n nexus-platform delete scheduledbackup.postgresql.cnpg.io/nexus-database cluster.postgresql.cnpg.io/nexus-database objectstore.barmancloud.cnpg.io/nexus-database');
    expect(section).toContain('the base backups and WAL stay in the bucket');
  });

  it('says so when the CloudNativePG Cluster goes with the release (keepOnUninstall off)', async () => {
    const r = await helm('helm4', ['install', 'nexus', join(PROJECT_ROOT, 'charts/nexus'), '-n', 'nexus-platform', '-f', join(PROJECT_ROOT, 'values.production.yaml'), '--set', 'database.cloudnativepg.force=true', '--set', 'database.cloudnativepg.keepOnUninstall=false', '--dry-run=client']);
    expect(r.code, r.stderr).toBe(0);
    const section = r.stdout.slice(r.stdout.indexOf('After `helm uninstall nexus -n nexus-platform`'));
    expect(section).not.toContain('Cluster nexus-database');
    expect(section).not.toContain('cluster.postgresql.cnpg.io/');
    expect(section).toContain('The CloudNativePG Cluster is deleted with the release (database.cloudnativepg.keepOnUninstall=false), and\nthe operator deletes its volumes with it: only the backups in object storage remain.');
    const cluster = parseManifests(r.stdout.slice(r.stdout.indexOf('---'), r.stdout.indexOf('NOTES:'))).map((d) => d.object).find((o) => o.kind === 'Cluster')!;
    expect(cluster.metadata.annotations?.['helm.sh/resource-policy']).toBeUndefined();
  });
});
