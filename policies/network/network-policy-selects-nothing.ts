import { globMatch } from '../config-defaults.ts';
import { definePolicy } from '../util/define.ts';
import { obj, objs, type Obj } from '../util/json.ts';
import { describeSelector, isSatisfiable, matches, parseLabelSelector, parseLabelSet, type Selector } from '../util/selector.ts';
import type { CheckContext, Violation } from '../types.ts';

export const EXTERNAL_PEERS_ANNOTATION = 'nexus.dev/external-peers';

/** Label sets of pods declared on the NetworkPolicy itself: `k=v,k2=v2; k=v` (malformed entries are ignored). */
function declaredPeers(np: Obj): Record<string, string>[] {
  const v = obj(obj(np.metadata)?.annotations)?.[EXTERNAL_PEERS_ANNOTATION];
  if (typeof v !== 'string') return [];
  return v
    .split(/[;\n]/)
    .map((e) => parseLabelSet(e))
    .filter((l): l is Record<string, string> => l !== undefined);
}

export default definePolicy({
  meta: {
    id: 'network-policy-selects-nothing',
    title: 'NetworkPolicies and their peers select pods',
    category: 'network',
    severity: 'warning',
    scope: 'render',
    kinds: ['NetworkPolicy'],
    description:
      'A NetworkPolicy whose `podSelector` matches no pod protects nothing, usually after a label rename. Likewise an ingress `from` / egress `to` peer whose `podSelector` (same namespace) matches no pod: the intended traffic is then blocked. Pods deployed outside the render (a gateway or an operator-managed Prometheus of another release) count once declared: on the NetworkPolicy with the annotation `nexus.dev/external-peers: "app.kubernetes.io/name=gateway; app=lb,tier=edge"` (label sets of pods in its namespace, separated by `;`), or in `.nexus-policy.yaml` `settings.externalPods`. A selector that no pod can ever satisfy (`app=web` together with `app In (api)`, `Exists` and `DoesNotExist` on one key, an `In` without values) is reported even when peers are declared, and also inside peers that carry a `namespaceSelector`. Scope: a peer with a `namespaceSelector` reaches other namespaces and is otherwise not judged (as in kube-linter); `ipBlock` peers are never judged.',
    remediation: 'Fix the labels in the selector so that they match the pod template labels (selector labels: name, instance, component); if the pods are deployed by another release, declare them with `nexus.dev/external-peers`.',
    references: ['https://kubernetes.io/docs/concepts/services-networking/network-policies/', 'https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors'],
    equivalents: ['kube-linter:dangling-networkpolicy', 'kube-linter:dangling-networkpolicypeer-podselector', 'kube-score:networkpolicy-targets-pod'],
    messages: {
      target: 'podSelector {{selector}} selects no pod in namespace "{{namespace}}" (none rendered, none declared external)',
      peer: '{{direction}} peer podSelector {{selector}} selects no pod in namespace "{{namespace}}" (none rendered, none declared external)',
      impossible: '{{what}} {{selector}} can never select a pod: its requirements contradict each other',
    },
  },
  check(r, ctx) {
    const spec = obj(r.object.spec);
    const ns = ctx.index.namespaceOf(r);
    const out: Violation[] = [];
    let external: Record<string, string>[] | undefined;
    const selectsSomething = (sel: Selector) => {
      if (ctx.index.selectPods(ns, sel).length > 0) return true;
      external ??= [...declaredPeers(r.object), ...externalPodsIn(ns, ctx)];
      return external.some((labels) => matches(sel, labels));
    };
    const target = parseLabelSelector(spec?.podSelector);
    if (target && !isSatisfiable(target)) out.push({ messageId: 'impossible', data: { what: 'podSelector', selector: describeSelector(target) }, pointer: '/spec/podSelector' });
    else if (target && !selectsSomething(target)) out.push({ messageId: 'target', data: { selector: describeSelector(target), namespace: ns }, pointer: '/spec/podSelector' });
    for (const [dir, key, rules] of [['ingress', 'from', spec?.ingress], ['egress', 'to', spec?.egress]] as const) {
      objs(rules).forEach((rule, i) => {
        objs(rule[key]).forEach((peer, j) => {
          const base = `/spec/${dir}/${i}/${key}/${j}`;
          const sel = parseLabelSelector(peer.podSelector);
          const nsSel = peer.namespaceSelector === undefined ? null : parseLabelSelector(peer.namespaceSelector);
          if (nsSel && !isSatisfiable(nsSel)) out.push({ messageId: 'impossible', data: { what: `${dir} peer namespaceSelector`, selector: describeSelector(nsSel) }, pointer: `${base}/namespaceSelector` });
          if (!sel) return;
          if (!isSatisfiable(sel)) out.push({ messageId: 'impossible', data: { what: `${dir} peer podSelector`, selector: describeSelector(sel) }, pointer: `${base}/podSelector` });
          else if (peer.namespaceSelector === undefined && peer.ipBlock === undefined && !selectsSomething(sel)) {
            out.push({ messageId: 'peer', data: { direction: dir, selector: describeSelector(sel), namespace: ns }, pointer: `${base}/podSelector` });
          }
        });
      });
    }
    return out;
  },
});

function externalPodsIn(ns: string, ctx: CheckContext): Record<string, string>[] {
  return ctx.settings.externalPods.filter((p) => p.namespace === undefined || globMatch(p.namespace, ns)).map((p) => p.labels);
}
