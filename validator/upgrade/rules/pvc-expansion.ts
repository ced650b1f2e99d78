import { show } from '../json.ts';
import { defineUpgradeRule } from '../types.ts';
import { claimClass, sizeChange, storageOf } from './pvc-util.ts';

export default defineUpgradeRule({
  meta: {
    id: 'upgrade/pvc-expansion',
    title: 'PersistentVolumeClaim grown without an expandable StorageClass',
    kinds: ['core/PersistentVolumeClaim'],
    description:
      "A bound claim may grow only when its StorageClass has `allowVolumeExpansion: true` (PersistentVolumeClaimResize admission answers 403 otherwise), and only a dynamically provisioned claim (one with a class) can. The validator learns which classes expand from StorageClass objects in the render and from --expandable-storage-class; a class it knows nothing about is reported, because the upgrade fails if the class does not expand.",
    remediation: 'Grow claims only on StorageClasses with allowVolumeExpansion: true. Tell the validator about them with --expandable-storage-class NAME (repeatable; --default-storage-class names the class of claims without one).',
    upstream: 'PersistentVolumeClaimResize admission (plugin/pkg/admission/storage/persistentvolume/resize)',
    references: ['https://kubernetes.io/docs/concepts/storage/persistent-volumes/#expanding-persistent-volumes-claims'],
  },
  check({ live, next, facts }) {
    if ((sizeChange(live, next) ?? 0) <= 0) return [];
    const cls = claimClass(next, facts);
    const growth = `spec.resources.requests.storage grows from ${show(storageOf(live))} to ${show(storageOf(next))}`;
    const path = ['spec', 'resources', 'requests', 'storage'];
    if (cls === '') return [{ path, message: `${growth}, but the claim has no StorageClass (storageClassName: ""): only dynamically provisioned claims can be resized`, hint: 'Keep the size; a statically provisioned volume is grown by its administrator, outside Kubernetes.' }];
    if (cls !== undefined && facts.expandableStorageClasses.has(cls) && !facts.fixedStorageClasses.has(cls)) return [];
    const which = cls === undefined ? "the cluster's default StorageClass (unknown to the validator)" : `StorageClass ${JSON.stringify(cls)}`;
    const known = cls !== undefined && facts.fixedStorageClasses.has(cls);
    return [
      {
        path,
        message: `${growth}, but ${which} ${known ? 'does not allow volume expansion' : 'is not known to allow volume expansion'}: only dynamically provisioned claims whose StorageClass has allowVolumeExpansion: true can be resized`,
        hint: known
          ? `Set allowVolumeExpansion: true on StorageClass ${JSON.stringify(cls)} first (it is mutable), or keep the size.`
          : `If ${cls === undefined ? 'the default class' : JSON.stringify(cls)} allows expansion, say so with --expandable-storage-class ${cls ?? 'NAME'}${cls === undefined ? ' --default-storage-class NAME' : ''}; otherwise keep the size.`,
      },
    ];
  },
});
