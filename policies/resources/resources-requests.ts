import { definePolicy, POD_TEMPLATE_KINDS } from '../util/define.ts';
import { obj } from '../util/json.ts';
import { containersOf, podOf } from '../util/pod.ts';
import type { Violation } from '../types.ts';

export default definePolicy({
  meta: {
    id: 'resources-requests',
    title: 'CPU and memory requests are set',
    category: 'resources',
    severity: 'warning',
    scope: 'resource',
    kinds: POD_TEMPLATE_KINDS,
    description: 'Without requests the scheduler places pods blindly and the pod gets the BestEffort QoS class, first to be evicted under node pressure. Every container and init container must request CPU and memory.',
    remediation: 'Set `resources.requests.cpu` and `resources.requests.memory` (the NEXUS schema sets them per tier).',
    references: ['https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/'],
    messages: { missing: 'container "{{container}}" has no {{resource}} request' },
    equivalents: ['polaris:cpuRequestsMissing', 'polaris:memoryRequestsMissing', 'kube-linter:unset-cpu-requirements', 'kube-linter:unset-memory-requirements', 'kube-score:container-resources', 'checkov:CKV_K8S_10', 'checkov:CKV_K8S_12', 'kyverno:require-requests-limits'],
  },
  check(r) {
    const pod = podOf(r);
    if (!pod) return [];
    const out: Violation[] = [];
    for (const c of containersOf(pod)) {
      if (c.type === 'ephemeralContainers') continue;
      const req = obj(obj(c.container.resources)?.requests);
      for (const res of ['cpu', 'memory']) {
        if (req?.[res] === undefined || req[res] === null || req[res] === '') out.push({ messageId: 'missing', data: { container: c.name, resource: res }, pointer: `${c.pointer}/resources/requests/${res}`, container: c.name });
      }
    }
    return out;
  },
});
