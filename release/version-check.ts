/**
 * `nexus version-check`, in the spirit of chart-testing's version-increment check, but against what
 * is actually published: a repository's index.yaml or an OCI registry's tags.
 *
 *   - the version is already published and the archive is byte-identical → fine (nothing to release);
 *   - already published with the same files but other archive bytes → fine (e.g. packed by another
 *     helm); the files are compared after downloading the published archive;
 *   - already published with different files → FAIL: the content changed but the version did not;
 *   - not published → it must be greater (SemVer) than every published version;
 *   - the archive must carry an `artifacthub.io/changes` entry for its version.
 */
import semver from 'semver';
import { NexusError } from '../util/errors.ts';
import { diffArchives } from './archive.ts';
import type { Credentials } from './credentials.ts';
import { DirStore, openRepo, type RepoStore } from './http-repo.ts';
import { parseOciRef, RegistryClient } from './oci.ts';
import type { LoadedArchive } from './publish.ts';
import { findVersion, parseIndex, publishedVersions } from './repo-index.ts';

export interface VersionCheckResult {
  target: string;
  ok: boolean;
  message: string;
  published: string[];
}

function highest(versions: string[]): string | undefined {
  return versions.filter((v) => semver.valid(v)).sort(semver.rcompare)[0];
}

function newVersionVerdict(target: string, version: string, published: string[]): VersionCheckResult {
  if (!semver.valid(version)) return { target, ok: false, message: `chart version ${version} is not SemVer`, published };
  const top = highest(published);
  if (top && !semver.gt(version, top)) {
    return { target, ok: false, message: `version ${version} is not greater than the latest published version ${top}`, published };
  }
  return { target, ok: true, message: `${version} is new${top ? ` (latest published: ${top})` : ' (first release)'}`, published };
}

function changedVerdict(target: string, version: string, published: string[], changed: string[]): VersionCheckResult {
  if (!changed.length) return { target, ok: true, message: `${version} is published with the same files (archive bytes differ only in packaging metadata)`, published };
  const list = changed.slice(0, 10).join(', ') + (changed.length > 10 ? `, … (${changed.length} files)` : '');
  return {
    target,
    ok: false,
    message: `chart content changed since ${version} was published, but the version was not bumped (changed: ${list}); bump nexus.chartVersion in package.json and add a changelog entry`,
    published,
  };
}

async function readPublishedFromRepo(store: RepoStore, url: string): Promise<Uint8Array> {
  // A directory repository is read locally, whatever base URL its index names (publish --url).
  const data = await store.readPublished(url);
  if (!data) throw new NexusError(`index.yaml lists ${url}, but ${store.location} has no such file`, { location: { file: store.indexLocation } });
  return data;
}

export async function checkAgainstRepo(archive: LoadedArchive, repo: string, credentials?: Credentials): Promise<VersionCheckResult> {
  const store = openRepo(repo, credentials);
  if (store instanceof DirStore) store.ensureExists(); // a mistyped directory is not a first release
  const text = await store.read('index.yaml');
  const index = parseIndex(text === undefined ? undefined : Buffer.from(text).toString('utf8'), store.indexLocation);
  const { name, version } = archive.meta;
  const published = publishedVersions(index, name);
  const entry = findVersion(index, name, version);
  if (!entry) return newVersionVerdict(store.location, version, published);
  if (String(entry.digest ?? '').replace(/^sha256:/, '') === archive.sha256) {
    return { target: store.location, ok: true, message: `${version} is published and byte-identical`, published };
  }
  const url = entry.urls?.[0];
  if (!url) throw new NexusError(`index.yaml lists ${name} ${version} without a URL`, { location: { file: store.indexLocation } });
  return changedVerdict(store.location, version, published, diffArchives(await readPublishedFromRepo(store, url), archive.bytes));
}

export async function checkAgainstOci(archive: LoadedArchive, oci: string, credentials?: Credentials): Promise<VersionCheckResult> {
  const ref = parseOciRef(oci);
  const client = new RegistryClient(ref, credentials);
  const { name, version } = archive.meta;
  const published = (await client.tags(name)).map((t) => t.replace(/_/g, '+'));
  const existing = published.includes(version) ? await client.chart(name, version) : undefined;
  if (!existing) return newVersionVerdict(ref.url, version, published);
  if (existing.chartDigest === `sha256:${archive.sha256}`) return { target: ref.url, ok: true, message: `${version} is published and byte-identical`, published };
  return changedVerdict(ref.url, version, published, diffArchives(await client.blob(name, existing.chartDigest), archive.bytes));
}

export function checkChangelog(archive: LoadedArchive): VersionCheckResult {
  const annotations = (archive.meta.annotations ?? {}) as Record<string, unknown>;
  const changes = annotations['artifacthub.io/changes'];
  const ok = typeof changes === 'string' && changes.trim() !== '';
  return {
    target: 'Chart.yaml',
    ok,
    message: ok
      ? `artifacthub.io/changes lists the changes of ${archive.meta.version}`
      : `no changelog entry for ${archive.meta.version}: add it to release/changelog.ts and regenerate (it becomes artifacthub.io/changes)`,
    published: [],
  };
}
