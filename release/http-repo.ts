/**
 * Classic (index.yaml) chart repositories: a directory (e.g. a GitHub Pages checkout) or an HTTP base
 * URL that accepts PUT (Nexus raw, Artifactory generic, WebDAV). Both behave alike: read the index
 * and existing files, write the chart and its .prov, and write the index last.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { fsError, NexusError } from '../util/errors.ts';
import { basicAuth, type Credentials } from './credentials.ts';
import { describeFetchError } from './fetch-error.ts';

export interface RepoStore {
  /** For messages: the directory or URL. */
  readonly location: string;
  /** Where index.yaml lives, for error locations. */
  readonly indexLocation: string;
  read(name: string): Promise<Uint8Array | undefined>;
  write(name: string, data: Uint8Array | string): Promise<void>;
  /** Removes a file this run uploaded (rollback); false when the store cannot. */
  remove(name: string): Promise<boolean>;
  /**
   * Proves, before anything is uploaded, that `bytes` more can be written: a directory must be
   * writable (a probe file is created and removed) with that much free space. A URL repository can
   * only prove it answers (its index was read); its first upload is the write test.
   */
  preflight(bytes: number): Promise<void>;
  /**
   * The bytes of a chart the index lists under `url`. A directory repository reads its own file,
   * whatever base URL the index names (after `publish --url https://…`), never the network.
   */
  readPublished(url: string): Promise<Uint8Array | undefined>;
}

