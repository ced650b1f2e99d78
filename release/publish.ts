/**
 * `nexus publish`: one packaged chart to an HTTP chart repository (index.yaml) and/or an OCI registry.
 *
 * Order, so that a failure anywhere leaves every index as it was:
 *   1. read the archive, verify its .prov (a tampered archive stops here);
 *   2. preflight every target: reachable, and the version is new or byte-identical (else refuse);
 *   3. upload: OCI push, then the chart and .prov into the repository;
 *   4. write index.yaml last, atomically.
 * Re-running after a success is a no-op ("unchanged"), so a failed run can simply be repeated.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { NexusError } from '../util/errors.ts';
import type { Credentials } from './credentials.ts';
import type { HelmRunner } from './helm-exec.ts';
import { openRepo, type RepoStore } from './http-repo.ts';
import { parseOciRef, pushChart, RegistryClient, type OciRef } from './oci.ts';
import { archiveChartMeta, sha256Hex } from './package.ts';
import { chartUrl, mergeIndex, parseIndex, serializeIndex, type IndexEntry, type RepoIndex } from './repo-index.ts';
import { verifyChart } from './sign.ts';

export interface PublishOptions {
  archive: string;
  repo?: string;
  /** Base URL for absolute chart URLs in index.yaml; relative URLs when omitted. */
  url?: string;
  oci?: string;
  /** Public keyring to verify the .prov with; required when a .prov is present or signatures are required. */
  keyring?: string;
  requireSignature?: boolean;
  repoCredentials?: Credentials;
  ociCredentials?: Credentials;
  helm: HelmRunner & { major: number };
  now?: Date;
}

export interface PublishOutcome {
  target: string;
  status: 'published' | 'unchanged';
  detail: string;
}

export interface LoadedArchive {
  path: string;
  bytes: Uint8Array;
  sha256: string;
  fileName: string;
  meta: ReturnType<typeof archiveChartMeta>;
  prov?: Uint8Array;
}

export function loadArchive(path: string): LoadedArchive {
  if (!existsSync(path)) throw new NexusError(`chart archive not found: ${path}`, { hint: 'run `nexus package` first' });
  const bytes = readFileSync(path);
  const meta = archiveChartMeta(bytes);
  const fileName = `${meta.name}-${meta.version}.tgz`;
  if (basename(path) !== fileName) {
    throw new NexusError(`the archive is named ${basename(path)} but holds ${meta.name} ${meta.version}`, { location: { file: path }, hint: `chart archives must be named ${fileName}` });
  }
  const provPath = `${path}.prov`;
  return { path, bytes, sha256: sha256Hex(bytes), fileName, meta, prov: existsSync(provPath) ? readFileSync(provPath) : undefined };
}

interface RepoPlan {
  store: RepoStore;
  before: RepoIndex;
  after: RepoIndex;
  status: 'added' | 'unchanged';
}

async function planRepo(archive: LoadedArchive, options: PublishOptions): Promise<RepoPlan> {
  const store = openRepo(options.repo!, options.repoCredentials);
  const text = await store.read('index.yaml');
  const before = parseIndex(text === undefined ? undefined : Buffer.from(text).toString('utf8'), store.indexLocation);
  const entry: IndexEntry = {
    ...archive.meta,
    name: archive.meta.name,
    version: archive.meta.version,
    urls: [chartUrl(archive.fileName, options.url)],
    digest: archive.sha256,
  };
  const { index: after, status } = mergeIndex(before, entry, options.now ?? new Date());
  return { store, before, after, status };
}

interface OciPlan {
  ref: OciRef;
  client: RegistryClient;
  status: 'added' | 'unchanged';
}

