/**
 * values.schema.json for every chart, from the Zod model (Zod 4's native z.toJSONSchema; see README
 * for why not zod-to-json-schema). Draft-07, self-contained (no $ref), with the keys Helm injects.
 */
import { z } from 'zod';
import { PlatformConfigBase, TIER_SECTIONS, type TierName } from './index.ts';

type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema> };

const GLOBAL_INJECTED: JsonSchema = {
  type: 'object',
  description: 'Values Helm shares with every chart (see the umbrella chart\'s `global`).',
};

function toDraft7(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-7', io: 'input', unrepresentable: 'throw', reused: 'inline', cycles: 'throw' }) as JsonSchema;
  return stripNoise(json) as JsonSchema;
}

/** Zod's pseudo-formats for startsWith/endsWith/includes; the `pattern` beside them already enforces the rule. */
const PSEUDO_FORMATS = new Set(['starts_with', 'ends_with', 'includes']);

/**
 * Zod emits ±2^53 bounds for every integer (they add nothing for Helm and bloat the file) and
 * pseudo-formats that JSON Schema validators do not know (ajv warns; Helm ignores them).
 */
function stripNoise(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripNoise);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if ((k === 'minimum' && v === Number.MIN_SAFE_INTEGER) || (k === 'maximum' && v === Number.MAX_SAFE_INTEGER)) continue;
    if (k === 'format' && typeof v === 'string' && PSEUDO_FORMATS.has(v)) continue;
    out[k] = stripNoise(v);
  }
  return out;
}

function withTitle(schema: JsonSchema, title: string): JsonSchema {
  const { $schema, ...rest } = schema;
  delete rest.default;
  return { $schema, title, ...rest };
}

/** The umbrella chart: the whole model (tier sections already accept the `global` Helm copies in). */
export function umbrellaValuesSchema(): JsonSchema {
  return withTitle(toDraft7(PlatformConfigBase), 'nexus values');
}

/** A tier subchart: its section, which declares `global` and `enabled` (injected by `condition: <tier>.enabled`). */
export function tierValuesSchema(tier: TierName): JsonSchema {
  return withTitle(toDraft7(TIER_SECTIONS[tier]), `${tier} values`);
}

/** The library chart has no values of its own beyond what Helm injects. */
export function libraryValuesSchema(): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'nexus-lib values',
    type: 'object',
    properties: { global: GLOBAL_INJECTED },
    additionalProperties: false,
  };
}
