/**
 * A chart repository's index.yaml as data (pure): read, look up, merge. Merging never drops an
 * entry: it adds one version, or finds the identical one already there, or refuses.
 */
import semver from 'semver';
import { parseDocument, stringify } from 'yaml';
import { NexusError } from '../util/errors.ts';

export interface IndexEntry {
  name: string;
  version: string;
  digest?: string;
  urls?: string[];
  created?: string;
  [key: string]: unknown;
}

export interface RepoIndex {
  apiVersion: string;
  entries: Record<string, IndexEntry[]>;
  generated?: string;
  [key: string]: unknown;
}

export function emptyIndex(): RepoIndex {
  return { apiVersion: 'v1', entries: {} };
}

export function parseIndex(text: string | undefined, source: string): RepoIndex {
  if (text === undefined || text.trim() === '') return emptyIndex();
  const doc = parseDocument(text, { uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    throw new NexusError(`cannot read the repository index: ${first.message.split('\n')[0]}`, { location: { file: source, line: pos?.line, column: pos?.col } });
  }
  const value = doc.toJS({ maxAliasCount: 100 }) as Partial<RepoIndex> | null;
  if (!value || typeof value !== 'object' || (value.entries !== undefined && (typeof value.entries !== 'object' || value.entries === null))) {
    throw new NexusError('the repository index is not a helm index (no `entries` map)', { location: { file: source } });
  }
  return { ...value, apiVersion: value.apiVersion ?? 'v1', entries: value.entries ?? {} } as RepoIndex;
}

export function findVersion(index: RepoIndex, name: string, version: string): IndexEntry | undefined {
  return (index.entries[name] ?? []).find((e) => String(e.version) === version);
}

export function publishedVersions(index: RepoIndex, name: string): string[] {
  return (index.entries[name] ?? []).map((e) => String(e.version));
}

function byVersionDescending(a: IndexEntry, b: IndexEntry): number {
  const va = semver.valid(String(a.version));
  const vb = semver.valid(String(b.version));
  if (va && vb) return semver.rcompare(va, vb);
  if (va || vb) return va ? -1 : 1;
  return String(a.version) < String(b.version) ? 1 : -1;
}

export type MergeStatus = 'added' | 'unchanged';

/**
 * Adds `entry` (name, version, digest, urls and the chart metadata). The same version with the same
 * digest is `unchanged`; with another digest it is refused. Other entries are kept as they were.
 */
export function mergeIndex(index: RepoIndex, entry: IndexEntry, now: Date): { index: RepoIndex; status: MergeStatus } {
  const existing = findVersion(index, entry.name, entry.version);
  if (existing) {
    if (existing.digest === entry.digest) return { index, status: 'unchanged' };
    throw new NexusError(
      `${entry.name} ${entry.version} is already published with different content (index digest ${existing.digest ?? 'none'}, this archive sha256:${String(entry.digest).replace(/^sha256:/, '')})`,
      { hint: 'a published version is immutable: bump nexus.chartVersion in package.json, add a changelog entry, regenerate and package again' },
    );
  }
  const versions = [...(index.entries[entry.name] ?? []), { ...entry, created: entry.created ?? now.toISOString() }].sort(byVersionDescending);
  return { index: { ...index, entries: { ...index.entries, [entry.name]: versions }, generated: now.toISOString() }, status: 'added' };
}

/** helm's layout: apiVersion, entries (charts by name), generated, then anything else that was there. */
export function serializeIndex(index: RepoIndex): string {
  const { apiVersion, entries, generated, ...rest } = index;
  const names = Object.keys(entries).sort();
  return stringify({ apiVersion, entries: Object.fromEntries(names.map((n) => [n, entries[n]])), generated, ...rest }, { lineWidth: 0 });
}

/** An entry's URL: absolute under `baseUrl` when given, else relative to the index (helm resolves it). */
export function chartUrl(fileName: string, baseUrl?: string): string {
  if (!baseUrl) return fileName;
  return `${baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(fileName)}`;
}
