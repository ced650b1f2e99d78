/**
 * JSON-schema validators for kinds outside kubernetes-models: the built-in CRD schemas (VPA,
 * KongPlugin), CRD files (`--crd`) and `--schema-location` schemas. ajv is imported lazily: runs
 * without such kinds never pay for it.
 */
import type { AnySchema, ErrorObject, ValidateFunction } from 'ajv';
import { translateRe2 } from './re2.ts';

export type JsonSchema = Record<string, unknown>;

// Same grammar as apimachinery's resource.Quantity.
const QUANTITY = /^[+-]?(?:\d+|\d+\.\d+|\d+\.|\.\d+)(?:[KMGTPE]i|[YZEPTGMkhdcmunpfazy]|da|[eE][+-]?(?:\d+|\d+\.\d+|\d+\.|\.\d+))?$/;

type AjvInstance = { compile(schema: AnySchema): ValidateFunction };
let ajvPromise: Promise<AjvInstance> | undefined;

async function makeAjv(): Promise<AjvInstance> {
  const [{ default: AjvCtor }, { default: addFormats }] = await Promise.all([import('ajv'), import('ajv-formats')]);
  const Ajv = AjvCtor as unknown as new (opts: Record<string, unknown>) => AjvInstance & { addFormat(name: string, f: unknown): void };
  const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, logger: false, validateSchema: false, addUsedSchema: false });
  (addFormats as unknown as (a: unknown) => void)(ajv);
  ajv.addFormat('quantity', QUANTITY);
  for (const f of ['int-or-string', 'string', 'cidr', 'int32', 'int64', 'float', 'double', 'byte', 'date-time-micro']) ajv.addFormat(f, true);
  return ajv;
}

export function getAjv(): Promise<AjvInstance> {
  ajvPromise ??= makeAjv();
  return ajvPromise;
}

export interface CompiledSchema {
  validate: ValidateFunction;
}

/**
 * Compiles a JSON schema; keywords ajv would choke on (`$schema`, draft-04 `id`) are removed first.
 * A schema ajv refuses (a bad `$ref`, a malformed keyword) is an Error naming why, for the caller to
 * report against the kind; it never escapes as a crash of the run.
 */
export async function compileJsonSchema(schema: JsonSchema): Promise<ValidateFunction> {
  const ajv = await getAjv();
  const copy = { ...schema };
  delete copy.$schema;
  delete copy.id;
  delete copy.$id;
  try {
    return ajv.compile(copy);
  } catch (err) {
    throw new SchemaCompileError((err as Error).message);
  }
}

export class SchemaCompileError extends Error {}

/**
 * Kubernetes structural-schema extensions → plain JSON schema, and (when `strict`) closed objects:
 * an object schema with `properties`, no `additionalProperties` and no
 * `x-kubernetes-preserve-unknown-fields` gets `additionalProperties: false`.
 * `pattern`s are Go RE2 (the API server's engine): they are translated to JavaScript (re2.ts); one
 * that cannot be is dropped here and reported per value by crd-extensions.ts, never thrown.
 */
export function kubeToJsonSchema(node: unknown, strict: boolean, depth = 0): unknown {
  if (depth > 100 || node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map((n) => kubeToJsonSchema(n, strict, depth + 1));
  const s = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (k.startsWith('x-kubernetes-') || k === 'nullable' || k === 'example' || k === 'externalDocs') continue;
    if (k === 'pattern' && typeof v === 'string') {
      const t = translateRe2(v);
      if (t.ok) {
        out[k] = t.source;
        if (t.source !== v) out['x-nexus-re2'] = v; // the pattern as written, for messages
      }
      continue;
    }
    if (k === 'properties' || k === 'patternProperties' || k === 'definitions' || k === 'dependencies') {
      out[k] = v && typeof v === 'object' ? Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([pk, pv]) => [pk, kubeToJsonSchema(pv, strict, depth + 1)])) : v;
    } else {
      out[k] = kubeToJsonSchema(v, strict, depth + 1);
    }
  }
  if (s['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (s.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  if (strict && s.properties && typeof s.properties === 'object' && s.additionalProperties === undefined && s['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

export type { ErrorObject, ValidateFunction };
