/** Rows of a chart README's values table, flattened from the JSON Schema plus the defaults. */
import type { SchemaNode } from './values-yaml.ts';

export interface ValueRow {
  key: string;
  type: string;
  default: string;
  description: string;
}

function typeOf(node: SchemaNode): string {
  if (node.enum) return node.enum.map((e) => JSON.stringify(e)).join(' \\| ');
  if (node.anyOf) return [...new Set(node.anyOf.map(typeOf))].join(' \\| ');
  if (Array.isArray(node.type)) return node.type.join(' \\| ');
  if (node.type === 'array' && node.items) return `${typeOf(node.items)}[]`;
  if (node.type === 'object' && !node.properties) return 'map';
  return node.type ?? 'any';
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function valueRows(node: SchemaNode, value: unknown, path: string[] = []): ValueRow[] {
  const rows: ValueRow[] = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    if (key === 'global' && path.length > 0) continue;
    const childPath = [...path, key];
    const childValue = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    if (child.properties && (childValue === undefined || (childValue !== null && typeof childValue === 'object' && !Array.isArray(childValue)))) {
      rows.push(...valueRows(child, childValue, childPath));
      continue;
    }
    rows.push({
      key: childPath.join('.'),
      type: typeOf(child),
      default: childValue === undefined ? '' : `\`${escapeCell(JSON.stringify(childValue))}\``,
      description: escapeCell(child.description ?? ''),
    });
  }
  return rows;
}
