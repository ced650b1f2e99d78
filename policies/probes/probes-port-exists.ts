import { definePolicy, POD_TEMPLATE_KINDS } from '../util/define.ts';
import { obj, objs } from '../util/json.ts';
import { containersOf, handlersOf, podOf } from '../util/pod.ts';
import type { Violation } from '../types.ts';

const DIGITS = /^\d+$/;
/** The handler actions that connect to a port. */
const PORT_ACTIONS = ['httpGet', 'tcpSocket', 'grpc'] as const;

export default definePolicy({
  meta: {
    id: 'probes-port-exists',
    title: 'Probe ports exist on the container',
    category: 'probes',
    severity: 'error',
    scope: 'resource',
    kinds: POD_TEMPLATE_KINDS,
    description:
      'A probe (`httpGet`, `tcpSocket`, `grpc`) or lifecycle hook on a named port that the container does not declare fails forever: the pod never becomes ready, or is restarted in a loop. Numeric ports must be 1-65535. These handlers all connect over TCP, so a port the container declares only as UDP (or SCTP) fails the same way: the kubelet resolves a named port by its name whatever its protocol, then opens a TCP connection nobody accepts. Scope: a numeric port the container does not declare at all is not judged (declaring ports is optional).',
    remediation: 'Use the name of one of the container\'s `ports`, or a valid number.',
    references: ['https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/'],
    equivalents: ['kube-linter:liveness-port', 'kube-linter:readiness-port', 'kube-linter:startup-port'],
    messages: {
      named: 'container "{{container}}" {{probe}} uses port "{{port}}", which the container does not declare',
      range: 'container "{{container}}" {{probe}} uses port {{port}}, outside 1-65535',
      protocol: 'container "{{container}}" {{probe}} connects over TCP to port {{port}}, which the container declares only as {{protocol}}',
    },
  },
  check(r) {
    const pod = podOf(r);
    if (!pod) return [];
    const out: Violation[] = [];
    for (const c of containersOf(pod)) {
      const k = c.container;
      if (!k.livenessProbe && !k.readinessProbe && !k.startupProbe && !k.lifecycle) continue;
      const ports = objs(k.ports);
      /** The protocols a port (name or number) is declared with; a named port resolves to its number first. */
      const protocols = (port: unknown): string[] => {
        const byName = typeof port === 'string' && !DIGITS.test(port) ? ports.find((p) => p.name === port) : undefined;
        const number = byName ? byName.containerPort : Number(port);
        return ports.filter((p) => p.containerPort === number).map((p) => (typeof p.protocol === 'string' ? p.protocol : 'TCP'));
      };
      for (const { path, handler } of handlersOf(c)) {
        for (const action of PORT_ACTIONS) {
          const port = obj(handler[action])?.port;
          if (port === undefined) continue;
          const pointer = `${c.pointer}/${path}/${action}/port`;
          const probe = path.replace('lifecycle/', '');
          if (typeof port === 'string' && !DIGITS.test(port) && !ports.some((p) => p.name === port)) out.push({ messageId: 'named', data: { container: c.name, probe, port }, pointer, container: c.name });
          else if ((typeof port === 'number' || (typeof port === 'string' && DIGITS.test(port))) && (Number(port) < 1 || Number(port) > 65535)) out.push({ messageId: 'range', data: { container: c.name, probe, port: String(port) }, pointer, container: c.name });
          else {
            const declared = protocols(port);
            if (declared.length > 0 && !declared.includes('TCP')) out.push({ messageId: 'protocol', data: { container: c.name, probe, port: String(port), protocol: [...new Set(declared)].sort().join('/') }, pointer, container: c.name });
          }
        }
      }
    }
    return out;
  },
});
