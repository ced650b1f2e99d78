import { definePolicy } from '../util/define.ts';
import { podOf } from '../util/pod.ts';
import { minReplicasOf } from './util.ts';

export default definePolicy({
  meta: {
    id: 'replicas-minimum',
    title: 'Workloads behind a Service or a PodDisruptionBudget run several replicas',
    category: 'reliability',
    severity: 'warning',
    scope: 'render',
    kinds: ['Deployment', 'ReplicaSet'],
    description:
      'A single replica behind a Service is an outage on every rollout, node drain and crash; a PodDisruptionBudget over a single replica either blocks drains or protects nothing. A Deployment or ReplicaSet that some Service or PodDisruptionBudget of the render selects must run at least `settings.minReplicas` replicas (default 2): `spec.replicas` (default 1), or the `minReplicas` of the HorizontalPodAutoscaler that targets it. Scope: StatefulSets are not judged (as in kube-score and Polaris, unlike kube-linter): their replica count follows the data topology (one primary behind a Service is a design, and `pdb-required`/`ha-spread` judge them once replicated); workloads nothing routes to or budgets for (workers, singletons) are not judged, as in kube-score; renders of the environments in `settings.singleReplicaAllowedIn` (default `[development, staging]`) are not judged, since one replica there is a cost decision, not an accident (a render without a known environment is judged); raise `minReplicas` to 3 for kube-linter\'s stricter default.',
    remediation: 'Set `replicas` (or the HPA\'s `minReplicas`) to at least the configured minimum, or exempt a deliberate singleton with a reason.',
    references: ['https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#scaling-a-deployment', 'https://kubernetes.io/docs/tasks/run-application/configure-pdb/'],
    messages: {
      replicas: '{{kind}} runs {{replicas}} replica(s) but {{reason}}; at least {{min}} are required',
      hpa: 'HorizontalPodAutoscaler "{{hpa}}" may scale {{kind}} down to {{replicas}} replica(s) but {{reason}}; at least {{min}} are required',
    },
    equivalents: ['kube-score:deployment-replicas', 'kube-score:horizontalpodautoscaler-replicas', 'kube-linter:minimum-three-replicas', 'kube-linter:hpa-minimum-three-replicas', 'polaris:deploymentMissingReplicas', 'polaris:hpaMinAvailability', 'kyverno:deployment-has-multiple-replicas'],
  },
  check(r, ctx) {
    const pod = podOf(r);
    if (!pod) return [];
    const { replicas, hpa } = minReplicasOf(r, ctx.index);
    if (ctx.environment && ctx.settings.singleReplicaAllowedIn.includes(ctx.environment)) return [];
    const min = ctx.settings.minReplicas;
    if (replicas >= min) return [];
    const svc = ctx.index.servicesSelecting(r)[0];
    const pdb = svc ? undefined : ctx.index.pdbsSelecting(r)[0];
    if (!svc && !pdb) return [];
    const reason = svc ? `Service "${svc.name}" routes to it` : `PodDisruptionBudget "${pdb!.name}" selects it`;
    if (hpa) return [{ messageId: 'hpa', data: { kind: r.kind, hpa: hpa.name, replicas, reason, min }, pointer: '/spec' }];
    return [{ messageId: 'replicas', data: { kind: r.kind, replicas, reason, min }, pointer: '/spec/replicas' }];
  },
});
