import { differences } from '../equality.ts';
import { getAt } from '../json.ts';
import { defineUpgradeRule, type UpdateViolation } from '../types.ts';
import { change, specOf, without } from './util.ts';
import { fieldPath } from '../json.ts';

/** The StatefulSet spec fields an update may change (1.32: ValidateStatefulSetUpdate). */
const MUTABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];
const WHY = "the API server refuses updates to a StatefulSet's spec other than replicas, ordinals, template, updateStrategy, persistentVolumeClaimRetentionPolicy and minReadySeconds";

const ORPHAN = 'delete the StatefulSet without its pods (`kubectl delete statefulset NAME --cascade=orphan`) right before the upgrade, which then re-creates it and the new StatefulSet adopts the running pods and their claims';

function hintFor(field: string): string {
  switch (field) {
    case 'volumeClaimTemplates':
      return `Existing claims never change with the template. To grow them, patch each claim (\`kubectl patch pvc <template>-<statefulset>-<n> -p '{"spec":{"resources":{"requests":{"storage":"<size>"}}}}'\`, which needs a StorageClass with allowVolumeExpansion), then ${ORPHAN}. A new class, access mode or label set needs a new StatefulSet (another name) and a data migration; otherwise keep the previous volumeClaimTemplates.`;
    case 'selector':
      return `Keep the previous selector (selectors should only hold stable labels: name, instance, component — never a version). If it must change, ${ORPHAN}; the pods must carry the new selector's labels to be adopted.`;
    default:
      return `Keep the previous ${field}, or ${ORPHAN}.`;
  }
}

export default defineUpgradeRule({
  meta: {
    id: 'upgrade/statefulset-immutable-spec',
    title: 'StatefulSet spec change the server refuses',
    kinds: ['apps/StatefulSet'],
    description:
      "A StatefulSet's spec may only change in replicas, ordinals, template, updateStrategy, persistentVolumeClaimRetentionPolicy and minReadySeconds. A changed selector, serviceName, podManagementPolicy, revisionHistoryLimit or volumeClaimTemplates entry (size, class, access modes, labels, a new template) makes `helm upgrade` fail half-way, after the objects before it were already updated.",
    remediation: `Keep the immutable fields as they were; otherwise ${ORPHAN}. Existing PVCs are resized by patching each claim.`,
    upstream: 'ValidateStatefulSetUpdate (pkg/apis/apps/validation)',
    references: ['https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#limitations'],
  },
  check({ live, next }) {
    const before = without(specOf(live), MUTABLE);
    const after = without(specOf(next), MUTABLE);
    const out: UpdateViolation[] = [];
    const seen = new Set<string>();
    for (const rel of differences(before, after, 50)) {
      const field = String(rel[0] ?? 'spec');
      // One finding per field, and per claim template.
      const group = field === 'volumeClaimTemplates' && typeof rel[1] === 'number' ? `${field}/${rel[1]}` : field;
      if (seen.has(group)) continue;
      seen.add(group);
      const isVct = field === 'volumeClaimTemplates';
      const what = isVct && rel.length === 1 ? `spec.volumeClaimTemplates changes from ${(getAt(before, rel) as unknown[] | undefined)?.length ?? 0} to ${(getAt(after, rel) as unknown[] | undefined)?.length ?? 0} templates` : `${fieldPath(['spec', ...rel])} changes ${change(before, after, rel)}`;
      out.push({ path: ['spec', ...rel], message: `${what}: ${WHY}`, hint: hintFor(field) });
      if (out.length >= 10) break;
    }
    return out;
  },
});
