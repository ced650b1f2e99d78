import { definePolicy } from '../util/define.ts';
import { grants, rulesOf, RBAC_ROLE_KINDS } from './rules.ts';
import type { Violation } from '../types.ts';

export default definePolicy({
  meta: {
    id: 'rbac-secrets-access',
    title: 'Secrets are not readable through RBAC',
    category: 'rbac',
    severity: 'warning',
    scope: 'resource',
    kinds: RBAC_ROLE_KINDS,
    description: '`get`, `list` or `watch` on `secrets` reads every credential in scope (a ClusterRole: the cluster\'s). `list`/`watch` also return the values. Flagged unless the rule is limited to named objects with `resourceNames` and grants only `get`.',
    remediation: 'Mount the Secret into the pod instead, or restrict the rule to `get` with `resourceNames`.',
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets'],
    messages: { read: 'rule grants {{verbs}} on secrets' },
    equivalents: ['kube-linter:access-to-secrets', 'checkov:CKV2_K8S_5', 'kyverno:restrict-secret-role-verbs'],
  },
  check(r) {
    const out: Violation[] = [];
    for (const rule of rulesOf(r)) {
      if (!grants(rule, 'secrets', ['get', 'list', 'watch'])) continue;
      const named = (r.object.rules as { resourceNames?: unknown[] }[])[Number(rule.pointer.split('/')[2])]?.resourceNames?.length;
      const onlyGet = !rule.verbs.includes('*') && !rule.verbs.includes('list') && !rule.verbs.includes('watch');
      if (named && onlyGet) continue;
      out.push({ messageId: 'read', data: { verbs: rule.verbs.filter((v) => ['*', 'get', 'list', 'watch'].includes(v)).join(', ') }, pointer: `${rule.pointer}/verbs` });
    }
    return out;
  },
});
