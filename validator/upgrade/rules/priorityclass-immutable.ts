import { defineUpgradeRule, type UpdateViolation } from '../types.ts';
import { change } from './util.ts';

export default defineUpgradeRule({
  meta: {
    id: 'upgrade/priorityclass-immutable',
    title: 'PriorityClass value or preemptionPolicy changed',
    kinds: ['scheduling.k8s.io/PriorityClass'],
    description: "A PriorityClass's value and preemptionPolicy (PreemptLowerPriority when not set) cannot change; description and globalDefault may.",
    remediation: 'Create a PriorityClass with a new name and the new value, move the workloads to it, then delete the old one.',
    upstream: 'ValidatePriorityClassUpdate (pkg/apis/scheduling/validation)',
    references: ['https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/#priorityclass'],
  },
  check({ live, next }) {
    const out: UpdateViolation[] = [];
    for (const field of ['value', 'preemptionPolicy']) {
      if ((live[field] ?? null) === (next[field] ?? null)) continue;
      const why = field === 'value' ? 'may not be changed in an update' : 'field is immutable';
      out.push({ path: [field], message: `${field} changes ${change(live, next, [field])}: ${why}`, hint: 'Create a PriorityClass with a new name for the new setting and move the workloads to it.' });
    }
    return out;
  },
});
