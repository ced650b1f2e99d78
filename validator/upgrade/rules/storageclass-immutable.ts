import { semanticEqual } from '../equality.ts';
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
    description: "A StorageClass's provisioner, parameters, reclaimPolicy (Delete when not set) and volumeBindingMode (Immediate when not set) cannot change; allowVolumeExpansion, mountOptions and allowedTopologies may.",
    remediation: 'Create a StorageClass with a new name for new parameters and use it for new claims; existing volumes keep the class they were provisioned with.',
    upstream: 'ValidateStorageClassUpdate (pkg/apis/storage/validation)',
    references: ['https://kubernetes.io/docs/concepts/storage/storage-classes/'],
  },
  check({ live, next }) {
    const out: UpdateViolation[] = [];
    for (const [field, why] of Object.entries(MESSAGES)) {
      if (semanticEqual(live[field], next[field], field)) continue;
      out.push({ path: [field], message: `${field} changes ${change(live, next, [field])}: ${why}`, hint: 'Create a StorageClass with a new name for the new settings and point new claims at it.' });
    }
    return out;
  },
});
