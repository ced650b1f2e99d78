import { definePolicy } from '../util/define.ts';
import { obj } from '../util/json.ts';
import { rulesOf } from './rules.ts';
import type { K8sResource } from '../../core/types.ts';

/** The verbs a role must hold on everything to be cluster-admin in all but name (Polaris's list). */
const ALL_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/** Does the role grant every verb on every resource of every API group (cluster-admin's own rule)? */
function isAdminEquivalent(role: K8sResource): boolean {
  return rulesOf(role).some(
    (rule) => rule.apiGroups.includes('*') && rule.resources.includes('*') && rule.resourceNames.length === 0 && (rule.verbs.includes('*') || ALL_VERBS.every((v) => rule.verbs.includes(v))),
  );
}

export default definePolicy({
  meta: {
    id: 'rbac-cluster-admin-binding',
    title: 'Nothing is bound to cluster-admin',
    category: 'rbac',
    severity: 'error',
    scope: 'render',
    kinds: ['ClusterRoleBinding', 'RoleBinding'],
    description:
      'Binding `cluster-admin` (even in a RoleBinding, which gives full control of the namespace) hands the subject every permission. An application chart never needs it. A role of the render that is cluster-admin in all but name (a rule granting every verb, or get/list/watch/create/update/patch/delete, on `*` resources of `*` API groups) counts the same, as Polaris judges it. Scope: a roleRef of kind `Role` named `cluster-admin` is an ordinary namespaced Role and judged by its rules, not by its name (Kyverno flags the name).',
    remediation: 'Bind a dedicated Role with only the required rules.',
    references: ['https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles'],
    messages: {
      bound: '{{kind}} binds the cluster-admin ClusterRole',
      equivalent: '{{kind}} binds {{roleKind}} "{{role}}", which grants every verb on every resource (cluster-admin in all but name)',
    },
    equivalents: ['polaris:clusterrolebindingClusterAdmin', 'polaris:rolebindingClusterAdminClusterRole', 'kube-linter:cluster-admin-role-binding', 'kyverno:restrict-binding-clusteradmin'],
  },
  check(r, ctx) {
    const ref = obj(r.object.roleRef);
    if (!ref || typeof ref.name !== 'string') return [];
    if (ref.kind === 'ClusterRole' && ref.name === 'cluster-admin') return [{ messageId: 'bound', data: { kind: r.kind }, pointer: '/roleRef/name' }];
    const role =
      ref.kind === 'ClusterRole' ? ctx.index.get('ClusterRole', '', ref.name) : ref.kind === 'Role' && r.kind === 'RoleBinding' ? ctx.index.get('Role', ctx.index.namespaceOf(r), ref.name) : undefined;
    return role && isAdminEquivalent(role) ? [{ messageId: 'equivalent', data: { kind: r.kind, roleKind: String(ref.kind), role: ref.name }, pointer: '/roleRef/name' }] : [];
  },
});
