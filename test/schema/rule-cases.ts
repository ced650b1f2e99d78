/**
 * Configs that exercise the cross-field rules, for the Zod ⇄ Helm parity tests. The values each rule
 * reads come from the rules themselves (schema/expr.ts pathsOf), and the candidate values for a path
 * from its Zod schema (every candidate the leaf accepts), so a new rule or field is covered without
 * editing this file.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { pathsOf, type Path } from '../../schema/expr.ts';
import { defaultConfig, PlatformConfig, PlatformConfigBase, ruleChecks } from '../../schema/index.ts';
import { schemaAt } from '../../schema/introspect.ts';
import { issueLine, ruleIssues, type PlacedCheck } from '../../schema/rules.ts';
import { PROJECT_ROOT, UMBRELLA_CHART_DIR } from '../../util/paths.ts';
import type { HelmFlavour } from '../../validator/helm.ts';
import { helm } from '../helpers/helm.ts';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const DIGEST = `sha256:${'a'.repeat(64)}`;
/** Values a rule might turn on; each path keeps the ones its schema accepts. */
const POOL: Json[] = [
  true, false, null, 0, 1, 2, 3, 5, 12,
  '', 'x', 'latest', '1.0.0', 'nexus.example.com', 'registry.invalid', 'ghcr.io/acme', 'localhost:5000/nexus/app', 'password', 'other-key', '50%', DIGEST,
  ['cpu'], ['memory'], ['cpu', 'memory'], ['memory', 'cpu'], ['post-install', 'pre-upgrade'], ['pre-install', 'pre-upgrade'],
];

function unwrapAll(s: z.ZodType): z.ZodType {
  let x = s;
  for (let i = 0; i < 10 && (x instanceof z.ZodDefault || x instanceof z.ZodPrefault || x instanceof z.ZodOptional || x instanceof z.ZodNullable); i++) x = x.unwrap() as z.ZodType;
  return x;
}

/** The leaf schema at a path (with its nullable/optional wrappers, which decide whether null is a candidate). */
function leafAt(path: Path): z.ZodType | undefined {
  let s: z.ZodType | undefined = PlatformConfigBase;
  for (const seg of path) {
    const inner: z.ZodType | undefined = s ? unwrapAll(s) : undefined;
    s = inner instanceof z.ZodObject ? (inner.shape as Record<string, z.ZodType>)[seg] : undefined;
    if (!s) return schemaAt(PlatformConfigBase, path);
  }
  return s;
}

const candidateCache = new Map<string, Json[]>();

/** Values of the pool (plus the field's enum options) that the field's own schema accepts. */
export function candidatesFor(path: Path): Json[] {
  const key = path.join('.');
  let found = candidateCache.get(key);
  if (!found) {
    const leaf = leafAt(path);
    const inner = leaf ? unwrapAll(leaf) : undefined;
    const options = inner instanceof z.ZodEnum ? (inner.options as Json[]) : [];
    found = leaf ? [...new Set([...options, ...POOL].map((v) => JSON.stringify(v)))].map((v) => JSON.parse(v) as Json).filter((v) => leaf.safeParse(v).success) : [];
    candidateCache.set(key, found);
  }
  return found;
}

/** Every values path the checks read, with at least two candidate values (else it cannot vary). */
export function rulePaths(checks: readonly PlacedCheck[] = ruleChecks()): Path[] {
  const seen = new Map<string, Path>();
  for (const c of checks) for (const p of [c.path, ...pathsOf(c.when), ...pathsOf(c.message)]) seen.set(p.join('.'), p);
  return [...seen.values()].filter((p) => candidatesFor(p).length >= 2).sort((a, b) => (a.join('.') < b.join('.') ? -1 : 1));
}

export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

export function setAt(root: Json, path: Path, v: Json): void {
  let node = root as Record<string, Json>;
  for (const seg of path.slice(0, -1)) {
    if (node[seg] === null || typeof node[seg] !== 'object') node[seg] = {};
    node = node[seg] as Record<string, Json>;
  }
  node[path.at(-1)!] = v;
}

