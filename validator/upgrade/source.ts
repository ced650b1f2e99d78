/**
 * `--upgrade-from <old>`: the manifests of the release being upgraded. `<old>` is
 *  - a manifest file or directory (a render, or `helm get manifest RELEASE` output), or `-` for stdin;
 *  - a chart: a directory with Chart.yaml or a packaged `.tgz`;
 *  - a published chart: `oci://HOST/PATH/CHART[:VERSION]`, or a chart repository (an http(s) URL or
 *    a directory with index.yaml, `REPO#CHART` when it holds several charts) with
 *    `--upgrade-from-version` (default: the highest published version below the new chart's).
 * Charts are rendered with real helm with the same values files, release name, namespace, Kubernetes
 * version and API versions as the new render. I/O edge of the upgrade stage.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { NexusError } from '../../util/errors.ts';
import type { Helm } from '../helm.ts';
import { readManifestInputs } from '../inputs.ts';
import { helmTemplate, type RenderOptions } from '../render.ts';
import type { Finding } from '../../core/types.ts';

export interface RenderSet {
  files: string[];
  /** `--set*` arguments of the new render, applied to the previous release's render too. */
  setArgs?: string[];
  label: string;
}

export interface PreviousOptions {
  ref: string;
  version?: string;
  /** The new chart (name, version), when a chart is validated: picks the chart and the previous version. */
  chart?: { name: string; version: string };
  /** The new run's renders (values files per render); empty in manifest mode (the chart's defaults). */
  sets: readonly RenderSet[];
  renderOptions: RenderOptions;
  helm: () => Pick<Helm, 'bin' | 'env'>;
  readStdin: () => Promise<string>;
}

export interface PreviousRelease {
  /** For messages: `before.yaml`, `nexus 0.1.0 (oci://…)`. */
  label: string;
  /** Streams by the label of the new render they pair with; `*` pairs with every render. */
  streams: Map<string, Array<{ source: string; text: string }>>;
  /** The previous chart could not be rendered (with these values). */
  findings: Finding[];
}

export const EVERY_RENDER = '*';

type Kind = { kind: 'manifests'; paths: string[] } | { kind: 'chart'; path: string } | { kind: 'oci'; registry: string; name: string; version?: string } | { kind: 'repo'; repo: string; name?: string };

const display = (p: string) => relative(process.cwd(), p) || p;

