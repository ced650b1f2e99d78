import { definePolicy, POD_TEMPLATE_KINDS } from '../util/define.ts';
import { obj, objs } from '../util/json.ts';
import { containersOf, handlersOf, podOf } from '../util/pod.ts';
import type { Violation } from '../types.ts';

export default definePolicy({
  meta: {
    id: 'probes-port-exists',
    title: 'Probe ports exist on the container',
    category: 'probes',
    severity: 'error',
    scope: 'resource',
    kinds: POD_TEMPLATE_KINDS,
    description: 'A probe (`httpGet`, `tcpSocket`, `grpc`) or lifecycle hook on a named port that the container does not declare fails forever: the pod never becomes ready, or is restarted in a loop. Numeric ports must be 1-65535.',
    remediation: 'Use the name of one of the container\'s `ports`, or a valid number.',
    references: ['https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/'],
    equivalents: ['kube-linter:liveness-port', 'kube-linter:readiness-port', 'kube-linter:startup-port'],
    messages: {
      named: 'container "{{container}}" {{probe}} uses port "{{port}}", which the container does not declare',
      range: 'container "{{container}}" {{probe}} uses port {{port}}, outside 1-65535',
    },
  },
  check(r) {
    const pod = podOf(r);
    if (!pod) return [];
    const out: Violation[] = [];
    for (const c of containersOf(pod)) {
      const k = c.container;
      if (!k.livenessProbe && !k.readinessProbe && !k.startupProbe && !k.lifecycle) continue;
      const names = new Set(objs(k.ports).map((p) => p.name).filter((n) => typeof n === 'string'));
      for (const [path, h] of handlersOf(c)) {
        for (const action of ['httpGet', 'tcpSocket', 'grpc'] as const) {
          const port = obj(obj(h)?.[action])?.port;
          const pointer = `${c.pointer}/${path}/${action}/port`;
          const probe = path.replace('lifecycle/', '');
          if (typeof port === 'string' && !/^\d+$/.test(port) && !names.has(port)) out.push({ messageId: 'named', data: { container: c.name, probe, port }, pointer, container: c.name });
          else if ((typeof port === 'number' || (typeof port === 'string' && /^\d+$/.test(port))) && (Number(port) < 1 || Number(port) > 65535)) out.push({ messageId: 'range', data: { container: c.name, probe, port: String(port) }, pointer, container: c.name });
        }
      }
    }
    return out;
  },
});
