/** Helpers shared by the upgrade rules. Pure. */
import { differences } from '../equality.ts';
import { fieldPath, getAt, isObject, show, type JsonObject, type Path } from '../json.ts';
import type { UpdateViolation } from '../types.ts';

export const K8S_DOCS = 'https://kubernetes.io/docs/reference/kubernetes-api/';

/** A shallow copy of `obj` without `keys`. */
export function without(obj: unknown, keys: readonly string[]): JsonObject {
  const out: JsonObject = isObject(obj) ? { ...obj } : {};
  for (const k of keys) delete out[k];
  return out;
}

/** `spec` of an object, or `{}`. */
export function specOf(o: JsonObject): JsonObject {
  return isObject(o.spec) ? o.spec : {};
}

/** `from X to Y` for the value at `rel` under `before`/`after`. */
export function change(before: unknown, after: unknown, rel: Path = []): string {
  return `from ${show(getAt(before, rel))} to ${show(getAt(after, rel))}`;
}

/**
 * One violation per changed field between `before` and `after` (both at `base` in the object), at
 * most `limit`: "`<path>` changes from X to Y: <why>".
 */
export function changedFields(before: unknown, after: unknown, base: Path, why: string, hint: string | ((rel: Path) => string), limit = 5): UpdateViolation[] {
  return differences(before, after, limit).map((rel) => ({
    path: [...base, ...rel],
    message: `${fieldPath([...base, ...rel])} changes ${change(before, after, rel)}: ${why}`,
    hint: typeof hint === 'string' ? hint : hint(rel),
  }));
}
