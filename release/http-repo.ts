/**
 * Classic (index.yaml) chart repositories: a directory (e.g. a GitHub Pages checkout) or an HTTP base
 * URL that accepts PUT (Nexus raw, Artifactory generic, WebDAV). Both behave alike: read the index
 * and existing files, write the chart and its .prov, and write the index last.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NexusError } from '../util/errors.ts';
import { basicAuth, type Credentials } from './credentials.ts';
import { describeFetchError } from './fetch-error.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';

export interface RepoStore {
  /** For messages: the directory or URL. */
  readonly location: string;
  /** Where index.yaml lives, for error locations. */
  readonly indexLocation: string;
  read(name: string): Promise<Uint8Array | undefined>;
  write(name: string, data: Uint8Array | string): Promise<void>;
}

export class DirStore implements RepoStore {
  readonly location: string;
  readonly indexLocation: string;
  constructor(dir: string) {
    this.location = resolve(dir);
    this.indexLocation = join(this.location, 'index.yaml');
  }
  async read(name: string): Promise<Uint8Array | undefined> {
    const p = join(this.location, name);
    return existsSync(p) ? readFileSync(p) : undefined;
  }
  async write(name: string, data: Uint8Array | string): Promise<void> {
    mkdirSync(this.location, { recursive: true });
    try {
      writeFileAtomic(join(this.location, name), data);
    } catch (err) {
      throw new NexusError(`cannot write ${name} into ${this.location}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
    }
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
  private async request(method: 'GET' | 'PUT', name: string, body?: Uint8Array | string): Promise<Response> {
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
}

export function openRepo(target: string, credentials?: Credentials): RepoStore {
  if (/^https?:\/\//i.test(target)) return new UrlStore(target, credentials);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    throw new NexusError(`unsupported repository URL ${target}`, { hint: 'use a directory, an http(s):// URL, or --oci oci://HOST/PATH for a registry' });
  }
  return new DirStore(target);
}
