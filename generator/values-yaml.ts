/**
 * A fully commented values.yaml: every key with its description (Bitnami `@param` style) and its
 * default, in schema order. Descriptions come from the JSON Schema so the file and the schema agree.
 */
import { stringify } from 'yaml';

export interface SchemaNode {
  type?: string | string[];
  description?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  anyOf?: SchemaNode[];
  enum?: unknown[];
  items?: SchemaNode;
  default?: unknown;
}

const INDENT = '  ';

/** A node we descend into: an object with declared properties (maps that users fill are leaves). */
function isSection(node: SchemaNode | undefined, value: unknown): node is SchemaNode & { properties: Record<string, SchemaNode> } {
  return !!node?.properties && value !== null && typeof value === 'object' && !Array.isArray(value);
}

function scalarOrBlock(key: string, value: unknown, depth: number): string {
  const pad = INDENT.repeat(depth);
  const isEmptyCollection = (Array.isArray(value) && value.length === 0) || (value !== null && typeof value === 'object' && Object.keys(value).length === 0);
  if (value === null || typeof value !== 'object' || isEmptyCollection) {
    const rendered = stringify(value, { defaultStringType: 'QUOTE_DOUBLE', lineWidth: 0 }).trimEnd();
    return `${pad}${key}: ${rendered}\n`;
  }
  const body = stringify(value, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0, indent: 2 }).trimEnd();
  return `${pad}${key}:\n${body
    .split('\n')
    .map((l) => `${pad}${INDENT}${l}`)
    .join('\n')}\n`;
}

function emit(node: SchemaNode, value: Record<string, unknown>, path: string[], depth: number): string {
  let out = '';
  const pad = INDENT.repeat(depth);
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    if (!(key in value)) continue; // optional keys without a default are documented in the README only
    const childValue = value[key];
    const childPath = [...path, key];
    if (depth === 0 && out) out += '\n';
    if (isSection(child, childValue)) {
      if (child.description) out += `${pad}## @section ${childPath.join('.')}: ${child.description}\n`;
      out += `${pad}${key}:\n`;
      const inner = emit(child, childValue as Record<string, unknown>, childPath, depth + 1);
      out += inner || `${pad}${INDENT}{}\n`;
    } else {
      out += `${pad}## @param ${childPath.join('.')} ${child.description ?? ''}`.trimEnd() + '\n';
      out += scalarOrBlock(key, childValue, depth);
    }
  }
  return out;
}

export function renderValuesYaml(schema: SchemaNode, defaults: Record<string, unknown>, preamble: string[] = []): string {
  const head = preamble.map((l) => `# ${l}`.trimEnd()).join('\n');
  return `${head ? `${head}\n\n` : ''}${emit(schema, defaults, [], 0)}`;
}
