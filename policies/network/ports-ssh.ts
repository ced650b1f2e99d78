import { definePolicy, POD_TEMPLATE_KINDS } from '../util/define.ts';
import { objs } from '../util/json.ts';
import { containersOf, podOf } from '../util/pod.ts';
import type { Violation } from '../types.ts';

export default definePolicy({
  meta: {
    id: 'ports-ssh',
    title: 'Containers do not expose SSH',
    category: 'network',
    severity: 'warning',
    scope: 'resource',
    kinds: POD_TEMPLATE_KINDS,
    description:
      'A container listening on TCP port 22 usually runs an SSH daemon: a second way in that bypasses RBAC, audit logs and `kubectl exec` policy, with keys that live in the image. Containers must not declare `containerPort: 22` over TCP.',
    remediation: 'Remove the SSH server from the image; use `kubectl exec` or an ephemeral debug container.',
    references: ['https://kubernetes.io/docs/tasks/debug/debug-application/debug-running-pod/#ephemeral-container'],
    messages: { ssh: 'container "{{container}}" declares TCP port 22 (SSH)' },
    equivalents: ['kube-linter:ssh-port'],
  },
  check(r) {
    const pod = podOf(r);
    if (!pod) return [];
    const out: Violation[] = [];
    for (const c of containersOf(pod)) {
      objs(c.container.ports).forEach((p, i) => {
        if (p.containerPort === 22 && (p.protocol ?? 'TCP') === 'TCP') out.push({ messageId: 'ssh', data: { container: c.name }, pointer: `${c.pointer}/ports/${i}/containerPort`, container: c.name });
      });
    }
    return out;
  },
});
