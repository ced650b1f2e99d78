/**
 * Prerequisites are not discovered by failure. On a live cluster the chart looks every prerequisite up
 * before anything changes and fails once, listing all that are missing (the live objects are handed to
 * the real templates' lookup by the harness); under `helm template` it sees no cluster and stays quiet.
 * In production, a VPA, ServiceMonitor or rate limit the values ask for is never left out silently
 * because its API is not detected: it always renders, the live check reports the missing API, and the
 * opt-out is explicit (`enabled: false`).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { PlatformConfigBase, prerequisites } from '../../schema/index.ts';
import type { Prerequisite } from '../../schema/prerequisites.ts';
import { PROJECT_ROOT } from '../../util/paths.ts';
import { fixtureKey, harnessChart } from '../helpers/chart-harness.ts';
import { CLOUDNATIVEPG_API_VERSIONS } from '../helpers/database-mode.ts';
import { CRD_API_VERSIONS, helm, parseManifests, type HelmFlavour } from './helpers.ts';

const NAMESPACE = 'nexus-platform';
const PROBE = { [fixtureKey('v1', 'ConfigMap', NAMESPACE, 'kube-root-ca.crt')]: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt', namespace: NAMESPACE }, data: { 'ca.crt': 'x' } } };
const CLUSTER_KINDS: Record<string, string> = { StorageClass: 'storage.k8s.io/v1', IngressClass: 'networking.k8s.io/v1', ClusterIssuer: 'cert-manager.io/v1' };

const overlay = (file: string) => parse(readFileSync(join(PROJECT_ROOT, file), 'utf8'), { version: '1.1' }) as Record<string, unknown>;

/** Live objects for every prerequisite (all present and right), to take away from one by one. */
function cluster(list: Prerequisite[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...PROBE };
  for (const p of list) {
    if (p.kind === 'Secret') out[fixtureKey('v1', 'Secret', NAMESPACE, p.name)] = { apiVersion: 'v1', kind: 'Secret', metadata: { name: p.name }, type: p.type ?? 'Opaque', data: Object.fromEntries(p.keys.map((k) => [k, 'eA=='])) };
    const api = CLUSTER_KINDS[p.kind];
    if (api) out[fixtureKey(api, p.kind, '', p.name)] = { apiVersion: api, kind: p.kind, metadata: { name: p.name } };
  }
  return out;
}

/**
 * An install of an overlay against the live objects `live`. The cluster runs the overlays' database operator
 * (it serves the CloudNativePG APIs) unless `operator: false`: a cluster that lacks it too.
 */
async function install(flavour: HelmFlavour, file: string, live: Record<string, unknown>, opts: { apiVersions?: readonly string[]; set?: string[]; operator?: boolean } = {}) {
  const values = join(mkdtempSync(join(tmpdir(), 'nexus-live-')), 'live.json');
  writeFileSync(values, JSON.stringify({ global: { lookupFixtures: live } }));
  const apis = [...(opts.operator === false ? [] : CLOUDNATIVEPG_API_VERSIONS), ...(opts.apiVersions ?? [])];
  return helm(flavour, ['template', 'nexus', harnessChart(), '--namespace', NAMESPACE, '-f', join(PROJECT_ROOT, file), '-f', values, ...(opts.set ?? []).flatMap((s) => ['--set', s]), ...apis.flatMap((a) => ['--api-versions', a])]);
}

const listed = (stderr: string) => {
  const block = /\[prerequisites\][^\n]*\n((?: {2}[^\n]*\n?)+)/.exec(stderr)?.[1] ?? '';
  return block.split('\n').map((l) => l.trim()).filter(Boolean);
};

describe.each(['helm4', 'helm3'] as HelmFlavour[])('live prerequisites check (%s)', (flavour) => {
  it.each(['values.production.yaml', 'values.staging.yaml'])('%s on an empty cluster: one failure listing every prerequisite', async (file) => {
    const expected = prerequisites(PlatformConfigBase.parse(overlay(file))).filter((p) => p.kind !== 'Registry' && p.kind !== 'Gateway');
    // Not even the database operator: its APIs are listed with the rest (the database chart leaves the
    // failure to this check on a live cluster, so everything missing is said at once).
    const r = await install(flavour, file, PROBE, { operator: false });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/\[prerequisites\] release nexus in namespace nexus-platform needs what the cluster does not have; nothing was changed:/);
    const lines = listed(r.stderr);
    // Issuers of an API that is not served cannot be looked up; the API's own line covers them.
    const checkable = expected.filter((p) => !(p.kind in CLUSTER_KINDS && p.kind !== 'StorageClass' && p.kind !== 'IngressClass'));
    expect(lines.map((l) => l.split(':')[0])).toEqual(checkable.map((p) => `${p.kind} ${p.name}${p.kind === 'Secret' && p.keys.length ? ` with keys ${p.keys.join(', ')}` : ''}`));
    expect(lines.filter((l) => l.startsWith('API ')).every((l) => /: not served \(/.test(l))).toBe(true);
    expect(lines.length).toBeGreaterThan(8);
  });
});

