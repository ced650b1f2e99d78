import { semanticEqual } from '../equality.ts';
import { defineUpgradeRule, type UpdateViolation } from '../types.ts';
import { change, specOf } from './util.ts';

/** The server reports attachRequired as `spec.attachedRequired` (sic). */
const FIELDS = [
  ['attachRequired', 'attachedRequired'],
  ['volumeLifecycleModes', 'volumeLifecycleModes'],
] as const;

export default defineUpgradeRule({
  meta: {
    id: 'upgrade/csidriver-immutable',
    title: 'CSIDriver attachRequired or volumeLifecycleModes changed',
    kinds: ['storage.k8s.io/CSIDriver'],
    description: "A CSIDriver's attachRequired (true when not set) and volumeLifecycleModes (Persistent when not set) cannot change: volumes already attached were set up under the old contract. podInfoOnMount, fsGroupPolicy, storageCapacity, tokenRequests and requiresRepublish may change.",
    remediation: 'Keep attachRequired and volumeLifecycleModes; a driver that changes them needs its CSIDriver object deleted and re-created while no volume of it is in use.',
    upstream: 'ValidateCSIDriverUpdate (pkg/apis/storage/validation)',
    references: ['https://kubernetes-csi.github.io/docs/csi-driver-object.html'],
  },
  check({ live, next }) {
    const out: UpdateViolation[] = [];
    for (const [field, reported] of FIELDS) {
      if (semanticEqual(specOf(live)[field], specOf(next)[field], field)) continue;
      out.push({ path: ['spec', field], message: `spec.${reported} changes ${change(specOf(live), specOf(next), [field])}: field is immutable`, hint: 'Keep the previous value; changing it needs the CSIDriver deleted and re-created while none of its volumes is in use.' });
    }
    return out;
  },
});
