/**
 * What a CRD's structural schema asks of an object beyond plain JSON Schema (which ajv checks), in the
 * order the API server applies it:
 *  1. `default`s fill absent fields (before any validation, so rules see the defaulted object);
 *  2. `x-kubernetes-validations` CEL rules, with `message`, `messageExpression`, `reason` and
 *     `fieldPath`; transition rules (those reading `oldSelf`) only run on update, so they are skipped
 *     here unless `optionalOldSelf` makes them meaningful on create;
 *  3. `x-kubernetes-list-type: set | map` uniqueness;
 *  4. patterns with no JavaScript translation, reported per value so nothing is skipped silently.
 *
 * The schema is compiled once into a tree that keeps only the nodes leading to something to do, so
 * objects of kinds without such constraints cost one property lookup.
 */
import { escapePointerSegment, pointerSegments } from '../../core/json-pointer.ts';
import type { SchemaProblem } from './ajv-findings.ts';
import { celEquals } from './cel/libraries.ts';
import { compileCel, firstLine, type Compiled } from './cel/env.ts';
import { usesOldSelf } from './cel/source.ts';
import { toCel } from './cel/values.ts';
import { translateRe2 } from './re2.ts';
import { Optional } from '@marcbachmann/cel-js';

type Schema = Record<string, unknown>;

interface Rule {
  rule: string;
  program: Compiled;
  message?: string;
  messageExpression?: Compiled;
  reason?: string;
  fieldPath?: string;
  /** Evaluated on create with `oldSelf` = optional.none() */
  optionalOldSelf: boolean;
}

export interface ExtensionNode {
  schema: Schema;
  properties?: Map<string, ExtensionNode>;
  additionalProperties?: ExtensionNode;
  items?: ExtensionNode;
  /** Property defaults to fill in, in schema order. */
  defaults?: Array<[string, unknown]>;
  /** Whether this subtree has any default (so objects are copied only when needed). */
  hasDefaults?: boolean;
  rules?: Rule[];
  listType?: 'set' | 'map';
  listMapKeys?: string[];
  /** A pattern with no JavaScript equivalent: the value is reported as unchecked. */
  uncheckedPattern?: { pattern: string; reason: string };
}

const isObject = (v: unknown): v is Schema => v !== null && typeof v === 'object' && !Array.isArray(v);

function compileRules(list: unknown): Rule[] {
  if (!Array.isArray(list)) return [];
  const out: Rule[] = [];
  for (const r of list) {
    if (!isObject(r) || typeof r.rule !== 'string') continue;
    const transition = usesOldSelf(r.rule);
    const optionalOldSelf = r.optionalOldSelf === true;
    if (transition && !optionalOldSelf) continue; // update-only: nothing to check on create
    out.push({
      rule: r.rule,
      program: compileCel(r.rule),
      ...(typeof r.message === 'string' ? { message: r.message } : {}),
      ...(typeof r.messageExpression === 'string' ? { messageExpression: compileCel(r.messageExpression) } : {}),
      ...(typeof r.reason === 'string' ? { reason: r.reason } : {}),
      ...(typeof r.fieldPath === 'string' ? { fieldPath: r.fieldPath } : {}),
      optionalOldSelf,
    });
  }
  return out;
}

