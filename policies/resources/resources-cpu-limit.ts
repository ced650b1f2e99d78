import { definePolicy, POD_TEMPLATE_KINDS } from '../util/define.ts';
import { missingLimitCheck } from './util.ts';

export default definePolicy({
  meta: {
    id: 'resources-cpu-limit',
    title: 'A CPU limit is set (opt-in)',
    category: 'resources',
    severity: 'warning',
    scope: 'resource',
    kinds: POD_TEMPLATE_KINDS,
    enabledByDefault: false,
    enabledBySetting: 'requireCpuLimit',
    description: 'CPU limits throttle a container even when the node is idle, which often hurts latency more than it protects neighbours, so this check is off by default. Enable it with `settings.requireCpuLimit: true` (or `policies: { resources-cpu-limit: warning }`) where a hard CPU ceiling is policy.',
    remediation: 'Set `resources.limits.cpu`, or leave the check disabled.',
    references: ['https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/'],
    messages: { missing: 'container "{{container}}" has no CPU limit' },
    equivalents: ['polaris:cpuLimitsMissing', 'kube-linter:unset-cpu-requirements', 'kube-score:container-resources', 'checkov:CKV_K8S_11', 'kyverno:require-cpu-limits'],
  },
  check: missingLimitCheck('cpu'),
});
