import { definePolicy, POD_TEMPLATE_KINDS } from '../util/define.ts';
import { podOf } from '../util/pod.ts';

export default definePolicy({
  meta: {
    id: 'priority-class-name',
    title: 'Pods name a PriorityClass (opt-in)',
    category: 'reliability',
    severity: 'warning',
    scope: 'resource',
    kinds: POD_TEMPLATE_KINDS.filter((k) => k !== 'PodTemplate'),
    enabledByDefault: false,
    description:
      'Without `priorityClassName` every pod gets the cluster\'s default priority (usually 0): under node pressure the scheduler may preempt a database to make room for a batch job. Off by default, because it needs PriorityClasses that the platform team defines; enable it in `.nexus-policy.yaml` (`priority-class-name: warning`) where they exist. The check asks for a class to be named; kube-linter\'s check also compares it with an allow-list of class names (by default only the system classes), which is cluster policy, not chart policy.',
    remediation: 'Set `spec.priorityClassName` on the pod template to one of the cluster\'s PriorityClasses.',
    references: ['https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/'],
    messages: { missing: 'pod has no priorityClassName' },
    equivalents: ['polaris:priorityClassNotSet', 'kube-linter:priority-class-name', 'kyverno:require-pod-priorityclassname'],
  },
  check(r) {
    const pod = podOf(r);
    if (!pod) return [];
    const name = pod.spec.priorityClassName;
    return typeof name === 'string' && name !== '' ? [] : [{ messageId: 'missing', pointer: `${pod.specPointer}/priorityClassName` }];
  },
});
