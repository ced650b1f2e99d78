import { definePolicy } from '../util/define.ts';
import { obj, objs } from '../util/json.ts';
import type { CheckContext, Violation } from '../types.ts';
import type { K8sResource } from '../../core/types.ts';

function servicePortOk(svc: K8sResource, port: unknown): boolean {
  if (port === undefined || port === null) return true;
  return objs(obj(svc.object.spec)?.ports).some((p) => (typeof port === 'number' ? p.port === port : p.name === port));
}

export default definePolicy({
  meta: {
    id: 'ingress-backend-exists',
    title: 'Ingress and HTTPRoute backends exist',
    category: 'network',
    severity: 'error',
    scope: 'render',
    kinds: ['Ingress', 'HTTPRoute'],
    description: 'Every Ingress backend (`defaultBackend` and each path) and every HTTPRoute `backendRef` of kind Service must name a Service of the render, in the same namespace (or the ref\'s namespace), and a port that Service exposes (by number or name). Otherwise the route returns 503. Scope: the networking.k8s.io/v1 backend shape (`service.name`, `service.port`); the v1beta1 `serviceName`/`servicePort` shape was removed in Kubernetes 1.22 and is reported by the schema stage. A path of a networking.k8s.io/v1 Ingress whose backend names neither a `service` nor a `resource` (for example the old fields left in place) routes nowhere and is reported here too, as kube-score does.',
    remediation: 'Fix the Service name or port, or render the Service.',
    references: ['https://kubernetes.io/docs/concepts/services-networking/ingress/', 'https://gateway-api.sigs.k8s.io/api-types/httproute/'],
    messages: {
      service: 'backend Service "{{service}}" is not in the render (namespace "{{namespace}}")',
      port: 'backend Service "{{service}}" has no port {{port}}',
      none: 'backend names neither a service nor a resource{{legacy}}: the path routes nowhere',
    },
    equivalents: ['kube-linter:dangling-ingress', 'kube-score:ingress-targets-service'],
  },
  check(r, ctx: CheckContext) {
    const ns = ctx.index.namespaceOf(r);
    const out: Violation[] = [];
    const judge = (name: unknown, namespace: string, port: unknown, pointer: string) => {
      if (typeof name !== 'string') return;
      const svc = ctx.index.get('Service', namespace, name);
      if (!svc) out.push({ messageId: 'service', data: { service: name, namespace }, pointer: `${pointer}/name` });
      else if (!servicePortOk(svc, port)) out.push({ messageId: 'port', data: { service: name, port: String(port) }, pointer: `${pointer}/port` });
    };
    const spec = obj(r.object.spec);
    if (r.kind === 'Ingress') {
      const def = obj(obj(spec?.defaultBackend)?.service);
      if (def) judge(def.name, ns, obj(def.port)?.number ?? obj(def.port)?.name, '/spec/defaultBackend/service');
      objs(spec?.rules).forEach((rule, i) =>
        objs(obj(rule.http)?.paths).forEach((p, j) => {
          const backend = obj(p.backend);
          const s = obj(backend?.service);
          if (s) judge(s.name, ns, obj(s.port)?.number ?? obj(s.port)?.name, `/spec/rules/${i}/http/paths/${j}/backend/service`);
          else if (backend && !backend.resource && r.apiVersion === 'networking.k8s.io/v1') {
            const legacy = typeof backend.serviceName === 'string' ? ` (serviceName "${backend.serviceName}" is the removed v1beta1 field)` : '';
            out.push({ messageId: 'none', data: { legacy }, pointer: `/spec/rules/${i}/http/paths/${j}/backend` });
          }
        }),
      );
    } else {
      objs(spec?.rules).forEach((rule, i) =>
        objs(rule.backendRefs).forEach((ref, j) => {
          if ((ref.kind ?? 'Service') !== 'Service' || (ref.group ?? '') !== '') return;
          judge(ref.name, typeof ref.namespace === 'string' ? ref.namespace : ns, ref.port, `/spec/rules/${i}/backendRefs/${j}`);
        }),
      );
    }
    return out;
  },
});
