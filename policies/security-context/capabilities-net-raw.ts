import { definePolicy, POD_TEMPLATE_KINDS } from '../util/define.ts';
import { arr, obj } from '../util/json.ts';
import { containersOf, podOf } from '../util/pod.ts';

export default definePolicy({
  meta: {
    id: 'capabilities-net-raw',
    title: 'NET_RAW is dropped',
    category: 'security-context',
    severity: 'warning',
    scope: 'resource',
    kinds: POD_TEMPLATE_KINDS,
    description: 'Container runtimes grant NET_RAW by default; it allows crafting raw packets (ARP/DNS spoofing inside the node network). Every container must drop `NET_RAW` or `ALL`.',
    remediation: 'Set `securityContext.capabilities.drop: ["ALL"]`.',
    references: ['https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container'],
    messages: { kept: 'container "{{container}}" does not drop NET_RAW (or ALL)' },
    equivalents: ['kube-linter:drop-net-raw-capability'],
  },
  check(r) {
    const pod = podOf(r);
    if (!pod) return [];
    return containersOf(pod)
      .filter((c) => {
        const drop = arr(obj(obj(c.container.securityContext)?.capabilities)?.drop);
        return !drop.includes('ALL') && !drop.includes('NET_RAW');
      })
      .map((c) => ({ messageId: 'kept', data: { container: c.name }, pointer: `${c.pointer}/securityContext/capabilities/drop`, container: c.name }));
  },
});
