import { definePolicy, POD_TEMPLATE_KINDS } from '../util/define.ts';
import { obj } from '../util/json.ts';
import { podOf } from '../util/pod.ts';
import { parseLabelSelector, matches } from '../util/selector.ts';

export default definePolicy({
  meta: {
    id: 'network-policy-coverage',
    title: 'Every pod is selected by a NetworkPolicy',
    category: 'network',
    severity: 'warning',
    scope: 'render',
    kinds: POD_TEMPLATE_KINDS.filter((k) => k !== 'PodTemplate'),
    description: 'A pod that no NetworkPolicy selects accepts traffic from, and sends traffic to, anything in the cluster. Every pod template in the render must be selected by at least one NetworkPolicy of its namespace (exact label-selector semantics; an empty `podSelector` selects every pod).',
    remediation: 'Add a NetworkPolicy (the NEXUS tiers render one per tier with `networkPolicy.enabled`) whose `podSelector` matches the pod labels.',
    references: ['https://kubernetes.io/docs/concepts/services-networking/network-policies/'],
    messages: { uncovered: 'no NetworkPolicy in namespace "{{namespace}}" selects this pod' },
    equivalents: ['polaris:missingNetworkPolicy', 'kube-linter:non-isolated-pod', 'kube-score:pod-networkpolicy'],
  },
  check(r, ctx) {
    const pod = podOf(r);
    if (!pod) return [];
    const ns = ctx.index.namespaceOf(r);
    for (const np of ctx.index.inNamespace('NetworkPolicy', ns)) {
      const sel = parseLabelSelector(obj(np.object.spec)?.podSelector);
      if (sel && matches(sel, pod.labels)) return [];
    }
    return [{ messageId: 'uncovered', data: { namespace: ns }, pointer: `${pod.metadataPointer}/labels` }];
  },
});
