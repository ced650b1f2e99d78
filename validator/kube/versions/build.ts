/**
 * Development-time generator of the per-version API tables (format.ts) from the Kubernetes OpenAPI v2
 * documents of each minor, as published by kubernetes-sigs/reference-docs
 * (`gen-apidocs/config/v1_XX/swagger.json`, generated from kubernetes/kubernetes at the release tag).
 *
 *   git -C <reference-docs clone> show HEAD:gen-apidocs/config/v1_32/swagger.json > specs/v1.32.json   # per minor
 *   npx tsx validator/kube/versions/build.ts --specs specs --write      # writes validator/kube/generated/versions/
 *   npx tsx validator/kube/versions/build.ts --specs specs              # checks the committed files
 *
 * Only facts are kept: kinds, field names, types, required fields and enums; no descriptions. The
 * latest minor is stored whole and every older one as the models that differ from it, which keeps the
 * eight versions at a fraction of eight full tables; a run loads the latest plus its target's
 * difference, nothing else (tables.ts).
 *
 * Required fields: a field counts as required in a version only if it is in that version's `required`
 * and in every later one that has the field (older documents marked fields the server never enforced).
 *
 * Enums: the 1.29–1.33 documents were published without them (the OpenAPIEnums gate was off), so for
 * those the enum of the same model field in the oldest document that has them is used. An enum value
 * added after the target minor is then accepted (a miss, never a false alarm): noted in each file.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LATEST_MINOR, SUPPORTED_MINORS, type StoredVersion, type VersionSource } from './format.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const VERSIONS_DIR = join(ROOT, 'validator', 'kube', 'generated', 'versions');
const REPOSITORY = 'kubernetes-sigs/reference-docs';

type Schema = Record<string, unknown> & {
  type?: string;
  format?: string;
  $ref?: string;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
};
interface Swagger {
  definitions: Record<string, Schema & { 'x-kubernetes-group-version-kind'?: Array<{ group: string; version: string; kind: string }> }>;
  paths: Record<string, Record<string, unknown>>;
}

const PREFIXES = ['io.k8s.api.', 'io.k8s.apimachinery.pkg.apis.', 'io.k8s.apimachinery.pkg.', 'io.k8s.apiextensions-apiserver.pkg.apis.', 'io.k8s.kube-aggregator.pkg.apis.'];

export function shortName(full: string): string {
  for (const p of PREFIXES) if (full.startsWith(p)) return full.slice(p.length);
  return full;
}

/** Definitions that are scalars on the wire. */
function leafOf(name: string, def: Schema): string | undefined {
  if (name.endsWith('.api.resource.Quantity')) return 'q';
  if (name.endsWith('.apis.meta.v1.Duration')) return 'd';
  if (def.properties && Object.keys(def.properties).length) return undefined;
  if (def.format === 'int-or-string') return 'o';
  if (def.format === 'date-time') return 't';
  if (def.type === 'string') return 's';
  return '*'; // RawExtension, JSON, FieldsV1: any JSON
}

