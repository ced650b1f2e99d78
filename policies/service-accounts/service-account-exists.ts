import { globMatch } from '../config-defaults.ts';
import { definePolicy, POD_TEMPLATE_KINDS } from '../util/define.ts';
import { obj } from '../util/json.ts';
import { podOf } from '../util/pod.ts';

export const EXTERNAL_SERVICE_ACCOUNTS_ANNOTATION = 'nexus.dev/external-service-accounts';

const list = (v: unknown) => (typeof v === 'string' ? v.split(/[\s,]+/).filter(Boolean) : []);

export default definePolicy({
  meta: {
    id: 'service-account-exists',
    title: 'Referenced ServiceAccounts exist or are declared external',
    category: 'service-accounts',
    severity: 'error',
    scope: 'render',
    kinds: POD_TEMPLATE_KINDS.filter((k) => k !== 'PodTemplate'),
    description:
      'A pod whose `serviceAccountName` names a ServiceAccount that does not exist is never created: the ReplicaSet or StatefulSet controller retries with `error looking up service account` and the rollout hangs. The ServiceAccount must be rendered in the same namespace, or declared external: by the chart with the pod-template annotation `nexus.dev/external-service-accounts: "name1,name2"`, or in `.nexus-policy.yaml` `settings.externalServiceAccounts` (`name`, `namespace/name`, globs). The namespace\'s `default` ServiceAccount always exists.',
    remediation: 'Render the ServiceAccount (`serviceAccount.create: true`), fix the name, or declare it external.',
    references: ['https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/'],
    messages: { missing: 'ServiceAccount "{{name}}" is not in the render (namespace "{{namespace}}") and not declared external' },
    equivalents: ['kube-linter:non-existent-service-account'],
  },
  check(r, ctx) {
    const pod = podOf(r);
    if (!pod) return [];
    const field = typeof pod.spec.serviceAccountName === 'string' ? 'serviceAccountName' : typeof pod.spec.serviceAccount === 'string' ? 'serviceAccount' : undefined;
    const name = field ? (pod.spec[field] as string) : '';
    if (!name || name === 'default') return [];
    const ns = ctx.index.namespaceOf(r);
    if (ctx.index.get('ServiceAccount', ns, name)) return [];
    const declared = [...list(pod.annotations[EXTERNAL_SERVICE_ACCOUNTS_ANNOTATION]), ...list(obj(obj(r.object.metadata)?.annotations)?.[EXTERNAL_SERVICE_ACCOUNTS_ANNOTATION]), ...ctx.settings.externalServiceAccounts];
    if (declared.some((p) => globMatch(p, name) || globMatch(p, `${ns}/${name}`))) return [];
    return [{ messageId: 'missing', data: { name, namespace: ns }, pointer: `${pod.specPointer}/${field}` }];
  },
});
