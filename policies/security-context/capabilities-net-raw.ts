import { definePolicy, POD_TEMPLATE_KINDS } from '../util/define.ts';
import { arr, obj } from '../util/json.ts';
import { containersOf, podOf } from '../util/pod.ts';
import type { Violation } from '../types.ts';

/**
 * A capability name as containerd and CRI-O read it: case-insensitive, with or without `CAP_`
 * (both upper-case the name and add the prefix before handing it to the OCI runtime).
 */
export const runtimeCapability = (cap: unknown): string => (typeof cap === 'string' ? cap.toUpperCase().replace(/^CAP_/, '') : '');

export default definePolicy({
  meta: {
    id: 'capabilities-net-raw',
    title: 'NET_RAW is dropped',
    category: 'security-context',
    severity: 'warning',
    scope: 'resource',
    kinds: POD_TEMPLATE_KINDS,
    description:
      'Container runtimes grant NET_RAW by default; it allows crafting raw packets (ARP/DNS spoofing inside the node network). Every container must drop `NET_RAW` or `ALL`, and must not add either back. Names are compared as the container runtimes compare them: case-insensitively and with an optional `CAP_` prefix, so `drop: ["all"]` counts (containerd and CRI-O honour it). This differs on purpose from the Pod Security `capabilities_restricted` check (`pss-capabilities-restricted`), which, like admission, accepts only the exact string `ALL`. Scope: a container without any `capabilities` is flagged too (the runtime default keeps NET_RAW), where kube-linter only judges containers that set capabilities.',
    remediation: 'Set `securityContext.capabilities.drop: ["ALL"]`, and remove NET_RAW from `capabilities.add`.',
    references: ['https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container'],
    messages: {
      kept: 'container "{{container}}" does not drop NET_RAW (or ALL)',
      added: 'container "{{container}}" adds {{capability}} back',
    },
    equivalents: ['kube-linter:drop-net-raw-capability', 'checkov:CKV_K8S_28', 'kyverno:drop-cap-net-raw'],
  },
  check(r) {
    const pod = podOf(r);
    if (!pod) return [];
    const out: Violation[] = [];
    for (const c of containersOf(pod)) {
      const caps = obj(obj(c.container.securityContext)?.capabilities);
      const drop = arr(caps?.drop).map(runtimeCapability);
      if (!drop.includes('ALL') && !drop.includes('NET_RAW')) out.push({ messageId: 'kept', data: { container: c.name }, pointer: `${c.pointer}/securityContext/capabilities/drop`, container: c.name });
      arr(caps?.add).forEach((cap, i) => {
        const name = runtimeCapability(cap);
        if (name === 'ALL' || name === 'NET_RAW') out.push({ messageId: 'added', data: { container: c.name, capability: String(cap) }, pointer: `${c.pointer}/securityContext/capabilities/add/${i}`, container: c.name });
      });
    }
    return out;
  },
});
