import { definePolicy, POD_TEMPLATE_KINDS } from '../util/define.ts';
import { missingLimitCheck } from './util.ts';

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
    equivalents: ['polaris:memoryLimitsMissing', 'kube-linter:unset-memory-requirements', 'kube-score:container-resources', 'checkov:CKV_K8S_13', 'kyverno:require-requests-limits'],
  },
  check: missingLimitCheck('memory'),
});