export function classify(ref: string): Kind {
  if (ref === '-') return { kind: 'manifests', paths: ['-'] };
  if (/^oci:\/\//i.test(ref)) {
    const m = /^(oci:\/\/[^/\s]+(?:\/[^\s]*)?)\/([^/:\s]+)(?::([^/\s]+))?$/.exec(ref.trim());
    if (!m) throw new NexusError(`not an OCI chart reference: ${ref}`, { hint: 'use oci://HOST[:PORT]/PATH/CHART or oci://HOST/PATH/CHART:VERSION' });
    return { kind: 'oci', registry: m[1]!, name: m[2]!, ...(m[3] ? { version: m[3].replace(/_/g, '+') } : {}) };
  }
  const [base, fragment] = ref.split('#', 2) as [string, string | undefined];
  if (/^https?:\/\//i.test(base)) return { kind: 'repo', repo: base, ...(fragment ? { name: fragment } : {}) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref)) throw new NexusError(`unsupported --upgrade-from ${ref}`, { hint: 'use a manifest file, a chart directory or .tgz, oci://HOST/PATH/CHART[:VERSION], or a chart repository URL or directory' });
  const path = fragment !== undefined && existsSync(base) ? base : ref;
  if (!existsSync(path)) {
    throw new NexusError(`--upgrade-from ${ref}: no such file or directory`, { location: { file: ref }, hint: 'pass the previous release as a manifest (`helm get manifest RELEASE > old.yaml`), a chart directory or .tgz, an oci:// reference or a chart repository' });
  }
  const st = statSync(path);
  if (st.isDirectory()) {
    if (existsSync(join(path, 'Chart.yaml'))) return { kind: 'chart', path };
    if (existsSync(join(path, 'index.yaml'))) return { kind: 'repo', repo: path, ...(fragment ? { name: fragment } : {}) };
    return { kind: 'manifests', paths: [path] };
  }
  if (/\.(tgz|tar\.gz)$/i.test(path)) return { kind: 'chart', path };
  return { kind: 'manifests', paths: [path] };
}

async function renderChart(chartPath: string, label: string, options: PreviousOptions): Promise<PreviousRelease> {
  const helm = options.helm();
  const sets = options.sets.length ? options.sets : [{ files: [], label: EVERY_RENDER }];
  const renders = await Promise.all(sets.map((s) => helmTemplate(helm, chartPath, s.files, `${label}${s.label === EVERY_RENDER ? '' : ` with ${s.label}`}`, { ...options.renderOptions, setArgs: s.setArgs ?? [] })));
  const streams = new Map<string, Array<{ source: string; text: string }>>();
  const findings: Finding[] = [];
  renders.forEach((r, i) => {
    const set = sets[i]!;
    if (r.failed) {
      for (const f of r.failed) {
        findings.push({
          policyId: 'upgrade/previous-render',
          severity: 'error',
          message: `cannot render the previous release ${label}${set.label === EVERY_RENDER ? '' : ` with ${set.label}`}, so the upgrade could not be checked: ${f.message.replace(/^helm template failed: /, '')}`,
          hint: 'the new values may use keys the previous chart does not know; pass the deployed manifest instead: `helm get manifest RELEASE > previous.yaml` and --upgrade-from previous.yaml',
          source: set.label === EVERY_RENDER ? label : set.label,
        });
      }
    } else streams.set(set.label, [{ source: `${label}${set.label === EVERY_RENDER ? '' : ` (${set.label})`}`, text: r.manifests }]);
  });
  return { label, streams, findings };
}

/** Chart name and version from a packaged chart's Chart.yaml. */
async function archiveMeta(bytes: Uint8Array): Promise<{ name: string; version: string }> {
  const { archiveChartMeta } = await import('../../release/package.ts');
  const meta = archiveChartMeta(bytes);
  return { name: String(meta.name), version: String(meta.version) };
}

export async function loadPrevious(options: PreviousOptions): Promise<PreviousRelease> {
  const kind = classify(options.ref);
  if (kind.kind === 'manifests') {
    const inputs = await readManifestInputs(kind.paths, options.readStdin);
    const label = kind.paths[0] === '-' ? 'stdin' : display(kind.paths[0]!);
    return { label, streams: new Map([[EVERY_RENDER, inputs.map((i) => ({ source: i.source, text: i.text }))]]), findings: [] };
  }
  if (kind.kind === 'chart') {
    let label = display(kind.path);
    if (statSync(kind.path).isFile()) {
      const meta = await archiveMeta(readFileSync(kind.path));
      label = `${meta.name} ${meta.version} (${basename(kind.path)})`;
    }
    return renderChart(kind.path, label, options);
  }
  // A published chart: list the versions, download one, render it.
  const [{ resolveCredentials }, published] = await Promise.all([import('../../release/credentials.ts'), import('../../release/published.ts')]);
  let name: string;
  let location: import('../../release/published.ts').PublishedLocation;
  let credentials;
  if (kind.kind === 'oci') {
    name = kind.name;
    location = { kind: 'oci', registry: kind.registry };
    credentials = resolveCredentials('OCI', {});
  } else {
    location = { kind: 'repo', repo: kind.repo };
    credentials = resolveCredentials('REPO', {});
    const charts = await published.repositoryCharts(kind.repo, credentials);
    const wanted = kind.name ?? options.chart?.name ?? (charts.length === 1 ? charts[0] : undefined);
    if (!wanted) throw new NexusError(`the chart repository ${options.ref} holds ${charts.length ? `several charts (${charts.join(', ')})` : 'no charts'}`, { hint: 'name the chart: --upgrade-from REPO#CHART' });
    name = wanted;
  }
  const version = kind.kind === 'oci' && kind.version ? kind.version : options.version;
  let chosen = version;
  if (!chosen) {
    const versions = await published.listPublished(location, name, credentials);
    chosen = published.previousVersion(versions, options.chart?.name === name ? options.chart.version : undefined);
    if (!chosen) {
      throw new NexusError(`${options.ref} has no published version of ${name}${options.chart?.name === name ? ` below ${options.chart.version}` : ''}`, {
        hint: versions.length ? `published: ${versions.join(', ')}; pick one with --upgrade-from-version` : 'nothing to upgrade from: this is the first release',
      });
    }
  }
  const archive = await published.fetchPublished(location, name, chosen, credentials);
  const meta = await archiveMeta(archive.bytes);
  const dir = mkdtempSync(join(tmpdir(), 'nexus-upgrade-from-'));
  try {
    const file = join(dir, `${meta.name}-${meta.version}.tgz`);
    writeFileSync(file, archive.bytes);
    return await renderChart(file, `${meta.name} ${meta.version} (${archive.origin})`, options);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
