import { definePolicy } from '../util/define.ts';
import { grants, rulesOf } from './rules.ts';
import type { Violation } from '../types.ts';

const WEBHOOKS = ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'];
const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection'];

export default definePolicy({
  meta: {
    id: 'rbac-admission-webhooks',
    title: 'No editing admission webhooks',
    category: 'rbac',
    severity: 'error',
    scope: 'resource',
    kinds: ['ClusterRole'],
    description:
      'Whoever can write a MutatingWebhookConfiguration can rewrite every object the API server admits (inject a privileged sidecar into every pod), and whoever can write a ValidatingWebhookConfiguration can switch policy enforcement off. Write verbs (create, update, patch, delete) on either resource in `admissionregistration.k8s.io` are cluster-admin equivalents.',
    remediation: 'Remove the rule. Charts that ship a webhook create its configuration at install time; the running controller only needs `get` (and `patch` on its own object, with `resourceNames`).',
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/#control-admission-webhooks'],
    messages: { write: 'ClusterRole grants write access to {{resource}}' },
    equivalents: ['checkov:CKV_K8S_155', 'kyverno:restrict-clusterrole-mutating-validating-admission-webhooks'],
  },
  check(r) {
    const out: Violation[] = [];
    for (const rule of rulesOf(r)) {
      // A rule limited to named objects (its own webhook) is the accepted pattern.
      if (rule.resourceNames.length > 0) continue;
      const granted = WEBHOOKS.filter((resource) => grants(rule, resource, WRITE, 'admissionregistration.k8s.io'));
      if (granted.length) out.push({ messageId: 'write', data: { resource: granted.join(' and ') }, pointer: `${rule.pointer}/resources` });
    }
    return out;
  },
});
