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
  check({ live, next, kubeMinor }) {
    if ((sizeChange(live, next) ?? 0) >= 0) return [];
    // RecoverVolumeExpansionFailure (on from 1.32) allows going back down to the capacity after a failed expansion, never below.
    const why = kubeMinor >= 32 ? 'field can not be less than status.capacity' : 'field can not be less than previous value';
    return [
      {
        path: ['spec', 'resources', 'requests', 'storage'],
        message: `spec.resources.requests.storage shrinks from ${show(storageOf(live))} to ${show(storageOf(next))}: ${why} (volumes cannot shrink)`,
        hint: 'Keep the storage request at least as large as before; a smaller volume needs a new claim and a data migration.',
      },
    ];
  },
});
