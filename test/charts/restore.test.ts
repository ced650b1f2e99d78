/**
 * A restore runs once per explicit request. Proven on renders of the real chart, on Helm 4.1 and 3.17,
 * with the live record of the last request handed in through the fixture harness (what `lookup` reads
 * on a cluster): a new request id renders the restore Job; an upgrade with unchanged values (what
 * `--reuse-values` does) renders none; the Job runs before the migrations and cannot be retried.
 */
import { describe, expect, it } from 'vitest';
import { fixtureKey, harnessChart } from '../helpers/chart-harness.ts';
import { HELM_FLAVOURS } from '../helpers/helm.ts';
import { componentOf, endpointOf, allowsFlow, ofKind, renderChart, type K8sObject, type RenderedDoc } from './helpers.ts';
import { BUNDLED_DATABASE } from '../helpers/database-mode.ts';

type Any = Record<string, any>;
const NAMESPACE = 'nexus-platform';
const RECORD = fixtureKey('v1', 'ConfigMap', NAMESPACE, 'nexus-database-restore');

/** The live record as the previous release left it (the ConfigMap restore-record.yaml renders). */
const record = (requestId: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nexus-database-restore', namespace: NAMESPACE }, data: { requestId, dumpName: '' } });

function render(helm: (typeof HELM_FLAVOURS)[number], requestId: string, live?: string): Promise<RenderedDoc[]> {
  return renderChart({
    helm,
    chartDir: harnessChart(),
    namespace: NAMESPACE,
    valuesFiles: ['values.production.yaml'],
    // The pg_dump restore Job is bundled mode's.
    set: { ...BUNDLED_DATABASE, 'database.restore.requestId': requestId, 'database.restore.existingSecret': 'nexus-backup-private-key' },
    ...(live !== undefined ? { valuesJson: { global: { lookupFixtures: { [RECORD]: record(live) } } } } : {}),
  });
}

const restoreJobs = (docs: RenderedDoc[]) => ofKind(docs, 'Job').filter((j) => componentOf(j) === 'restore');
const recordOf = (docs: RenderedDoc[]) => (ofKind(docs, 'ConfigMap').find((c) => c.metadata.name === 'nexus-database-restore') as Any | undefined)?.data;

describe.each(HELM_FLAVOURS)('restore requests (%s)', (helm) => {
  it('no request, no restore; the record says so', async () => {
    const docs = await render(helm, '');
    expect(restoreJobs(docs)).toEqual([]);
    expect(recordOf(docs)).toEqual({ requestId: '', dumpName: '' });
  });

  it('a new request renders one restore Job, named after it, before the migrations, never retried', async () => {
    const docs = await render(helm, '2026-05-01-inc42', '');
    const [job, ...more] = restoreJobs(docs);
    expect(more).toEqual([]);
    expect(job!.metadata.name).toBe('nexus-database-restore-2026-05-01-inc42');
    const a = job!.metadata.annotations!;
    expect(a['helm.sh/hook']).toBe('post-install,pre-upgrade');
    const migrations = ofKind(docs, 'Job').find((j) => componentOf(j) === 'migrations')!;
    expect(Number(a['helm.sh/hook-weight'])).toBeLessThan(Number(migrations.metadata.annotations!['helm.sh/hook-weight']));
    expect(migrations.metadata.annotations!['helm.sh/hook']).toContain('pre-upgrade');
    expect((job!.spec as Any).backoffLimit).toBe(0);
    const env = Object.fromEntries(((job!.spec as Any).template.spec.containers[0].env as Any[]).filter((e) => 'value' in e).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ RESTORE_REQUEST_ID: '2026-05-01-inc42', RESTORE_DATABASE: 'nexus', DECRYPT_KEY_FILE: '/keys/private-key' });
    expect(recordOf(docs)).toMatchObject({ requestId: '2026-05-01-inc42' });
  });

  it('a first install with a request restores (no record yet: lookup finds nothing)', async () => {
    expect(restoreJobs(await render(helm, 'r1')).map((j) => j.metadata.name)).toEqual(['nexus-database-restore-r1']);
  });

  it('an upgrade with unchanged values (--reuse-values) renders no restore', async () => {
    const docs = await render(helm, 'r1', 'r1');
    expect(restoreJobs(docs)).toEqual([]);
    expect(recordOf(docs)).toMatchObject({ requestId: 'r1' });
  });

  it('only a new id restores again', async () => {
    expect(restoreJobs(await render(helm, 'r2', 'r1')).map((j) => j.metadata.name)).toEqual(['nexus-database-restore-r2']);
    expect(restoreJobs(await render(helm, '', 'r1'))).toEqual([]);
  });
});

describe('the restore pod can reach PostgreSQL under the policies of the release being upgraded', () => {
  it('even when the previous release requested no restore (the Job runs pre-upgrade)', async () => {
    const previous = await renderChart({ valuesFiles: ['values.production.yaml'], set: BUNDLED_DATABASE, namespace: NAMESPACE });
    const next = await render('helm4', 'r1', '');
    const restorePod: K8sObject = restoreJobs(next)[0]!;
    expect(restorePod).toBeDefined();
    // The restore pod's labels come from the new render; the policies in force are the previous release's.
    const source = endpointOf(next, 'restore', NAMESPACE)!;
    const postgres = endpointOf(previous, 'postgresql', NAMESPACE)!;
    expect(allowsFlow(previous, source, postgres, 5432)).toBe(true);
  });
});
