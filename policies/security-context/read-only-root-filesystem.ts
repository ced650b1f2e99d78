import { definePolicy, POD_TEMPLATE_KINDS } from '../util/define.ts';
import { obj } from '../util/json.ts';
import { containersOf, podOf } from '../util/pod.ts';

export default definePolicy({
  meta: {
    id: 'read-only-root-filesystem',
    title: 'The root filesystem is read-only',
    category: 'security-context',
    severity: 'warning',
    scope: 'resource',
    kinds: POD_TEMPLATE_KINDS,
    description: 'A writable root filesystem lets an intruder drop binaries and persist inside the container. Containers and init containers should set `readOnlyRootFilesystem: true` and write only to mounted volumes (emptyDir for /tmp, caches).',
    remediation: 'Set `securityContext.readOnlyRootFilesystem: true` and mount an emptyDir where the process writes.',
    references: ['https://kubernetes.io/docs/tasks/configure-pod-container/security-context/'],
    messages: { writable: 'container "{{container}}" has a writable root filesystem' },
    equivalents: ['polaris:notReadOnlyRootFilesystem', 'kube-linter:no-read-only-root-fs', 'kube-score:container-security-context-readonlyrootfilesystem', 'checkov:CKV_K8S_22', 'kyverno:require-ro-rootfs'],
  },
  check(r) {
    const pod = podOf(r);
    if (!pod) return [];
    return containersOf(pod)
      .filter((c) => c.type !== 'ephemeralContainers' && obj(c.container.securityContext)?.readOnlyRootFilesystem !== true)
      .map((c) => ({ messageId: 'writable', data: { container: c.name }, pointer: `${c.pointer}/securityContext/readOnlyRootFilesystem`, container: c.name }));
  },
});
