import { definePolicy } from '../util/define.ts';
import { obj } from '../util/json.ts';

export default definePolicy({
  meta: {
    id: 'service-type-exposed',
    title: 'Services are not exposed on nodes or load balancers',
    category: 'network',
    severity: 'warning',
    scope: 'resource',
    kinds: ['Service'],
    description: '`NodePort` opens the port on every node (outside NetworkPolicies on many CNIs) and `LoadBalancer` creates an internet-facing address by default. Outside traffic should enter through the gateway/Ingress; the one Service that is the entry point is exempted with a reason.',
    remediation: 'Use `type: ClusterIP` behind the gateway; for the gateway itself, add `nexus.dev/ignore-service-type-exposed: "<reason>"`.',
    references: ['https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types'],
    messages: { exposed: 'Service is of type {{type}}' },
    equivalents: ['kube-linter:exposed-services', 'kube-score:service-type', 'kyverno:restrict-nodeport', 'kyverno:no-loadbalancer-service'],
  },
  check(r) {
    const type = obj(r.object.spec)?.type;
    return type === 'NodePort' || type === 'LoadBalancer' ? [{ messageId: 'exposed', data: { type }, pointer: '/spec/type' }] : [];
  },
});
