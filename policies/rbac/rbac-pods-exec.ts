import { definePolicy } from '../util/define.ts';
import { grants, rulesOf, RBAC_ROLE_KINDS } from './rules.ts';
import type { Violation } from '../types.ts';

export default definePolicy({
  meta: {
    id: 'rbac-pods-exec',
    title: 'No exec or attach into pods',
    category: 'rbac',
    severity: 'warning',
    scope: 'resource',
    kinds: RBAC_ROLE_KINDS,
    description: '`create` (or `get`, for older clients over WebSocket) on `pods/exec` or `pods/attach` runs commands inside other pods, with their identities and secrets. Application roles must not grant it. Scope: every role of the render is judged whatever its name; Polaris skips `admin`, `edit`, `cluster-admin`, `system:*` and a GKE role by name because clusters ship them, but a chart that ships a role under such a name is not exempt.',
    remediation: 'Remove `pods/exec` and `pods/attach` from the rule.',
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/#escalation-risks'],
    messages: { exec: 'rule grants {{resource}}' },
    equivalents: ['polaris:clusterrolePodExecAttach', 'polaris:rolePodExecAttach', 'checkov:CKV2_K8S_2'],
  },
  check(r) {
    const out: Violation[] = [];
    for (const rule of rulesOf(r)) {
      for (const res of ['pods/exec', 'pods/attach']) {
        if (grants(rule, res, ['create', 'get'])) out.push({ messageId: 'exec', data: { resource: res }, pointer: `${rule.pointer}/resources` });
      }
    }
    return out;
  },
});
