/** Iterates the rules of a Role/ClusterRole with their pointers. */
import type { K8sResource } from '../../core/types.ts';
import { arr, objs } from '../util/json.ts';

export interface RuleView {
  pointer: string;
  verbs: string[];
  resources: string[];
  apiGroups: string[];
  resourceNames: string[];
}

export const RBAC_ROLE_KINDS = ['Role', 'ClusterRole'] as const;

export function rulesOf(r: K8sResource): RuleView[] {
  const strings = (v: unknown) => arr(v).filter((x): x is string => typeof x === 'string');
  return objs(r.object.rules).map((rule, i) => ({
    pointer: `/rules/${i}`,
    verbs: strings(rule.verbs),
    resources: strings(rule.resources),
    apiGroups: strings(rule.apiGroups),
    resourceNames: strings(rule.resourceNames),
  }));
}

/**
 * Does a rule's resource entry cover `resource` (`pods`, `pods/exec`)? As the RBAC authorizer matches
 * (rbac/v1 helpers ResourceMatches): `*` covers everything, and a star followed by `/<sub>` covers that
 * subresource of every resource.
 */
export function resourceMatches(entry: string, resource: string): boolean {
  if (entry === '*' || entry === resource) return true;
  const slash = resource.indexOf('/');
  return slash > 0 && entry === `*/${resource.slice(slash + 1)}`;
}

/** Does the rule grant `verb` on `resource` in the core group (wildcards included)? */
export function grants(rule: RuleView, resource: string, verbs: readonly string[], group = ''): boolean {
  const g = rule.apiGroups.length === 0 ? [''] : rule.apiGroups;
  return (g.includes('*') || g.includes(group)) && rule.resources.some((e) => resourceMatches(e, resource)) && (rule.verbs.includes('*') || verbs.some((v) => rule.verbs.includes(v)));
}
