/**
 * The upgrade gate of `version-check` and `release`, against a real OCI registry (Debian's
 * docker-registry on 127.0.0.1) and an HTTP chart repository (a directory served over 127.0.0.1): the
 * previously published version must upgrade to the new one as the API server would judge it, unless
 * the changelog declares the change breaking and the major version increases.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeAnnotations } from '../../generator/chart-yaml.ts';
import { packageChart, type PackageResult } from '../../release/package.ts';
import { declaredBreakingChanges, upgradeVerdict } from '../../release/upgrade-check.ts';
import type { LoadedArchive } from '../../release/publish.ts';
import { PROJECT_ROOT, UMBRELLA_CHART_DIR } from '../../util/paths.ts';
import { locateHelm } from '../../validator/helm.ts';
import { copyChart, nexus, startFileServer, startRegistry, tempDir, type FileServer, type Registry } from './helpers.ts';

let work: string;
let registry: Registry;
let server: FileServer;
let repo: string;
let published: PackageResult;
const archives: Record<string, PackageResult> = {};
const values = join(PROJECT_ROOT, 'values.production.yaml');

/** A copy of the chart at `version`; `breaking` adds the version to the selector labels; `declare` adds the changelog annotation. */
async function variant(name: string, version: string, options: { breaking?: boolean; declare?: string } = {}): Promise<PackageResult> {
  const dir = copyChart(join(work, name), { version, appendToReadme: `Release ${name}.` });
  if (options.breaking) {
    const file = join(dir, 'charts', 'nexus-lib', 'templates', '_labels.tpl');
    const tpl = readFileSync(file, 'utf8');
    const edited = tpl.replace('"app.kubernetes.io/instance" .context.Release.Name -}}', '"app.kubernetes.io/instance" .context.Release.Name "app.kubernetes.io/version" .context.Chart.Version -}}');
    expect(edited, 'the selector-labels helper moved; update this test').not.toBe(tpl);
    writeFileSync(file, edited);
  }
  if (options.declare) {
    const file = join(dir, 'Chart.yaml');
    const chart = parse(readFileSync(file, 'utf8')) as { annotations: Record<string, string> };
    Object.assign(chart.annotations, changeAnnotations([{ kind: 'changed', description: options.declare, breaking: true }]));
    writeFileSync(file, stringify(chart));
  }
  return packageChart({ chartDir: dir, destination: join(work, `dist-${name}`), helm: await locateHelm() });
}

beforeAll(async () => {
  work = tempDir('upgrade-gate');
  published = await packageChart({ chartDir: UMBRELLA_CHART_DIR, destination: join(work, 'dist'), helm: await locateHelm() });
  registry = await startRegistry(join(work, 'registry'));
  repo = join(work, 'repo');
  const r = await nexus(['publish', published.path, '--oci', `oci://${registry.host}/charts`, '--repo', repo]);
  expect(r.code, r.stderr).toBe(0);
  server = await startFileServer(repo);
  const [compatible, breaking, declaredMinor, declaredMajor] = await Promise.all([
    variant('compatible', '0.2.0'),
    variant('breaking', '0.2.0', { breaking: true }),
    variant('declared-minor', '0.3.0', { breaking: true, declare: 'Selector labels carry the chart version: delete the Deployments and StatefulSets with --cascade=orphan before upgrading.' }),
    variant('declared-major', '1.0.0', { breaking: true, declare: 'Selector labels carry the chart version: delete the Deployments and StatefulSets with --cascade=orphan before upgrading.' }),
  ]);
  Object.assign(archives, { compatible, breaking, declaredMinor, declaredMajor });
});

afterAll(async () => {
  await registry?.stop();
  await server?.stop();
});

const check = (archive: PackageResult, target: string[]) => nexus(['version-check', archive.path, '-f', values, ...target]);

