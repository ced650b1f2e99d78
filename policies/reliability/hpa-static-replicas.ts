import { definePolicy } from '../util/define.ts';
import { obj } from '../util/json.ts';
import { SCALABLE_KINDS } from './util.ts';

export default definePolicy({
  meta: {
    id: 'hpa-static-replicas',
    title: 'No static replicas under an HPA',
    category: 'reliability',
    severity: 'warning',
    scope: 'render',
    kinds: SCALABLE_KINDS,
    description: 'When an HPA manages a workload, a `spec.replicas` in the manifest fights it: every `helm upgrade` (or GitOps sync) resets the replica count to the static value, scaling a loaded service down until the HPA reacts again.',
    remediation: 'Omit `spec.replicas` when autoscaling is enabled (the NEXUS templates do this when `autoscaling.enabled`).',
    references: ['https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling'],
    equivalents: ['kube-score:deployment-targeted-by-hpa-does-not-have-replicas-configured'],
    messages: { fight: 'spec.replicas is set although HorizontalPodAutoscaler "{{hpa}}" manages this {{kind}}' },
  },
  check(r, ctx) {
    if (obj(r.object.spec)?.replicas === undefined) return [];
    const hpa = ctx.index.autoscalersFor('HorizontalPodAutoscaler', r)[0];
    return hpa ? [{ messageId: 'fight', data: { hpa: hpa.name, kind: r.kind }, pointer: '/spec/replicas' }] : [];
  },
});
