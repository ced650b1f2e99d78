/**
 * Shared plumbing of the PostgreSQL and Redis deep checks: locating the Debian server binaries, the
 * "not installed" error finding, free loopback ports, and rewriting cluster-only config lines.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import type { Finding } from '../../core/types.ts';

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

export function missingServerToolFinding(policyId: string, tool: string, what: string): Finding {
  return { policyId, severity: 'error', message: `${tool} is not installed, so ${what} was not checked`, hint: STATEFUL_TOOLS_HINT };
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
