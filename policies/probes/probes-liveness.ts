import { definePolicy, POD_TEMPLATE_KINDS } from '../util/define.ts';
import { missingProbeCheck } from './util.ts';

export default definePolicy({
  meta: {
    id: 'probes-liveness',
    title: 'Pods behind a Service have a liveness probe',
    category: 'probes',
    severity: 'warning',
    scope: 'render',
    kinds: POD_TEMPLATE_KINDS.filter((k) => k !== 'PodTemplate'),
    description: 'A serving process that deadlocks keeps its pod Running forever unless a liveness probe restarts it. Each container of a pod that some Service of the render selects must have a `livenessProbe` (kube-score and Polaris require the same). Pods no Service targets are not judged. Every container of such a pod is judged (kube-score accepts the pod when any container has a probe): a sidecar without one is never restarted when it hangs.',
    remediation: 'Add a `livenessProbe` that checks the process itself (not its dependencies), with a generous failureThreshold.',
    references: ['https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/'],
    messages: { missing: 'container "{{container}}" has no livenessProbe but Service "{{service}}" routes to it' },
    equivalents: ['polaris:livenessProbeMissing', 'kube-linter:no-liveness-probe', 'kube-score:pod-probes', 'checkov:CKV_K8S_8'],
  },
  check: missingProbeCheck('livenessProbe'),
});
