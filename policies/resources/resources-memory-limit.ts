import { definePolicy, POD_TEMPLATE_KINDS } from '../util/define.ts';
import { obj } from '../util/json.ts';
import { containersOf, podOf } from '../util/pod.ts';

export default definePolicy({
  meta: {
    id: 'resources-memory-limit',
    title: 'A memory limit is set',
    category: 'resources',
    severity: 'warning',
    scope: 'resource',
    kinds: POD_TEMPLATE_KINDS,
    description: 'Memory is not compressible: a container without a memory limit can grow until the node runs out and the kernel kills something else. Every container and init container must set `resources.limits.memory`.',
    remediation: 'Set `resources.limits.memory` (usually equal to or a little above the request).',
    references: ['https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/'],
    messages: { missing: 'container "{{container}}" has no memory limit' },
    equivalents: ['polaris:memoryLimitsMissing', 'kube-linter:unset-memory-requirements', 'kube-score:container-resources'],
  },
  check(r) {
    const pod = podOf(r);
    if (!pod) return [];
    return containersOf(pod)
      .filter((c) => c.type !== 'ephemeralContainers')
      .filter((c) => {
        const v = obj(obj(c.container.resources)?.limits)?.memory;
        return v === undefined || v === null || v === '';
      })
      .map((c) => ({ messageId: 'missing', data: { container: c.name }, pointer: `${c.pointer}/resources/limits/memory`, container: c.name }));
  },
});
