import { definePolicy } from '../util/define.ts';
import { obj } from '../util/json.ts';

export default definePolicy({
  meta: {
    id: 'hpa-target-exists',
    title: 'HPA targets exist',
    category: 'reliability',
    severity: 'error',
    scope: 'render',
    kinds: ['HorizontalPodAutoscaler'],
    description: 'A HorizontalPodAutoscaler whose `scaleTargetRef` names no workload of the render (wrong name, kind or a disabled component) scales nothing and reports errors forever.',
    remediation: 'Point `scaleTargetRef` at the rendered Deployment/StatefulSet (same kind and name), or drop the HPA.',
    references: ['https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/'],
    messages: { missing: 'scaleTargetRef {{kind}}/{{name}} is not in the render' },
    equivalents: ['kube-linter:dangling-horizontalpodautoscaler', 'kube-score:horizontalpodautoscaler-has-target'],
  },
  check(r, ctx) {
    const ref = obj(obj(r.object.spec)?.scaleTargetRef);
    const kind = ref?.kind;
    const name = ref?.name;
    if (typeof kind !== 'string' || typeof name !== 'string') return [];
    return ctx.index.get(kind, ctx.index.namespaceOf(r), name) ? [] : [{ messageId: 'missing', data: { kind, name }, pointer: '/spec/scaleTargetRef/name' }];
  },
});
