/**
 * Strict mode for the ajv-validated kinds (prometheus-operator CRDs): unknown fields at any depth,
 * walked against the field tables of their model declarations. Their validators accept unknown fields, and
 * the API server drops them silently (or rejects them with server-side field validation), so a typo
 * like `spec.replica` would otherwise deploy a single replica without a word.
 */
import { suggestKey } from '../../util/suggest.ts';
import { escapePointerSegment } from '../../core/json-pointer.ts';

export interface UnknownField {
  pointer: string;
  key: string;
  suggestion?: string;
  allowed: string[];
}

type Models = Record<string, Record<string, string>>;

/** Walks `value` as model `type` (table encoding) and collects fields the model does not declare. */
export function findUnknownFields(value: unknown, type: string, models: Models, pointer = '', out: UnknownField[] = []): UnknownField[] {
  if (type === '' || type === '*' || value === null || typeof value !== 'object') return out;
  if (type.startsWith('[]')) {
    if (Array.isArray(value)) {
      const inner = type.slice(2);
      if (inner === '' || inner === '*') return out;
      for (let i = 0; i < value.length; i++) findUnknownFields(value[i], inner, models, `${pointer}/${i}`, out);
    }
    return out;
  }
  if (type.startsWith('{}')) {
    if (!Array.isArray(value)) {
      const inner = type.slice(2);
      if (inner === '' || inner === '*') return out;
      for (const k in value as Record<string, unknown>) findUnknownFields((value as Record<string, unknown>)[k], inner, models, `${pointer}/${escapePointerSegment(k)}`, out);
    }
    return out;
  }
  const fields = models[type];
  if (!fields || Array.isArray(value)) return out;
  const obj = value as Record<string, unknown>;
  for (const k in obj) {
    const ft = fields[k];
    if (ft === undefined) {
      const allowed = Object.keys(fields);
      const suggestion = suggestKey(k, allowed);
      out.push({ pointer: `${pointer}/${escapePointerSegment(k)}`, key: k, allowed, ...(suggestion ? { suggestion } : {}) });
    } else if (ft !== '') {
      const v = obj[k];
      if (v !== null && typeof v === 'object') findUnknownFields(v, ft, models, `${pointer}/${escapePointerSegment(k)}`, out);
    }
  }
  return out;
}
