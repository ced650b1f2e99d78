import { defineUpgradeRule } from '../types.ts';
import { changedFields, specOf } from './util.ts';

const WHY = 'a selector is immutable in apps/v1 (the server answers "field is immutable")';

export default defineUpgradeRule({
  meta: {
    id: 'upgrade/selector-immutable',
    title: 'Workload selector changed',
    kinds: ['apps/Deployment', 'apps/ReplicaSet', 'apps/DaemonSet'],
    description:
      'The label selector of a Deployment, ReplicaSet or DaemonSet cannot change after creation: the controller would lose track of its pods. A chart that adds a label (a version, a new component key) to its selector labels breaks every upgrade.',
    remediation:
      'Keep the selector exactly as it was; put new or changing labels on the pod template only. If the selector really must change, rename the object (the upgrade creates the new one and deletes the old), or delete the old one with `--cascade=orphan` right before the upgrade.',
    upstream: 'deploymentStrategy/daemonSetStrategy/rsStrategy.ValidateUpdate (pkg/registry/apps)',
    references: ['https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#label-selector-updates'],
  },
  check({ live, next, manifest }) {
    // extensions/v1beta1 and apps/v1beta1 allowed selector updates (long gone; kept for old manifests).
    if (typeof manifest.apiVersion === 'string' && /^(extensions|apps)\/v1beta1$/.test(manifest.apiVersion)) return [];
    return changedFields(
      specOf(live).selector,
      specOf(next).selector,
      ['spec', 'selector'],
      WHY,
      'Keep the previous selector and change only the pod template labels; selectors should hold stable labels only (name, instance, component). To change it anyway, give the object a new name so the upgrade replaces it, or delete it with `--cascade=orphan` before upgrading.',
      3,
    );
  },
});
