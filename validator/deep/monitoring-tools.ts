/**
 * Shared plumbing of the Prometheus and AlertManager deep checks: locating Debian's promtool/amtool,
 * running them, and pulling embedded config files out of rendered ConfigMaps, Secrets and
 * PrometheusRules. No policy logic lives here.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { PROJECT_ROOT } from '../../util/paths.ts';
import type { Finding, K8sResource } from '../../core/types.ts';
import { escapePointerSegment } from '../../core/json-pointer.ts';

export const DEBIAN_TOOLS_DIR = join(PROJECT_ROOT, '.tools', 'debian', 'usr', 'bin');

export const MONITORING_TOOLS_HINT =
  'run `bash scripts/install-system-deps.sh` (it extracts promtool and amtool from Debian\'s prometheus and prometheus-alertmanager packages into .tools/debian/usr/bin), or put them on PATH';

/**
 * `.tools/debian/usr/bin/<name>` first (pinned by the install script; `NEXUS_TOOLS_DIR` replaces that
 * folder), then PATH.
 */
export function locateTool(name: string): string | undefined {
  const candidates = [process.env.NEXUS_TOOLS_DIR ?? DEBIAN_TOOLS_DIR, ...(process.env.PATH ?? '').split(delimiter).filter(Boolean)];
  return candidates.map((dir) => join(dir, name)).find((p) => existsSync(p));
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runTool(bin: string, args: string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { cwd: options.cwd, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      if (error && typeof (error as NodeJS.ErrnoException).code === 'string') {
        reject(new Error(`cannot run ${bin}: ${(error as NodeJS.ErrnoException).code}`));
        return;
      }
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** The error finding for a checker whose tool is not installed: could not check (exit 2, policy deep/tool-missing). */
export function missingToolFinding(policyId: string, tool: string): Finding {
  return { policyId: 'deep/tool-missing', severity: 'error', message: `${tool} is not installed, so the embedded configs were not checked (${policyId})`, hint: MONITORING_TOOLS_HINT };
}

/** One file embedded in a rendered object: a ConfigMap/Secret data key, or a PrometheusRule's groups. */
export interface EmbeddedFile {
  resource: K8sResource;
  key: string;
  content: string;
  /** JSON pointer of the file inside the object, e.g. `/data/alertmanager.yml`. */
  jsonPointer: string;
}

/** Every data key of ConfigMaps (plain) and Secrets (base64 `data`, plain `stringData`). */
export function embeddedFiles(resources: K8sResource[]): EmbeddedFile[] {
  const out: EmbeddedFile[] = [];
  for (const resource of resources) {
    const obj = resource.object;
    const add = (field: string, decode: (v: string) => string) => {
      const data = obj[field];
      if (!data || typeof data !== 'object') return;
      for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
        if (typeof value === 'string') out.push({ resource, key, content: decode(value), jsonPointer: `/${field}/${escapePointerSegment(key)}` });
      }
    };
    if (resource.kind === 'ConfigMap' && resource.apiVersion === 'v1') add('data', (v) => v);
    if (resource.kind === 'Secret' && resource.apiVersion === 'v1') {
      add('data', (v) => Buffer.from(v, 'base64').toString('utf8'));
      add('stringData', (v) => v);
    }
  }
  return out.sort((a, b) => a.resource.docIndex - b.resource.docIndex || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** A finding located at an embedded file. */
export function findingAt(file: EmbeddedFile, policyId: string, message: string, hint?: string): Finding {
  const r = file.resource;
  const pos = r.locate?.(file.jsonPointer);
  return {
    policyId,
    severity: 'error',
    message,
    ...(r.templateFile ? { file: r.templateFile } : { file: r.source }),
    line: pos?.line ?? r.line,
    ...(pos ? { column: pos.column } : {}),
    source: r.source,
    docIndex: r.docIndex,
    apiVersion: r.apiVersion,
    kind: r.kind,
    ...(r.namespace ? { namespace: r.namespace } : {}),
    name: r.name,
    jsonPointer: file.jsonPointer,
    ...(hint ? { hint } : {}),
  };
}

/** The tool's complaint without its banner lines, with temp paths replaced by the embedded file's name. */
export function toolMessage(result: ToolResult, replacements: Record<string, string>): string {
  let text = `${result.stdout}\n${result.stderr}`;
  for (const [from, to] of Object.entries(replacements)) text = text.split(from).join(to);
  return text
    .split('\n')
    .map((l) => l.trimEnd().replace(/^Checking (?:'[^']*'|\S+)\s*/, ''))
    .filter((l) => l.trim() && !/^SUCCESS/.test(l.trim()) && !/^amtool: error: failed to validate/.test(l.trim()))
    .join('\n')
    .trim();
}
