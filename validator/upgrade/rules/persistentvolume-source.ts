import { defineUpgradeRule } from '../types.ts';
import { changedFields, specOf, without } from './util.ts';

/** PersistentVolume spec fields that may change; everything else is the volume source. */
const MUTABLE = ['capacity', 'accessModes', 'claimRef', 'persistentVolumeReclaimPolicy', 'storageClassName', 'mountOptions', 'nodeAffinity', 'volumeAttributesClassName', 'volumeMode'];

export default defineUpgradeRule({
  meta: {
    id: 'upgrade/persistentvolume-source',
    title: 'PersistentVolume source changed',
    kinds: ['core/PersistentVolume'],
    description: "A PersistentVolume's source (hostPath, nfs, csi, local, …) and volumeMode are immutable after creation; capacity, access modes, reclaim policy, class and mount options may change.",
    remediation: 'Create a PersistentVolume with a new name for the new source and bind the claims to it.',
    upstream: 'ValidatePersistentVolumeUpdate (pkg/apis/core/validation)',
    references: ['https://kubernetes.io/docs/concepts/storage/persistent-volumes/'],
  },
  check({ live, next }) {
    const out = changedFields(without(specOf(live), MUTABLE), without(specOf(next), MUTABLE), ['spec'], 'spec.persistentvolumesource is immutable after creation', 'Create a PersistentVolume with a new name for the new source.');
    out.push(...changedFields(specOf(live).volumeMode, specOf(next).volumeMode, ['spec', 'volumeMode'], 'field is immutable', 'Keep the previous volumeMode.'));
    return out;
  },
});
