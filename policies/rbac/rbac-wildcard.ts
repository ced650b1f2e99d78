import { definePolicy } from '../util/define.ts';
import { rulesOf, RBAC_ROLE_KINDS } from './rules.ts';
import type { Violation } from '../types.ts';

export default definePolicy({
  meta: {
    id: 'rbac-wildcard',
    title: 'RBAC rules name their verbs, resources and groups',
    category: 'rbac',
    severity: 'error',
    scope: 'resource',
    kinds: RBAC_ROLE_KINDS,
    description: 'A `*` in `verbs`, `resources` or `apiGroups` grants today\'s and every future permission (new subresources, new CRDs), including escalation paths. Rules must list what they need. Scope: one policy for the three fields (Kyverno splits resources and verbs into two policies, and does not judge `apiGroups`), so a rule with only a verb wildcard is reported here too.',
    remediation: 'Replace `*` with the explicit verbs, resources and API groups the component uses.',
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege'],
    messages: { wildcard: 'rule grants "*" in {{field}}' },
    equivalents: ['kube-linter:wildcard-in-rules', 'checkov:CKV_K8S_49', 'kyverno:restrict-wildcard-resources', 'kyverno:restrict-wildcard-verbs'],
  },
  check(r) {
    const out: Violation[] = [];
    for (const rule of rulesOf(r)) {
      for (const field of ['apiGroups', 'resources', 'verbs'] as const) {
        const j = rule[field].indexOf('*');
        if (j >= 0) out.push({ messageId: 'wildcard', data: { field }, pointer: `${rule.pointer}/${field}/${j}` });
      }
    }
    return out;
  },
});
