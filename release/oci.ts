/**
 * OCI registries: reading what is published (tags, the chart layer digest) over the distribution API,
 * and pushing with helm. Plain HTTP only for loopback hosts; credentials reach helm through
 * `helm registry login --password-stdin` into a throw-away registry config, never through argv.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NexusError } from '../util/errors.ts';
import { basicAuth, type Credentials } from './credentials.ts';
import { describeFetchError } from './fetch-error.ts';
import { helmOrThrow, type HelmRunner } from './helm-exec.ts';

export const CHART_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
export const PROV_LAYER = 'application/vnd.cncf.helm.chart.provenance.v1.prov';
const MANIFEST_TYPES = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'].join(', ');

export interface OciRef {
  /** host[:port] */
  host: string;
  /** Repository namespace under the host, without the chart name (may be empty). */
  path: string;
  plainHttp: boolean;
  /** `oci://host/path`, normalised. */
  url: string;
}

export function isLoopbackHost(hostPort: string): boolean {
  const bracketed = /^\[(.*)\](:\d+)?$/.exec(hostPort);
  const host = bracketed ? bracketed[1]! : hostPort.replace(/:\d+$/, '');
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

export function parseOciRef(ref: string): OciRef {
  const m = /^oci:\/\/([^/\s]+)(\/[^\s]*)?$/.exec(ref.trim());
  if (!m) throw new NexusError(`not an OCI reference: ${ref}`, { hint: 'use oci://HOST[:PORT]/PATH, e.g. oci://ghcr.io/my-org/charts' });
  const host = m[1]!;
  const path = (m[2] ?? '').replace(/^\/+|\/+$/g, '');
  if (/[A-Z]/.test(path)) throw new NexusError(`OCI repository paths must be lowercase: ${ref}`);
  return { host, path, plainHttp: isLoopbackHost(host), url: `oci://${host}${path ? `/${path}` : ''}` };
}

export interface PublishedChart {
  tag: string;
  manifestDigest?: string;
  /** sha256:<hex> of the chart archive layer. */
  chartDigest: string;
  provDigest?: string;
}

/** A minimal distribution-API reader with Basic and Bearer-token auth (ghcr.io, Docker Hub, distribution). */
export class RegistryClient {
  private token?: string;
  private tokenScope?: string;
  constructor(
    readonly ref: OciRef,
    private readonly credentials?: Credentials,
  ) {}

  private base(): string {
    return `${this.ref.plainHttp ? 'http' : 'https'}://${this.ref.host}/v2`;
  }

  repository(chart: string): string {
    return this.ref.path ? `${this.ref.path}/${chart}` : chart;
  }

  private async raw(url: string, headers: Record<string, string>, method = 'GET'): Promise<Response> {
    try {
      return await fetch(url, { method, headers, signal: AbortSignal.timeout(30_000) });
    } catch (err) {
      throw new NexusError(`OCI registry ${this.ref.host} is unreachable: ${describeFetchError(err)}`, {
        hint: `check the host and port in ${this.ref.url}${this.ref.plainHttp ? '' : ' (HTTPS is required for non-loopback registries)'}; nothing was published`,
        cause: err,
      });
    }
  }

  private async authenticate(challenge: string, scope: string): Promise<void> {
    const bearer = /^Bearer\s+(.*)$/i.exec(challenge);
    if (!bearer) return;
    const params = Object.fromEntries([...bearer[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    if (!params.realm) return;
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set('service', params.service);
    url.searchParams.set('scope', params.scope ?? scope);
    const res = await this.raw(url.toString(), this.credentials ? { authorization: basicAuth(this.credentials) } : {});
    if (!res.ok) throw new NexusError(`OCI registry ${this.ref.host} refused a token: HTTP ${res.status}`, { hint: 'set NEXUS_OCI_USERNAME and NEXUS_OCI_PASSWORD (or --oci-password-file)' });
    const body = (await res.json()) as { token?: string; access_token?: string };
    this.token = body.token ?? body.access_token;
  }

  async get(pathUnderV2: string, accept: string, scope: string, method = 'GET'): Promise<Response> {
    const url = /^https?:\/\//.test(pathUnderV2) ? pathUnderV2 : `${this.base()}${pathUnderV2}`;
    const headers = (): Record<string, string> => ({
      accept,
      ...(this.token ? { authorization: `Bearer ${this.token}` } : this.credentials ? { authorization: basicAuth(this.credentials) } : {}),
    });
    let res = await this.raw(url, headers(), method);
    const challenge = res.headers.get('www-authenticate');
    if (res.status === 401 && challenge && (!this.token || this.tokenScope !== scope)) {
      await this.authenticate(challenge, scope);
      this.tokenScope = scope;
      if (this.token) res = await this.raw(url, headers(), method);
    }
    return res;
  }

  /**
   * Proves that a push would be allowed, without pushing: starts a blob upload session and cancels
   * it (the check go-containerregistry's CheckPushPermission makes). Nothing becomes visible.
   */
  async checkPush(chart: string): Promise<void> {
    const repo = this.repository(chart);
    const scope = `repository:${repo}:pull,push`;
    const res = await this.get(`/${repo}/blobs/uploads/`, '*/*', scope, 'POST');
    if (res.status === 202) {
      const location = res.headers.get('location');
      if (location) {
        const cancel = new URL(location, `${this.base()}/`).toString();
        await this.get(cancel, '*/*', scope, 'DELETE').catch(() => undefined);
      }
      return;
    }
    const denied = res.status === 401 || res.status === 403;
    throw new NexusError(`${this.ref.url} does not allow a push to ${repo}: HTTP ${res.status}`, {
      hint: denied ? 'nothing was published: set NEXUS_OCI_USERNAME and NEXUS_OCI_PASSWORD (or --oci-password-file) for an account that may push (ghcr.io: `packages: write`)' : 'nothing was published',
    });
  }

  /** Proves the registry answers the distribution API (any HTTP answer from /v2/ counts). */
  async ping(): Promise<void> {
    const res = await this.get('/', 'application/json', '');
    if (res.status >= 500) throw new NexusError(`OCI registry ${this.ref.host} answered HTTP ${res.status} on /v2/`);
  }

  async tags(chart: string): Promise<string[]> {
    const repo = this.repository(chart);
    const res = await this.get(`/${repo}/tags/list`, 'application/json', `repository:${repo}:pull`);
    if (res.status === 404) return [];
    if (!res.ok) throw new NexusError(`listing tags of ${this.ref.host}/${repo} failed: HTTP ${res.status}`);
    return ((await res.json()) as { tags?: string[] | null }).tags ?? [];
  }

  /** The published chart for a tag (helm tags `1.2.3+meta` as `1.2.3_meta`), or undefined. */
  async chart(chart: string, version: string): Promise<PublishedChart | undefined> {
    const repo = this.repository(chart);
    const tag = version.replace(/\+/g, '_');
    const res = await this.get(`/${repo}/manifests/${tag}`, MANIFEST_TYPES, `repository:${repo}:pull`);
    if (res.status === 404) return undefined;
    if (!res.ok) throw new NexusError(`reading ${this.ref.host}/${repo}:${tag} failed: HTTP ${res.status}`, { hint: res.status === 401 ? 'set NEXUS_OCI_USERNAME and NEXUS_OCI_PASSWORD' : undefined });
    const manifest = (await res.json()) as { layers?: { mediaType: string; digest: string }[] };
    const layer = manifest.layers?.find((l) => l.mediaType === CHART_LAYER);
    if (!layer) throw new NexusError(`${this.ref.host}/${repo}:${tag} exists but is not a Helm chart (no ${CHART_LAYER} layer)`);
    return {
      tag,
      manifestDigest: res.headers.get('docker-content-digest') ?? undefined,
      chartDigest: layer.digest,
      provDigest: manifest.layers?.find((l) => l.mediaType === PROV_LAYER)?.digest,
    };
  }

  async blob(chart: string, digest: string): Promise<Uint8Array> {
    const repo = this.repository(chart);
    const res = await this.get(`/${repo}/blobs/${digest}`, '*/*', `repository:${repo}:pull`);
    if (!res.ok) throw new NexusError(`downloading ${digest} from ${this.ref.host}/${repo} failed: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  }
}

/**
 * `helm push` (the .prov beside the archive is pushed as its provenance layer). With credentials, a
 * throw-away registry config is logged into first, so nothing lingers in helm's config afterwards.
 */
export async function pushChart(helm: HelmRunner & { major: number }, tgzPath: string, ref: OciRef, credentials?: Credentials): Promise<string> {
  const configDir = mkdtempSync(join(tmpdir(), 'nexus-registry-'));
  const env = { HELM_REGISTRY_CONFIG: join(configDir, 'config.json') };
  try {
    if (credentials) {
      const loopbackFlags = ref.plainHttp ? (helm.major >= 4 ? ['--plain-http'] : ['--insecure']) : [];
      await helmOrThrow(helm, ['registry', 'login', ref.host, '--username', credentials.username, '--password-stdin', ...loopbackFlags], `logging in to ${ref.host}`, {
        input: `${credentials.password}\n`,
        env,
        hint: 'check NEXUS_OCI_USERNAME / NEXUS_OCI_PASSWORD (for ghcr.io: the workflow token needs `packages: write`)',
      });
    }
    return await helmOrThrow(helm, ['push', tgzPath, ref.url, ...(ref.plainHttp ? ['--plain-http'] : [])], `pushing to ${ref.url}`, {
      env,
      hint: 'nothing else was published; fix the registry problem and run publish again (it is idempotent)',
    });
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
}
