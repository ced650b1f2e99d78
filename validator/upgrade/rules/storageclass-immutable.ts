import { semanticEqual } from '../equality.ts';
import { isObject } from '../json.ts';
import { defineUpgradeRule, type UpdateViolation } from '../types.ts';
import { change } from './util.ts';

const MESSAGES: Readonly<Record<string, string>> = {
  parameters: 'updates to parameters are forbidden',
  provisioner: 'updates to provisioner are forbidden',
  reclaimPolicy: 'updates to reclaimPolicy are forbidden',
  volumeBindingMode: 'field is immutable',
};

export default defineUpgradeRule({
  meta: {
    id: 'upgrade/storageclass-immutable',
    title: 'StorageClass parameters changed',
    kinds: ['storage.k8s.io/StorageClass'],
    description: "A StorageClass's provisioner, parameters, reclaimPolicy (Delete when not set) and volumeBindingMode (Immediate when not set) cannot change; allowVolumeExpansion, mountOptions and allowedTopologies may. A manifest that writes `parameters: {}` can never be applied again: the server stores no parameters and compares exactly (checked against a v1.32 API server).",
    remediation: 'Create a StorageClass with a new name for new parameters and use it for new claims; existing volumes keep the class they were provisioned with.',
    upstream: 'ValidateStorageClassUpdate (pkg/apis/storage/validation)',
    references: ['https://kubernetes.io/docs/concepts/storage/storage-classes/'],
  },
  check({ live, next }) {
    const out: UpdateViolation[] = [];
    // parameters are compared with reflect.DeepEqual: the stored object has none (storage drops an empty
    // map), while a manifest's `parameters: {}` arrives in every patch as an empty, non-nil map.
    if (isObject(next.parameters) && Object.keys(next.parameters).length === 0 && !(isObject(live.parameters) && Object.keys(live.parameters).length > 0)) {
      out.push({
        path: ['parameters'],
        message: 'parameters: {} is refused on every update (updates to parameters are forbidden): the stored StorageClass has no parameters at all, and the server compares an empty map and none as different',
        hint: 'Leave parameters out when there are none (in a template: `{{- with .Values.parameters }} parameters: {{- toYaml . | nindent 2 }} {{- end }}`).',
      });
    }
    for (const [field, why] of Object.entries(MESSAGES)) {
      if (semanticEqual(live[field], next[field], field)) continue;
      out.push({ path: [field], message: `${field} changes ${change(live, next, [field])}: ${why}`, hint: 'Create a StorageClass with a new name for the new settings and point new claims at it.' });
    }
    return out;
  },
});
