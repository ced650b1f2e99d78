/**
 * Reading plain JSON objects defensively: the stage runs after the schema stage, which reports wrong
 * types, so here a value of the wrong type simply counts as absent (no second finding for one fault).
 */
export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
// obj and arr are called ~160,000 and ~90,000 times per 4,000 objects, mostly before V8 has optimized
// anything: obj repeats isObj's test instead of calling it, and arr answers an absent list with one
// shared empty array instead of a new one each time.
export const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const NO_ITEMS: readonly unknown[] = Object.freeze([]);
export const arr = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : NO_ITEMS);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
export const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
/** A string-valued map (labels, annotations, nodeSelector): entries whose value is not a string are skipped. */
export function strMap(v: unknown): Array<[string, string]> {
  if (!isObj(v)) return [];
  const out: Array<[string, string]> = [];
  for (const k in v) {
    const x = v[k];
    if (typeof x === 'string') out.push([k, x]);
  }
  return out;
}
/**
 * The string at `key` of a string-valued map (undefined when absent or not a string): what
 * `new Map(strMap(v)).get(key)` answers, without building the entry list.
 */
export function strAt(v: unknown, key: string): string | undefined {
  if (!isObj(v)) return undefined;
  const x = v[key];
  return typeof x === 'string' && Object.hasOwn(v, key) ? x : undefined;
}
/** Present and not null (a YAML `key:` with no value is null, which Kubernetes treats as unset). */
export const has = (o: Obj | undefined, key: string): boolean => o !== undefined && o[key] !== undefined && o[key] !== null;
/** An int-or-string value: a number, a string, or undefined. */
export const intOrString = (v: unknown): number | string | undefined => (typeof v === 'number' || typeof v === 'string' ? v : undefined);
