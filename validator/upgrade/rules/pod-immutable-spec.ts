import { differences, semanticEqual } from '../equality.ts';
import { clone, fieldPath, isObject, objectsIn, type JsonObject } from '../json.ts';
import { defineUpgradeRule, type UpdateViolation } from '../types.ts';
import { change } from './util.ts';

const UPDATABLE =
  '`spec.containers[*].image`, `spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` (only additions to existing tolerations), `spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';
const HINT = 'A bare Pod is replaced, not updated: run it from a Deployment, Job or StatefulSet (their pod templates may change), or give the Pod a new name (or make it a Helm hook) so the upgrade creates a new one.';

function tolerationKept(old: JsonObject, newer: JsonObject[]): boolean {
  // Only tolerationSeconds of an existing toleration may change.
  return newer.some((n) => semanticEqual({ ...old, tolerationSeconds: n.tolerationSeconds ?? null }, n));
}

export default defineUpgradeRule({
  meta: {
    id: 'upgrade/pod-immutable-spec',
    title: 'Pod spec change the server refuses',
    kinds: ['core/Pod'],
    description: `A Pod's spec may only change in ${UPDATABLE}; new scheduling gates cannot be added. Labels and annotations may change. Anything else — resources, env, ports, volumes, adding or removing a container — fails the update.`,
    remediation: HINT,
    upstream: 'ValidatePodUpdate (pkg/apis/core/validation)',
    references: ['https://kubernetes.io/docs/concepts/workloads/pods/#pod-update-and-replacement'],
  },
  check({ live, next }) {
    const a = isObject(live.spec) ? live.spec : {};
    const b = isObject(next.spec) ? next.spec : {};
    const out: UpdateViolation[] = [];
    for (const list of ['containers', 'initContainers']) {
      if (objectsIn(a[list]).length !== objectsIn(b[list]).length) {
        return [{ path: ['spec', list], message: `spec.${list} goes from ${objectsIn(a[list]).length} to ${objectsIn(b[list]).length} containers: pod updates may not add or remove containers`, hint: HINT }];
      }
    }
    const oldAds = typeof a.activeDeadlineSeconds === 'number' ? a.activeDeadlineSeconds : undefined;
    const newAds = typeof b.activeDeadlineSeconds === 'number' ? b.activeDeadlineSeconds : undefined;
    if (newAds !== undefined && oldAds !== undefined && newAds > oldAds) out.push({ path: ['spec', 'activeDeadlineSeconds'], message: `spec.activeDeadlineSeconds grows from ${oldAds} to ${newAds}: must be less than or equal to previous value`, hint: 'An active deadline can only be set or shortened on a running Pod.' });
    if (newAds === undefined && oldAds !== undefined) out.push({ path: ['spec', 'activeDeadlineSeconds'], message: `spec.activeDeadlineSeconds is removed (was ${oldAds}): must not update from a positive integer to nil value`, hint: 'Keep the active deadline (it may be shortened).' });
    const newTolerations = objectsIn(b.tolerations);
    for (const [i, t] of objectsIn(a.tolerations).entries()) {
      if (!tolerationKept(t, newTolerations)) out.push({ path: ['spec', 'tolerations'], message: `spec.tolerations: existing toleration ${JSON.stringify(t)} (index ${i} before) can not be modified except its tolerationSeconds`, hint: 'Tolerations of a running Pod can only be added to.' });
    }
    const oldGates = new Set(objectsIn(a.schedulingGates).map((g) => String(g.name)));
    for (const g of objectsIn(b.schedulingGates)) {
      if (!oldGates.has(String(g.name))) out.push({ path: ['spec', 'schedulingGates'], message: `spec.schedulingGates: gate ${JSON.stringify(g.name)} is added: only deletion is allowed`, hint: 'Scheduling gates can only be removed from an existing Pod.' });
    }
    // Everything else must be equal once the updatable fields are taken from the old spec.
    const munged = clone(b);
    for (const list of ['containers', 'initContainers']) {
      objectsIn(munged[list]).forEach((c, i) => {
        c.image = objectsIn(a[list])[i]?.image ?? null;
      });
    }
    munged.activeDeadlineSeconds = a.activeDeadlineSeconds ?? null;
    munged.schedulingGates = a.schedulingGates ?? null;
    munged.tolerations = a.tolerations ?? null;
    if (typeof a.terminationGracePeriodSeconds === 'number' && a.terminationGracePeriodSeconds < 0 && munged.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = a.terminationGracePeriodSeconds;
    for (const rel of differences(a, munged, 5)) {
      out.push({ path: ['spec', ...rel], message: `${fieldPath(['spec', ...rel])} changes ${change(a, munged, rel)}: pod updates may not change fields other than ${UPDATABLE}`, hint: HINT });
    }
    return out;
  },
});