describe('live prerequisites check: what it reports', () => {
  const file = 'values.production.yaml';
  const list = prerequisites(PlatformConfigBase.parse(overlay(file)));

  it('everything present: the release renders', async () => {
    const r = await install('helm4', file, cluster(list), { apiVersions: CRD_API_VERSIONS });
    expect(r.code, r.stderr).toBe(0);
    expect(parseManifests(r.stdout).length).toBeGreaterThan(50);
  });

  it('a missing key, a wrong Secret type and a missing StorageClass, all in one message', async () => {
    const live = cluster(list);
    const db = live[fixtureKey('v1', 'Secret', NAMESPACE, 'nexus-db-credentials')] as { data: Record<string, string> };
    delete db.data['password'];
    (live[fixtureKey('v1', 'Secret', NAMESPACE, 'nexus-tls')] as { type: string }).type = 'Opaque';
    delete live[fixtureKey('storage.k8s.io/v1', 'StorageClass', '', 'fast-ssd')];
    const r = await install('helm4', file, live, { apiVersions: CRD_API_VERSIONS });
    expect(r.code).not.toBe(0);
    expect(listed(r.stderr)).toEqual([
      'Secret nexus-db-credentials: no key password (CloudNativePG owner credentials (initdb; username nexus); backend DATABASE_PASSWORD)',
      'Secret nexus-tls: type Opaque, needs kubernetes.io/tls (TLS certificate of the Ingress)',
      expect.stringMatching(/^StorageClass fast-ssd: missing \(PostgreSQL data volume/),
    ]);
  });

  it('global.checkPrerequisites=false skips the check', async () => {
    const r = await install('helm4', file, PROBE, { apiVersions: CRD_API_VERSIONS, set: ['global.checkPrerequisites=false'] });
    expect(r.code, r.stderr).toBe(0);
  });

  it('no cluster (helm template): no check', async () => {
    const r = await install('helm4', file, {}, { apiVersions: CRD_API_VERSIONS });
    expect(r.code, r.stderr).toBe(0);
  });
});

describe.each(['helm4', 'helm3'] as HelmFlavour[])('production never drops a VPA, ServiceMonitor or the rate limit silently (%s)', (flavour) => {
  const kinds = (stdout: string) => parseManifests(stdout).map((d) => d.object.kind).filter((k) => ['VerticalPodAutoscaler', 'KongPlugin', 'ServiceMonitor'].includes(k)).sort();

  it('production renders them with no API detected; the same values outside production leave them out', async () => {
    const set = ['backend.metrics.serviceMonitor.enabled=true'];
    const production = await install(flavour, 'values.production.yaml', {}, { set });
    expect(production.code, production.stderr).toBe(0);
    expect(kinds(production.stdout)).toEqual(['KongPlugin', 'ServiceMonitor', 'VerticalPodAutoscaler', 'VerticalPodAutoscaler']);
    const staging = await install(flavour, 'values.production.yaml', {}, { set: [...set, 'global.environment=staging'] });
    expect(staging.code, staging.stderr).toBe(0);
    expect(kinds(staging.stdout)).toEqual([]);
  });

  it('on a live cluster without the APIs, production fails before anything changes, listing them', async () => {
    const r = await install(flavour, 'values.production.yaml', PROBE, { operator: false });
    expect(r.code).not.toBe(0);
    const apis = listed(r.stderr).filter((l) => l.startsWith('API '));
    expect(apis.map((l) => l.split(':')[0]).sort()).toEqual(['API autoscaling.k8s.io/v1', 'API barmancloud.cnpg.io/v1', 'API configuration.konghq.com/v1', 'API postgresql.cnpg.io/v1']);
  });

  it('the explicit opt-outs render without them', async () => {
    const opted = await install(flavour, 'values.production.yaml', {}, { set: ['frontend.vpa.enabled=false', 'backend.vpa.enabled=false', 'gateway.rateLimiting.enabled=false'] });
    expect(opted.code, opted.stderr).toBe(0);
    expect(kinds(opted.stdout)).toEqual([]);
  });
});
