import { definePolicy, POD_TEMPLATE_KINDS } from '../util/define.ts';
import { podOf } from '../util/pod.ts';

export default definePolicy({
  meta: {
    id: 'network-policy-coverage',
    title: 'Every pod is isolated by NetworkPolicies for ingress and egress',
    category: 'network',
    severity: 'warning',
    scope: 'render',
    kinds: POD_TEMPLATE_KINDS.filter((k) => k !== 'PodTemplate'),
    description:
      'A pod that no NetworkPolicy selects accepts traffic from, and sends traffic to, anything in the cluster. Isolation is per direction: a policy that only isolates Ingress leaves egress wide open (a compromised pod can reach every database and the cloud metadata endpoint), and the reverse. Each pod template in the render must be selected, for Ingress and for Egress, by some NetworkPolicy of its namespace (exact label-selector semantics; an empty `podSelector` selects every pod). The direction of a policy is its `policyTypes`, defaulted as the API server does: Ingress always, Egress only when the policy has `egress` rules. Scope: only pods of the render and policies of the render are compared; a cluster-wide default-deny installed elsewhere is not seen (exempt the workload, or render the default-deny with the chart). A direction isolated by a policy without rules (a default-deny) counts as isolated, the strictest form (Polaris also asks for rules in both directions), and a policy covering one direction does not isolate the other (kube-linter counts any selecting policy).',
    remediation: 'Add a NetworkPolicy (the NEXUS tiers render one per tier with `networkPolicy.enabled`) whose `podSelector` matches the pod labels and whose `policyTypes` lists both `Ingress` and `Egress`.',
    references: ['https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies', 'https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicySpec'],
    messages: {
      uncovered: 'no NetworkPolicy in namespace "{{namespace}}" selects this pod',
      direction: 'no NetworkPolicy in namespace "{{namespace}}" isolates {{direction}} traffic of this pod (the policies that select it only cover {{covered}})',
    },
    equivalents: ['kube-score:pod-networkpolicy', 'polaris:missingNetworkPolicy', 'kube-linter:non-isolated-pod', 'checkov:CKV2_K8S_6', 'kyverno:require-network-policy'],
  },
  check(r, ctx) {
    const pod = podOf(r);
    if (!pod) return [];
    const ns = ctx.index.namespaceOf(r);
    const { ingress, egress } = ctx.index.isolationOf(r);
    const pointer = `${pod.metadataPointer}/labels`;
    if (!ingress && !egress) return [{ messageId: 'uncovered', data: { namespace: ns }, pointer }];
    if (!ingress) return [{ messageId: 'direction', data: { namespace: ns, direction: 'Ingress', covered: 'Egress' }, pointer }];
    if (!egress) return [{ messageId: 'direction', data: { namespace: ns, direction: 'Egress', covered: 'Ingress' }, pointer }];
    return [];
  },
});
