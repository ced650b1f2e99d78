import { definePolicy, POD_TEMPLATE_KINDS } from '../util/define.ts';
import { missingProbeCheck } from './util.ts';

export default definePolicy({
  meta: {
    id: 'probes-readiness',
    title: 'Pods behind a Service have a readiness probe',
    category: 'probes',
    severity: 'warning',
    scope: 'render',
    kinds: POD_TEMPLATE_KINDS.filter((k) => k !== 'PodTemplate'),
    description: 'Without a readiness probe a pod receives Service traffic the moment its process starts, and keeps receiving it while it is unhealthy; every rollout then drops requests. Each container of a pod that some Service of the render selects must have a `readinessProbe`. Pods no Service targets (workers, jobs) are not judged. Every container of such a pod is judged, not just one (as kube-score does).',
    remediation: 'Add a `readinessProbe` (HTTP `/ready` or a TCP check on the serving port).',
    references: ['https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/'],
    messages: { missing: 'container "{{container}}" has no readinessProbe but Service "{{service}}" routes to it' },
    equivalents: ['polaris:readinessProbeMissing', 'kube-linter:no-readiness-probe', 'kube-score:pod-probes', 'checkov:CKV_K8S_9'],
  },
  check: missingProbeCheck('readinessProbe'),
});
