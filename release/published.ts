/**
 * Reading what is already published: the versions of a chart in an OCI registry or a chart
 * repository (HTTP or a directory with index.yaml), and the archive of one version. Used by the
 * upgrade check (`nexus validate --upgrade-from`, `version-check`, `release`) to render the previous
 * release.
 */
import semver from 'semver';
import { NexusError } from '../util/errors.ts';
import type { Credentials } from './credentials.ts';
import { openRepo } from './http-repo.ts';
import { parseOciRef, RegistryClient } from './oci.ts';
import { findVersion, parseIndex, publishedVersions, type RepoIndex } from './repo-index.ts';

export type PublishedLocation = { kind: 'oci'; registry: string } | { kind: 'repo'; repo: string };

export interface PublishedArchive {
  name: string;
  version: string;
  bytes: Uint8Array;
  /** Where it came from, for messages: `oci://host/path/nexus:1.2.0` or `<repo>/nexus-1.2.0.tgz`. */
  origin: string;
}

/** The version an upgrade starts from: the highest published version below `version` (any, when `version` is unknown). */
export function previousVersion(published: readonly string[], version?: string): string | undefined {
  const valid = published.filter((v) => semver.valid(v)).sort(semver.rcompare);
  if (!version || !semver.valid(version)) return valid[0];
  return valid.find((v) => semver.lt(v, version));
}

/** The repository's index; an empty one when it has no index.yaml yet, unless `required`. */
async function readIndex(repo: string, credentials?: Credentials, required = true): Promise<{ index: RepoIndex; store: ReturnType<typeof openRepo> }> {
  const store = openRepo(repo, credentials);
  const text = await store.read('index.yaml');
  if (text === undefined && required) throw new NexusError(`no index.yaml in the chart repository ${store.location}`, { hint: 'check the repository URL or directory' });
  return { index: parseIndex(text === undefined ? undefined : Buffer.from(text).toString('utf8'), store.indexLocation), store };
}

/** Chart names in a repository's index. */
export async function repositoryCharts(repo: string, credentials?: Credentials): Promise<string[]> {
  return Object.keys((await readIndex(repo, credentials)).index.entries).sort();
}

export async function listPublished(location: PublishedLocation, name: string, credentials?: Credentials): Promise<string[]> {
  if (location.kind === 'oci') return (await new RegistryClient(parseOciRef(location.registry), credentials).tags(name)).map((t) => t.replace(/_/g, '+'));
  // A repository without an index has published nothing yet (a first release).
  return publishedVersions((await readIndex(location.repo, credentials, false)).index, name);
}

export async function fetchPublished(location: PublishedLocation, name: string, version: string, credentials?: Credentials): Promise<PublishedArchive> {
  if (location.kind === 'oci') {
    const ref = parseOciRef(location.registry);
    const client = new RegistryClient(ref, credentials);
    const chart = await client.chart(name, version);
    if (!chart) throw new NexusError(`${ref.url}/${name}:${version} is not published`, { hint: 'check the version (`--upgrade-from-version`) and the registry path' });
    return { name, version, bytes: await client.blob(name, chart.chartDigest), origin: `${ref.url}/${name}:${version}` };
  }
  const { index, store } = await readIndex(location.repo, credentials);
  const entry = findVersion(index, name, version);
  if (!entry) throw new NexusError(`${store.location} does not list ${name} ${version}`, { location: { file: store.indexLocation }, hint: `published versions: ${publishedVersions(index, name).join(', ') || 'none'}` });
  const url = entry.urls?.[0];
  if (!url) throw new NexusError(`index.yaml lists ${name} ${version} without a URL`, { location: { file: store.indexLocation } });
  // A directory repository is read locally, whatever base URL its index names (publish --url).
  const bytes = await store.readPublished(url);
  if (!bytes) throw new NexusError(`index.yaml lists ${url}, but ${store.location} has no such file`, { location: { file: store.indexLocation } });
  return { name, version, bytes, origin: /^https?:\/\//i.test(url) ? url : `${store.location}/${url}` };
}
