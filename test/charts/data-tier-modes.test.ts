/**
 * The data-tier mode matrix (issue 19's "done when"): every `database.mode` (bundled, cloudnativepg,
 * external) with every `cache.mode` (bundled, external), on both overlays, renders on Helm 4.1 and 3.17,
 * passes `helm lint --strict` on both, and passes `nexus validate --deep` (every policy, the bundled CRD
 * schemas, and the real servers' checks of the bundled postgresql.conf and redis.conf) with no error or
 * warning that is not a reasoned exemption. Each combination also renders what its modes say (and nothing
 * of the other modes), and the backend reaches the database and the cache the modes name. The per-mode
 * wiring in depth: the database-modes, database-external and cache-modes tests.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLED_DATABASE } from '../helpers/database-mode.ts';
import { CACHE_HOST, DATABASE_HOST, EXTERNAL_CACHE, EXTERNAL_DATABASE } from '../helpers/external-modes.ts';
import { nexusAsync } from '../helpers/cli.ts';
import { HELM_FLAVOURS } from '../helpers/helm.ts';
import { PROJECT_ROOT, UMBRELLA_CHART_DIR } from '../../util/paths.ts';
import { CRD_API_VERSIONS, ENV_FILES, componentOf, helm, ofKind, podTemplateOf, renderChart, type RenderedDoc } from './helpers.ts';

type Set = Record<string, string | number | boolean>;
const DATABASE_MODES: Record<string, Set> = { bundled: BUNDLED_DATABASE, cloudnativepg: { 'database.mode': 'cloudnativepg' }, external: EXTERNAL_DATABASE };
const CACHE_MODES: Record<string, Set> = { bundled: { 'cache.mode': 'bundled' }, external: EXTERNAL_CACHE };

const MATRIX = ENV_FILES.flatMap((overlay) =>
  Object.keys(DATABASE_MODES).flatMap((database) => Object.keys(CACHE_MODES).map((cache) => ({ overlay, database, cache, set: { ...DATABASE_MODES[database], ...CACHE_MODES[cache] } }))),
);

const setArgs = (set: Set) => Object.entries(set).flatMap(([k, v]) => ['--set', `${k}=${String(v)}`]);
const names = (docs: RenderedDoc[], kind: string, chart: string) =>
  ofKind(docs, kind)
    .filter((o) => o.metadata.labels?.['helm.sh/chart']?.startsWith(`${chart}-`))
    .map((o) => o.metadata.name);

/** The backend's connection settings: its ConfigMap (envFrom) merged with its own env. */
function backendEnv(docs: RenderedDoc[]): Record<string, unknown> {
  const deployment = ofKind(docs, 'Deployment').find((d) => componentOf(d) === 'backend')!;
  const configMap = ofKind(docs, 'ConfigMap').find((c) => c.metadata.name === 'nexus-backend') as { data?: Record<string, string> } | undefined;
  const env = Object.fromEntries(podTemplateOf(deployment)!.spec.containers[0]!.env!.map((e) => [e.name, e.value ?? e.valueFrom]));
  return { ...(configMap?.data ?? {}), ...env };
}

describe('the data-tier mode matrix: 3 database modes × 2 cache modes × both overlays', () => {
  it('covers every combination', () => {
    expect(MATRIX).toHaveLength(2 * 3 * 2);
  });

  describe.each(HELM_FLAVOURS)('%s', (flavour) => {
    it.each(MATRIX)('$overlay, database $database, cache $cache: renders what the modes say; the backend follows', { timeout: 300_000 }, async ({ overlay, database, cache, set }) => {
      const docs = await renderChart({ helm: flavour, valuesFiles: [overlay], set, apiVersions: CRD_API_VERSIONS });
      // The database: the chart's StatefulSet, the operator's Cluster, or neither (a managed server).
      expect(names(docs, 'StatefulSet', 'database'), 'database StatefulSet').toEqual(database === 'bundled' ? ['nexus-database'] : []);
      expect(ofKind(docs, 'Cluster').map((o) => o.metadata.name), 'CloudNativePG Cluster').toEqual(database === 'cloudnativepg' ? ['nexus-database'] : []);
      expect(ofKind(docs, 'ConfigMap').some((o) => o.metadata.name === 'nexus-database-external'), 'external marker').toBe(database === 'external');
      // The cache: the chart's StatefulSet, or nothing of the cache chart at all.
      expect(names(docs, 'StatefulSet', 'cache'), 'cache StatefulSet').toEqual(cache === 'bundled' ? ['nexus-cache'] : []);
      if (cache === 'external') expect(docs.filter((d) => d.object.metadata.labels?.['helm.sh/chart']?.startsWith('cache-')), 'cache chart objects').toEqual([]);
      // The backend reaches the database and the cache the modes name.
      const env = backendEnv(docs);
      expect(String(env.DATABASE_HOST), 'DATABASE_HOST').toBe(database === 'external' ? DATABASE_HOST : 'nexus-database-pgbouncer');
      const redis = JSON.stringify(env);
      if (cache === 'external') expect(redis).toContain(CACHE_HOST);
      else expect(redis).not.toContain(CACHE_HOST);
    });

    it.each(MATRIX)('$overlay, database $database, cache $cache: helm lint --strict passes', { timeout: 300_000 }, async ({ overlay, set }) => {
      const r = await helm(flavour, ['lint', UMBRELLA_CHART_DIR, '--strict', '--values', join(PROJECT_ROOT, overlay), ...setArgs(set)]);
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    });
  });

  // One `nexus validate --deep` per combination: render, schemas (CRDs included), every policy, and the deep
  // checks with the real servers. Minutes on a loaded 2-core machine.
  it.each(MATRIX)('$overlay, database $database, cache $cache: nexus validate --deep finds no error or warning', { timeout: 900_000 }, async ({ overlay, database, set }) => {
    const r = await nexusAsync(['validate', '--deep', '--format', 'json', '-f', overlay, ...setArgs(set)]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { findings: { severity: string; policyId: string; kind?: string; name?: string; message: string; exemption?: unknown }[]; resources: { kind: string; status: string }[] };
    expect(report.findings.filter((f) => !f.exemption && (f.severity === 'error' || f.severity === 'warning')).map((f) => `${f.kind}/${f.name} ${f.policyId}: ${f.message}`)).toEqual([]);
    // What the deep checks had to read was there to read, and every object was checked against a schema.
    const kinds = new Set(report.resources.map((x) => x.kind));
    expect(kinds.has('Cluster'), 'Cluster').toBe(database === 'cloudnativepg');
    expect(report.resources.filter((x) => x.status !== 'valid' && x.status !== 'skipped').map((x) => `${x.kind} ${x.status}`)).toEqual([]);
    expect(kinds.has('StatefulSet')).toBe(true);
  });
});
