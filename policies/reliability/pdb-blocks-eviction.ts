import { definePolicy } from '../util/define.ts';
import { obj } from '../util/json.ts';
import { parseLabelSelector } from '../util/selector.ts';
import type { Violation } from '../types.ts';
import { minReplicasOf } from './util.ts';

const pct = (v: unknown) => (typeof v === 'string' && /^\d+%$/.test(v) ? Number(v.slice(0, -1)) : undefined);

export default definePolicy({
  meta: {
    id: 'pdb-blocks-eviction',
    title: 'PodDisruptionBudgets allow eviction',
    category: 'reliability',
    severity: 'error',
    scope: 'render',
    kinds: ['PodDisruptionBudget'],
    description: 'A PDB that never allows a disruption blocks node drains and cluster upgrades forever: `maxUnavailable: 0` or `0%`, a `minAvailable` percentage of 100 % or more (`150%` rounds up to more pods than exist), or an integer `minAvailable` not below the replicas of a selected workload. With an HPA the floor is `minReplicas`: a `minAvailable` above it also blocks eviction whenever the HPA has scaled down. This is stricter than Polaris\'s `pdbMinAvailableGreaterThanHPAMinReplicas`: a `minAvailable` equal to the HPA\'s `minReplicas`, or not below the workload\'s replicas without an HPA, also leaves no pod evictable.',
    remediation: 'Prefer `maxUnavailable: 1`; or keep `minAvailable` below the workload\'s (minimum) replicas.',
    references: ['https://kubernetes.io/docs/tasks/run-application/configure-pdb/#think-about-how-your-application-reacts-to-disruptions'],
    messages: {
      zero: 'maxUnavailable {{value}} never allows an eviction',
      full: 'minAvailable {{value}} never allows an eviction',
      replicas: 'minAvailable {{value}} is not below the {{replicas}} replica(s) of {{workload}}: no pod can be evicted',
      hpa: 'minAvailable {{value}} is greater than minReplicas {{replicas}} of HorizontalPodAutoscaler "{{hpa}}" ({{workload}})',
    },
    equivalents: ['polaris:pdbDisruptionsIsZero', 'polaris:pdbMinAvailableGreaterThanHPAMinReplicas', 'kube-linter:pdb-max-unavailable', 'kube-linter:pdb-min-available', 'kyverno:pdb-maxunavailable', 'kyverno:pdb-minavailable-check'],
  },
  check(r, ctx) {
    const spec = obj(r.object.spec);
    const minAvailable = spec?.minAvailable;
    const maxUnavailable = spec?.maxUnavailable;
    if (maxUnavailable === 0 || pct(maxUnavailable) === 0) return [{ messageId: 'zero', data: { value: String(maxUnavailable) }, pointer: '/spec/maxUnavailable' }];
    if ((pct(minAvailable) ?? 0) >= 100) return [{ messageId: 'full', data: { value: String(minAvailable) }, pointer: '/spec/minAvailable' }];
    if (typeof minAvailable !== 'number') return [];
    const sel = parseLabelSelector(spec?.selector);
    if (!sel) return [];
    const out: Violation[] = [];
    for (const e of ctx.index.selectPods(ctx.index.namespaceOf(r), sel)) {
      if (!['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController'].includes(e.resource.kind)) continue;
      const { replicas, hpa } = minReplicasOf(e.resource, ctx.index);
      const workload = `${e.resource.kind}/${e.resource.name}`;
      if (hpa && minAvailable > replicas) out.push({ messageId: 'hpa', data: { value: minAvailable, replicas, hpa: hpa.name, workload }, pointer: '/spec/minAvailable' });
      else if (minAvailable >= replicas) out.push({ messageId: 'replicas', data: { value: minAvailable, replicas, workload }, pointer: '/spec/minAvailable' });
    }
    return out;
  },
});
