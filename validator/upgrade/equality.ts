/**
 * Semantic equality of API objects, the way the API server compares them after decoding JSON into Go
 * structs (`apiequality.Semantic.DeepEqual`):
 *  - an absent field, `null`, an empty list or map, and an empty struct are the same (Go zero values
 *    and nil/empty collections compare equal); so are `""`, `false` and `0` and an absent field, except
 *    for the fields that are pointers in the Go types (`automountServiceAccountToken: false` is not
 *    the same as leaving it out, `storageClassName: ""` is not the same as no class);
 *  - quantities compare by value (`1Gi` equals `1024Mi`);
 *  - list order matters, map order does not.
 * Pure.
 */
import { isObject, own, type Path } from './json.ts';
import { compareQuantities } from './quantity.ts';

/**
 * Optional scalars that are pointers in the Go API types, so an explicit zero value (`false`, `0`,
 * `""`) differs from an unset field. Names are unique enough across the kinds the upgrade rules
 * compare deeply (pod specs, PVC specs, StatefulSet, Job and Service specs).
 */
const POINTER_SCALARS = new Set([
  // PodSpec
  'activeDeadlineSeconds',
  'automountServiceAccountToken',
  'enableServiceLinks',
  'hostUsers',
  'preemptionPolicy',
  'priority',
  'setHostnameAsFQDN',
  'shareProcessNamespace',
  'terminationGracePeriodSeconds',
  // (Pod)SecurityContext
  'allowPrivilegeEscalation',
  'fsGroup',
  'privileged',
  'readOnlyRootFilesystem',
  'runAsGroup',
  'runAsNonRoot',
  'runAsUser',
  // volumes
  'defaultMode',
  'expirationSeconds',
  'mode',
  'optional',
  // PVC
  'storageClassName',
  'volumeAttributesClassName',
  // workloads
  'backoffLimit',
  'backoffLimitPerIndex',
  'completions',
  'failedJobsHistoryLimit',
  'manualSelector',
  'maxFailedIndexes',
  'parallelism',
  'partition',
  'progressDeadlineSeconds',
  'revisionHistoryLimit',
  'startingDeadlineSeconds',
  'successfulJobsHistoryLimit',
  'suspend',
  'ttlSecondsAfterFinished',
  // Service, ConfigMap, Secret, StorageClass
  'allocateLoadBalancerNodePorts',
  'allowVolumeExpansion',
  'immutable',
]);

/** Maps whose values are quantities, and fields that hold one. */
const QUANTITY_MAPS = new Set(['requests', 'limits', 'capacity', 'hard', 'allocatable', 'overhead', 'min', 'max', 'default', 'defaultRequest', 'maxLimitRequestRatio']);
const QUANTITY_FIELDS = new Set(['sizeLimit']);

/** Whether `v` is "not set" for a field named `key` (Go zero values and empty collections). */
export function isAbsent(v: unknown, key?: string | number): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isObject(v)) return Object.values(v).every((x) => x === undefined);
  const pointer = typeof key === 'string' && POINTER_SCALARS.has(key);
  if (v === '' || v === false || v === 0) return !pointer;
  return false;
}

function quantityContext(key: string | number | undefined, parent: string | number | undefined): boolean {
  return (typeof parent === 'string' && QUANTITY_MAPS.has(parent)) || (typeof key === 'string' && QUANTITY_FIELDS.has(key));
}

function eq(a: unknown, b: unknown, key: string | number | undefined, parent: string | number | undefined): boolean {
  const aAbsent = isAbsent(a, key);
  const bAbsent = isAbsent(b, key);
  if (aAbsent || bAbsent) {
    if (aAbsent && bAbsent) return true;
    // `{a: {}}` vs nothing: an object whose members are all unset is unset.
    const present = aAbsent ? b : a;
    return isObject(present) && Object.entries(present).every(([k, v]) => isAbsent(v, k) || (isObject(v) && eq(v, undefined, k, key)));
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => eq(x, b[i], i, key));
  }
  if (isObject(a) || isObject(b)) {
    if (!isObject(a) || !isObject(b)) return false;
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) if (!eq(own(a, k), own(b, k), k, key)) return false;
    return true;
  }
  if (a === b) return true;
  if (quantityContext(key, parent)) return compareQuantities(a, b) === 0;
  return false;
}

/** Semantic equality of two values of the field `key` (see the module comment). */
export function semanticEqual(a: unknown, b: unknown, key?: string): boolean {
  return eq(a, b, key, undefined);
}

/**
 * The paths (relative to `a`/`b`) where two values differ, deepest first-found, in a stable order
 * (map keys sorted); at most `limit`. A list that changed length is one difference at the list.
 */
export function differences(a: unknown, b: unknown, limit = 20, key?: string | number, parent?: string | number, at: Path = []): Path[] {
  if (eq(a, b, key, parent)) return [];
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    const out: Path[] = [];
    for (let i = 0; i < a.length && out.length < limit; i++) out.push(...differences(a[i], b[i], limit - out.length, i, key, [...at, i]));
    return out;
  }
  if (isObject(a) && isObject(b)) {
    const out: Path[] = [];
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (out.length >= limit) break;
      out.push(...differences(own(a, k), own(b, k), limit - out.length, k, key, [...at, k]));
    }
    return out.length ? out : [at];
  }
  return [at];
}
