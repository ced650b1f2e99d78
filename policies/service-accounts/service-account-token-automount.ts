import { definePolicy, POD_TEMPLATE_KINDS } from '../util/define.ts';
import { podOf } from '../util/pod.ts';

export default definePolicy({
  meta: {
    id: 'service-account-token-automount',
    title: 'The API token is not mounted unless needed',
    category: 'service-accounts',
    severity: 'warning',
    scope: 'render',
    kinds: POD_TEMPLATE_KINDS,
    description: 'By default every pod gets a token for the Kubernetes API; an attacker in the container can use it. Pods must opt out with `automountServiceAccountToken: false` on the pod, or inherit `false` from their ServiceAccount (when that ServiceAccount is in the render and the pod does not override it with `true`).',
    remediation: 'Set `automountServiceAccountToken: false` on the pod spec (or the ServiceAccount); mount a projected token only in pods that call the API.',
    references: ['https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting'],
    messages: {
      explicit: 'pod sets automountServiceAccountToken: true',
      inherited: 'pod mounts an API token (ServiceAccount "{{sa}}" {{why}})',
    },
    equivalents: ['polaris:automountServiceAccountToken', 'checkov:CKV_K8S_38', 'kyverno:restrict-automount-sa-token'],
  },
  check(r, ctx) {
    const pod = podOf(r);
    if (!pod) return [];
    const v = pod.spec.automountServiceAccountToken;
    if (v === false) return [];
    const pointer = `${pod.specPointer}/automountServiceAccountToken`;
    if (v === true) return [{ messageId: 'explicit', pointer }];
    const declared = pod.spec.serviceAccountName || pod.spec.serviceAccount;
    const name = typeof declared === 'string' && declared ? declared : 'default';
    const sa = ctx.index.get('ServiceAccount', ctx.index.namespaceOf(r), name);
    if (sa?.object.automountServiceAccountToken === false) return [];
    return [{ messageId: 'inherited', data: { sa: name, why: sa ? 'does not set automountServiceAccountToken: false' : 'is not in the render' }, pointer }];
  },
});
