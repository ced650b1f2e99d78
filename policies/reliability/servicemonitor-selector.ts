import { definePolicy } from '../util/define.ts';
import { arr, obj, objs, strMap } from '../util/json.ts';
import { describeSelector, matches, parseLabelSelector } from '../util/selector.ts';
import type { K8sResource } from '../../core/types.ts';
import type { Violation } from '../types.ts';

export default definePolicy({
  meta: {
    id: 'servicemonitor-selector',
    title: 'ServiceMonitors select a Service and its port',
    category: 'reliability',
    severity: 'error',
    scope: 'render',
    kinds: ['ServiceMonitor'],
    description: 'A Prometheus Operator ServiceMonitor whose `selector` matches no Service (by Service labels, in its `namespaceSelector` namespaces, default its own) scrapes nothing, silently: dashboards go blank and alerts never fire. Each `endpoints[].port` must also be the name of a port of a matched Service.',
    remediation: 'Align the ServiceMonitor selector with the metrics Service\'s labels, and `endpoints[].port` with its port name.',
    references: ['https://prometheus-operator.dev/docs/developer/troubleshooting/#troubleshooting-servicemonitor-changes'],
    equivalents: ['kube-linter:dangling-servicemonitor'],
    messages: {
      none: 'selector {{selector}} matches no Service in {{scope}}',
      port: 'endpoint port "{{port}}" is not a port name of the selected Service(s)',
    },
  },
  check(r, ctx) {
    const spec = obj(r.object.spec);
    const sel = parseLabelSelector(spec?.selector);
    if (!sel) return [];
    const nsSel = obj(spec?.namespaceSelector);
    const own = ctx.index.namespaceOf(r);
    const names = arr(nsSel?.matchNames).filter((x): x is string => typeof x === 'string');
    const inScope = (svc: K8sResource) => (nsSel?.any === true ? true : names.length ? names.includes(ctx.index.namespaceOf(svc)) : ctx.index.namespaceOf(svc) === own);
    const services = (nsSel?.any === true || names.length ? ctx.index.ofKind('Service') : ctx.index.inNamespace('Service', own)).filter((s) => inScope(s) && matches(sel, strMap(obj(s.object.metadata)?.labels)));
    const out: Violation[] = [];
    if (services.length === 0) {
      out.push({ messageId: 'none', data: { selector: describeSelector(sel), scope: nsSel?.any === true ? 'any namespace' : `namespace(s) ${names.length ? names.join(', ') : own}` }, pointer: '/spec/selector' });
      return out;
    }
    const portNames = new Set(services.flatMap((s) => objs(obj(s.object.spec)?.ports).map((p) => p.name)));
    objs(spec?.endpoints).forEach((ep, i) => {
      if (typeof ep.port === 'string' && !portNames.has(ep.port)) out.push({ messageId: 'port', data: { port: ep.port }, pointer: `/spec/endpoints/${i}/port` });
    });
    return out;
  },
});
