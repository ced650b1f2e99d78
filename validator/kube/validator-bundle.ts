/**
 * Start-up cost matters for `npm run validate`: kubernetes-models' validators are hundreds of small
 * modules, and loading them one by one costs more than checking the objects. The validators for the
 * kinds a run needs are therefore bundled once with esbuild into .cache/kube-validators/<hash>.mjs
 * (keyed by the kind set and the package versions) and loaded as one module afterwards. Without
 * esbuild, or if the build fails, the caller falls back to importing the modules directly.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
  const hash = createHash('sha256').update(JSON.stringify({ wanted, schemas, sources: tables.sources, v: 2 })).digest('hex').slice(0, 20);
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
