/**
 * JSON values → CEL values, the way the API server types them from the structural schema: integers
 * are CEL `int` (BigInt), numbers `double`, `format: byte` strings bytes, `date`/`date-time` strings
 * timestamps, `duration` strings durations; object properties are reachable under their escaped names
 * (`namespace` → `__namespace__`, `x-y` → `x__dash__y`); map keys stay as they are.
 */
import { compileCel } from './env.ts';

type Schema = Record<string, unknown>;

const RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);
const ACCESSIBLE = /^[a-zA-Z_.\-/][a-zA-Z0-9_.\-/]*$/;

/** The CEL name of a property, or undefined when CEL cannot reach it. */
export function escapeProperty(name: string): string | undefined {
  if (RESERVED.has(name)) return `__${name}__`;
  if (!ACCESSIBLE.test(name)) return undefined;
  return name.replace(/__/g, '__underscores__').replace(/\./g, '__dot__').replace(/-/g, '__dash__').replace(/\//g, '__slash__');
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function untyped(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(untyped);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, untyped(v)]));
  return value;
}

function convertString(value: string, format: unknown): unknown {
  switch (format) {
    case 'byte':
      return Uint8Array.from(Buffer.from(value, 'base64'));
    case 'date':
    case 'date-time':
    case 'datetime': {
      const d = new Date(value);
      return Number.isNaN(d.getTime()) ? value : d;
    }
    case 'duration': {
      const c = compileCel('duration(s)');
      try {
        return c.ok ? c.run({ s: value }) : value;
      } catch {
        return value;
      }
    }
    default:
      return value;
  }
}

/** `value` as CEL sees it under `schema`; `root` adds the implicit apiVersion, kind and metadata name. */
export function toCel(value: unknown, schema: Schema | undefined, root = false): unknown {
  if (value === null || value === undefined || !schema) return value === undefined ? undefined : untyped(value);
  if (schema['x-kubernetes-int-or-string'] === true) return typeof value === 'number' && Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) {
    const items = isObject(schema.items) ? schema.items : undefined;
    return value.map((v) => toCel(v, items));
  }
  if (typeof value === 'number') return schema.type === 'integer' && Number.isInteger(value) ? BigInt(value) : schema.type === 'number' ? value : Number.isInteger(value) ? BigInt(value) : value;
  if (typeof value === 'string') return convertString(value, schema.format);
  if (!isObject(value)) return value;
  const props = isObject(schema.properties) ? schema.properties : undefined;
  if (props && Object.keys(props).length) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const sub = props[k];
      if (!isObject(sub)) continue; // unknown fields are not visible to rules
      const name = escapeProperty(k);
      if (name !== undefined) out[name] = toCel(v, sub);
    }
    if (root || schema['x-kubernetes-embedded-resource'] === true) {
      if (typeof value.apiVersion === 'string') out.apiVersion = value.apiVersion;
      if (typeof value.kind === 'string') out.kind = value.kind;
      const meta = isObject(value.metadata) ? value.metadata : undefined;
      if (meta) out.metadata = Object.fromEntries(['name', 'generateName'].filter((k) => typeof meta[k] === 'string').map((k) => [k, meta[k]]));
    }
    return out;
  }
  if (isObject(schema.additionalProperties)) {
    const sub = schema.additionalProperties;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toCel(v, sub)]));
  }
  return untyped(value);
}
