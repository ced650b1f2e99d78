import { definePolicy } from '../util/define.ts';
import { grants, rulesOf, RBAC_ROLE_KINDS } from './rules.ts';
import type { Violation } from '../types.ts';

/** What a `*` verb escalates through, first match reported (one finding per rule). */
const WILDCARD_TARGETS = [
  { group: 'rbac.authorization.k8s.io', resource: 'clusterroles', verbs: 'bind and escalate' },
  { group: 'rbac.authorization.k8s.io', resource: 'roles', verbs: 'bind and escalate' },
  { group: '', resource: 'users', verbs: 'impersonate' },
  { group: '', resource: 'groups', verbs: 'impersonate' },
  { group: '', resource: 'serviceaccounts', verbs: 'impersonate' },
] as const;

export default definePolicy({
  meta: {
    id: 'rbac-escalation-verbs',
    title: 'No escalate, bind or impersonate',
    category: 'rbac',
    severity: 'error',
    scope: 'resource',
    kinds: RBAC_ROLE_KINDS,
    description:
      '`escalate` and `bind` on roles let the holder grant itself permissions it does not have; `impersonate` lets it act as any user, group or ServiceAccount. These are privilege-escalation verbs. A verb wildcard grants them too: `verbs: ["*"]` on `roles`/`clusterroles` (rbac.authorization.k8s.io) includes `bind` and `escalate`, on `users`/`groups`/`serviceaccounts` includes `impersonate` (resources and API groups matched as the RBAC authorizer does, `*` included).',
    remediation: 'Remove the verb; use a narrowly scoped controller identity if role management is really needed.',
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/#escalate-verb'],
    messages: {
      verb: 'rule grants the privilege-escalation verb {{verb}}',
      wildcard: 'rule grants every verb on {{resource}}, {{verbs}} included',
    },
    equivalents: ['checkov:CKV_K8S_157', 'checkov:CKV_K8S_158', 'checkov:CKV2_K8S_3', 'kyverno:restrict-escalation-verbs-roles'],
  },
  check(r) {
    const out: Violation[] = [];
    for (const rule of rulesOf(r)) {
      rule.verbs.forEach((v, j) => {
        if (v === 'escalate' || v === 'bind' || v === 'impersonate') out.push({ messageId: 'verb', data: { verb: v }, pointer: `${rule.pointer}/verbs/${j}` });
      });
      const star = rule.verbs.indexOf('*');
      if (star < 0) continue;
      const hit = WILDCARD_TARGETS.find((t) => grants(rule, t.resource, ['*'], t.group));
      if (hit) out.push({ messageId: 'wildcard', data: { resource: hit.resource, verbs: hit.verbs }, pointer: `${rule.pointer}/verbs/${star}` });
    }
    return out;
  },
});