/** The extension tree of a Kubernetes structural schema, or undefined when it has nothing to do. */
export function compileExtensions(schema: unknown, depth = 0): ExtensionNode | undefined {
  if (!isObject(schema) || depth > 100) return undefined;
  const node: ExtensionNode = { schema };
  let any = false;
  if (typeof schema.pattern === 'string') {
    const t = translateRe2(schema.pattern);
    if (!t.ok) {
      node.uncheckedPattern = { pattern: schema.pattern, reason: t.reason };
      any = true;
    }
  }
  const rules = compileRules(schema['x-kubernetes-validations']);
  if (rules.length) {
    node.rules = rules;
    any = true;
  }
  const listType = schema['x-kubernetes-list-type'];
  if (listType === 'set' || listType === 'map') {
    node.listType = listType;
    if (listType === 'map' && Array.isArray(schema['x-kubernetes-list-map-keys'])) node.listMapKeys = schema['x-kubernetes-list-map-keys'].filter((k): k is string => typeof k === 'string');
    any = true;
  }
  if (isObject(schema.properties)) {
    for (const [name, sub] of Object.entries(schema.properties)) {
      if (isObject(sub) && 'default' in sub) {
        (node.defaults ??= []).push([name, sub.default]);
        node.hasDefaults = true;
        any = true;
      }
      const child = compileExtensions(sub, depth + 1);
      if (child) {
        (node.properties ??= new Map()).set(name, child);
        if (child.hasDefaults) node.hasDefaults = true;
        any = true;
      }
    }
  }
  for (const key of ['additionalProperties', 'items'] as const) {
    const child = isObject(schema[key]) ? compileExtensions(schema[key], depth + 1) : undefined;
    if (child) {
      node[key] = child;
      if (child.hasDefaults) node.hasDefaults = true;
      any = true;
    }
  }
  // allOf/anyOf/oneOf branches of a structural schema may only repeat value validations.
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = schema[key];
    if (!Array.isArray(list)) continue;
    for (const branch of list) {
      const child = compileExtensions(branch, depth + 1);
      if (child?.uncheckedPattern && !node.uncheckedPattern) {
        node.uncheckedPattern = child.uncheckedPattern;
        any = true;
      }
    }
  }
  return any ? node : undefined;
}

const clone = <T>(v: T): T => (v === null || typeof v !== 'object' ? v : (JSON.parse(JSON.stringify(v)) as T));

/** A copy of `value` with the schema defaults filled in (the input is never modified). */
export function applyDefaults(value: unknown, node: ExtensionNode): unknown {
  if (!node.hasDefaults) return value;
  if (Array.isArray(value)) return node.items ? value.map((v) => applyDefaults(v, node.items!)) : value;
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = { ...value };
  for (const [name, def] of node.defaults ?? []) {
    const sub = (node.schema.properties as Schema)[name] as Schema;
    if (out[name] === undefined || (out[name] === null && sub.nullable !== true)) out[name] = clone(def);
  }
  for (const key of Object.keys(out)) {
    const child = node.properties?.get(key) ?? node.additionalProperties;
    if (child?.hasDefaults) out[key] = applyDefaults(out[key], child);
  }
  return out;
}

function fieldPath(pointer: string): string {
  return pointerSegments(pointer)
    .map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : `${i ? '.' : ''}${s}`))
    .join('');
}

/** `.a.b['c.d'][0]` (a rule's fieldPath, relative to its node) → JSON pointer segments. */
function fieldPathToPointer(path: string): string | undefined {
  let out = '';
  const re = /\.([A-Za-z_][A-Za-z0-9_-]*)|\['((?:[^'\\]|\\.)*)'\]|\[(\d+)\]/y;
  let i = 0;
  while (i < path.length) {
    re.lastIndex = i;
    const m = re.exec(path);
    if (!m) return undefined;
    out += `/${escapePointerSegment(m[1] ?? m[2]?.replace(/\\(.)/g, '$1') ?? m[3]!)}`;
    i = re.lastIndex;
  }
  return out;
}

const REASON_WORDS: Record<string, string> = { FieldValueRequired: 'Required value', FieldValueForbidden: 'Forbidden', FieldValueDuplicate: 'Duplicate value', FieldValueInvalid: 'Invalid value' };

function typeName(v: unknown): string {
  return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'object' ? 'object' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v;
}