/** Bases the mutations start from: the defaults, the production overlay as a full config, and the defaults with local gateway counters. */
export function bases(): { name: string; config: Json }[] {
  const production = PlatformConfigBase.parse(parse(readFileSync(join(PROJECT_ROOT, 'values.production.yaml'), 'utf8')));
  const localCounters = clone(defaultConfig()) as unknown as Json;
  setAt(localCounters, ['gateway', 'rateLimiting', 'policy'], 'local');
  return [
    { name: 'defaults', config: clone(defaultConfig()) as unknown as Json },
    { name: 'production', config: clone(production) as unknown as Json },
    // The defaults with per-pod gateway counters: Kong's default `policy: redis` couples the gateway to the
    // cache (rule gateway-redis-target), so a cache rule (e.g. cache-external) can only be broken alone
    // from a start where the gateway does not read the cache.
    { name: 'defaults, local rate-limit counters', config: localCounters },
  ];
}

/** A seeded PRNG (mulberry32), so witness searches are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The rule issues Zod reports for a config, as the Helm guard prints them, grouped by chart. */
export function zodLines(config: Json): { valid: boolean; byChart: Map<string, string[]> } {
  const base = PlatformConfigBase.safeParse(config);
  if (!base.success) return { valid: false, byChart: new Map() };
  const result = PlatformConfig.safeParse(config);
  const fromZod = result.success ? [] : result.error.issues.filter((i) => (i as { params?: { rule?: string } }).params?.rule);
  // The refinement's issues, placed with the checks (ruleIssues gives the chart; both must agree).
  const placed = ruleIssues(base.data, ruleChecks());
  if (placed.length !== fromZod.length) throw new Error(`refinement and ruleIssues disagree: ${fromZod.length} vs ${placed.length}`);
  const byChart = new Map<string, string[]>();
  for (const i of placed) byChart.set(i.chart, [...(byChart.get(i.chart) ?? []), issueLine(i)]);
  return { valid: true, byChart };
}

/** What Helm said about a config: nothing (rendered), or the chart whose guard failed and its lines. */
export interface HelmVerdict {
  code: number;
  chart?: string;
  lines: string[];
  stderr: string;
}

export const CRD_API_VERSIONS = ['autoscaling.k8s.io/v1', 'monitoring.coreos.com/v1', 'configuration.konghq.com/v1', 'cert-manager.io/v1', 'gateway.networking.k8s.io/v1', 'postgresql.cnpg.io/v1', 'barmancloud.cnpg.io/v1', 'external-secrets.io/v1'];

let dir: string | undefined;
let counter = 0;

export function parseGuardFailure(stderr: string): { chart?: string; lines: string[] } {
  const at = /\((?:[\w-]+\/)?(?:charts\/([\w-]+)\/)?templates\/values-rules\.yaml:\d+:\d+\)/.exec(stderr);
  const lines = stderr.split('\n').filter((l) => /^ {2}\[[a-z0-9-]+\] /.test(l)).map((l) => l.slice(2));
  return { chart: at ? (at[1] ?? 'nexus') : undefined, lines };
}

/** `helm template` (or another helm command taking a release and chart) of a full config. */
export async function helmVerdict(flavour: HelmFlavour, config: Json, command: string[] = ['template']): Promise<HelmVerdict> {
  dir ??= mkdtempSync(join(tmpdir(), 'nexus-rule-parity-'));
  const file = join(dir, `values-${process.pid}-${counter++}.json`);
  writeFileSync(file, JSON.stringify(config));
  // Only `helm template` takes --api-versions; an install sees what the (absent) cluster serves.
  const apis = command[0] === 'template' ? CRD_API_VERSIONS.flatMap((a) => ['--api-versions', a]) : [];
  const args = [...command, 'nexus', UMBRELLA_CHART_DIR, '--namespace', 'nexus-platform', '-f', file, ...apis];
  const r = await helm(flavour, args);
  return { code: r.code, stderr: r.stderr, ...parseGuardFailure(r.stderr) };
}

/** Runs async jobs with at most `limit` in flight (helm processes on a 2-core machine). */
export async function pool<T, R>(items: readonly T[], limit: number, job: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await job(items[i]!);
      }
    }),
  );
  return out;
}
