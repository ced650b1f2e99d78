import { escapePointerSegment } from '../../core/json-pointer.ts';

/** Tolerant accessors for parsed Kubernetes JSON (the schema stage reports type errors; policies never throw). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = Record<string, any>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
export function obj(v: unknown): Obj | undefined {
  return isObj(v) ? v : undefined;
}
export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
/** The object elements of an array (read-only: usually the array itself, when every element is an object). */
export function objs(v: unknown): readonly Obj[] {
  if (!Array.isArray(v)) return [];
  // Every element is an object in nearly every manifest: no copy then (called per container by many policies).
  return v.every(isObj) ? v : v.filter(isObj);
}
export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
/** String-valued map (labels, annotations, matchLabels); non-string values are ignored. */
export function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObj(v)) return out;
  // for-in, not Object.keys + for-of: the policy stage runs without TurboFan (util/tiering.ts), where
  // those allocate a key array and an iterator result per key (~1.7 MB per 4,000 documents). A parsed
  // object is plain: its own keys, in the same order.
  for (const k in v) {
    const x = v[k];
    if (typeof x === 'string') out[k] = x;
  }
  return out;
}
/** `base` extended by the RFC 6901-escaped `tokens`. */
export function ptr(base: string, ...tokens: (string | number)[]): string {
  let p = base;
  for (const t of tokens) p = `${p}/${escapePointerSegment(t)}`;
  return p;
}
