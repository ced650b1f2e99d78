import { definePolicy, POD_TEMPLATE_KINDS } from '../util/define.ts';
import { podOf } from '../util/pod.ts';

export default definePolicy({
  meta: {
    id: 'service-account-default',
    title: 'Pods use their own ServiceAccount',
    category: 'service-accounts',
    severity: 'warning',
    scope: 'resource',
    kinds: POD_TEMPLATE_KINDS,
    description: 'Pods that run as the namespace\'s `default` ServiceAccount share one identity: any RBAC granted to it (often by another chart) reaches all of them. Each workload should name its own ServiceAccount.',
    remediation: 'Create a ServiceAccount per workload and set `spec.serviceAccountName`.',
    references: ['https://kubernetes.io/docs/concepts/security/service-accounts/'],
    messages: { default: 'pod runs as the "default" ServiceAccount' },
    equivalents: ['kube-linter:default-service-account', 'checkov:CKV_K8S_41', 'checkov:CKV_K8S_42'],
  },
  check(r) {
    const pod = podOf(r);
    if (!pod) return [];
    const sa = pod.spec.serviceAccountName ?? pod.spec.serviceAccount;
    if (sa === undefined || sa === null || sa === '' || sa === 'default') {
      return [{ messageId: 'default', pointer: `${pod.specPointer}/serviceAccountName` }];
    }
    return [];
  },
});