/** Creatable/readable kinds: a GVK used by a non-subresource API path. */
function servedKinds(doc: Swagger): Map<string, string> {
  const gvks = new Set<string>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    if (/\{name\}\//.test(path)) continue; // subresources (status, scale, eviction, token…)
    for (const op of Object.values(ops)) {
      const g = (op as { 'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string } } | null)?.['x-kubernetes-group-version-kind'];
      if (g) gvks.add(`${g.group ? `${g.group}/` : ''}${g.version}/${g.kind}`);
    }
  }
  const out = new Map<string, string>();
  for (const [name, def] of Object.entries(doc.definitions)) {
    for (const g of def['x-kubernetes-group-version-kind'] ?? []) {
      const key = `${g.group ? `${g.group}/` : ''}${g.version}/${g.kind}`;
      // `FooList` is served with Foo (kubectl accepts both in a manifest).
      const listOf = g.kind.endsWith('List') ? key.slice(0, -4) : undefined;
      if (gvks.has(key) || (listOf && gvks.has(listOf))) {
        if (out.has(key) && out.get(key) !== name) throw new Error(`two definitions for ${key}: ${out.get(key)} and ${name}`);
        out.set(key, name);
      }
    }
  }
  return out;
}

type EnumIndex = Map<string, string[]>; // `model.field` → values

function enumIndex(doc: Swagger): EnumIndex {
  const idx: EnumIndex = new Map();
  for (const [name, def] of Object.entries(doc.definitions)) {
    for (const [field, s] of Object.entries(def.properties ?? {})) {
      const values = s.enum ?? s.items?.enum ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties.enum : undefined);
      if (values) idx.set(`${name}.${field}`, values.map(String).sort());
    }
  }
  return idx;
}

function encodeField(s: Schema, doc: Swagger, enums: string[] | undefined, need: (ref: string) => string): string {
  if (s.$ref) return need(s.$ref.replace('#/definitions/', ''));
  switch (s.type) {
    case 'array':
      return `[]${encodeField(s.items ?? {}, doc, enums, need)}`;
    case 'object':
      return typeof s.additionalProperties === 'object' ? `{}${encodeField(s.additionalProperties, doc, enums, need)}` : '*';
    case 'boolean':
      return 'b';
    case 'integer':
      return s.format === 'int32' ? 'i' : 'l';
    case 'number':
      return 'n';
    case 'string':
      if (s.format === 'byte') return 'y';
      if (s.format === 'date-time') return 't';
      if (s.format === 'int-or-string') return 'o';
      if (enums?.length) {
        for (const v of enums) if (v.includes('|')) throw new Error(`enum value with "|": ${v}`);
        return `s|${enums.join('|')}`;
      }
      return 's';
    default:
      return '*';
  }
}

export interface BuiltVersion {
  minor: number;
  kinds: Record<string, string>;
  models: Record<string, Record<string, string>>;
  source: VersionSource;
}

/** `model.field` → whether the document lists it in `required` (absent: the field does not exist). */
type RequiredIndex = Map<string, boolean>;

function requiredIndex(doc: Swagger): RequiredIndex {
  const idx: RequiredIndex = new Map();
  for (const [name, def] of Object.entries(doc.definitions)) {
    const req = new Set(def.required ?? []);
    for (const field of Object.keys(def.properties ?? {})) idx.set(`${name}.${field}`, req.has(field));
  }
  return idx;
}

/** One version's table from its OpenAPI document (and the enums to use for it). */
export function buildVersion(minor: number, doc: Swagger, enums: EnumIndex, source: VersionSource, laterRequired: RequiredIndex[] = []): BuiltVersion {
  const models: Record<string, Record<string, string>> = {};
  const names = new Map<string, string>(); // short → full, to prove shortening is unambiguous
  const need = (full: string): string => {
    const def = doc.definitions[full];
    if (!def) throw new Error(`1.${minor}: missing definition ${full}`);
    const leaf = leafOf(full, def);
    if (leaf) return leaf;
    const short = shortName(full);
    if (names.has(short) && names.get(short) !== full) throw new Error(`short name clash: ${short}`);
    names.set(short, full);
    if (models[short]) return short;
    const fields: Record<string, string> = {};
    models[short] = fields;
    // OpenAPI `required` comes from Go struct tags, not from validation: older documents mark fields
    // the server never enforced (StatefulSet serviceName, NetworkPolicy podSelector in 1.32), and
    // later releases corrected the tags. A field counts as required only if every later document
    // that has it agrees.
    const required = new Set((def.required ?? []).filter((f) => laterRequired.every((idx) => idx.get(`${full}.${f}`) !== false)));
    for (const [field, s] of Object.entries(def.properties ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
      fields[field] = `${required.has(field) ? '!' : ''}${encodeField(s, doc, enums.get(`${full}.${field}`), need)}`;
    }
    return short;
  };
  const kinds: Record<string, string> = {};
  for (const [key, full] of [...servedKinds(doc)].sort(([a], [b]) => (a < b ? -1 : 1))) kinds[key] = need(full);
  return { minor, kinds, models: sortKeys(models), source };
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const COMMENT = 'Generated by validator/kube/versions/build.ts from the Kubernetes OpenAPI documents named in `source`; do not edit.';

/** The files to commit: the latest whole, the others as differences from it. */
export function storedVersions(built: BuiltVersion[]): Map<string, StoredVersion> {
  const latest = built.find((b) => b.minor === LATEST_MINOR);
  if (!latest) throw new Error(`the latest minor 1.${LATEST_MINOR} is required`);
  const out = new Map<string, StoredVersion>();
  for (const b of built) {
    const version = `1.${b.minor}`;
    if (b === latest) {
      out.set(version, { $comment: COMMENT, version, source: b.source, kinds: b.kinds, models: b.models });
      continue;
    }
    const diff: Record<string, Record<string, string> | null> = {};
    for (const [name, fields] of Object.entries(b.models)) if (JSON.stringify(latest.models[name]) !== JSON.stringify(fields)) diff[name] = fields;
    for (const name of Object.keys(latest.models)) if (!(name in b.models)) diff[name] = null;
    out.set(version, { $comment: COMMENT, version, base: `1.${LATEST_MINOR}`, source: b.source, kinds: b.kinds, models: sortKeys(diff) });
  }
  return out;
}

/** Canonical text of a stored version: one model per line, so diffs between releases stay readable. */
export function serializeVersion(v: StoredVersion): string {
  const head = { $comment: v.$comment, version: v.version, ...(v.base ? { base: v.base } : {}), source: v.source };
  const lines = [`{${JSON.stringify(head).slice(1, -1)},`, `"kinds":${JSON.stringify(v.kinds)},`, '"models":{'];
  const entries = Object.entries(v.models);
  entries.forEach(([name, fields], i) => lines.push(`${JSON.stringify(name)}:${JSON.stringify(fields)}${i < entries.length - 1 ? ',' : ''}`));
  lines.push('}}');
  return `${lines.join('\n')}\n`;
}

export function versionFile(version: string): string {
  return join(VERSIONS_DIR, `kube-${version}.json`);
}

export const INDEX_FILE = join(VERSIONS_DIR, 'kinds-index.json');

/** Which minors serve each kind: answers "served from / removed in" without loading every table. */
export function serializeIndex(stored: Map<string, StoredVersion>): string {
  const index: Record<string, number[]> = {};
  for (const v of stored.values()) {
    const minor = Number(v.version.split('.')[1]);
    for (const key of Object.keys(v.kinds)) (index[key] ??= []).push(minor);
  }
  const sorted = Object.fromEntries(Object.entries(index).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, m]) => [k, m.sort((a, b) => a - b)]));
  return `${JSON.stringify({ $comment: COMMENT.replace(' named in `source`', ' of every supported version'), kinds: sorted }, null, 0).replace(/\],"/g, '],\n"')}\n`;
}

