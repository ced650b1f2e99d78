/**
 * Builds validator/kube/generated/kube-tables.json from the pinned npm packages, for the kinds the
 * per-version API tables (versions/) do not cover:
 *  - the prometheus-operator CRD kinds (`@kubernetes-models/prometheus-operator`);
 *  - legacy built-in APIs that no supported Kubernetes version serves any more (extensions/v1beta1,
 *    policy/v1beta1…), from `kubernetes-models`, used only when `--api-versions` says the target cluster
 *    still serves one.
 * Each gets its compiled ajv validator module; the prometheus-operator kinds also a strict field table
 * walked from the model declarations (`.d.ts`).
 *
 * Why a generated, committed table instead of building it at run time: walking the declarations costs
 * far more than reading a JSON file, and test/validator/tables.test.ts rebuilds it from node_modules and
 * fails on any difference, so the table cannot silently drift from the pinned packages.
 *
 *   npx tsx validator/kube/build-tables.ts --write     # regenerate after bumping a package
 */
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const NM = join(ROOT, 'node_modules');
export const TABLES_PATH = join(ROOT, 'validator', 'kube', 'generated', 'kube-tables.json');

/**
 * Field type encoding: '' leaf (scalar or opaque), '*' open object (any keys), 'T' model T,
 * '[]X' array of X, '{}X' map of X.
 */
export interface KubeTables {
  sources: Record<string, string>;
  /** `apiVersion/kind` → where its validator and field table live. */
  kinds: Record<string, { validator: string; fields?: string }>;
  /** model name → field name → encoded type. */
  models: Record<string, Record<string, string>>;
}

function pkgVersion(name: string): string {
  return (JSON.parse(readFileSync(join(NM, name, 'package.json'), 'utf8')) as { version: string }).version;
}

interface KindEntry {
  apiVersion: string;
  kind: string;
  validator: string;
  /** `.d.ts` of the class, for the prometheus-operator field walker. */
  dts: string;
}

function scanModelsPackage(pkg: string): KindEntry[] {
  const base = join(NM, pkg);
  const out: KindEntry[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('_') || entry.name === 'node_modules') continue;
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.js') && entry.name !== 'index.js') {
        const text = readFileSync(p, 'utf8');
        const av = /this\.apiVersion="([^"]+)"/.exec(text);
        const kind = /this\.kind="([^"]+)"/.exec(text);
        const schema = /_schemas\/([A-Za-z0-9]+)\.js"/.exec(text);
        if (av && kind && schema) out.push({ apiVersion: av[1]!, kind: kind[1]!, validator: `${pkg}/_schemas/${schema[1]}`, dts: p.replace(/\.js$/, '.d.ts') });
      }
    }
  };
  walk(base);
  return out;
}

// ---------- .d.ts walker (prometheus-operator models) ----------

function classBlock(text: string, className: string): string | undefined {
  const start = text.indexOf(`export declare class ${className} `);
  if (start < 0) return undefined;
  const open = text.indexOf('{', start);
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(open + 1, i);
  }
  return undefined;
}

/** Splits `"name"?: Type;` members (types may span lines with nested braces). */
function parseFields(block: string): Array<{ name: string; type: string }> {
  const out: Array<{ name: string; type: string }> = [];
  const re = /^\s{4}"([^"]+)"\??: /gm;
  let m: RegExpExecArray | null;
  while ((m = re.exec(block))) {
    let i = re.lastIndex;
    let depth = 0;
    const startType = i;
    for (; i < block.length; i++) {
      const ch = block[i];
      if (ch === '{' || ch === '<' || ch === '(') depth++;
      else if (ch === '}' || ch === '>' || ch === ')') depth--;
      else if (ch === ';' && depth === 0) break;
    }
    out.push({ name: m[1]!, type: block.slice(startType, i).trim() });
    re.lastIndex = i;
  }
  return out;
}

interface DtsContext {
  models: Record<string, Record<string, string>>;
  visiting: Set<string>;
  open: Set<string>;
}

/** Resolves a module specifier used in a `.d.ts` import to a file path. */
function resolveDts(fromFile: string, spec: string): string | undefined {
  let p: string;
  if (spec.startsWith('.')) p = resolve(dirname(fromFile), spec);
  else p = join(NM, spec);
  p = p.replace(/\.js$/, '');
  for (const cand of [`${p}.d.ts`, join(p, 'index.d.ts')]) if (existsSync(cand)) return cand;
  return undefined;
}

