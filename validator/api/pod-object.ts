/** kind: Pod — ValidatePodCreate: metadata-derived checks plus the pod spec. */
import { FieldPath } from './path.ts';
import { validatePodAnnotations, validatePodSpec } from './pod.ts';
import type { Reporter } from './report.ts';
import { obj, str, type Obj } from './values.ts';

export function validatePod(rep: Reporter, o: Obj, minor: number): void {
  const meta = obj(o.metadata);
  const spec = obj(o.spec) ?? {};
  validatePodAnnotations(rep, meta?.annotations, spec, FieldPath.root().child('metadata', 'annotations'));
  validatePodSpec(rep, spec, FieldPath.root().child('spec'), { isPod: true, minor, ...(str(meta?.name) ? { podName: str(meta?.name)! } : {}) });
}
