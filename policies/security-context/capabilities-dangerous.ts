import { definePolicy, POD_TEMPLATE_KINDS } from '../util/define.ts';
import { arr, obj } from '../util/json.ts';
import { containersOf, podOf } from '../util/pod.ts';
import type { Violation } from '../types.ts';

export const DANGEROUS_CAPABILITIES = new Set([
  'ALL', 'SYS_ADMIN', 'NET_ADMIN', 'SYS_PTRACE', 'SYS_MODULE', 'SYS_RAWIO', 'SYS_BOOT', 'SYS_TIME', 'NET_RAW', 'BPF', 'PERFMON',
  'DAC_READ_SEARCH', 'MAC_ADMIN', 'MAC_OVERRIDE', 'SYSLOG', 'LINUX_IMMUTABLE', 'SYS_RESOURCE', 'CHECKPOINT_RESTORE',
]);

export default definePolicy({
  meta: {
    id: 'capabilities-dangerous',
    title: 'No dangerous capabilities are added',
    category: 'security-context',
    severity: 'error',
    scope: 'resource',
    kinds: POD_TEMPLATE_KINDS,
    description: 'Capabilities such as SYS_ADMIN, NET_ADMIN, SYS_PTRACE, SYS_MODULE, NET_RAW, BPF or ALL give near-root power over the node or the pod network. This check applies at every Pod Security level, including namespaces labelled `privileged`.',
    remediation: 'Remove the capability from `securityContext.capabilities.add`; if a component truly needs it, isolate it and exempt it with a reason.',
    references: ['https://man7.org/linux/man-pages/man7/capabilities.7.html'],
    messages: { added: 'container "{{container}}" adds the dangerous capability {{capability}}' },
    equivalents: ['polaris:dangerousCapabilities', 'polaris:insecureCapabilities', 'checkov:CKV_K8S_39', 'kyverno:psp-restrict-adding-capabilities'],
  },
  check(r) {
    const pod = podOf(r);
    if (!pod) return [];
    const out: Violation[] = [];
    for (const c of containersOf(pod)) {
      arr(obj(obj(c.container.securityContext)?.capabilities)?.add).forEach((cap, i) => {
        const name = typeof cap === 'string' ? cap.toUpperCase().replace(/^CAP_/, '') : '';
        if (DANGEROUS_CAPABILITIES.has(name)) out.push({ messageId: 'added', data: { container: c.name, capability: name }, pointer: `${c.pointer}/securityContext/capabilities/add/${i}`, container: c.name });
      });
    }
    return out;
  },
});
