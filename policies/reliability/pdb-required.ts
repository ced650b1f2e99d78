import { definePolicy } from '../util/define.ts';
import { obj } from '../util/json.ts';
import { podOf } from '../util/pod.ts';
import { matches, parseLabelSelector } from '../util/selector.ts';
import { minReplicasOf } from './util.ts';

export default definePolicy({
  meta: {
    id: 'pdb-required',
    title: 'Replicated Deployments and StatefulSets have a PodDisruptionBudget',
    category: 'reliability',
    severity: 'warning',
    scope: 'render',
    kinds: ['Deployment', 'StatefulSet'],
    description: 'Without a PodDisruptionBudget a node drain or cluster upgrade may evict all replicas at once. Every Deployment and StatefulSet that runs at least `settings.haMinReplicas` (default 2) replicas (its HPA\'s minReplicas when autoscaled) must be selected by a PDB of its namespace. Scope: workloads below that threshold are not judged, since a budget over one replica either blocks drains or protects nothing (Polaris and kube-score ask for a budget for every Deployment).',
    remediation: 'Enable the tier\'s `pdb` (e.g. `maxUnavailable: 1`) so that a PodDisruptionBudget selects the pods.',
    references: ['https://kubernetes.io/docs/tasks/run-application/configure-pdb/'],
    messages: { missing: '{{kind}} runs {{replicas}} replicas but no PodDisruptionBudget selects its pods' },
    equivalents: ['polaris:missingPodDisruptionBudget', 'kube-score:deployment-has-poddisruptionbudget', 'kube-score:statefulset-has-poddisruptionbudget', 'kyverno:require-pdb'],
  },
  check(r, ctx) {
    const pod = podOf(r);
    if (!pod) return [];
    const { replicas } = minReplicasOf(r, ctx.index);
    if (replicas < ctx.settings.haMinReplicas) return [];
    for (const pdb of ctx.index.inNamespace('PodDisruptionBudget', ctx.index.namespaceOf(r))) {
      const sel = parseLabelSelector(obj(pdb.object.spec)?.selector);
      if (sel && matches(sel, pod.labels)) return [];
    }
    return [{ messageId: 'missing', data: { kind: r.kind, replicas }, pointer: '/spec/replicas' }];
  },
});
