import type { K8sResource } from '../../core/types.ts';
import { obj, type Obj } from '../util/json.ts';

/** The Job spec of a Job or of a CronJob's jobTemplate, with its pointer. */
export function jobSpecOf(r: K8sResource): { spec: Obj; pointer: string } | undefined {
  if (r.kind === 'Job') {
    const spec = obj(r.object.spec);
    return spec ? { spec, pointer: '/spec' } : undefined;
  }
  const spec = obj(obj(obj(r.object.spec)?.jobTemplate)?.spec);
  return spec ? { spec, pointer: '/spec/jobTemplate/spec' } : undefined;
}

/** Helm hooks deleted by Helm (hook-delete-policy) need no TTL. */
export function isHelmManagedHook(r: K8sResource): boolean {
  const a = obj(obj(r.object.metadata)?.annotations);
  return typeof a?.['helm.sh/hook-delete-policy'] === 'string';
}
