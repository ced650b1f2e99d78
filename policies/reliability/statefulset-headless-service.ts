import { definePolicy } from '../util/define.ts';
import { obj } from '../util/json.ts';
import { podOf } from '../util/pod.ts';
import { serviceSelector } from '../util/render-index.ts';
import { describeSelector, matches } from '../util/selector.ts';

export default definePolicy({
  meta: {
    id: 'statefulset-headless-service',
    title: 'StatefulSet serviceName is a headless Service',
    category: 'reliability',
    severity: 'error',
    scope: 'render',
    kinds: ['StatefulSet'],
    description: 'A StatefulSet\'s `serviceName` gives each pod its stable DNS name (`pod-0.<service>`); replication (PostgreSQL standbys, Redis Sentinel) depends on it. The Service must exist in the render, in the same namespace, with `clusterIP: None`, and its selector must select the StatefulSet\'s pods: otherwise the per-pod DNS records are never published (as kube-score checks).',
    remediation: 'Render a headless Service (`clusterIP: None`) named like `serviceName`, selecting the StatefulSet\'s pods.',
    references: ['https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-network-id'],
    equivalents: ['kube-score:statefulset-has-servicename'],
    messages: {
      missing: 'serviceName "{{service}}" is not a Service of the render',
      notHeadless: 'serviceName "{{service}}" is not headless (clusterIP is {{clusterIP}})',
      notSelecting: 'serviceName "{{service}}" selects {{selector}}, which the pod template\'s labels do not match: the pods get no DNS records',
    },
  },
  check(r, ctx) {
    const name = obj(r.object.spec)?.serviceName;
    if (typeof name !== 'string' || name === '') return [];
    const svc = ctx.index.get('Service', ctx.index.namespaceOf(r), name);
    if (!svc) return [{ messageId: 'missing', data: { service: name }, pointer: '/spec/serviceName' }];
    const ip = obj(svc.object.spec)?.clusterIP;
    if (ip !== 'None') return [{ messageId: 'notHeadless', data: { service: name, clusterIP: typeof ip === 'string' ? ip : 'unset' }, pointer: '/spec/serviceName' }];
    const selector = serviceSelector(svc.object);
    const labels = podOf(r)?.labels;
    // A headless Service without a selector has endpoints managed by hand: nothing to compare.
    if (!selector || !labels || matches(selector, labels)) return [];
    return [{ messageId: 'notSelecting', data: { service: name, selector: describeSelector(selector) }, pointer: '/spec/serviceName' }];
  },
});
