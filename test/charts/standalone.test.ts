/**
 * Standalone tier charts (chart-testing style): each declares its nexus-lib dependency and carries a
 * copy of it, so `helm lint --strict charts/nexus/charts/<tier>` and a standalone install work on
 * Helm 4.1 and 3.17; the umbrella's .helmignore keeps those copies out of the umbrella, so it (and its
 * package, see test/release/package.test.ts) holds the library exactly once. Chart.yaml metadata is
 * complete and kubeVersion honest.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { UMBRELLA_CHART_DIR } from '../../util/paths.ts';
import { helm, parseManifests, renderText, type HelmFlavour } from './helpers.ts';

const SUBCHARTS_DIR = join(UMBRELLA_CHART_DIR, 'charts');
const TIERS = readdirSync(SUBCHARTS_DIR).filter((d) => d !== 'nexus-lib').sort();

interface ChartMeta {
  name: string;
  type?: string;
  version: string;
  kubeVersion?: string;
  icon?: string;
  home?: string;
  sources?: string[];
  maintainers?: { name: string; email?: string }[];
  dependencies?: { name: string; version: string; repository?: string }[];
}

const chartMeta = (dir: string): ChartMeta => parse(readFileSync(join(dir, 'Chart.yaml'), 'utf8')) as ChartMeta;

it('every tier chart is checked', () => {
  expect(TIERS).toEqual(['backend', 'cache', 'database', 'frontend', 'gateway', 'logging', 'monitoring']);
});

describe.each<HelmFlavour>(['helm4', 'helm3'])('%s', (flavour) => {
  it.each(TIERS)('helm lint --strict passes for the %s chart alone, without a note', async (tier) => {
    const r = await helm(flavour, ['lint', '--strict', join(SUBCHARTS_DIR, tier)]);
    expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/\[(ERROR|WARNING|INFO)\]/);
  });

  it('helm lint --strict passes for the umbrella, without a note', async () => {
    const r = await helm(flavour, ['lint', '--strict', UMBRELLA_CHART_DIR]);
    expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/\[(ERROR|WARNING|INFO)\]/);
  });

  it.each(TIERS)('the %s chart installs alone (Helm 4: install --dry-run=client; Helm 3, which needs a cluster to install: template)', async (tier) => {
    const args = flavour === 'helm4' ? ['install', 'solo', join(SUBCHARTS_DIR, tier), '--namespace', 'solo', '--dry-run=client'] : ['template', 'solo', join(SUBCHARTS_DIR, tier), '--namespace', 'solo'];
    const r = await helm(flavour, args);
    expect(r.code, r.stderr).toBe(0);
    const manifest = flavour === 'helm4' ? r.stdout.slice(r.stdout.indexOf('---')) : r.stdout;
    const docs = parseManifests(manifest.replace(/^NOTES:[\s\S]*$/m, ''));
    expect(docs.length, tier).toBeGreaterThan(0);
    // Named after the standalone release, from the chart's own copy of the library.
    for (const d of docs) expect(d.object.metadata.name, `${d.object.kind}`).toMatch(/^solo-/);
  });
});

describe('the library, once', () => {
  it('each tier declares nexus-lib and carries the same copy as the umbrella; the umbrella ignores the copies', () => {
    const umbrellaLib = readdirSync(join(SUBCHARTS_DIR, 'nexus-lib', 'templates')).sort();
    for (const tier of TIERS) {
      expect(chartMeta(join(SUBCHARTS_DIR, tier)).dependencies, tier).toEqual([{ name: 'nexus-lib', version: chartMeta(UMBRELLA_CHART_DIR).version, repository: 'file://../nexus-lib' }]);
      const copy = join(SUBCHARTS_DIR, tier, 'charts', 'nexus-lib');
      expect(readdirSync(join(copy, 'templates')).sort(), tier).toEqual(umbrellaLib);
      for (const f of umbrellaLib) expect(readFileSync(join(copy, 'templates', f), 'utf8'), `${tier} ${f}`).toBe(readFileSync(join(SUBCHARTS_DIR, 'nexus-lib', 'templates', f), 'utf8'));
    }
    expect(readFileSync(join(UMBRELLA_CHART_DIR, '.helmignore'), 'utf8')).toMatch(/^charts\/\*\/charts\/$/m);
  });

  it.each<HelmFlavour>(['helm4', 'helm3'])('plain `%s package` of the umbrella holds the library once (nexus package: test/release)', async (flavour) => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-plain-package-'));
    try {
      const r = await helm(flavour, ['package', UMBRELLA_CHART_DIR, '--destination', dir]);
      expect(r.code, r.stderr).toBe(0);
      const archive = join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz'))!);
      const listed = await promisify(execFile)('tar', ['-tzf', archive], { maxBuffer: 16 << 20 });
      const entries = listed.stdout.split('\n').filter(Boolean);
      expect(entries.filter((e) => e.endsWith('/nexus-lib/Chart.yaml'))).toEqual(['nexus/charts/nexus-lib/Chart.yaml']);
      expect(entries.filter((e) => /^nexus\/charts\/[^/]+\/charts\//.test(e))).toEqual([]);
      for (const tier of TIERS) expect(entries, tier).toContain(`nexus/charts/${tier}/Chart.yaml`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Chart.yaml', () => {
  const charts = [UMBRELLA_CHART_DIR, ...TIERS.map((t) => join(SUBCHARTS_DIR, t)), join(SUBCHARTS_DIR, 'nexus-lib')];

  it.each(charts.map((c) => [c.slice(UMBRELLA_CHART_DIR.length) || '/', c]))('%s has icon, home, sources, maintainers and kubeVersion', (_label, dir) => {
    const meta = chartMeta(dir);
    expect(meta.icon).toMatch(/^https:\/\/.+\.svg$/);
    // The icon is the repository's docs/icon.svg, served from the default branch.
    expect(meta.icon!.endsWith('/main/docs/icon.svg')).toBe(true);
    expect(readFileSync(join(UMBRELLA_CHART_DIR, '..', '..', 'docs', 'icon.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
    expect(meta.home).toMatch(/^https:\/\//);
    expect(meta.sources?.length).toBeGreaterThan(0);
    expect(meta.maintainers?.[0]?.name).toBeTruthy();
    expect(meta.kubeVersion).toBe('>=1.27.0-0');
  });

  it('kubeVersion is honest: Helm refuses 1.26, and 1.27 renders the 1.27 fields the charts rely on', async () => {
    await expect(renderText({ kubeVersion: '1.26.9' })).rejects.toThrow(/kubeVersion|incompatible/i);
    const docs = parseManifests(await renderText({ kubeVersion: '1.27.0' }));
    const text = JSON.stringify(docs.map((d) => d.object));
    for (const field of ['matchLabelKeys', 'unhealthyPodEvictionPolicy', 'persistentVolumeClaimRetentionPolicy']) expect(text, field).toContain(`"${field}"`);
    // The preStop sleep action is 1.30+: before that the pods sleep with the image's `sleep`.
    expect(text).not.toContain('"sleep":{"seconds"');
  });
});
