import { show } from '../json.ts';
import { defineUpgradeRule } from '../types.ts';
import { sizeChange, storageOf } from './pvc-util.ts';

export default defineUpgradeRule({
  meta: {
    id: 'upgrade/pvc-shrink',
    title: 'PersistentVolumeClaim shrunk',
    kinds: ['core/PersistentVolumeClaim'],
    description: 'Volumes never shrink: the server refuses a storage request below the capacity the claim already has.',
    remediation: 'Keep the size (or grow it). To use a smaller volume, create a claim with a new name and migrate the data.',
    upstream: 'ValidatePersistentVolumeClaimUpdate (pkg/apis/core/validation), RecoverVolumeExpansionFailure',
    references: ['https://kubernetes.io/docs/concepts/storage/persistent-volumes/#recovering-from-failure-when-expanding-volumes'],
  },
  check({ live, next }) {
    if ((sizeChange(live, next) ?? 0) >= 0) return [];
    return [
      {
        path: ['spec', 'resources', 'requests', 'storage'],
        message: `spec.resources.requests.storage shrinks from ${show(storageOf(live))} to ${show(storageOf(next))}: field can not be less than status.capacity (volumes cannot shrink)`,
        hint: 'Keep the storage request at least as large as before; a smaller volume needs a new claim and a data migration.',
      },
    ];
  },
});
