import { definePolicy } from '../util/define.ts';
import { arr, obj, objs } from '../util/json.ts';
import type { K8sResource } from '../../core/types.ts';

function hpaResources(hpa: K8sResource): Set<string> {
  const spec = obj(hpa.object.spec);
  const out = new Set<string>();
  const metrics = objs(spec?.metrics);
  for (const m of metrics) {
    const name = obj(m.resource)?.name ?? obj(m.containerResource)?.name;
    if (typeof name === 'string') out.add(name);
  }
  if (typeof spec?.targetCPUUtilizationPercentage === 'number') out.add('cpu');
  // No metrics at all: the HPA defaults to 80 % CPU.
  if (metrics.length === 0 && spec?.targetCPUUtilizationPercentage === undefined) out.add('cpu');
  return out;
}

function vpaResources(vpa: K8sResource): Set<string> {
  const spec = obj(vpa.object.spec);
  const out = new Set<string>();
  if (obj(spec?.updatePolicy)?.updateMode === 'Off') return out;
  const policies = objs(obj(spec?.resourcePolicy)?.containerPolicies);
  if (policies.length === 0) return new Set(['cpu', 'memory']);
  for (const p of policies) {
    if (p.mode === 'Off') continue;
    const controlled = arr(p.controlledResources).filter((x): x is string => typeof x === 'string');
    for (const c of controlled.length ? controlled : ['cpu', 'memory']) out.add(c);
  }
  return out;
}

export default definePolicy({
  meta: {
    id: 'hpa-vpa-conflict',
    title: 'HPA and VPA do not both act on CPU/memory',
    category: 'reliability',
    severity: 'error',
    scope: 'render',
    kinds: ['HorizontalPodAutoscaler'],
    description: 'If an HPA scales on CPU or memory utilisation while a VPA (not in `updateMode: Off`) changes the requests of the same workload, each invalidates the other\'s signal and the workload oscillates. For one workload, HPA resource metrics and VPA controlled resources must not overlap.',
    remediation: 'Run the VPA in `updateMode: Off` (recommendations only), limit its `controlledResources`, or scale the HPA on a custom metric.',
    references: ['https://github.com/kubernetes/autoscaler/tree/master/vertical-pod-autoscaler#known-limitations'],
    messages: { conflict: 'HPA and VerticalPodAutoscaler "{{vpa}}" both act on {{resources}} of {{kind}}/{{name}}' },
  },
  check(r, ctx) {
    const ref = obj(obj(r.object.spec)?.scaleTargetRef);
    if (typeof ref?.kind !== 'string' || typeof ref.name !== 'string') return [];
    const target = ctx.index.get(ref.kind, ctx.index.namespaceOf(r), ref.name);
    if (!target) return [];
    const hpaRes = hpaResources(r);
    const out = [];
    for (const vpa of ctx.index.autoscalersFor('VerticalPodAutoscaler', target)) {
      const both = [...vpaResources(vpa)].filter((x) => hpaRes.has(x)).sort();
      if (both.length) out.push({ messageId: 'conflict', data: { vpa: vpa.name, resources: both.join(' and '), kind: target.kind, name: target.name }, pointer: obj(r.object.spec)?.metrics ? '/spec/metrics' : '/spec' });
    }
    return out;
  },
});
