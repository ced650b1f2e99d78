import { definePolicy } from '../util/define.ts';
import { grants, rulesOf } from './rules.ts';

export default definePolicy({
  meta: {
    id: 'rbac-approve-csr',
    title: 'No approving CertificateSigningRequests',
    category: 'rbac',
    severity: 'error',
    scope: 'resource',
    kinds: ['ClusterRole'],
    description:
      '`update` on `certificatesigningrequests/approval` together with `approve` on a `signers` resource lets the holder issue client certificates the API server trusts, for any user or group (`system:masters` included). A ClusterRole granting both is a cluster-admin equivalent. (Approval is cluster-scoped, so Roles cannot grant it.)',
    remediation: 'Remove the rule; only the cluster\'s own certificate controllers should approve CSRs.',
    references: ['https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#authorization', 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#csrs-and-certificate-issuing'],
    messages: { approve: 'ClusterRole can approve CertificateSigningRequests (update on certificatesigningrequests/approval and approve on signers)' },
    equivalents: ['checkov:CKV_K8S_156', 'kyverno:restrict-clusterrole-csr'],
  },
  check(r) {
    const rules = rulesOf(r);
    const approval = rules.find((rule) => grants(rule, 'certificatesigningrequests/approval', ['update', 'patch'], 'certificates.k8s.io'));
    const signers = rules.some((rule) => grants(rule, 'signers', ['approve'], 'certificates.k8s.io'));
    return approval && signers ? [{ messageId: 'approve', pointer: `${approval.pointer}/resources` }] : [];
  },
});
