/**
 * ajv errors (from kubernetes-models' compiled validators or our JSON schemas) → one finding per
 * problem, with a message a person can act on. Errors at one path are merged: a bad quantity yields
 * type, format and oneOf errors, which is one problem.
 */
import { suggestKey } from '../../util/suggest.ts';
import type { Finding } from '../../core/types.ts';
import { escapePointerSegment, pointerSegments } from '../../core/json-pointer.ts';

export interface AjvLikeError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
  parentSchema?: Record<string, unknown>;
  schema?: unknown;
}

export type SchemaProblem = Pick<Finding, 'policyId' | 'severity' | 'message' | 'jsonPointer'> & { hint?: string };

export function valueAtPointer(root: unknown, pointer: string): unknown {
  let v = root;
  for (const seg of pointerSegments(pointer)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[seg];
  }
  return v;
}

export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v)}`;
  if (typeof v === 'number') return Number.isInteger(v) ? `the integer ${v}` : `the number ${v}`;
  return `${typeof v} ${String(v)}`;
}

export function fieldName(pointer: string): string {
  const segs = pointerSegments(pointer);
  return segs.length ? segs.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i ? `.${s}` : s)).join('') : 'the object';
}

export const TYPE_WORD: Record<string, string> = { integer: 'an integer', number: 'a number', string: 'a string', boolean: 'a boolean', object: 'a mapping', array: 'a list', null: 'null' };

export function typeHint(expected: string, value: unknown): string | undefined {
  if (expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) return `quote it: "${String(value)}"`;
  if ((expected === 'integer' || expected === 'number') && typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return `remove the quotes: ${value}`;
  if (expected === 'boolean' && typeof value === 'string' && /^(true|false)$/i.test(value)) return `remove the quotes: ${value.toLowerCase()}`;
  if (expected === 'array' && value !== null && typeof value === 'object') return 'write it as a list (each item on a line starting with `- `)';
  return undefined;
}

export function ajvErrorsToProblems(errors: readonly AjvLikeError[], data: unknown): SchemaProblem[] {
  const byPath = new Map<string, AjvLikeError[]>();
  for (const e of errors) {
    const list = byPath.get(e.instancePath);
    if (list) list.push(e);
    else byPath.set(e.instancePath, [e]);
  }
  const out: SchemaProblem[] = [];
  for (const [path, errs] of byPath) {
    const value = valueAtPointer(data, path);
    for (const e of errs) {
      if (e.keyword === 'required') {
        const missing = String(e.params.missingProperty);
        out.push({ policyId: 'kube-schema/missing-required', severity: 'error', message: `missing required field \`${missing}\` in ${fieldName(path)}`, jsonPointer: `${path}/${escapePointerSegment(missing)}`, hint: `add \`${missing}:\`` });
      } else if (e.keyword === 'additionalProperties') {
        const key = String(e.params.additionalProperty);
        const props = e.parentSchema?.properties && typeof e.parentSchema.properties === 'object' ? Object.keys(e.parentSchema.properties) : [];
        out.push(unknownFieldProblem(`${path}/${escapePointerSegment(key)}`, key, props));
      }
    }
    const rest = errs.filter((e) => e.keyword !== 'required' && e.keyword !== 'additionalProperties');
    if (!rest.length) continue;
    const base = { severity: 'error' as const, jsonPointer: path };
    const types = new Set(rest.filter((e) => e.keyword === 'type').map((e) => String(e.params.type)));
    const formats = new Set(rest.filter((e) => e.keyword === 'format').map((e) => String(e.params.format)));
    // Precompiled bundled schemas express formats as patterns, tagged `x-nexus-format`.
    for (const e of rest) if (e.keyword === 'pattern' && typeof e.parentSchema?.['x-nexus-format'] === 'string') formats.add(e.parentSchema['x-nexus-format']);
    const hasUnion = rest.some((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
    const en = rest.find((e) => e.keyword === 'enum');
    if (formats.has('quantity')) {
      out.push({
        ...base,
        policyId: 'kube-schema/invalid-quantity',
        message: `${fieldName(path)} is ${describeValue(value)}, which is not a Kubernetes quantity`,
        hint: 'use a number with an optional suffix, e.g. `500m` or `1` for CPU, `256Mi` or `1Gi` for memory',
      });
    } else if (en) {
      const allowed = (en.params.allowedValues as unknown[] | undefined) ?? [];
      const guess = typeof value === 'string' ? suggestKey(value, allowed.map(String)) : undefined;
      out.push({ ...base, policyId: 'kube-schema/invalid-enum', message: `${fieldName(path)} is ${describeValue(value)}; allowed: ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, ...(guess ? { hint: `did you mean \`${guess}\`?` } : {}) });
    } else if (hasUnion && types.has('string') && (types.has('integer') || formats.has('int32'))) {
      out.push({ ...base, policyId: 'kube-schema/int-or-string', message: `${fieldName(path)} is ${describeValue(value)}; it must be an integer or a string (int-or-string)`, hint: 'use a whole number (e.g. 8080) or a named port / percentage string (e.g. "http", "25%")' });
    } else if (types.size > 0) {
      const expected = [...types].sort();
      const hint = typeHint(expected[0]!, value);
      out.push({ ...base, policyId: 'kube-schema/invalid-type', message: `${fieldName(path)} must be ${expected.map((t) => TYPE_WORD[t] ?? t).join(' or ')}, but is ${describeValue(value)}`, ...(hint ? { hint } : {}) });
    } else if (formats.size > 0) {
      out.push({ ...base, policyId: 'kube-schema/invalid-format', message: `${fieldName(path)} is ${describeValue(value)}, which is not a valid ${[...formats].join('/')}` });
    } else if (rest.some((e) => e.keyword === 'pattern')) {
      const e = rest.find((x) => x.keyword === 'pattern')!;
      const written = typeof e.parentSchema?.['x-nexus-re2'] === 'string' ? e.parentSchema['x-nexus-re2'] : String(e.params.pattern);
      out.push({ ...base, policyId: 'kube-schema/invalid', message: `${fieldName(path)} is ${describeValue(value)}, which does not match the pattern \`${written}\`` });
    } else {
      const e = rest.find((x) => x.keyword !== 'oneOf' && x.keyword !== 'anyOf' && x.keyword !== 'not') ?? rest[0]!;
      const params = Object.entries(e.params)
        .map(([k, v]) => `${k} ${JSON.stringify(v)}`)
        .join(', ');
      out.push({ ...base, policyId: 'kube-schema/invalid', message: `${fieldName(path)} is ${describeValue(value)}: ${e.message ?? `fails \`${e.keyword}\``}${e.message ? '' : params ? ` (${params})` : ''}` });
    }
  }
  return out;
}

export function unknownFieldProblem(pointer: string, key: string, allowed: readonly string[]): SchemaProblem {
  const suggestion = suggestKey(key, allowed);
  const parent = fieldName(pointer.slice(0, pointer.lastIndexOf('/')));
  const list = [...allowed].sort();
  return {
    policyId: 'kube-schema/unknown-field',
    severity: 'error',
    message: `unknown field \`${key}\` in ${parent}${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`,
    jsonPointer: pointer,
    hint: suggestion ? `rename it to \`${suggestion}\`` : list.length ? `fields allowed here: ${list.length > 15 ? `${list.slice(0, 15).join(', ')}, …` : list.join(', ')}` : 'this object takes no fields',
  };
}