/** The file name an index URL points at (`https://x/charts/nexus-1.0.0.tgz` → `nexus-1.0.0.tgz`). */
export function fileNameOfUrl(url: string): string {
  const path = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? new URL(url).pathname : url.split(/[?#]/)[0]!;
  return decodeURIComponent(path.split('/').pop() ?? '');
}

export class DirStore implements RepoStore {
  readonly location: string;
  readonly indexLocation: string;
  constructor(dir: string) {
    this.location = resolve(dir);
    this.indexLocation = join(this.location, 'index.yaml');
  }
  /** For reading (version-check): a repository directory that does not exist is an error, not "first release". */
  ensureExists(): void {
    let isDir = false;
    try {
      isDir = statSync(this.location).isDirectory();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fsError(err, 'read the repository directory', this.location);
      throw new NexusError(`repository directory not found: ${this.location}`, {
        location: { file: this.location },
        hint: 'check the --repo path (a mistyped directory is not a first release); create it first for a new repository',
      });
    }
    if (!isDir) throw new NexusError(`--repo ${this.location} is not a directory`, { location: { file: this.location }, hint: 'pass the repository directory (the one holding index.yaml)' });
  }
  async read(name: string): Promise<Uint8Array | undefined> {
    const p = join(this.location, name);
    try {
      return readFileSync(p);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw fsError(err, 'read', p);
    }
  }
  async write(name: string, data: Uint8Array | string): Promise<void> {
    try {
      mkdirSync(this.location, { recursive: true });
    } catch (err) {
      throw fsError(err, 'create the repository directory', this.location);
    }
    writeFileAtomic(join(this.location, name), data);
  }
  async remove(name: string): Promise<boolean> {
    try {
      rmSync(join(this.location, name), { force: true });
      return true;
    } catch {
      return false;
    }
  }
  async preflight(bytes: number): Promise<void> {
    // The directory, or the nearest existing parent that publish would create it in.
    let dir = this.location;
    while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
    if (!statSync(dir).isDirectory()) throw new NexusError(`--repo ${this.location}: ${dir} is not a directory`, { location: { file: dir } });
    const probe = join(dir, `.nexus-preflight-${process.pid}`);
    try {
      writeFileSync(probe, 'x', { flag: 'wx' });
    } catch (err) {
      throw fsError(err, 'write into the repository directory', dir, 'nothing was published: make the repository directory writable (or choose another --repo) and run it again');
    } finally {
      rmSync(probe, { force: true });
    }
    const fs = statfsSync(dir);
    const free = Number(fs.bavail) * Number(fs.bsize);
    // The files, plus a temp copy of each during its atomic write.
    if (free < bytes * 2) {
      throw new NexusError(`not enough space in ${dir}: publishing needs about ${Math.ceil((bytes * 2) / 1024)} KiB, ${Math.floor(free / 1024)} KiB are free`, {
        location: { file: dir },
        hint: 'nothing was published: free some space and run it again',
      });
    }
  }
  async readPublished(url: string): Promise<Uint8Array | undefined> {
    return this.read(fileNameOfUrl(url));
  }
}

export class UrlStore implements RepoStore {
  readonly location: string;
  readonly indexLocation: string;
  constructor(
    baseUrl: string,
    private readonly credentials?: Credentials,
  ) {
    this.location = baseUrl.replace(/\/+$/, '');
    this.indexLocation = `${this.location}/index.yaml`;
  }
  private headers(): Record<string, string> {
    return this.credentials ? { authorization: basicAuth(this.credentials) } : {};
  }
  private async request(method: 'GET' | 'PUT' | 'DELETE', name: string, body?: Uint8Array | string): Promise<Response> {
    const url = `${this.location}/${encodeURIComponent(name)}`;
    try {
      return await fetch(url, { method, headers: this.headers(), body, signal: AbortSignal.timeout(60_000) });
    } catch (err) {
      throw new NexusError(`chart repository ${this.location} is unreachable (${method} ${name}: ${describeFetchError(err)})`, {
        hint: 'check the --repo URL and your network; nothing was published',
        cause: err,
      });
    }
  }
  async read(name: string): Promise<Uint8Array | undefined> {
    const res = await this.request('GET', name);
    if (res.status === 404) return undefined;
    if (!res.ok) throw new NexusError(`GET ${this.location}/${name} answered HTTP ${res.status}`, { hint: res.status === 401 || res.status === 403 ? 'set NEXUS_REPO_USERNAME and NEXUS_REPO_PASSWORD' : undefined });
    return new Uint8Array(await res.arrayBuffer());
  }
  async write(name: string, data: Uint8Array | string): Promise<void> {
    const res = await this.request('PUT', name, data);
    if (!res.ok) {
      throw new NexusError(`uploading ${name} to ${this.location} failed: HTTP ${res.status} ${res.statusText}`, {
        hint: res.status === 401 || res.status === 403 ? 'set NEXUS_REPO_USERNAME and NEXUS_REPO_PASSWORD (or --repo-password-file)' : 'the repository index was not changed',
      });
    }
  }
  async remove(name: string): Promise<boolean> {
    try {
      const res = await this.request('DELETE', name);
      return res.ok || res.status === 404;
    } catch {
      return false;
    }
  }
  async preflight(): Promise<void> {
    // Reachability and read access were proven by reading index.yaml; HTTP has no side-effect-free
    // write test, so the chart upload (before any other target is touched) is the write test.
  }
  async readPublished(url: string): Promise<Uint8Array | undefined> {
    if (!/^https?:\/\//i.test(url)) return this.read(decodeURIComponent(url));
    const res = await fetch(url, { headers: url.startsWith(`${this.location}/`) ? this.headers() : {}, signal: AbortSignal.timeout(60_000) }).catch((err: unknown) => {
      throw new NexusError(`cannot download the published chart ${url}: ${describeFetchError(err)}`, { cause: err });
    });
    if (res.status === 404) return undefined;
    if (!res.ok) throw new NexusError(`cannot download the published chart ${url}: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  }
}

export function openRepo(target: string, credentials?: Credentials): RepoStore {
  if (/^https?:\/\//i.test(target)) return new UrlStore(target, credentials);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    throw new NexusError(`unsupported repository URL ${target}`, { hint: 'use a directory, an http(s):// URL, or --oci oci://HOST/PATH for a registry' });
  }
  return new DirStore(target);
}
