import { definePolicy, POD_TEMPLATE_KINDS } from '../util/define.ts';
import { obj } from '../util/json.ts';
import { containersOf, podOf } from '../util/pod.ts';

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
    equivalents: ['polaris:cpuLimitsMissing', 'kube-linter:unset-cpu-requirements', 'kube-score:container-resources'],
  },
  check(r) {
    const pod = podOf(r);
    if (!pod) return [];
    return containersOf(pod)
      .filter((c) => c.type !== 'ephemeralContainers')
      .filter((c) => {
        const v = obj(obj(c.container.resources)?.limits)?.cpu;
        return v === undefined || v === null || v === '';
      })
      .map((c) => ({ messageId: 'missing', data: { container: c.name }, pointer: `${c.pointer}/resources/limits/cpu`, container: c.name }));
  },
});
