import { definePolicy } from '../util/define.ts';
import { obj } from '../util/json.ts';

export default definePolicy({
  meta: {
    id: 'rbac-cluster-admin-binding',
    title: 'Nothing is bound to cluster-admin',
    category: 'rbac',
    severity: 'error',
    scope: 'resource',
    kinds: ['ClusterRoleBinding', 'RoleBinding'],
    description: 'Binding `cluster-admin` (even in a RoleBinding, which gives full control of the namespace) hands the subject every permission. An application chart never needs it.',
    remediation: 'Bind a dedicated Role with only the required rules.',
    references: ['https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles'],
    messages: { bound: '{{kind}} binds the cluster-admin ClusterRole' },
    equivalents: ['polaris:clusterrolebindingClusterAdmin', 'polaris:rolebindingClusterAdminClusterRole', 'kube-linter:cluster-admin-role-binding', 'kyverno:restrict-binding-clusteradmin'],
  },
  check(r) {
    const ref = obj(r.object.roleRef);
    return ref?.kind === 'ClusterRole' && ref.name === 'cluster-admin' ? [{ messageId: 'bound', data: { kind: r.kind }, pointer: '/roleRef/name' }] : [];
  },
});
