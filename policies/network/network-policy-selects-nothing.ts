import { definePolicy } from '../util/define.ts';
import { obj, objs } from '../util/json.ts';
import { describeSelector, parseLabelSelector } from '../util/selector.ts';
import type { Violation } from '../types.ts';

export default definePolicy({
  meta: {
    id: 'network-policy-selects-nothing',
    title: 'NetworkPolicies and their peers select pods',
    category: 'network',
    severity: 'warning',
    scope: 'render',
    kinds: ['NetworkPolicy'],
    description: 'A NetworkPolicy whose `podSelector` matches no pod of the render protects nothing, usually after a label rename. Likewise an ingress `from` / egress `to` peer with only a `podSelector` (same namespace) that matches no pod: the intended traffic is then blocked. Peers with a `namespaceSelector` or `ipBlock` reach outside the render and are not judged.',
    remediation: 'Fix the labels in the selector so that they match the pod template labels (selector labels: name, instance, component).',
    references: ['https://kubernetes.io/docs/concepts/services-networking/network-policies/'],
    equivalents: ['kube-linter:dangling-networkpolicy', 'kube-linter:dangling-networkpolicypeer-podselector', 'kube-score:networkpolicy-targets-pod'],
    messages: {
      target: 'podSelector {{selector}} selects no pod in namespace "{{namespace}}"',
      peer: '{{direction}} peer podSelector {{selector}} selects no pod in namespace "{{namespace}}"',
    },
  },
  check(r, ctx) {
    const spec = obj(r.object.spec);
    const ns = ctx.index.namespaceOf(r);
    const out: Violation[] = [];
    const target = parseLabelSelector(spec?.podSelector);
    if (target && ctx.index.selectPods(ns, target).length === 0) out.push({ messageId: 'target', data: { selector: describeSelector(target), namespace: ns }, pointer: '/spec/podSelector' });
    for (const [dir, key, peers] of [['ingress', 'from', spec?.ingress], ['egress', 'to', spec?.egress]] as const) {
      objs(peers).forEach((rule, i) => {
        objs(rule[key]).forEach((peer, j) => {
          if (peer.namespaceSelector !== undefined || peer.ipBlock !== undefined) return;
          const sel = parseLabelSelector(peer.podSelector);
          if (sel && ctx.index.selectPods(ns, sel).length === 0) {
            out.push({ messageId: 'peer', data: { direction: dir, selector: describeSelector(sel), namespace: ns }, pointer: `/spec/${dir}/${i}/${key}/${j}/podSelector` });
          }
        });
      });
    }
    return out;
  },
});
