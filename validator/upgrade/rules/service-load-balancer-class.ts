import { isObject } from '../json.ts';
import { defineUpgradeRule } from '../types.ts';
import { svcType } from './service-util.ts';

export default defineUpgradeRule({
  meta: {
    id: 'upgrade/service-load-balancer-class',
    title: 'LoadBalancer class changed',
    kinds: ['core/Service'],
    description: "A LoadBalancer Service's spec.loadBalancerClass cannot be set, changed or removed while it stays a LoadBalancer: the load balancer belongs to one implementation.",
    remediation: 'Keep loadBalancerClass as it was; to move to another implementation, create a new Service (or switch the type away from LoadBalancer in one release and back in the next).',
    upstream: 'ValidateServiceUpdate / validateLoadBalancerClassField (pkg/apis/core/validation)',
    references: ['https://kubernetes.io/docs/concepts/services-networking/service/#load-balancer-class'],
  },
  check({ live, next }) {
    if (svcType(live) !== 'LoadBalancer' || svcType(next) !== 'LoadBalancer') return [];
    const before = isObject(live.spec) ? live.spec.loadBalancerClass : undefined;
    const after = isObject(next.spec) ? next.spec.loadBalancerClass : undefined;
    if ((before ?? null) === (after ?? null)) return [];
    return [
      {
        path: ['spec', 'loadBalancerClass'],
        message: `spec.loadBalancerClass changes from ${JSON.stringify(before ?? null)} to ${JSON.stringify(after ?? null)}: may not change once set`,
        hint: 'Keep the previous loadBalancerClass, or create a new Service for the other load-balancer implementation.',
      },
    ];
  },
});
