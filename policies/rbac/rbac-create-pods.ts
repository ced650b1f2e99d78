import { definePolicy } from '../util/define.ts';
import { grants, rulesOf, RBAC_ROLE_KINDS } from './rules.ts';
import type { Violation } from '../types.ts';

/** Resources whose `create` runs an arbitrary pod: with any image, ServiceAccount and host access admission allows. */
const POD_CREATORS: readonly [string, string][] = [
  ['', 'pods'],
  ['apps', 'deployments'],
  ['apps', 'statefulsets'],
  ['apps', 'daemonsets'],
  ['apps', 'replicasets'],
  ['batch', 'jobs'],
  ['batch', 'cronjobs'],
  ['', 'replicationcontrollers'],
];

export default definePolicy({
  meta: {
    id: 'rbac-create-pods',
    title: 'No creating pods or pod controllers',
    category: 'rbac',
    severity: 'warning',
    scope: 'resource',
    kinds: RBAC_ROLE_KINDS,
    description:
      '`create` on pods, or on anything that creates pods (Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs, ReplicationControllers), lets the holder run any image as any ServiceAccount of the namespace and mount its Secrets: it is read access to every Secret and the namespace\'s identities. Roles of applications must not grant it; operators that need it are exempted with a reason. Wildcards in verbs, resources and API groups count.',
    remediation: 'Remove `create` on these resources; give a controller that really needs it its own narrowly scoped Role, and exempt it with a reason.',
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation'],
    messages: { create: 'rule grants create on {{resource}}' },
    equivalents: ['kube-linter:access-to-create-pods'],
  },
  check(r) {
    const out: Violation[] = [];
    for (const rule of rulesOf(r)) {
      const granted = POD_CREATORS.filter(([group, resource]) => grants(rule, resource, ['create'], group)).map(([group, resource]) => (group ? `${group}/${resource}` : resource));
      if (granted.length) out.push({ messageId: 'create', data: { resource: granted.join(', ') }, pointer: `${rule.pointer}/resources` });
    }
    return out;
  },
});
