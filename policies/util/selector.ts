/**
 * Kubernetes label selectors with exact API semantics.
 * - `LabelSelector` (matchLabels + matchExpressions In/NotIn/Exists/DoesNotExist): all requirements ANDed;
 *   an empty selector `{}` matches everything; a null/absent selector is handled by the caller, because
 *   its meaning depends on the field (NetworkPolicy podSelector absent is invalid, PDB selector null
 *   matches nothing, Service selector absent means "no endpoints managed").
 * - Map selectors (Service `spec.selector`, ReplicationController): equality on every pair; an empty map
 *   selects nothing for Services (the API treats it as "no selector").
 */
import { arr, isObj, str, strMap } from './json.ts';

export interface Requirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

export interface Selector {
  matchLabels: Record<string, string>;
  requirements: Requirement[];
  /** True when the selector is syntactically broken (unknown operator, In without values...): it matches nothing. */
  invalid: boolean;
}

export function parseLabelSelector(v: unknown): Selector | null {
  if (v === null || v === undefined || !isObj(v)) return null;
  const requirements: Requirement[] = [];
  let invalid = false;
  for (const e of arr(v.matchExpressions)) {
    if (!isObj(e)) {
      invalid = true;
      continue;
    }
    const key = str(e.key);
    const op = str(e.operator);
    const values = arr(e.values).filter((x): x is string => typeof x === 'string');
    if (!key || (op !== 'In' && op !== 'NotIn' && op !== 'Exists' && op !== 'DoesNotExist')) {
      invalid = true;
      continue;
    }
    if ((op === 'In' || op === 'NotIn') && values.length === 0) invalid = true;
    if ((op === 'Exists' || op === 'DoesNotExist') && values.length > 0) invalid = true;
    requirements.push({ key, operator: op, values });
  }
  // A non-string matchLabels value (e.g. an unquoted `version: 2`) can never equal a label: the
  // selector matches nothing (the schema stage reports the type error).
  if (isObj(v.matchLabels) && Object.values(v.matchLabels).some((x) => typeof x !== 'string')) invalid = true;
  return { matchLabels: strMap(v.matchLabels), requirements, invalid };
}

export function mapSelector(v: unknown): Selector | null {
  if (!isObj(v)) return null;
  return { matchLabels: strMap(v), requirements: [], invalid: Object.values(v).some((x) => typeof x !== 'string') };
}

export function isEmptySelector(s: Selector): boolean {
  return !s.invalid && Object.keys(s.matchLabels).length === 0 && s.requirements.length === 0;
}

export function matches(s: Selector, labels: Record<string, string>): boolean {
  if (s.invalid) return false;
  for (const k in s.matchLabels) if (labels[k] !== s.matchLabels[k]) return false;
  for (const r of s.requirements) {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    switch (r.operator) {
      case 'In':
        if (!has || !r.values.includes(labels[r.key]!)) return false;
        break;
      case 'NotIn':
        if (has && r.values.includes(labels[r.key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

export function describeSelector(s: Selector): string {
  const parts = Object.entries(s.matchLabels).map(([k, v]) => `${k}=${v}`);
  for (const r of s.requirements) {
    if (r.operator === 'Exists') parts.push(r.key);
    else if (r.operator === 'DoesNotExist') parts.push(`!${r.key}`);
    else parts.push(`${r.key} ${r.operator === 'In' ? 'in' : 'notin'} (${r.values.join(',')})`);
  }
  return parts.length ? parts.join(',') : '<everything>';
}

/**
 * False when no set of labels can satisfy the selector (it can never select a pod, whatever is
 * deployed): a broken selector, `In` sets that exclude each other or the `matchLabels` value, a value
 * both required and excluded, or a key both required and forbidden.
 */
export function isSatisfiable(s: Selector): boolean {
  if (s.invalid) return false;
  const keys = new Set([...Object.keys(s.matchLabels), ...s.requirements.map((r) => r.key)]);
  for (const key of keys) {
    let allowed: Set<string> | undefined = key in s.matchLabels ? new Set([s.matchLabels[key]!]) : undefined;
    let required = allowed !== undefined;
    let forbidden = false;
    const excluded = new Set<string>();
    for (const r of s.requirements) {
      if (r.key !== key) continue;
      if (r.operator === 'In') {
        required = true;
        allowed = allowed ? new Set(r.values.filter((v) => allowed!.has(v))) : new Set(r.values);
      } else if (r.operator === 'NotIn') r.values.forEach((v) => excluded.add(v));
      else if (r.operator === 'Exists') required = true;
      else forbidden = true;
    }
    if (required && forbidden) return false;
    if (allowed && [...allowed].every((v) => excluded.has(v))) return false;
  }
  return true;
}

/** A label set written `key=value,key2=value2` (the syntax of declarations in annotations); undefined if malformed. */
export function parseLabelSet(text: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    if (eq <= 0) return undefined;
    out[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
  }
  return Object.keys(out).length ? out : undefined;
}
