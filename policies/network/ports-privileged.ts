import { definePolicy, POD_TEMPLATE_KINDS } from '../util/define.ts';
import { objs } from '../util/json.ts';
import { containersOf, podOf } from '../util/pod.ts';
import type { Violation } from '../types.ts';

export default definePolicy({
  meta: {
    id: 'ports-privileged',
    title: 'Containers listen on unprivileged ports',
    category: 'network',
    severity: 'warning',
    scope: 'resource',
    kinds: POD_TEMPLATE_KINDS,
    description:
      'Binding a port below 1024 needs root or `NET_BIND_SERVICE`, so a container that declares one either runs with more privilege than it needs or fails to start once it runs as non-root with all capabilities dropped. Listen on a high port and let the Service map 80/443 to it (`port: 80, targetPort: 8080`).',
    remediation: 'Change `containerPort` (and the process\'s listen port) to 1024 or above; keep the low port on the Service.',
    references: ['https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service'],
    messages: { privileged: 'container "{{container}}" declares privileged port {{port}}' },
    equivalents: ['kube-linter:privileged-ports'],
  },
  check(r) {
    const pod = podOf(r);
    if (!pod) return [];
    const out: Violation[] = [];
    for (const c of containersOf(pod)) {
      objs(c.container.ports).forEach((p, i) => {
        const port = p.containerPort;
        if (typeof port === 'number' && port > 0 && port < 1024) out.push({ messageId: 'privileged', data: { container: c.name, port }, pointer: `${c.pointer}/ports/${i}/containerPort`, container: c.name });
      });
    }
    return out;
  },
});
