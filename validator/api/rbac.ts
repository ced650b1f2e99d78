/** rbac.authorization.k8s.io/v1 Roles, ClusterRoles and their bindings (pkg/apis/rbac/validation). */
import { isDNS1123Subdomain, isValidPathSegmentName } from './formats.ts';
import { FieldPath } from './path.ts';
import type { Reporter } from './report.ts';
import { toSelector, validateLabelSelector } from './selector.ts';
import { arr, isObj, obj, str, type Obj } from './values.ts';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

function validateRules(rep: Reporter, rules: unknown, namespaced: boolean): void {
  const R = 'api/rbac/rules' as const;
  arr(rules).forEach((r, i) => {
    if (!isObj(r)) return;
    const p = FieldPath.root().child('rules').index(i);
    if (arr(r.verbs).length === 0) rep.required(R, p.child('verbs'), 'verbs must contain at least one value', 'list verbs such as get, list, watch');
    const urls = arr(r.nonResourceURLs);
    if (urls.length > 0) {
      if (namespaced) rep.invalid(R, p.child('nonResourceURLs'), urls, 'namespaced rules cannot apply to non-resource URLs', 'non-resource URLs belong in a ClusterRole');
      if (arr(r.apiGroups).length || arr(r.resources).length || arr(r.resourceNames).length) rep.invalid(R, p.child('nonResourceURLs'), urls, 'rules cannot apply to both regular resources and non-resource URLs', 'split the rule in two');
      return;
    }
    if (arr(r.apiGroups).length === 0) rep.required(R, p.child('apiGroups'), 'resource rules must supply at least one api group', 'use apiGroups: [""] for the core API');
    if (arr(r.resources).length === 0) rep.required(R, p.child('resources'), 'resource rules must supply at least one resource');
  });
}

export function validateRole(rep: Reporter, o: Obj, cluster: boolean): void {
  validateRules(rep, o.rules, !cluster);
  if (!cluster) return;
  const ag = obj(o.aggregationRule);
  if (!ag) return;
  const R = 'api/rbac/aggregation' as const;
  const selectors = arr(ag.clusterRoleSelectors);
  const sp = FieldPath.root().child('aggregationRule', 'clusterRoleSelectors');
  if (selectors.length === 0) rep.required(R, sp, 'at least one clusterRoleSelector required if aggregationRule is non-nil');
  selectors.forEach((s, i) => {
    validateLabelSelector(rep, R, s, sp.index(i));
    if (toSelector(s).kind === 'invalid') rep.invalid(R, sp.index(i), 'null', 'invalid label selector.');
  });
}

export function validateRoleBinding(rep: Reporter, o: Obj, cluster: boolean): void {
  const ref = obj(o.roleRef) ?? {};
  const rp = FieldPath.root().child('roleRef');
  const group = str(ref.apiGroup) || RBAC_GROUP; // defaulted when empty
  if (group !== RBAC_GROUP) rep.unsupported('api/rbac/role-ref', rp.child('apiGroup'), group, [RBAC_GROUP]);
  const kind = str(ref.kind) ?? '';
  const kinds = cluster ? ['ClusterRole'] : ['Role', 'ClusterRole'];
  if (!kinds.includes(kind)) rep.unsupported('api/rbac/role-ref', rp.child('kind'), kind, kinds);
  const name = str(ref.name) ?? '';
  if (!name) rep.required('api/rbac/role-ref', rp.child('name'));
  else for (const m of isValidPathSegmentName(name)) rep.invalid('api/rbac/role-ref', rp.child('name'), name, m);
  const S = 'api/rbac/subjects' as const;
  arr(o.subjects).forEach((s, i) => {
    if (!isObj(s)) return;
    const p = FieldPath.root().child('subjects').index(i);
    const sname = str(s.name) ?? '';
    if (!sname) rep.required(S, p.child('name'));
    const skind = str(s.kind) ?? '';
    const sgroup = str(s.apiGroup) ?? '';
    if (skind === 'ServiceAccount') {
      if (sname) for (const m of isDNS1123Subdomain(sname)) rep.invalid(S, p.child('name'), sname, m);
      if (sgroup) rep.unsupported(S, p.child('apiGroup'), sgroup, [''], 'ServiceAccount subjects take apiGroup ""');
      if (cluster && !str(s.namespace)) rep.required(S, p.child('namespace'), '', 'a ClusterRoleBinding must name the ServiceAccount\'s namespace');
    } else if (skind === 'User' || skind === 'Group') {
      if ((sgroup || RBAC_GROUP) !== RBAC_GROUP) rep.unsupported(S, p.child('apiGroup'), sgroup, [RBAC_GROUP]);
    } else rep.unsupported(S, p.child('kind'), skind, ['ServiceAccount', 'User', 'Group']);
  });
}
