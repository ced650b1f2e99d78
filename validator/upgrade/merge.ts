/**
 * What an upgrade actually sends: Helm 3 computes a three-way strategic merge patch (original = the
 * previous release's manifest, modified = the new manifest, current = the live object) and Helm 4's
 * server-side apply gives the same result for the fields a chart sets. The object the API server then
 * validates is the live object with that patch applied:
 *  - a field the new manifest sets takes the new value (live drift on it is overwritten);
 *  - a field the previous manifest set and the new one drops is deleted (the server may default it
 *    again);
 *  - a field neither manifest sets keeps its live value (server defaults, allocated IPs, generated
 *    Job selectors, fields added by admission).
 * Lists with a merge key (containers by name, ports by number, …) merge element by element, keeping
 * the live-only elements; other lists are replaced. Custom resources get JSON merge patch semantics
 * (every list replaced), as Helm does for kinds it has no Go type for. Pure.
 */
import { clone, isObject, own, setOwn, type Json, type JsonObject } from './json.ts';

type ListStrategy = { kind: 'atomic' } | { kind: 'set' } | { kind: 'keyed'; key: string };

/** patchMergeKey of the core/v1 and apps/v1 list fields, by field name (the names are unambiguous). */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  imagePullSecrets: 'name',
  resourceClaims: 'name',
  schedulingGates: 'name',
  secrets: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  ownerReferences: 'uid',
  conditions: 'type',
};

/** Lists of scalars merged as sets (`patchStrategy: merge` on a primitive list). */
const SET_LISTS = new Set(['finalizers']);

/** Structs with `patchStrategy: retainKeys`: a patched value keeps only the keys the manifest gives. */
const RETAIN_KEYS = new Set(['strategy']);
/** Lists with `patchStrategy: merge,retainKeys`: the same for each element the manifest gives. */
const RETAIN_KEYS_ELEMENTS = new Set(['volumes', 'resourceClaims']);

function listStrategy(field: string | undefined, items: readonly unknown[]): ListStrategy {
  if (field === undefined) return { kind: 'atomic' };
  if (SET_LISTS.has(field)) return { kind: 'set' };
  let key = Object.hasOwn(MERGE_KEYS, field) ? MERGE_KEYS[field] : undefined;
  // Container ports merge on containerPort, Service ports on port.
  if (field === 'ports') key = items.some((p) => isObject(p) && Object.hasOwn(p, 'containerPort')) ? 'containerPort' : 'port';
  if (!key || !items.every((i) => isObject(i) && own(i, key!) !== undefined)) return { kind: 'atomic' };
  return { kind: 'keyed', key };
}

function keyOf(item: unknown, key: string): string {
  return isObject(item) ? JSON.stringify(own(item, key)) : '';
}

function mergeValue(original: unknown, modified: Json, current: unknown, field: string | undefined, strategic: boolean): Json | undefined {
  if (modified === null) return undefined;
  if (isObject(modified)) {
    const out: JsonObject = isObject(current) ? { ...current } : {};
    const orig = isObject(original) ? original : {};
    for (const [k, v] of Object.entries(modified)) {
      const merged = mergeValue(own(orig, k), v, own(out, k), k, strategic);
      if (merged === undefined) delete out[k];
      else setOwn(out, k, merged);
    }
    for (const k of Object.keys(orig)) if (!Object.hasOwn(modified, k)) delete out[k];
    if (strategic && field !== undefined && RETAIN_KEYS.has(field)) for (const k of Object.keys(out)) if (!Object.hasOwn(modified, k)) delete out[k];
    return out;
  }
  if (Array.isArray(modified)) {
    const strategy = strategic ? listStrategy(field, modified) : { kind: 'atomic' as const };
    const cur = Array.isArray(current) ? current : [];
    const orig = Array.isArray(original) ? original : [];
    if (strategy.kind === 'set') {
      const removed = new Set(orig.filter((x) => !modified.some((m) => JSON.stringify(m) === JSON.stringify(x))).map((x) => JSON.stringify(x)));
      const out = cur.filter((x) => !removed.has(JSON.stringify(x))) as Json[];
      for (const m of modified) if (!out.some((x) => JSON.stringify(x) === JSON.stringify(m))) out.push(clone(m));
      return out;
    }
    if (strategy.kind === 'keyed' && cur.every((c) => isObject(c) && own(c, strategy.key) !== undefined)) {
      const k = strategy.key;
      const modKeys = new Set(modified.map((m) => keyOf(m, k)));
      const origKeys = new Set(orig.map((o) => keyOf(o, k)));
      const out: Json[] = modified.map((m) => {
        const key = keyOf(m, k);
        const merged = mergeValue(
          orig.find((o) => keyOf(o, k) === key),
          m,
          cur.find((c) => keyOf(c, k) === key),
          undefined,
          strategic,
        );
        if (merged && isObject(merged) && field !== undefined && RETAIN_KEYS_ELEMENTS.has(field) && isObject(m)) {
          for (const key2 of Object.keys(merged)) if (!Object.hasOwn(m, key2)) delete merged[key2];
        }
        return merged ?? {};
      });
      // Elements only the live object has (added by admission or controllers) stay.
      for (const c of cur) if (!modKeys.has(keyOf(c, k)) && !origKeys.has(keyOf(c, k))) out.push(clone(c as Json));
      return out;
    }
    return clone(modified);
  }
  return modified;
}

/**
 * The live object after the upgrade's patch: `current` patched with the change from `original` (the
 * previous manifest) to `modified` (the new one). `strategic` is false for custom resources.
 */
export function threeWayMerge(original: JsonObject, modified: JsonObject, current: JsonObject, strategic = true): JsonObject {
  return (mergeValue(original, modified, current, undefined, strategic) ?? {}) as JsonObject;
}
