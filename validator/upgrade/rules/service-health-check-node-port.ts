import { isObject } from '../json.ts';
import { ALLOCATED } from '../server.ts';
import { defineUpgradeRule } from '../types.ts';
import { svcType } from './service-util.ts';

const needsHealthCheck = (o: Record<string, unknown>) => svcType(o as never) === 'LoadBalancer' && isObject(o.spec) && o.spec.externalTrafficPolicy === 'Local';

export default defineUpgradeRule({
  meta: {
    id: 'upgrade/service-health-check-node-port',
    title: 'healthCheckNodePort changed',
    kinds: ['core/Service'],
    description: 'While a Service is a LoadBalancer with externalTrafficPolicy Local, its healthCheckNodePort cannot change.',
    remediation: 'Leave healthCheckNodePort out of the manifest (the Service keeps its port), or keep the previous value.',
    upstream: 'ValidateServiceUpdate / validateServiceExternalTrafficFieldsUpdate (pkg/apis/core/validation)',
    references: ['https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/#preserving-the-client-source-ip'],
  },
  check({ live, next }) {
    if (!needsHealthCheck(live) || !needsHealthCheck(next)) return [];
    const before = isObject(live.spec) ? live.spec.healthCheckNodePort : undefined;
    const after = isObject(next.spec) ? next.spec.healthCheckNodePort : undefined;
    if (before === after) return [];
    const shown = (v: unknown) => (typeof v === 'string' && v.startsWith(ALLOCATED) ? 'the port the cluster allocated' : JSON.stringify(v ?? null));
    return [{ path: ['spec', 'healthCheckNodePort'], message: `spec.healthCheckNodePort changes from ${shown(before)} to ${shown(after)}: field is immutable`, hint: 'Leave healthCheckNodePort out of the manifest, or keep the port the Service has.' }];
  },
});
