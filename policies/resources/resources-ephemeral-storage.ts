import { definePolicy, POD_TEMPLATE_KINDS } from '../util/define.ts';
import { obj } from '../util/json.ts';
import { containersOf, podOf } from '../util/pod.ts';
import type { Violation } from '../types.ts';

const set = (v: unknown) => v !== undefined && v !== null && v !== '';

export default definePolicy({
  meta: {
    id: 'resources-ephemeral-storage',
    title: 'Containers request and limit ephemeral storage (opt-in)',
    category: 'resources',
    severity: 'warning',
    scope: 'resource',
    kinds: POD_TEMPLATE_KINDS,
    enabledByDefault: false,
    description:
      'Logs, emptyDir volumes without a medium and the container\'s writable layer use the node\'s disk. Without an `ephemeral-storage` request the scheduler ignores that use; without a limit one pod can fill the disk and get every pod on the node evicted. Each container and init container must set `resources.requests.ephemeral-storage` and `resources.limits.ephemeral-storage`. Off by default, because many clusters account disk through quotas or LimitRanges instead; enable it with `resources-ephemeral-storage: warning`.',
    remediation: 'Set `resources.requests.ephemeral-storage` and `resources.limits.ephemeral-storage` (e.g. 100Mi / 1Gi).',
    references: ['https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#local-ephemeral-storage'],
    messages: { missing: 'container "{{container}}" has no ephemeral-storage {{field}}' },
    equivalents: ['kube-score:container-ephemeral-storage-request-and-limit'],
  },
  check(r) {
    const pod = podOf(r);
    if (!pod) return [];
    const out: Violation[] = [];
    for (const c of containersOf(pod)) {
      if (c.type === 'ephemeralContainers') continue;
      const res = obj(c.container.resources);
      for (const field of ['requests', 'limits'] as const) {
        if (!set(obj(res?.[field])?.['ephemeral-storage'])) out.push({ messageId: 'missing', data: { container: c.name, field: field === 'requests' ? 'request' : 'limit' }, pointer: `${c.pointer}/resources/${field}/ephemeral-storage`, container: c.name });
      }
    }
    return out;
  },
});
