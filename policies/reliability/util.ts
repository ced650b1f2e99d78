import type { K8sResource } from '../../core/types.ts';
import type { RenderIndex } from '../util/render-index.ts';
import { obj } from '../util/json.ts';

/** The replica count a workload runs with at minimum: the HPA's minReplicas if one targets it, else spec.replicas (default 1). */
export function minReplicasOf(r: K8sResource, index: RenderIndex): { replicas: number; hpa?: K8sResource } {
  const hpa = index.autoscalersFor('HorizontalPodAutoscaler', r)[0];
  if (hpa) {
    const min = obj(hpa.object.spec)?.minReplicas;
    return { replicas: typeof min === 'number' ? min : 1, hpa };
  }
  const replicas = obj(r.object.spec)?.replicas;
  return { replicas: typeof replicas === 'number' ? replicas : 1 };
}

export const SCALABLE_KINDS = ['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController'] as const;
