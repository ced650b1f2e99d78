import { definePolicy, POD_TEMPLATE_KINDS } from '../util/define.ts';

export default definePolicy({
  meta: {
    id: 'namespace-not-default',
    title: 'Workloads do not run in the default namespace',
    category: 'reliability',
    severity: 'warning',
    scope: 'render',
    kinds: [...POD_TEMPLATE_KINDS.filter((k) => k !== 'PodTemplate'), 'Service'],
    description:
      'The `default` namespace is where everything lands by accident: it has no Pod Security labels, quotas or NetworkPolicies of its own, and anything else deployed there shares its ServiceAccount and RBAC. Workloads and Services must live in a namespace of their own: `metadata.namespace` set to something other than `default`, or, for objects without one, a release namespace other than `default` (`helm template --namespace`, `nexus validate --namespace`). Scope: like kube-linter, pod controllers and Services are judged; ConfigMaps, Secrets and RBAC objects follow their workload. Unlike kube-linter, a manifest without `metadata.namespace` validated without a known namespace is not judged: it gets its namespace when applied (`kubectl apply -n`).',
    remediation: 'Install into a dedicated namespace (`helm install -n <ns>`), or set `metadata.namespace`.',
    references: ['https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/#initial-namespaces'],
    messages: { default: '{{kind}} is in the default namespace' },
    equivalents: ['kube-linter:use-namespace', 'checkov:CKV_K8S_21', 'kyverno:disallow-default-namespace'],
  },
  check(r, ctx) {
    if (!r.namespace && !ctx.index.namespaceKnown) return [];
    return ctx.index.namespaceOf(r) === 'default' ? [{ messageId: 'default', data: { kind: r.kind }, pointer: '/metadata/namespace' }] : [];
  },
});