function encodeDtsType(type: string, file: string, imports: Map<string, string>, ctx: DtsContext): string {
  const t = type.replace(/\s+/g, ' ').trim();
  if (/\|/.test(t) && !/^[{A]/.test(t)) return ''; // unions of literals/scalars
  const arr = /^Array<(.+)>$/.exec(t);
  if (arr) return `[]${encodeDtsType(arr[1]!, file, imports, ctx)}`;
  const map = /^\{ \[key: string\]: (.+?);? \}$/.exec(t);
  if (map) return `{}${encodeDtsType(map[1]!, file, imports, ctx)}`;
  if (t.startsWith('{')) {
    // inline object type: give it a synthetic model name
    const name = `${file.replace(NM, '').replace(/[^A-Za-z0-9]+/g, '_')}#${Object.keys(ctx.models).length}`;
    ctx.models[name] = Object.fromEntries(parseFields(`\n${t.slice(1, -1).replace(/;\s*/g, ';\n    ').replace(/^\s*/, '    ')}`).map((f) => [f.name, encodeDtsType(f.type, file, imports, ctx)]));
    return name;
  }
  if (/^(string|number|boolean|any|unknown|object|null)$/.test(t) || /^"/.test(t)) return t === 'any' || t === 'object' ? '*' : '';
  const ref = imports.get(t);
  if (!ref) return '';
  return dtsModel(ref, ctx);
}

function importsOf(file: string): Map<string, string> {
  const text = readFileSync(file, 'utf8');
  const imports = new Map<string, string>();
  for (const m of text.matchAll(/import \{ ([^}]+) \} from "([^"]+)";/g)) {
    for (const name of m[1]!.split(',').map((s) => s.trim())) {
      const target = resolveDts(file, m[2]!);
      if (target) imports.set(name, target);
    }
  }
  return imports;
}

/** The model for a `.d.ts` file: its declared class's fields. Names are package-relative paths. */
function dtsModel(file: string, ctx: DtsContext): string {
  const name = file.replace(`${NM}/`, '').replace(/\.d\.ts$/, '');
  if (ctx.open.has(name)) return '*';
  if (ctx.models[name] || ctx.visiting.has(name)) return name;
  const text = readFileSync(file, 'utf8');
  const cls = /export declare class (\w+) /.exec(text);
  if (!cls) {
    // type aliases (enums, Duration, IntOrString, Quantity): leaves
    return '';
  }
  const block = classBlock(text, cls[1]!);
  if (!block) return '';
  ctx.visiting.add(name);
  const imports = importsOf(file);
  const fields: Record<string, string> = {};
  for (const f of parseFields(block)) fields[f.name] = encodeDtsType(f.type, file, imports, ctx);
  ctx.visiting.delete(name);
  // A class without declared fields (RawExtension, JSON, FieldsV1) holds arbitrary data: open.
  if (Object.keys(fields).length === 0) {
    ctx.open.add(name);
    return '*';
  }
  ctx.models[name] = fields;
  return name;
}

// ---------- build ----------

function sortObject<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export async function buildTables(): Promise<KubeTables> {
  const kinds: KubeTables['kinds'] = {};
  const ctx: DtsContext = { models: {}, visiting: new Set(), open: new Set() };
  const models: Record<string, Record<string, string>> = {};
  const current = servedByAnySupportedVersion();

  for (const k of scanModelsPackage('kubernetes-models')) {
    const key = `${k.apiVersion}/${k.kind}`;
    if (current.has(key)) continue; // the version tables own it
    // Legacy kinds keep type/required/enum checks only: a strict table for each would weigh more than
    // every current version together, for APIs no supported release serves.
    kinds[key] = { validator: k.validator };
  }
  for (const k of scanModelsPackage('@kubernetes-models/prometheus-operator')) {
    const fields = dtsModel(k.dts, ctx);
    kinds[`${k.apiVersion}/${k.kind}`] = fields ? { validator: k.validator, fields: `d:${fields}` } : { validator: k.validator };
  }
  for (const [name, fields] of Object.entries(ctx.models)) {
    models[`d:${name}`] = Object.fromEntries(Object.entries(fields).map(([f, t]) => [f, t.replace(/^((?:\[\]|\{\})*)([A-Za-z@].*)$/, (_, pre: string, ref: string) => `${pre}d:${ref}`)]));
  }

  return {
    sources: {
      'kubernetes-models': pkgVersion('kubernetes-models'),
      '@kubernetes-models/prometheus-operator': pkgVersion('@kubernetes-models/prometheus-operator'),
    },
    kinds: sortObject(kinds),
    models: sortObject(Object.fromEntries(Object.entries(models).map(([k, v]) => [k, sortObject(v)]))),
  };
}

/** `group/version/Kind` keys some supported Kubernetes version serves (from the committed version tables). */
function servedByAnySupportedVersion(): Set<string> {
  const index = JSON.parse(readFileSync(join(ROOT, 'validator', 'kube', 'generated', 'versions', 'kinds-index.json'), 'utf8')) as { kinds: Record<string, number[]> };
  return new Set(Object.keys(index.kinds));
}

export function serializeTables(t: KubeTables): string {
  return `${JSON.stringify(t)}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const tables = await buildTables();
  const text = serializeTables(tables);
  if (process.argv.includes('--write')) {
    writeFileSync(TABLES_PATH, text);
    process.stdout.write(`wrote ${TABLES_PATH}: ${Object.keys(tables.kinds).length} kinds, ${Object.keys(tables.models).length} models, ${text.length} bytes\n`);
  } else {
    const current = existsSync(TABLES_PATH) ? readFileSync(TABLES_PATH, 'utf8') : '';
    process.stdout.write(current === text ? 'kube tables are up to date\n' : 'kube tables are stale: run `npx tsx validator/kube/build-tables.ts --write`\n');
    process.exitCode = current === text ? 0 : 1;
  }
}
