import { definePolicy, POD_TEMPLATE_KINDS } from '../util/define.ts';
import { obj } from '../util/json.ts';
import { containersOf, podOf } from '../util/pod.ts';
import type { Violation } from '../types.ts';

const MIN_ID = 10000;

export default definePolicy({
  meta: {
    id: 'run-as-high-uid',
    title: 'Containers run with a UID and GID of at least 10000 (opt-in)',
    category: 'security-context',
    severity: 'warning',
    scope: 'resource',
    kinds: POD_TEMPLATE_KINDS,
    enabledByDefault: false,
    description:
      'IDs below 10000 are the host\'s own users and groups (system accounts, the first human users): a process that escapes its container with such an ID owns their files on the node. Every container (init containers included) must run with an effective `runAsUser` and `runAsGroup` (its own, else the pod\'s) of at least 10000, as kube-score and Checkov require. Off by default, because many upstream images (PostgreSQL 999, Redis 999, nginx 101) expect their own UIDs; enable it with `run-as-high-uid: warning` when images are built for it. An unset ID is flagged too: the image decides it, often as root. Both IDs are judged, as kube-score does (Checkov\'s CKV_K8S_40 judges only `runAsUser`).',
    remediation: 'Set `securityContext.runAsUser` and `runAsGroup` to 10000 or more (e.g. 10001), and make the image\'s files readable by that ID.',
    references: ['https://kubernetes.io/docs/tasks/configure-pod-container/security-context/'],
    messages: { low: 'container "{{container}}" runs with {{field}} {{value}}, below 10000' },
    equivalents: ['kube-score:container-security-context-user-group-id', 'checkov:CKV_K8S_40'],
  },
  check(r) {
    const pod = podOf(r);
    if (!pod) return [];
    const psc = obj(pod.spec.securityContext);
    const out: Violation[] = [];
    for (const c of containersOf(pod)) {
      if (c.type === 'ephemeralContainers') continue;
      const sc = obj(c.container.securityContext);
      for (const field of ['runAsUser', 'runAsGroup'] as const) {
        const own = sc?.[field];
        const v = typeof own === 'number' ? own : psc?.[field];
        if (typeof v === 'number' && v >= MIN_ID) continue;
        const pointer = typeof own === 'number' || typeof psc?.[field] !== 'number' ? `${c.pointer}/securityContext/${field}` : `${pod.specPointer}/securityContext/${field}`;
        out.push({ messageId: 'low', data: { container: c.name, field, value: typeof v === 'number' ? v : 'unset' }, pointer, container: c.name });
      }
    }
    return out;
  },
});
