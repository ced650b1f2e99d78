import { definePolicy } from '../util/define.ts';
import { obj, objs } from '../util/json.ts';
import type { Violation } from '../types.ts';

/** An int-or-string against a replica count, rounded as the Deployment controller rounds maxUnavailable (down). */
function unavailablePods(v: unknown, replicas: number): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+%$/.test(v)) return Math.floor((Number(v.slice(0, -1)) * replicas) / 100);
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

export default definePolicy({
  meta: {
    id: 'deployment-rolling-update',
    title: 'Deployments roll out without taking every pod down',
    category: 'reliability',
    severity: 'warning',
    scope: 'resource',
    kinds: ['Deployment'],
    description:
      'A `Recreate` strategy stops every old pod before the first new one starts: each release is an outage. A `RollingUpdate` whose `maxUnavailable` reaches the replica count (`100%`, or a number ≥ `replicas`) does the same. Deployments must use `RollingUpdate` (the default when `strategy` is unset) with `maxUnavailable` below the replica count (percentages round down, as the controller does). Scope: single-replica Deployments are judged only on the strategy type, since one pod is always allowed down; a single-replica Deployment that mounts a PersistentVolumeClaim may use `Recreate` (a ReadWriteOnce volume cannot be attached to the old and the new pod at once, so a rolling update would hang); any other workload that truly cannot run two versions at once (a singleton consumer) is exempted with a reason.',
    remediation: 'Use `strategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 0 or 1, maxSurge: 1}}`.',
    references: ['https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy'],
    messages: {
      recreate: 'Deployment uses the {{type}} strategy: every pod stops before the new ones start',
      all: 'maxUnavailable {{value}} lets the rollout take all {{replicas}} replica(s) down at once',
    },
    equivalents: ['kube-linter:no-rolling-update-strategy', 'kube-score:deployment-strategy'],
  },
  check(r) {
    const spec = obj(r.object.spec);
    if (!spec) return [];
    const strategy = obj(spec.strategy);
    const type = strategy?.type;
    const out: Violation[] = [];
    const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
    if (typeof type === 'string' && type !== 'RollingUpdate') {
      const claimsVolume = objs(obj(obj(spec.template)?.spec)?.volumes).some((v) => v.persistentVolumeClaim !== undefined);
      return replicas <= 1 && claimsVolume ? [] : [{ messageId: 'recreate', data: { type }, pointer: '/spec/strategy/type' }];
    }
    const max = obj(strategy?.rollingUpdate)?.maxUnavailable;
    const down = unavailablePods(max, replicas);
    if (replicas > 1 && down !== undefined && down >= replicas) out.push({ messageId: 'all', data: { value: String(max), replicas }, pointer: '/spec/strategy/rollingUpdate/maxUnavailable' });
    return out;
  },
});
