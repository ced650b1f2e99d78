import { getAt, isObject } from '../json.ts';
import { defineUpgradeRule } from '../types.ts';

export default defineUpgradeRule({
  meta: {
    id: 'upgrade/statefulset-update-strategy',
    title: 'StatefulSet switched to OnDelete keeps a rollingUpdate block',
    kinds: ['apps/StatefulSet'],
    description:
      "A StatefulSet created without an updateStrategy got `{type: RollingUpdate, rollingUpdate: {partition: 0}}` from the server. Switching it to `type: OnDelete` with a patch (helm upgrade, kubectl apply) keeps that rollingUpdate block — the previous manifest never set it, so the patch does not remove it — and the server refuses the result: rollingUpdate is only allowed for RollingUpdate (unlike a Deployment's strategy, the StatefulSet's updateStrategy has no retainKeys patch strategy).",
    remediation: "Write `rollingUpdate: null` next to `type: OnDelete` in the template (a patch then deletes it), or remove the field from the live object before upgrading (`kubectl patch statefulset NAME --type=json -p '[{\"op\":\"remove\",\"path\":\"/spec/updateStrategy/rollingUpdate\"}]'`).",
    upstream: 'ValidateStatefulSetUpdate / ValidateStatefulSetSpec (pkg/apis/apps/validation), SetDefaults_StatefulSet (pkg/apis/apps/v1)',
    references: ['https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#update-strategies'],
  },
  check({ next, manifest }) {
    const strategy = getAt(next, ['spec', 'updateStrategy']);
    if (!isObject(strategy) || strategy.type !== 'OnDelete' || !isObject(strategy.rollingUpdate)) return [];
    // Only what the patch kept from the live object: a manifest that writes the block itself is invalid on its own.
    if (getAt(manifest, ['spec', 'updateStrategy', 'rollingUpdate']) !== undefined) return [];
    return [
      {
        path: ['spec', 'updateStrategy', 'type'],
        message: `spec.updateStrategy.rollingUpdate: Invalid value: ${JSON.stringify(strategy.rollingUpdate)}: only allowed for updateStrategy 'RollingUpdate' (the live StatefulSet keeps the rollingUpdate block the server defaulted, and the patch that sets type OnDelete does not remove it)`,
        hint: 'Add `rollingUpdate: null` next to `type: OnDelete` so the patch deletes it, or remove /spec/updateStrategy/rollingUpdate from the live object before upgrading.',
      },
    ];
  },
});
