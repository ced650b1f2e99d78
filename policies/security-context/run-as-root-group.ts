import { definePolicy, POD_TEMPLATE_KINDS } from '../util/define.ts';
import { arr, obj } from '../util/json.ts';
import { containersOf, podOf } from '../util/pod.ts';
import type { Violation } from '../types.ts';

export default definePolicy({
  meta: {
    id: 'run-as-root-group',
    title: 'Pods do not run with the root group',
    category: 'security-context',
    severity: 'warning',
    scope: 'resource',
    kinds: POD_TEMPLATE_KINDS,
    description:
      'GID 0 owns most of a container image\'s files and, on the host, sensitive paths: a process in group 0 can write where the image\'s root group can, and a hostPath or a container breakout inherits it. Pod Security `restricted` only forbids UID 0. `runAsGroup`, `fsGroup` and `supplementalGroups` must not be 0; a container\'s `runAsGroup` overrides the pod\'s, as in Kubernetes. Scope: an unset `runAsGroup` is not flagged (the image\'s group applies and the validator cannot see it); set it explicitly to be judged.',
    remediation: 'Set `runAsGroup` and `fsGroup` to a non-zero group (e.g. the image\'s UID), and remove 0 from `supplementalGroups`.',
    references: ['https://kubernetes.io/docs/tasks/configure-pod-container/security-context/'],
    messages: { root: '{{field}} is 0 (the root group){{where}}' },
    equivalents: ['kyverno:require-non-root-groups'],
  },
  check(r) {
    const pod = podOf(r);
    if (!pod) return [];
    const out: Violation[] = [];
    const psc = obj(pod.spec.securityContext);
    const base = `${pod.specPointer}/securityContext`;
    if (psc?.runAsGroup === 0) out.push({ messageId: 'root', data: { field: 'runAsGroup', where: ' in the pod securityContext' }, pointer: `${base}/runAsGroup` });
    if (psc?.fsGroup === 0) out.push({ messageId: 'root', data: { field: 'fsGroup', where: '' }, pointer: `${base}/fsGroup` });
    arr(psc?.supplementalGroups).forEach((g, i) => {
      if (g === 0) out.push({ messageId: 'root', data: { field: 'a supplemental group', where: '' }, pointer: `${base}/supplementalGroups/${i}` });
    });
    for (const c of containersOf(pod)) {
      if (obj(c.container.securityContext)?.runAsGroup === 0) out.push({ messageId: 'root', data: { field: 'runAsGroup', where: ` for container "${c.name}"` }, pointer: `${c.pointer}/securityContext/runAsGroup`, container: c.name });
    }
    return out;
  },
});