function gitBlobSha(text: Buffer): string {
  return createHash('sha1').update(`blob ${text.length}\0`).update(text).digest('hex');
}

export function buildAll(specsDir: string): Map<string, StoredVersion> {
  const docs = new Map<number, { doc: Swagger; blob: string }>();
  for (const minor of SUPPORTED_MINORS) {
    const file = join(specsDir, `v1.${minor}.json`);
    if (!existsSync(file)) throw new Error(`missing ${file} (have: ${readdirSync(specsDir).join(', ')})`);
    const raw = readFileSync(file);
    docs.set(minor, { doc: JSON.parse(raw.toString('utf8')) as Swagger, blob: gitBlobSha(raw) });
  }
  // Enums: a version's own, else those of the oldest newer version that has any.
  const own = new Map([...docs].map(([m, d]) => [m, enumIndex(d.doc)]));
  const built: BuiltVersion[] = [];
  for (const minor of SUPPORTED_MINORS) {
    const enumsFrom = own.get(minor)!.size ? minor : SUPPORTED_MINORS.find((m) => m > minor && own.get(m)!.size);
    if (enumsFrom === undefined) throw new Error(`no enum-bearing spec at or after 1.${minor}`);
    const source: VersionSource = { repository: REPOSITORY, path: `gen-apidocs/config/v1_${minor}/swagger.json`, blob: docs.get(minor)!.blob, enumsFrom: `1.${enumsFrom}` };
    const later = SUPPORTED_MINORS.filter((m) => m > minor).map((m) => requiredIndex(docs.get(m)!.doc));
    built.push(buildVersion(minor, docs.get(minor)!.doc, own.get(enumsFrom)!, source, later));
  }
  return storedVersions(built);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--specs');
  if (i < 0 || !process.argv[i + 1]) {
    process.stderr.write('usage: build.ts --specs DIR [--write]   (DIR holds v1.29.json … v1.36.json)\n');
    process.exit(2);
  }
  const stored = buildAll(process.argv[i + 1]!);
  let stale = 0;
  if (process.argv.includes('--write')) mkdirSync(VERSIONS_DIR, { recursive: true });
  for (const [version, v] of stored) {
    const text = serializeVersion(v);
    const file = versionFile(version);
    if (process.argv.includes('--write')) {
      writeFileSync(file, text);
      process.stdout.write(`wrote ${file}: ${Object.keys(v.kinds).length} kinds, ${Object.keys(v.models).length} ${v.base ? 'changed ' : ''}models, ${text.length} bytes\n`);
    } else if (!existsSync(file) || readFileSync(file, 'utf8') !== text) {
      stale++;
      process.stdout.write(`${file} is stale\n`);
    }
  }
  const index = serializeIndex(stored);
  if (process.argv.includes('--write')) writeFileSync(INDEX_FILE, index);
  else if (!existsSync(INDEX_FILE) || readFileSync(INDEX_FILE, 'utf8') !== index) {
    stale++;
    process.stdout.write(`${INDEX_FILE} is stale\n`);
  }
  if (!process.argv.includes('--write')) {
    process.stdout.write(stale ? 'run with --write to regenerate\n' : 'version tables are up to date\n');
    process.exitCode = stale ? 1 : 0;
  }
}
