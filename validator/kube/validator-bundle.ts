/**
 * Start-up cost matters for `npm run validate`: kubernetes-models' validators are hundreds of small
 * modules, and loading them one by one costs more than checking the objects. The validators for the
 * kinds a run needs are therefore bundled once with esbuild into .cache/kube-validators/<hash>.mjs
 * (keyed by the kind set and the package versions) and loaded as one module afterwards. Without
 * esbuild, or if the build fails, the caller falls back to importing the modules directly.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../../util/paths.ts';
import { kubeTables } from './tables.ts';

export type ValidateFn = ((data: unknown) => boolean) & { errors?: unknown[] | null };

const BUNDLE_DIR = join(PROJECT_ROOT, '.cache', 'kube-validators');

/**
 * Validators for `keys` from one cached bundle, or undefined. Kinds with a compiled kubernetes-models
 * validator are bundled as they are; `jsonSchemas` (the bundled CRD schemas) are compiled to
 * standalone code with ajv at build time, so runs that hit the cache never load ajv.
 */
export async function bundledValidators(keys: readonly string[], jsonSchemas: ReadonlyArray<{ key: string; schema: Record<string, unknown> }> = []): Promise<Map<string, ValidateFn> | undefined> {
  if (process.env.NEXUS_NO_VALIDATOR_BUNDLE === '1') return undefined;
  const tables = kubeTables();
  const wanted = [...new Set(keys)].filter((k) => tables.kinds[k]).sort();
  const schemas = [...jsonSchemas].sort((a, b) => (a.key < b.key ? -1 : 1));
  if (wanted.length + schemas.length < 2) return undefined;
  const hash = process.getBuiltinModule('node:crypto').createHash('sha256').update(JSON.stringify({ wanted, schemas, sources: tables.sources, v: 2 })).digest('hex').slice(0, 20);
  const file = join(BUNDLE_DIR, `${hash}.mjs`);
  const all = [...wanted, ...schemas.map((s) => s.key)];
  try {
    if (!existsSync(file)) {
      const [{ build }, standalone] = await Promise.all([import('esbuild'), schemas.length ? standaloneSources(schemas.map((s) => s.schema)) : Promise.resolve([])]);
      mkdirSync(BUNDLE_DIR, { recursive: true });
      const tmp = `${file}.tmp-${process.pid}`;
      const srcDir = `${file}.src-${process.pid}`;
      mkdirSync(srcDir, { recursive: true });
      const schemaFiles = standalone.map((code, i) => {
        const f = join(srcDir, `schema${i}.mjs`);
        writeFileSync(f, code);
        return f;
      });
      await build({
        stdin: {
          contents: [
            ...wanted.map((k, i) => `export { validate as v${i} } from ${JSON.stringify(join(PROJECT_ROOT, 'node_modules', `${tables.kinds[k]!.validator}.js`))};`),
            ...schemaFiles.map((f, i) => `export { validate as v${wanted.length + i} } from ${JSON.stringify(f)};`),
          ].join('\n'),
          resolveDir: PROJECT_ROOT,
          loader: 'js',
        },
        outfile: tmp,
        bundle: true,
        format: 'esm',
        platform: 'node',
        target: 'node20',
        external: ['@kubernetes-models/validate'],
        logLevel: 'silent',
      });
      rmSync(srcDir, { recursive: true, force: true });
      renameSync(tmp, file); // atomic: concurrent runs never load a half-written bundle
    }
    const mod = (await import(pathToFileURL(file).href)) as Record<string, ValidateFn>;
    return new Map(all.map((k, i) => [k, mod[`v${i}`]!]));
  } catch {
    return undefined;
  }
}

/** ESM source of a standalone ajv validator per schema (same options as json-schema.ts, minus formats). */
async function standaloneSources(schemas: ReadonlyArray<Record<string, unknown>>): Promise<string[]> {
  const [{ default: AjvCtor }, { default: standaloneCode }] = await Promise.all([import('ajv'), import('ajv/dist/standalone/index.js')]);
  const Ajv = AjvCtor as unknown as new (opts: Record<string, unknown>) => { compile(s: unknown): unknown };
  const gen = standaloneCode as unknown as (ajv: unknown, v: unknown) => string;
  return schemas.map((schema) => {
    const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, logger: false, code: { source: true, esm: true } });
    return gen(ajv, ajv.compile(schema));
  });
}

/** Formats json-schema.ts accepts without a check (the only ones a standalone validator may meet: it has no format code). */
const UNCHECKED_FORMATS = new Set(['int-or-string', 'string', 'cidr', 'int32', 'int64', 'float', 'double', 'byte', 'date-time-micro']);

function needsFormats(node: unknown, depth = 0): boolean {
  if (depth > 200 || node === null || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some((n) => needsFormats(n, depth + 1));
  for (const [k, v] of Object.entries(node)) {
    if (k === 'format' && typeof v === 'string' && !UNCHECKED_FORMATS.has(v)) return true;
    if (needsFormats(v, depth + 1)) return true;
  }
  return false;
}

/**
 * A `--crd` (or schema-location) schema's validator, compiled once to standalone code and cached in
 * .cache/kube-validators/schema-<hash>.mjs (keyed by the schema and the ajv version): later runs import
 * it instead of loading ajv and compiling (~0.1–0.2 s of every such run). The code is what ajv.compile
 * generates for the same schema and options, so its errors are the same. Undefined (the caller compiles
 * with ajv) for schemas with checked formats, or when the cache cannot be built.
 */
export async function cachedSchemaValidator(schema: Record<string, unknown>): Promise<ValidateFn | undefined> {
  if (process.env.NEXUS_NO_VALIDATOR_BUNDLE === '1' || needsFormats(schema)) return undefined;
  const copy = { ...schema };
  // As json-schema.ts compileJsonSchema does.
  delete copy.$schema;
  delete copy.id;
  delete copy.$id;
  const ajvVersion = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'node_modules', 'ajv', 'package.json'), 'utf8')) as { version: string }).version;
  const hash = process.getBuiltinModule('node:crypto').createHash('sha256').update(JSON.stringify({ copy, ajvVersion, v: 2 })).digest('hex').slice(0, 24);
  const file = join(BUNDLE_DIR, `schema-${hash}.mjs`);
  try {
    if (!existsSync(file)) {
      const [code] = await standaloneSources([copy]);
      mkdirSync(BUNDLE_DIR, { recursive: true });
      const tmp = `${file}.tmp-${process.pid}`;
      // ajv's standalone code requires its runtime helpers (ucs2length, equal…): give the module a require.
      writeFileSync(tmp, `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n${code!}`);
      renameSync(tmp, file); // atomic: concurrent runs never load a half-written module
    }
    return ((await import(pathToFileURL(file).href)) as { default: ValidateFn }).default;
  } catch {
    return undefined;
  }
}
