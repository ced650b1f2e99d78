import type { Policy } from '../types.ts';

/** Identity helper that gives a policy module its type (meta + pure check). */
export function definePolicy(policy: Policy): Policy {
  return policy;
}

/** Kinds whose objects carry a pod spec (Pod Security Admission evaluates exactly these). */
export const POD_TEMPLATE_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'PodTemplate'] as const;
