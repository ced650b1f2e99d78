import { definePolicy } from '../util/define.ts';
import { describeSelector } from '../util/selector.ts';
import { serviceSelector } from '../util/render-index.ts';

export default definePolicy({
  meta: {
    id: 'service-selector-matches',
    title: 'Service selectors match a pod',
    category: 'network',
    severity: 'error',
    scope: 'render',
    kinds: ['Service'],
    description: 'A Service whose `spec.selector` matches no pod template of its namespace in the render has no endpoints: every request fails. Services without a selector (manually managed endpoints, ExternalName) are not judged.',
    remediation: 'Make the Service selector equal to the selector labels of the workload\'s pod template.',
    references: ['https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service'],
    messages: { none: 'selector {{selector}} matches no pod in namespace "{{namespace}}"' },
    equivalents: ['kube-linter:dangling-service', 'kube-score:service-targets-pod'],
  },
  check(r, ctx) {
    if (ctx.index.podsOfService(r).length > 0) return [];
    const sel = serviceSelector(r.object);
    if (!sel) return [];
    return [{ messageId: 'none', data: { selector: describeSelector(sel), namespace: ctx.index.namespaceOf(r) }, pointer: '/spec/selector' }];
  },
});
