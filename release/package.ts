/**
 * `nexus package`: helm package → canonical archive (archive.ts) → structure check → optional .prov.
 * The validation gate lives in gate.ts; this module only builds.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { fsError, NexusError } from '../util/errors.ts';
import { canonicalizeChartArchive, readChartArchive } from './archive.ts';
import { helmOrThrow, type HelmRunner } from './helm-exec.ts';
import { clearSign, provenanceMessage, type SignOptions } from './sign.ts';

export interface ChartMeta {
  name: string;
  version: string;
  appVersion?: string;
  dependencies: { name: string; repository?: string }[];
}

export interface PackageResult {
  path: string;
  provPath?: string;
  sha256: string;
  name: string;
  version: string;
  /** Every file in the archive, canonical order. */
  entries: string[];
  /** Subchart name → how many Chart.yaml copies of it the archive holds (always 1 on success). */
  subcharts: Record<string, number>;
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function readChartMeta(chartDir: string): ChartMeta {
  const file = join(chartDir, 'Chart.yaml');
  if (!existsSync(file)) throw new NexusError(`no chart at ${chartDir} (Chart.yaml is missing)`, { location: { file: chartDir }, hint: 'run `npm run generate`, or pass --chart DIR' });
  const doc = parse(readFileSync(file, 'utf8')) as Partial<ChartMeta> | null;
  if (!doc?.name || !doc.version) throw new NexusError('Chart.yaml has no name or version', { location: { file } });
  return { name: doc.name, version: String(doc.version), appVersion: doc.appVersion, dependencies: doc.dependencies ?? [] };
}

/** Metadata of a packaged chart, read from its root Chart.yaml. */
export function archiveChartMeta(tgz: Uint8Array): ChartMeta & Record<string, unknown> {
  const entries = readChartArchive(tgz);
  const chartYaml = entries.find((e) => /^[^/]+\/Chart\.yaml$/.test(e.path));
  if (!chartYaml) throw new NexusError('the archive has no root Chart.yaml');
  return parse(Buffer.from(chartYaml.data).toString('utf8')) as ChartMeta & Record<string, unknown>;
}

/**
 * Every declared dependency is in the archive exactly once, as a directory under `<root>/charts/`,
 * and nothing else is nested (a `file://charts/<tier>` mistake ships a second, stale copy).
 */
export function checkSubcharts(root: string, meta: ChartMeta, paths: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const dep of meta.dependencies) counts[dep.name] = 0;
  const problems: string[] = [];
  for (const p of paths) {
    const m = new RegExp(`^${root}/charts/(.+)/Chart\\.yaml$`).exec(p);
    if (!m) {
      if (p.startsWith(`${root}/charts/`) && p.endsWith('.tgz')) problems.push(`packed subchart archive ${p}`);
      continue;
    }
    const parts = m[1]!.split('/');
    const leaf = parts[parts.length - 1]!;
    if (parts.length > 1) problems.push(`nested chart ${p}`);
    counts[leaf] = (counts[leaf] ?? 0) + 1;
  }
  for (const [name, n] of Object.entries(counts)) {
    if (n === 0) problems.push(`dependency ${name} is missing`);
    else if (n > 1) problems.push(`subchart ${name} is inside ${n} times`);
    else if (!meta.dependencies.some((d) => d.name === name)) problems.push(`subchart ${name} is not declared in Chart.yaml dependencies`);
  }
  if (problems.length) {
    throw new NexusError(`the packaged chart is malformed: ${problems.sort().join('; ')}`, {
      hint: 'declare subcharts without `repository` (or `file://../<tier>`), never `file://charts/<tier>` (DESIGN §4)',
    });
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)));
}

export interface PackageOptions {
  chartDir: string;
  destination: string;
  helm: HelmRunner;
  sign?: SignOptions;
}

export async function packageChart(options: PackageOptions): Promise<PackageResult> {
  const chartDir = resolve(options.chartDir);
  const meta = readChartMeta(chartDir);
  const work = mkdtempSync(join(tmpdir(), 'nexus-package-'));
  try {
    await helmOrThrow(options.helm, ['package', chartDir, '--destination', work], `packaging ${chartDir}`, {
      hint: 'run `nexus validate` to see what is wrong with the chart',
    });
    const made = readdirSync(work).filter((f) => f.endsWith('.tgz'));
    if (made.length !== 1) throw new NexusError(`helm package produced ${made.length} archives in ${work}`);
    const canonical = canonicalizeChartArchive(readFileSync(join(work, made[0]!)));
    const entries = readChartArchive(canonical).map((e) => e.path);
    const subcharts = checkSubcharts(meta.name, meta, entries);

    try {
      mkdirSync(options.destination, { recursive: true });
    } catch (err) {
      throw fsError(err, 'create the destination directory', options.destination);
    }
    const fileName = `${meta.name}-${meta.version}.tgz`;
    const path = resolve(options.destination, fileName);
    const sha256 = sha256Hex(canonical);
    let prov: string | undefined;
    if (options.sign) {
      // Sign a staged copy under the final file name: the .prov names the file it covers.
      const staged = join(work, 'signed');
      mkdirSync(staged);
      writeFileSync(join(staged, fileName), canonical);
      prov = await clearSign(await provenanceMessage(options.helm, join(staged, fileName), sha256), options.sign);
    }
    // A stale .prov from an earlier build would not match the new archive: it goes first.
    const provPath = `${path}.prov`;
    rmSync(provPath, { force: true });
    writeFileAtomic(path, canonical);
    if (prov !== undefined) writeFileAtomic(provPath, prov);
    return { path, provPath: prov !== undefined ? provPath : undefined, sha256, name: meta.name, version: meta.version, entries, subcharts };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
