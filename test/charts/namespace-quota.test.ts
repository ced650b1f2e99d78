/**
 * With namespace.create, the namespace's ResourceQuota must admit the whole production release at
 * full scale (every HPA at maxReplicas), or pods would be refused exactly when load peaks.
 */
import { describe, expect, it } from 'vitest';
import { CRD_API_VERSIONS, isHook, ofKind, parseQuantity, podTemplateOf, renderChart, type K8sObject } from './helpers.ts';

describe('parseQuantity', () => {
  it.each([
    ['250m', 0.25],
    ['2', 2],
    ['1.5', 1.5],
    ['512Mi', 512 * 2 ** 20],
    ['2Gi', 2 * 2 ** 30],
    ['1G', 1e9],
    ['1e3', 1000],
    [3, 3],
  ])('%s', (q, n) => expect(parseQuantity(q)).toBeCloseTo(n));
  it('rejects garbage', () => expect(() => parseQuantity('12 apples')).toThrow(/not a Kubernetes quantity/));
});

describe('ResourceQuota vs the production release at full scale', () => {
  it('admits every pod at HPA maxReplicas, every PVC and the storage they request', async () => {
    const docs = await renderChart({ valuesFiles: ['values.production.yaml'], apiVersions: CRD_API_VERSIONS, set: { 'namespace.create': true } });
    const hard = (ofKind(docs, 'ResourceQuota')[0]!.spec as { hard: Record<string, string> }).hard;
    const hpaMax = new Map(ofKind(docs, 'HorizontalPodAutoscaler').map((h) => {
      const s = h.spec as { scaleTargetRef: { kind: string; name: string }; maxReplicas: number };
      return [`${s.scaleTargetRef.kind}/${s.scaleTargetRef.name}`, s.maxReplicas];
    }));
    const replicasOf = (o: K8sObject) => hpaMax.get(`${o.kind}/${o.metadata.name}`) ?? (o.kind === 'Deployment' || o.kind === 'StatefulSet' ? ((o.spec as { replicas?: number }).replicas ?? 1) : 1);

    const total = { 'requests.cpu': 0, 'requests.memory': 0, 'limits.memory': 0, pods: 0, persistentvolumeclaims: 0, 'requests.storage': 0 };
    for (const { object } of docs) {
      if (isHook(object)) continue; // hooks run one at a time, outside the steady state
      const t = podTemplateOf(object);
      if (t) {
        const n = replicasOf(object);
        total.pods += n;
        for (const c of [...(t.spec.initContainers ?? []), ...t.spec.containers]) {
          total['requests.cpu'] += n * parseQuantity((c.resources?.requests?.cpu as string) ?? '0');
          total['requests.memory'] += n * parseQuantity((c.resources?.requests?.memory as string) ?? '0');
          total['limits.memory'] += n * parseQuantity((c.resources?.limits?.memory as string) ?? '0');
        }
        for (const vct of ((object.spec as { volumeClaimTemplates?: { spec: { resources: { requests: { storage: string } } } }[] }).volumeClaimTemplates ?? [])) {
          total.persistentvolumeclaims += n;
          total['requests.storage'] += n * parseQuantity(vct.spec.resources.requests.storage);
        }
      }
      if (object.kind === 'PersistentVolumeClaim') {
        total.persistentvolumeclaims += 1;
        total['requests.storage'] += parseQuantity((object.spec as { resources: { requests: { storage: string } } }).resources.requests.storage);
      }
    }
    const over = Object.entries(total)
      .filter(([k, v]) => hard[k] !== undefined && v > parseQuantity(hard[k]!))
      .map(([k, v]) => `${k}: needs ${v}, quota ${hard[k]}`);
    expect(over).toEqual([]);
    expect(total.pods).toBeGreaterThan(25); // frontend 15 + backend 10 + the data tiers
  });
});
