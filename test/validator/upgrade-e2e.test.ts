/**
 * `nexus validate --upgrade-from` end to end, with real helm: the previous release as a packaged chart
 * (.tgz), as a chart published to a real OCI registry (Debian's docker-registry on 127.0.0.1) and to an
 * HTTP chart repository, rendered with the same values as the new chart. The new chart is a copy of
 * the real one in two variants: a compatible 0.2.0 and one that adds the version to the selector
 * labels (the classic mistake that breaks every upgrade).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageChart, type PackageResult } from '../../release/package.ts';
import { PROJECT_ROOT, UMBRELLA_CHART_DIR } from '../../util/paths.ts';
import { locateHelm } from '../../validator/helm.ts';
import type { Report } from '../../validator/report.ts';
import { copyChart, nexus, startFileServer, startRegistry, tempDir, type FileServer, type Registry } from '../release/helpers.ts';

let work: string;
let previous: PackageResult;
let compatible: string;
let breaking: string;
let registry: Registry;
let server: FileServer;
const values = join(PROJECT_ROOT, 'values.production.yaml');

beforeAll(async () => {
  work = tempDir('upgrade-e2e');
  previous = await packageChart({ chartDir: UMBRELLA_CHART_DIR, destination: join(work, 'dist'), helm: await locateHelm() });
  compatible = copyChart(join(work, 'compatible'), { version: '99.0.0', appendToReadme: 'A compatible release.' });
  breaking = copyChart(join(work, 'breaking'), { version: '99.0.0' });
  const labels = join(breaking, 'charts', 'nexus-lib', 'templates', '_labels.tpl');
  const tpl = readFileSync(labels, 'utf8');
  const edited = tpl.replace('"app.kubernetes.io/instance" .context.Release.Name -}}', '"app.kubernetes.io/instance" .context.Release.Name "app.kubernetes.io/version" .context.Chart.Version -}}');
  expect(edited, 'the selector-labels helper moved; update this test').not.toBe(tpl);
  writeFileSync(labels, edited);
  registry = await startRegistry(join(work, 'registry'));
  const pushed = await nexus(['publish', previous.path, '--oci', `oci://${registry.host}/charts`]);
  expect(pushed.code, pushed.stderr).toBe(0);
  const repo = join(work, 'repo');
  const published = await nexus(['publish', previous.path, '--repo', repo]);
  expect(published.code, published.stderr).toBe(0);
  server = await startFileServer(repo);
});

afterAll(async () => {
  await registry?.stop();
  await server?.stop();
});

async function validate(chart: string, from: string): Promise<{ code: number; report: Report; stderr: string }> {
  const r = await nexus(['validate', '--chart', chart, '-f', values, '--no-lint', '--no-policies', '--upgrade-from', from, '--format', 'json']);
  expect(r.stderr, r.stderr).not.toMatch(/\n\s+at /);
  return { code: r.code, report: JSON.parse(r.stdout || '{}') as Report, stderr: r.stderr };
}

const upgradeFindings = (report: Report) => report.findings.filter((f) => f.policyId.startsWith('upgrade/'));

describe('nexus validate --upgrade-from', () => {
  it('a packaged chart (.tgz): a compatible release passes, one that changes selectors fails at the right objects', async () => {
    const ok = await validate(compatible, previous.path);
    expect(upgradeFindings(ok.report), ok.stderr).toEqual([]);
    expect(ok.code, ok.stderr).toBe(0);

    const bad = await validate(breaking, previous.path);
    expect(bad.code).toBe(1);
    const found = upgradeFindings(bad.report);
    const byRule = new Map<string, Set<string>>();
    for (const f of found) byRule.set(f.policyId, new Set([...(byRule.get(f.policyId) ?? []), `${f.kind}/${f.name}`]));
    // Every Deployment, StatefulSet and DaemonSet (the logging agent in production) of the render changes its selector.
    const rendered = bad.report.resources.filter((r) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(r.kind)).map((r) => `${r.kind}/${r.name}`);
    expect(rendered.length).toBeGreaterThan(3);
    expect([...(byRule.get('upgrade/selector-immutable') ?? []), ...(byRule.get('upgrade/statefulset-immutable-spec') ?? [])].sort()).toEqual(rendered.sort());
    for (const f of found) {
      // The selector, and for StatefulSets also the labels of the claim templates.
      expect(f.jsonPointer).toMatch(/^\/spec\/(selector\/matchLabels|volumeClaimTemplates\/\d+\/metadata\/labels)\/app\.kubernetes\.io~1version$/);
      expect(f.message).toContain(`upgrading from nexus ${previous.version} (nexus-${previous.version}.tgz)`);
      expect(f.hint).toMatch(f.jsonPointer!.includes("volumeClaimTemplates") ? /claims never change/ : /selector/);
      // Located in the new chart's templates, like every other finding of a chart run.
      expect(f.file).toMatch(/breaking\/nexus\/charts\/[a-z-]+\/templates\/.+\.yaml$/);
      expect(f.line).toBeGreaterThan(0);
    }
  });

  it('an OCI reference: the highest published version below the new one, or the one named', async () => {
    const latest = await validate(breaking, `oci://${registry.host}/charts/nexus`);
    expect(latest.code).toBe(1);
    expect(upgradeFindings(latest.report).length).toBeGreaterThan(3);
    expect(upgradeFindings(latest.report)[0]!.message).toContain(`nexus ${previous.version} (oci://${registry.host}/charts/nexus:${previous.version})`);

    const pinned = await validate(compatible, `oci://${registry.host}/charts/nexus:${previous.version}`);
    expect(upgradeFindings(pinned.report)).toEqual([]);
    expect(pinned.code, pinned.stderr).toBe(0);

    const missing = await nexus(['validate', '--chart', compatible, '-f', values, '--no-lint', '--no-policies', '--upgrade-from', `oci://${registry.host}/charts/nexus:9.9.9`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nexus:9\.9\.9 is not published/);
  });

  it('an HTTP chart repository: the chart named like the new one', async () => {
    const r = await validate(breaking, server.url);
    expect(r.code).toBe(1);
    expect(upgradeFindings(r.report)[0]!.message).toContain(`nexus ${previous.version} (${server.url}/nexus-${previous.version}.tgz)`);
  });

  it('the chart upgrading to itself, in every environment, has nothing to report', async () => {
    const r = await nexus(['validate', '--upgrade-from', UMBRELLA_CHART_DIR, '--no-lint', '--no-policies', '--format', 'json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.inputs).toEqual(['values.staging.yaml', 'values.production.yaml']);
    expect(report.findings).toEqual([]);
  });
});
