/**
 * `nexus publish`: one packaged chart to an HTTP chart repository (index.yaml) and/or an OCI registry.
 *
 * Order, so that a failure anywhere publishes nothing, or says exactly what it did publish:
 *   1. read the archive, verify its .prov (a tampered archive stops here);
 *   2. preflight every target before uploading anything: reachable, authorised (an OCI push
 *      permission check), writable with room to spare (a directory repository), and the version
 *      absent or byte-identical;
 *   3. stage the repository side: the chart and .prov go in, but index.yaml does not list them yet,
 *      so helm cannot see them (for a URL repository this first PUT is also its write test);
 *   4. push to the OCI registry: the one step that cannot be taken back;
 *   5. commit: write index.yaml, atomically.
 * A failure in 3–4 removes the staged files again: nothing was published. A failure in 5 (after the
 * push) removes them too and says what is in the registry, how to finish and how to undo. Re-running
 * after any failure is safe: a target that already holds this version byte-identically is left alone.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { NexusError } from '../util/errors.ts';
import { faultPoint } from '../util/fault.ts';
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
  /** Files to upload in step 3 (a byte-identical one already there, unlisted, is reused). */
  stage: { name: string; data: Uint8Array }[];
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
  const stage: RepoPlan['stage'] = [];
  if (status === 'added') {
    const files = [{ name: archive.fileName, data: archive.bytes }, ...(archive.prov ? [{ name: `${archive.fileName}.prov`, data: archive.prov }] : [])];
    for (const f of files) {
      // Not in the index, but on disk (an earlier run that failed half-way, or someone's hand):
      // the same bytes are reused, other bytes are not overwritten.
      const there = await store.read(f.name);
      if (there === undefined) stage.push(f);
      else if (!Buffer.from(there).equals(Buffer.from(f.data))) {
        throw new NexusError(`${store.location} already holds a different ${f.name}, which index.yaml does not list`, {
          hint: `nothing was published; it is not published (no index entry), so remove ${f.name} from the repository and run it again`,
        });
      }
    }
    const indexBytes = Buffer.byteLength(serializeIndex(after));
    await store.preflight(stage.reduce((n, f) => n + f.data.length, 0) + indexBytes + 64 * 1024);
  }
  return { store, before, after, status, stage };
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
  if (!existing) {
    await client.checkPush(archive.meta.name);
    return { ref, client, status: 'added' };
  }
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
  const repo = options.repo ? await planRepo(archive, options) : undefined;
  const oci = options.oci ? await planOci(archive, options) : undefined;

  const outcomes: PublishOutcome[] = [];
  const signedBy = signer ? `, signed by ${signer}` : '';
  const staged: string[] = [];
  let pushed: string | undefined;
  let manifest: string | undefined;
  try {
    // 3. Stage the repository side (invisible until index.yaml lists it).
    for (const f of repo?.stage ?? []) {
      await repo!.store.write(f.name, f.data);
      staged.push(f.name);
    }
    faultPoint('publish:staged');
    // 4. The OCI push.
    if (oci) {
      if (oci.status === 'added') {
        await pushChart(options.helm, archive.path, oci.ref, options.ociCredentials);
        const after = await oci.client.chart(archive.meta.name, archive.meta.version);
        if (after) {
          pushed = `${oci.ref.url}/${archive.meta.name}:${archive.meta.version} (chart ${after.chartDigest}, manifest ${after.manifestDigest ?? 'unknown'})`;
          manifest = after.manifestDigest;
        }
        if (after?.chartDigest !== `sha256:${archive.sha256}`) {
          throw new NexusError(`after the push ${oci.ref.url}/${archive.meta.name}:${archive.meta.version} holds ${after?.chartDigest ?? 'nothing'}, not sha256:${archive.sha256}`);
        }
        outcomes.push({ target: oci.ref.url, status: 'published', detail: `${oci.ref.url}/${archive.meta.name}:${archive.meta.version} (${after.chartDigest}${archive.prov ? ', with provenance' : ''}${signedBy})` });
      } else {
        outcomes.push({ target: oci.ref.url, status: 'unchanged', detail: `${archive.meta.name} ${archive.meta.version} is already there, byte-identical` });
      }
    }
    faultPoint('publish:pushed');
    // 5. Commit the repository side.
    if (repo) {
      if (repo.status === 'added') {
        await repo.store.write('index.yaml', serializeIndex(repo.after));
        staged.length = 0; // listed now: published
        const count = Object.values(repo.after.entries).reduce((n, list) => n + list.length, 0);
        outcomes.push({ target: repo.store.location, status: 'published', detail: `${archive.fileName}${archive.prov ? ' + .prov' : ''} (sha256:${archive.sha256}${signedBy}); index.yaml now lists ${count} chart version(s)` });
      } else {
        outcomes.push({ target: repo.store.location, status: 'unchanged', detail: `${archive.meta.name} ${archive.meta.version} is already in index.yaml, byte-identical` });
      }
    }
  } catch (err) {
    throw await incomplete(err, { archive, repo, oci, staged, pushed, manifest });
  }
  return outcomes;
}

/**
 * The error for a publish that stopped after step 2: the staged repository files are removed again,
 * and the message lists what is published where, how to finish, and how to undo.
 */
async function incomplete(
  err: unknown,
  state: { archive: LoadedArchive; repo?: RepoPlan; oci?: OciPlan; staged: string[]; pushed?: string; manifest?: string },
): Promise<NexusError> {
  const cause = err instanceof NexusError ? err : new NexusError(err instanceof Error ? err.message : String(err), { cause: err });
  const { archive, repo, oci, pushed } = state;
  const leftovers: string[] = [];
  for (const name of state.staged) if (!(await repo!.store.remove(name))) leftovers.push(name);
  const lines: string[] = [];
  if (pushed) lines.push(`published: ${pushed}`);
  if (repo?.status === 'added') {
    const where = repo.store.location;
    lines.push(
      leftovers.length
        ? `not published: ${where} (index.yaml unchanged; remove the unlisted ${leftovers.join(', ')} by hand, this store cannot delete)`
        : `not published: ${where} (index.yaml unchanged${state.staged.length ? '; the uploaded files were removed again' : ''})`,
    );
  }
  if (oci?.status === 'added' && !pushed) lines.push(`not published: ${oci.ref.url}`);
  const version = `${archive.meta.name} ${archive.meta.version}`;
  const finish = 'to finish: fix the cause and run the same command again; targets that already hold this version byte-identically are left alone';
  const undo = pushed && oci
    ? `; to undo the OCI push instead, delete the manifest: \`curl -X DELETE ${oci.ref.plainHttp ? 'http' : 'https'}://${oci.ref.host}/v2/${oci.client.repository(archive.meta.name)}/manifests/${state.manifest ?? '<manifest digest>'}\` (registries that allow deletes) or the registry's UI`
    : '';
  return new NexusError(`publishing ${version} stopped: ${cause.message}\n  ${pushed ? lines.join('\n  ') : `nothing was published${lines.length ? `\n  ${lines.join('\n  ')}` : ''}`}`, {
    location: cause.location,
    hint: pushed ? `${finish}${undo}` : (cause.hint ?? finish),
    cause: err,
  });
}