describe('version-check: upgrade from the previous published version', () => {
  it('a compatible release passes against the registry and the HTTP repository', async () => {
    const r = await check(archives.compatible!, ['--oci', `oci://${registry.host}/charts`, '--repo', server.url]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout.match(/ok {3}\S+: upgrade from 0\.1\.0: the API server accepts every update \(\d+ objects, .*values\.production\.yaml\)/g)).toHaveLength(2);
  });
  it('a release whose selectors change is refused, naming the objects and the way out', async () => {
    const r = await check(archives.breaking!, ['--oci', `oci://${registry.host}/charts`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/FAIL oci:\/\/127\.0\.0\.1:\d+\/charts: upgrade from 0\.1\.0: the API server would refuse \d+ update\(s\)/);
    expect(r.stderr).toMatch(/- Deployment\/nexus-frontend \/spec\/selector\/matchLabels\/app\.kubernetes\.io~1version: spec\.selector\.matchLabels\[app\.kubernetes\.io\/version\] changes from \(unset\) to "[\d.]+"/);
    expect(r.stderr).toContain('mark the change `breaking: true` in release/changelog.ts and bump the major version');
    const fromRepo = await check(archives.breaking!, ['--repo', repo]);
    expect(fromRepo.code).toBe(1);
    expect(fromRepo.stderr).toMatch(/FAIL .*repo: upgrade from 0\.1\.0: the API server would refuse/);
  });
  it('declared breaking: refused without a major bump, accepted with one', async () => {
    const minor = await check(archives.declaredMinor!, ['--repo', server.url]);
    expect(minor.code).toBe(1);
    expect(minor.stderr).toContain('the changelog marks 0.3.0 as breaking, but a breaking release needs a new major version (0.1.0 → 1.0.0)');
    const major = await check(archives.declaredMajor!, ['--repo', server.url]);
    expect(major.code, major.stderr).toBe(0);
    expect(major.stdout).toMatch(/ok {3}http:\/\/127\.0\.0\.1:\d+: upgrade from 0\.1\.0: the API server would refuse \d+ update\(s\), declared as breaking in the changelog \(Selector labels carry the chart version/);
  });
});

describe('release: refuses to publish a release the previous version cannot upgrade to', () => {
  it('stops before publishing; nothing new in the registry', async () => {
    const tags = async () => ((await (await fetch(`http://${registry.host}/v2/charts/nexus/tags/list`)).json()) as { tags: string[] }).tags.sort();
    expect(await tags()).toEqual(['0.1.0']);
    const chart = copyChart(join(work, 'release-breaking'), { version: '0.4.0', appendToReadme: 'x' });
    const file = join(chart, 'charts', 'nexus-lib', 'templates', '_labels.tpl');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"app.kubernetes.io/instance" .context.Release.Name -}}', '"app.kubernetes.io/instance" .context.Release.Name "tier" "v2" -}}'));
    const r = await nexus(['release', '--chart', chart, '-f', values, '--destination', join(work, 'dist-release'), '--oci', `oci://${registry.host}/charts`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/FAIL oci:.*upgrade from 0\.1\.0: the API server would refuse/);
    expect(r.stdout).not.toMatch(/^published:/m);
    expect(await tags()).toEqual(['0.1.0']);
  });
});

describe('upgrade verdicts (unit)', () => {
  const archive = (version: string, breaking?: string[]): LoadedArchive =>
    ({ path: 'x.tgz', bytes: new Uint8Array(), sha256: '', fileName: 'x.tgz', meta: { name: 'shop', version, dependencies: [], annotations: breaking ? { 'nexus.dev/breaking-changes': stringify(breaking) } : {} } }) as LoadedArchive;
  const refused = [{ label: 'values.yaml', updated: 3, findings: [{ policyId: 'upgrade/selector-immutable', severity: 'error' as const, message: 'spec.selector changes (upgrading from shop 1.4.0)', kind: 'Deployment', name: 'api', jsonPointer: '/spec/selector' }] }];
  it('reads the declared breaking changes from the archive', () => {
    expect(declaredBreakingChanges(archive('2.0.0', ['a', 'b']))).toEqual(['a', 'b']);
    expect(declaredBreakingChanges(archive('2.0.0'))).toEqual([]);
  });
  it('accepts a clean upgrade, a declared breaking major, and refuses the rest', () => {
    expect(upgradeVerdict(archive('1.5.0'), '1.4.0', [{ label: 'v', updated: 3, findings: [] }], 't', []).ok).toBe(true);
    expect(upgradeVerdict(archive('1.5.0'), '1.4.0', refused, 't', []).ok).toBe(false);
    expect(upgradeVerdict(archive('1.5.0', ['x']), '1.4.0', refused, 't', []).message).toContain('needs a new major version (1.4.0 → 2.0.0)');
    const ok = upgradeVerdict(archive('2.0.0', ['x']), '1.4.0', refused, 't', []);
    expect(ok.ok).toBe(true);
    expect(ok.message).toContain('- Deployment/api /spec/selector: spec.selector changes');
    // warnings (facts the validator lacks) do not block a release on their own
    expect(upgradeVerdict(archive('1.5.0'), '1.4.0', [{ label: 'v', updated: 1, findings: [{ ...refused[0]!.findings[0]!, severity: 'warning' }] }], 't', []).ok).toBe(true);
  });
});
