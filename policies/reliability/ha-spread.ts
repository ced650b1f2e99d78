import { definePolicy } from '../util/define.ts';
import { arr, obj, objs, type Obj } from '../util/json.ts';
import { podOf, type PodView } from '../util/pod.ts';
import { matches, parseLabelSelector, type Selector } from '../util/selector.ts';
import type { CheckContext } from '../types.ts';
import { minReplicasOf } from './util.ts';

/** Node labels that name a failure domain (kube-score's list): spreading on another key proves nothing about nodes. */
const FAILURE_DOMAIN_KEYS = new Set([
  'kubernetes.io/hostname',
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
]);

/**
 * The selector of a term, with `matchLabelKeys` resolved as the scheduler does: each key present in
 * the pod's own labels adds `key In (value)`. A null `labelSelector` matches no pod.
 */
function termSelector(term: Obj, labels: Record<string, string>): Selector | null {
  const sel = parseLabelSelector(term.labelSelector);
  if (!sel) return null;
  for (const k of arr(term.matchLabelKeys)) {
    if (typeof k === 'string' && k in labels) sel.requirements.push({ key: k, operator: 'In', values: [labels[k]!] });
  }
  return sel;
}

/**
 * Does an affinity term's namespace scope include the pod's own namespace? Both fields unset: the
 * pod's namespace. `namespaces` lists names; `namespaceSelector: {}` is every namespace; another
 * selector is judged on the namespace's labels when the render has the Namespace, else on
 * `kubernetes.io/metadata.name` (set on every namespace), and counts when that cannot decide.
 */
function termCoversNamespace(term: Obj, ns: string, ctx: CheckContext): boolean {
  const names = arr(term.namespaces).filter((n): n is string => typeof n === 'string');
  const nsSel = term.namespaceSelector === undefined || term.namespaceSelector === null ? null : parseLabelSelector(term.namespaceSelector);
  if (names.length === 0 && !nsSel) return true;
  if (names.includes(ns)) return true;
  if (!nsSel) return false;
  const known = ctx.index.namespaceLabelsOf(ns);
  if (known) return matches(nsSel, known);
  const onlyName = Object.keys(nsSel.matchLabels).every((k) => k === 'kubernetes.io/metadata.name') && nsSel.requirements.every((r) => r.key === 'kubernetes.io/metadata.name');
  return onlyName ? matches(nsSel, { 'kubernetes.io/metadata.name': ns }) : true;
}

type Verdict = { ok: true } | { ok: false; reason: string; pointer: string };

function judgeSpread(pod: PodView, ns: string, ctx: CheckContext): Verdict | undefined {
  const anti = obj(obj(pod.spec.affinity)?.podAntiAffinity);
  const terms: [Obj, string][] = [
    ...objs(anti?.requiredDuringSchedulingIgnoredDuringExecution).map((t, i): [Obj, string] => [t, `${pod.specPointer}/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/${i}`]),
    ...objs(anti?.preferredDuringSchedulingIgnoredDuringExecution).map((t, i): [Obj, string] => [obj(t.podAffinityTerm) ?? {}, `${pod.specPointer}/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/${i}/podAffinityTerm`]),
  ];
  const spreads = objs(pod.spec.topologySpreadConstraints).map((t, i): [Obj, string] => [t, `${pod.specPointer}/topologySpreadConstraints/${i}`]);
  if (terms.length === 0 && spreads.length === 0) return undefined;
  let first: Verdict | undefined;
  const fail = (reason: string, pointer: string) => {
    first ??= { ok: false, reason, pointer };
  };
  for (const [t, p] of terms) {
    const key = typeof t.topologyKey === 'string' ? t.topologyKey : '';
    const sel = termSelector(t, pod.labels);
    if (!FAILURE_DOMAIN_KEYS.has(key)) fail(`pod anti-affinity uses topologyKey "${key}", not a node, zone or region label`, `${p}/topologyKey`);
    else if (!sel || !matches(sel, pod.labels)) fail(`the pod anti-affinity labelSelector does not select the workload's own pods`, `${p}/labelSelector`);
    else if (!termCoversNamespace(t, ns, ctx)) fail(`the pod anti-affinity term does not include the workload's namespace "${ns}"`, `${p}/${t.namespaces !== undefined ? 'namespaces' : 'namespaceSelector'}`);
    else return { ok: true };
  }
  for (const [t, p] of spreads) {
    const key = typeof t.topologyKey === 'string' ? t.topologyKey : '';
    const sel = termSelector(t, pod.labels);
    const maxSkew = t.maxSkew;
    if (!key) fail('a topology spread constraint has no topologyKey', `${p}/topologyKey`);
    else if (typeof maxSkew !== 'number' || maxSkew < 1) fail('a topology spread constraint has no maxSkew of at least 1', `${p}/maxSkew`);
    else if (!sel || !matches(sel, pod.labels)) fail(`the topology spread constraint labelSelector does not select the workload's own pods`, `${p}/labelSelector`);
    else return { ok: true };
  }
  return first;
}

export default definePolicy({
  meta: {
    id: 'ha-spread',
    title: 'Replicas are spread across nodes or zones',
    category: 'reliability',
    severity: 'warning',
    scope: 'render',
    kinds: ['Deployment', 'StatefulSet'],
    description:
      'Replicas only give availability if they do not share a failure domain. A Deployment or StatefulSet with at least `settings.haMinReplicas` replicas (its HPA\'s `minReplicas` when autoscaled) must declare a pod anti-affinity term (required or preferred) or a topology spread constraint that actually spreads its own pods: the term\'s `labelSelector` (with `matchLabelKeys` resolved from the pod\'s labels) must select the pod template\'s labels, an anti-affinity term must include the workload\'s namespace (`namespaces` / `namespaceSelector`; both unset means its own) and use a node, zone or region `topologyKey`, and a spread constraint needs a `topologyKey` and `maxSkew` ≥ 1. A selector copied from another workload spreads nothing. Scope: workloads below the threshold are not judged (one replica cannot be spread); anti-affinity on a custom topology key (a rack label) is not counted, as in kube-score and kube-linter, since the validator cannot know it names a failure domain.',
    remediation: 'Add `topologySpreadConstraints` on `kubernetes.io/hostname` / `topology.kubernetes.io/zone`, or a preferred podAntiAffinity, with a `labelSelector` equal to the workload\'s selector labels.',
    references: ['https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/', 'https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity'],
    messages: {
      missing: '{{kind}} runs {{replicas}} replicas without pod anti-affinity or topology spread constraints',
      ineffective: '{{kind}} runs {{replicas}} replicas but {{reason}}',
    },
    equivalents: ['kube-linter:no-anti-affinity', 'kube-score:deployment-has-host-podantiaffinity', 'kube-score:statefulset-has-host-podantiaffinity', 'polaris:topologySpreadConstraint'],
  },
  check(r, ctx) {
    const pod = podOf(r);
    if (!pod) return [];
    const { replicas } = minReplicasOf(r, ctx.index);
    if (replicas < ctx.settings.haMinReplicas) return [];
    const verdict = judgeSpread(pod, ctx.index.namespaceOf(r), ctx);
    if (!verdict) return [{ messageId: 'missing', data: { kind: r.kind, replicas }, pointer: `${pod.specPointer}/topologySpreadConstraints` }];
    if (verdict.ok) return [];
    return [{ messageId: 'ineffective', data: { kind: r.kind, replicas, reason: verdict.reason }, pointer: verdict.pointer }];
  },
});
