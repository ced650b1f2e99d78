import { definePolicy } from '../util/define.ts';
import { rulesOf, RBAC_ROLE_KINDS } from './rules.ts';
import type { Violation } from '../types.ts';

export default definePolicy({
  meta: {
    id: 'rbac-escalation-verbs',
    title: 'No escalate, bind or impersonate',
    category: 'rbac',
    severity: 'error',
    scope: 'resource',
    kinds: RBAC_ROLE_KINDS,
    description: '`escalate` and `bind` on roles let the holder grant itself permissions it does not have; `impersonate` lets it act as any user, group or ServiceAccount. These are privilege-escalation verbs.',
    remediation: 'Remove the verb; use a narrowly scoped controller identity if role management is really needed.',
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/#escalate-verb'],
    messages: { verb: 'rule grants the privilege-escalation verb {{verb}}' },
    equivalents: ['checkov:CKV_K8S_157', 'checkov:CKV_K8S_158', 'checkov:CKV2_K8S_3', 'kyverno:restrict-escalation-verbs-roles'],
  },
  check(r) {
    const out: Violation[] = [];
    for (const rule of rulesOf(r)) {
      rule.verbs.forEach((v, j) => {
        if (v === 'escalate' || v === 'bind' || v === 'impersonate') out.push({ messageId: 'verb', data: { verb: v }, pointer: `${rule.pointer}/verbs/${j}` });
      });
    }
    return out;
  },
});
