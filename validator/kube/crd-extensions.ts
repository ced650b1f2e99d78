/**
 * What a CRD's structural schema asks of an object beyond plain JSON Schema (which ajv checks):
 * patterns that have no JavaScript translation (reported per value, so nothing is silently skipped).
 *
 * The schema is compiled once into a tree that keeps only the nodes leading to something to check,
 * so objects of kinds without such constraints cost one property lookup.
 */
import { escapePointerSegment } from '../../core/json-pointer.ts';
import type { SchemaProblem } from './ajv-findings.ts';
import { translateRe2 } from './re2.ts';

export interface ExtensionNode {
  properties?: Map<string, ExtensionNode>;
  additionalProperties?: ExtensionNode;
  items?: ExtensionNode;
  /** A pattern with no JavaScript equivalent: the value is reported as unchecked. */
  uncheckedPattern?: { pattern: string; reason: string };
}

type Schema = Record<string, unknown>;

const isObject = (v: unknown): v is Schema => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The extension tree of a Kubernetes structural schema, or undefined when it has nothing to check. */
export function compileExtensions(schema: unknown, depth = 0): ExtensionNode | undefined {
  if (!isObject(schema) || depth > 100) return undefined;
  const node: ExtensionNode = {};
  let any = false;
  if (typeof schema.pattern === 'string') {
    const t = translateRe2(schema.pattern);
    if (!t.ok) {
      node.uncheckedPattern = { pattern: schema.pattern, reason: t.reason };
      any = true;
    }
  }
  if (isObject(schema.properties)) {
    for (const [name, sub] of Object.entries(schema.properties)) {
      const child = compileExtensions(sub, depth + 1);
      if (child) {
        (node.properties ??= new Map()).set(name, child);
        any = true;
      }
    }
  }
  if (isObject(schema.additionalProperties)) {
    const child = compileExtensions(schema.additionalProperties, depth + 1);
    if (child) {
      node.additionalProperties = child;
      any = true;
    }
  }
  if (isObject(schema.items)) {
    const child = compileExtensions(schema.items, depth + 1);
    if (child) {
      node.items = child;
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

function fieldPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : `${i ? '.' : ''}${s.replace(/~1/g, '/').replace(/~0/g, '~')}`))
    .join('');
}

/** Problems of one object against its extension tree. */
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
    if (node.items) for (let i = 0; i < value.length; i++) checkExtensions(value[i], node.items, `${pointer}/${i}`, out);
  } else if (isObject(value)) {
    for (const key in value) {
      const child = node.properties?.get(key) ?? node.additionalProperties;
      if (child) checkExtensions(value[key], child, `${pointer}/${escapePointerSegment(key)}`, out);
    }
  }
  return out;
}
