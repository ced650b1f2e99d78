import { defineUpgradeRule } from '../types.ts';
import { isObject } from '../json.ts';
import { changedFields, specOf, without } from './util.ts';

/** PersistentVolume spec fields that may change; everything else is the volume source. */
const MUTABLE = ['capacity', 'accessModes', 'claimRef', 'persistentVolumeReclaimPolicy', 'storageClassName', 'mountOptions', 'nodeAffinity', 'volumeAttributesClassName', 'volumeMode'];

export default defineUpgradeRule({
  meta: {
    id: 'upgrade/persistentvolume-source',
    title: 'PersistentVolume source changed',
    kinds: ['core/PersistentVolume'],
    description: "A PersistentVolume's source (hostPath, nfs, csi, local, …) and volumeMode are immutable after creation, and its nodeAffinity once set (a CSI volume may gain a controllerExpandSecretRef); capacity, access modes, reclaim policy, class and mount options may change.",
    remediation: 'Create a PersistentVolume with a new name for the new source and bind the claims to it.',
    upstream: 'ValidatePersistentVolumeUpdate (pkg/apis/core/validation)',
    references: ['https://kubernetes.io/docs/concepts/storage/persistent-volumes/'],
  },
  check({ live, next }) {
    const before = without(specOf(live), MUTABLE);
    const after = without(specOf(next), MUTABLE);
    // A CSI volume may get a controllerExpandSecretRef it did not have.
    if (isObject(before.csi) && isObject(after.csi) && before.csi.controllerExpandSecretRef === undefined) after.csi = without(after.csi, ['controllerExpandSecretRef']);
    const out = changedFields(before, after, ['spec'], 'spec.persistentvolumesource is immutable after creation', 'Create a PersistentVolume with a new name for the new source.');
    out.push(...changedFields(specOf(live).volumeMode, specOf(next).volumeMode, ['spec', 'volumeMode'], 'field is immutable', 'Keep the previous volumeMode.'));
    // nodeAffinity may be set once, then never changed.
    if (specOf(live).nodeAffinity !== undefined) out.push(...changedFields(specOf(live).nodeAffinity, specOf(next).nodeAffinity, ['spec', 'nodeAffinity'], 'field is immutable, except for updating from beta label to GA', 'Keep the previous nodeAffinity; a volume on other nodes is a new PersistentVolume.'));
    return out;
  },
});
