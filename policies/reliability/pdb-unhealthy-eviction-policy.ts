import { definePolicy } from '../util/define.ts';
import { obj } from '../util/json.ts';

export default definePolicy({
  meta: {
    id: 'pdb-unhealthy-eviction-policy',
    title: 'PodDisruptionBudgets let unhealthy pods be evicted',
    category: 'reliability',
    severity: 'info',
    scope: 'resource',
    kinds: ['PodDisruptionBudget'],
    description:
      'With the default `unhealthyPodEvictionPolicy: IfHealthyBudget`, a pod that is Running but not Ready (crash-looping, stuck on a dependency) counts against the budget and cannot be evicted while the budget is exhausted, so one broken pod can block a node drain indefinitely. `AlwaysAllow` lets the eviction API remove unhealthy pods regardless (GA in Kubernetes 1.31). kube-linter only asks for the field to be set; this check asks for `AlwaysAllow`, the value that keeps drains moving.',
    remediation: 'Set `spec.unhealthyPodEvictionPolicy: AlwaysAllow` on the PodDisruptionBudget.',
    references: ['https://kubernetes.io/docs/tasks/run-application/configure-pdb/#unhealthy-pod-eviction-policy'],
    messages: { policy: 'unhealthyPodEvictionPolicy is {{value}}, not AlwaysAllow: a not-ready pod can block node drains' },
    equivalents: ['kube-linter:pdb-unhealthy-pod-eviction-policy'],
  },
  check(r) {
    const v = obj(r.object.spec)?.unhealthyPodEvictionPolicy;
    return v === 'AlwaysAllow' ? [] : [{ messageId: 'policy', data: { value: typeof v === 'string' ? v : 'unset (IfHealthyBudget)' }, pointer: '/spec/unhealthyPodEvictionPolicy' }];
  },
});
