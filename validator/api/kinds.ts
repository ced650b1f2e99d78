/**
 * Which validator checks which kind, by `apiVersion/kind` (or `group/any/kind` for every served
 * version). Kinds not listed get the object-metadata rules only.
 */
import type { Reporter } from './report.ts';
import type { Obj } from './values.ts';
import { validateDaemonSet, validateDeployment, validatePodTemplateObject, validateReplicaSet, validateReplicationController, validateStatefulSet } from './workloads.ts';
import { validatePod } from './pod-object.ts';

export interface StageOptions {
  minor: number;
  nodePortRange: [number, number];
  serviceClusterIPRanges?: string[];
}

type KindValidator = (rep: Reporter, object: Obj, opts: StageOptions) => void;

export const KIND_VALIDATORS: Record<string, KindValidator> = {
  'v1/Pod': (rep, o, opts) => validatePod(rep, o, opts.minor),
  'v1/PodTemplate': (rep, o, opts) => validatePodTemplateObject(rep, o, opts.minor),
  'v1/ReplicationController': (rep, o, opts) => validateReplicationController(rep, o, opts.minor),
  'apps/v1/Deployment': (rep, o, opts) => validateDeployment(rep, o, opts.minor),
  'apps/v1/ReplicaSet': (rep, o, opts) => validateReplicaSet(rep, o, opts.minor),
  'apps/v1/DaemonSet': (rep, o, opts) => validateDaemonSet(rep, o, opts.minor),
  'apps/v1/StatefulSet': (rep, o, opts) => validateStatefulSet(rep, o, opts.minor),
};