async function planOci(archive: LoadedArchive, options: PublishOptions): Promise<OciPlan> {
  const ref = parseOciRef(options.oci!);
  const client = new RegistryClient(ref, options.ociCredentials);
  await client.ping();
  const existing = await client.chart(archive.meta.name, archive.meta.version);
  if (!existing) return { ref, client, status: 'added' };
  if (existing.chartDigest === `sha256:${archive.sha256}`) return { ref, client, status: 'unchanged' };
  throw new NexusError(
    `${archive.meta.name} ${archive.meta.version} is already in ${ref.url} with different content (registry ${existing.chartDigest}, this archive sha256:${archive.sha256})`,
    { hint: 'a published version is immutable: bump nexus.chartVersion in package.json, add a changelog entry, regenerate and package again' },
  );
}

export async function publishChart(options: PublishOptions): Promise<PublishOutcome[]> {
  if (!options.repo && !options.oci) throw new NexusError('nothing to publish to', { hint: 'pass --repo DIR|URL and/or --oci oci://HOST/PATH' });
  if (options.url && !options.repo) throw new NexusError('--url only applies to --repo');
  if (!existsSync(options.archive)) throw new NexusError(`chart archive not found: ${options.archive}`, { hint: 'run `nexus package` first' });
  const fileName = basename(options.archive);

  // 1. Provenance, before anything reads the archive: a tampered one is refused as such.
  let signer: string | undefined;
  const hasProv = existsSync(`${options.archive}.prov`);
  if (hasProv || options.requireSignature) {
    if (!hasProv) throw new NexusError(`${fileName} is not signed (no ${fileName}.prov beside it)`, { hint: 'run `nexus package --sign --key NAME --keyring FILE`' });
    if (!options.keyring) throw new NexusError(`${fileName}.prov cannot be checked without a public keyring`, { hint: 'pass --keyring PUBRING (the signer\'s public key, e.g. pubring.gpg)' });
    signer = await verifyChart(options.helm, options.archive, options.keyring);
  }
  const archive = loadArchive(options.archive);

  // 2. Preflight every target before uploading anything.
  const oci = options.oci ? await planOci(archive, options) : undefined;
  const repo = options.repo ? await planRepo(archive, options) : undefined;

  // 3 + 4. Uploads, then the index.
  const outcomes: PublishOutcome[] = [];
  const signedBy = signer ? `, signed by ${signer}` : '';
  if (oci) {
    if (oci.status === 'added') {
      await pushChart(options.helm, archive.path, oci.ref, options.ociCredentials);
      const pushed = await oci.client.chart(archive.meta.name, archive.meta.version);
      if (pushed?.chartDigest !== `sha256:${archive.sha256}`) {
        throw new NexusError(`after the push ${oci.ref.url}/${archive.meta.name}:${archive.meta.version} holds ${pushed?.chartDigest ?? 'nothing'}, not sha256:${archive.sha256}`);
      }
      outcomes.push({ target: oci.ref.url, status: 'published', detail: `${oci.ref.url}/${archive.meta.name}:${archive.meta.version} (${pushed.chartDigest}${archive.prov ? ', with provenance' : ''}${signedBy})` });
    } else {
      outcomes.push({ target: oci.ref.url, status: 'unchanged', detail: `${archive.meta.name} ${archive.meta.version} is already there, byte-identical` });
    }
  }
  if (repo) {
    if (repo.status === 'added') {
      await repo.store.write(archive.fileName, archive.bytes);
      if (archive.prov) await repo.store.write(`${archive.fileName}.prov`, archive.prov);
      await repo.store.write('index.yaml', serializeIndex(repo.after));
      const count = Object.values(repo.after.entries).reduce((n, list) => n + list.length, 0);
      outcomes.push({ target: repo.store.location, status: 'published', detail: `${archive.fileName}${archive.prov ? ' + .prov' : ''} (sha256:${archive.sha256}${signedBy}); index.yaml now lists ${count} chart version(s)` });
    } else {
      outcomes.push({ target: repo.store.location, status: 'unchanged', detail: `${archive.meta.name} ${archive.meta.version} is already in index.yaml, byte-identical` });
    }
  }
  return outcomes;
}