function fitsSchemaType(v: unknown, schema: Schema): boolean {
  switch (schema.type) {
    case 'object':
      return isObject(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    default:
      return true;
  }
}

function evaluateRules(value: unknown, node: ExtensionNode, pointer: string, out: SchemaProblem[]): void {
  if (value === null || value === undefined || !fitsSchemaType(value, node.schema)) return; // the schema stage reports that
  let self: unknown;
  let converted = false;
  for (const r of node.rules!) {
    const at = fieldPath(pointer) || 'the object';
    if (!r.program.ok) {
      out.push({ policyId: 'kube-schema/cel', severity: 'error', message: `${at}: validation rule \`${r.rule}\` does not compile: ${r.program.error}`, jsonPointer: pointer, hint: 'fix the rule in the CRD; the API server refuses such a CRD' });
      continue;
    }
    if (!converted) {
      self = toCel(value, node.schema, pointer === '');
      converted = true;
    }
    const vars: Record<string, unknown> = { self, ...(r.optionalOldSelf ? { oldSelf: Optional.none() } : {}) };
    let result: unknown;
    try {
      result = r.program.run(vars);
    } catch (err) {
      out.push({ policyId: 'kube-schema/cel', severity: 'error', message: `${at}: Invalid value: "${typeName(value)}": rule \`${r.rule}\` could not be evaluated: ${firstLine(err)}`, jsonPointer: pointer, hint: 'the API server reports the same evaluation error and rejects the object' });
      continue;
    }
    if (result === true) continue;
    let message = r.message ?? `failed rule: ${r.rule}`;
    if (r.messageExpression?.ok) {
      try {
        const m = r.messageExpression.run(vars);
        if (typeof m === 'string' && m.trim()) message = m;
      } catch {
        // like the API server: a failing messageExpression falls back to message
      }
    }
    const sub = r.fieldPath ? fieldPathToPointer(r.fieldPath) : '';
    const target = `${pointer}${sub ?? ''}`;
    const word = REASON_WORDS[r.reason ?? 'FieldValueInvalid'] ?? 'Invalid value';
    out.push({
      policyId: 'kube-schema/cel',
      severity: 'error',
      message: `${fieldPath(target) || 'the object'}: ${word}${word === 'Invalid value' ? `: "${typeName(value)}"` : ''}: ${message}`,
      jsonPointer: target,
      hint: result === false ? `the CRD's validation rule: ${r.rule}` : `the rule returned ${typeName(result)}, not a boolean: ${r.rule}`,
    });
  }
}

function checkList(value: unknown[], node: ExtensionNode, pointer: string, out: SchemaProblem[]): void {
  const keyOf = (v: unknown): unknown => (node.listType === 'map' && node.listMapKeys?.length && isObject(v) ? node.listMapKeys.map((k) => v[k] ?? null) : v);
  const seen: unknown[] = [];
  value.forEach((v, i) => {
    const k = keyOf(v);
    if (seen.some((s) => celEquals(s, k))) {
      const shown = node.listType === 'map' && node.listMapKeys?.length ? `{${node.listMapKeys.map((key, j) => `"${key}":${JSON.stringify((k as unknown[])[j])}`).join(', ')}}` : JSON.stringify(v);
      out.push({ policyId: 'kube-schema/duplicate-item', severity: 'error', message: `${fieldPath(`${pointer}/${i}`)}: Duplicate value: ${shown}`, jsonPointer: `${pointer}/${i}`, hint: node.listType === 'map' ? `entries of this list must be unique by ${node.listMapKeys?.join(', ')}` : 'entries of this list must be unique (x-kubernetes-list-type: set)' });
    } else seen.push(k);
  });
}

/** Problems of one (already defaulted) object against its extension tree. */
export function checkExtensions(value: unknown, node: ExtensionNode, pointer = '', out: SchemaProblem[] = []): SchemaProblem[] {
  if (node.uncheckedPattern && typeof value === 'string') {
    out.push({
      policyId: 'kube-schema/unchecked-pattern',
      severity: 'warning',
      message: `${fieldPath(pointer) || 'the object'} is not checked against its CRD pattern \`${node.uncheckedPattern.pattern}\`: ${node.uncheckedPattern.reason}`,
      jsonPointer: pointer,
      hint: 'the API server checks it with Go RE2; make sure the value matches the pattern',
    });
  }
  if (Array.isArray(value)) {
    if (node.listType) checkList(value, node, pointer, out);
    if (node.items) for (let i = 0; i < value.length; i++) checkExtensions(value[i], node.items, `${pointer}/${i}`, out);
  } else if (isObject(value)) {
    for (const key in value) {
      const child = node.properties?.get(key) ?? (node.properties?.has(key) ? undefined : node.additionalProperties);
      if (child) checkExtensions(value[key], child, `${pointer}/${escapePointerSegment(key)}`, out);
    }
  }
  // Rules run bottom-up like the API server's: a node's own rules after its children's.
  if (node.rules) evaluateRules(value, node, pointer, out);
  return out;
}
