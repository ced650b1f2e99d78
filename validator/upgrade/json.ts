/** Plain-JSON helpers for the upgrade stage (objects as the YAML parser produced them). Pure. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
export type Path = ReadonlyArray<string | number>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * `obj[key]` for the object's OWN keys only: manifest keys such as `valueOf` or `constructor` must not
 * read Object.prototype's members.
 */
export function own(obj: JsonObject, key: string): Json | undefined {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** `obj[key] = value` that creates an own property even for `__proto__` (never the prototype setter). */
export function setOwn(obj: JsonObject, key: string, value: Json): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

export function clone<T>(v: T): T {
  return v === undefined ? v : (structuredClone(v) as T);
}

export function getAt(root: unknown, path: Path): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'number') cur = cur[seg];
    else if (isObject(cur) && typeof seg === 'string') cur = own(cur, seg);
    else return undefined;
  }
  return cur;
}

/** The object at `path`, created (as `{}`) along the way when missing. */
export function objectAt(root: JsonObject, path: readonly string[]): JsonObject {
  let cur = root;
  for (const seg of path) {
    const next = own(cur, seg);
    if (isObject(next)) cur = next;
    else {
      const made: JsonObject = {};
      cur[seg] = made;
      cur = made;
    }
  }
  return cur;
}

/** Sets `key` on `obj` only when it is absent (the API server's defaulting: `if x == nil { x = d }`). */
export function setDefault(obj: JsonObject, key: string, value: Json): void {
  if (obj[key] === undefined || obj[key] === null) obj[key] = value;
}

export function objectsIn(v: unknown): JsonObject[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

/** `[spec, template, 0]` → `spec.template[0]` (the server's field-path notation, for messages). */
export function fieldPath(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${seg}]`;
  }
  return out;
}

/** A short, single-line rendering of a value for a message. */
export function show(v: unknown, max = 80): string {
  if (v === undefined || v === null) return '(unset)';
  const text = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
