/** Shared check of ConfigMaps and Secrets marked `immutable: true` (ValidateConfigMapUpdate, ValidateSecretUpdate). */
import { differences } from '../equality.ts';
import { fieldPath, isObject, type JsonObject } from '../json.ts';
import type { UpdateViolation } from '../types.ts';

export function immutableDataViolations(kind: 'ConfigMap' | 'Secret', live: JsonObject, next: JsonObject, manifest: JsonObject, fields: readonly string[]): UpdateViolation[] {
  if (live.immutable !== true) return [];
  const hint = `An immutable ${kind} can only be deleted and re-created. Publish new content under a new name (e.g. suffixed with a hash of the data, like kustomize's ${kind === 'ConfigMap' ? 'configMapGenerator' : 'secretGenerator'}) and point the workloads at it; the rollout then picks it up and the old one can go.`;
  const out: UpdateViolation[] = [];
  if (next.immutable !== true) {
    out.push({ path: ['immutable'], message: `immutable changes from true to ${JSON.stringify(next.immutable ?? null)}: field is immutable when \`immutable\` is set`, hint });
  }
  // Secret data is compared with reflect.DeepEqual: a patch that writes `data: {}` (no stringData) gives an
  // empty, non-nil map, the stored Secret has none (checked against a v1.32 API server; ConfigMaps differ).
  if (kind === 'Secret' && isObject(next.data) && Object.keys(next.data).length === 0 && !(isObject(live.data) && Object.keys(live.data).length > 0) && isObject(manifest.data)) {
    out.push({ path: ['data'], message: 'data: {} is refused on every update of an immutable Secret (field is immutable when `immutable` is set): the stored Secret has no data at all, and the server compares an empty map and none as different', hint: 'Leave data out when the Secret has no keys.' });
  }
  for (const field of fields) {
    const a = isObject(live[field]) ? live[field] : {};
    const b = isObject(next[field]) ? next[field] : {};
    // reflect.DeepEqual on the maps: one finding per added, removed or changed key.
    const keys = differences(a, b, 10).map((p) => p.slice(0, 1));
    for (const rel of keys) {
      const key = String(rel[0] ?? '');
      const what = !(key in a) ? 'is added' : !(key in b) ? 'is removed' : 'changes';
      // A Secret key the manifest writes as stringData is reported there.
      const written = field === 'data' && isObject(manifest.stringData) && key in manifest.stringData ? 'stringData' : field;
      out.push({ path: key ? [written, key] : [field], message: `${fieldPath(key ? [written, key] : [field])} ${what}: field is immutable when \`immutable\` is set`, hint });
    }
  }
  return out;
}
