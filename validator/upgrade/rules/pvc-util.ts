/** Claim facts shared by the PersistentVolumeClaim rules. Pure. */
import { compareQuantities } from '../quantity.ts';
import { getAt, type JsonObject } from '../json.ts';
import { DEFAULT_STORAGE_CLASS, type ClusterFacts } from '../server.ts';

export const storageOf = (o: JsonObject): unknown => getAt(o, ['spec', 'resources', 'requests', 'storage']);

/** Negative when the request shrinks, positive when it grows, 0 or undefined otherwise. */
export function sizeChange(live: JsonObject, next: JsonObject): number | undefined {
  return compareQuantities(storageOf(next), storageOf(live));
}

/** The class whose allowVolumeExpansion decides a resize: the claim's, or the known default. */
export function claimClass(claim: JsonObject, facts: ClusterFacts): string | undefined {
  const c = getAt(claim, ['spec', 'storageClassName']);
  if (c === DEFAULT_STORAGE_CLASS) return facts.defaultStorageClass || undefined;
  return typeof c === 'string' ? c : undefined;
}
