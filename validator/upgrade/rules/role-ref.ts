import { semanticEqual } from '../equality.ts';
import { defineUpgradeRule } from '../types.ts';
import { changedFields } from './util.ts';

export default defineUpgradeRule({
  meta: {
    id: 'upgrade/role-ref',
    title: 'Binding roleRef changed',
    kinds: ['rbac.authorization.k8s.io/RoleBinding', 'rbac.authorization.k8s.io/ClusterRoleBinding'],
    description: "A RoleBinding's or ClusterRoleBinding's roleRef (kind, name, apiGroup) cannot change: a binding grants exactly one role for its lifetime. Subjects may change.",
    remediation: 'Give the binding a new name when it must point at another role: the upgrade creates the new binding and deletes the old one.',
    upstream: 'ValidateRoleBindingUpdate / ValidateClusterRoleBindingUpdate (pkg/apis/rbac/validation)',
    references: ['https://kubernetes.io/docs/reference/access-authn-authz/rbac/#clusterrolebinding-example'],
  },
  check({ live, next }) {
    if (semanticEqual(live.roleRef, next.roleRef)) return [];
    return changedFields(live.roleRef, next.roleRef, ['roleRef'], 'cannot change roleRef', 'Rename the binding (the upgrade then creates a new one and deletes the old), or keep the previous roleRef.', 3);
  },
});
