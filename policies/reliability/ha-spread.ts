import { definePolicy } from '../util/define.ts';
import { arr, obj } from '../util/json.ts';
import { podOf } from '../util/pod.ts';
import { minReplicasOf } from './util.ts';

export default definePolicy({
  meta: {
    id: 'ha-spread',
    title: 'Replicas are spread across nodes or zones',
    category: 'reliability',
    severity: 'warning',
    scope: 'render',
    kinds: ['Deployment', 'StatefulSet'],
    description: 'Replicas only give availability if they do not share a failure domain. A Deployment or StatefulSet with at least `settings.haMinReplicas` replicas must declare pod anti-affinity (required or preferred) or `topologySpreadConstraints`.',
    remediation: 'Add `topologySpreadConstraints` on `kubernetes.io/hostname` / `topology.kubernetes.io/zone`, or a preferred podAntiAffinity on the selector labels.',
    references: ['https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/'],
    messages: { missing: '{{kind}} runs {{replicas}} replicas without pod anti-affinity or topology spread constraints' },
    equivalents: ['polaris:topologySpreadConstraint', 'kube-linter:no-anti-affinity', 'kube-score:deployment-has-host-podantiaffinity', 'kube-score:statefulset-has-host-podantiaffinity', 'kube-score:pod-topology-spread-constraints'],
  },
  check(r, ctx) {
    const pod = podOf(r);
    if (!pod) return [];
    const { replicas } = minReplicasOf(r, ctx.index);
    if (replicas < ctx.settings.haMinReplicas) return [];
    const anti = obj(obj(pod.spec.affinity)?.podAntiAffinity);
    const hasAnti = !!anti && (arr(anti.requiredDuringSchedulingIgnoredDuringExecution).length > 0 || arr(anti.preferredDuringSchedulingIgnoredDuringExecution).length > 0);
    if (hasAnti || arr(pod.spec.topologySpreadConstraints).length > 0) return [];
    return [{ messageId: 'missing', data: { kind: r.kind, replicas }, pointer: `${pod.specPointer}/topologySpreadConstraints` }];
  },
});
