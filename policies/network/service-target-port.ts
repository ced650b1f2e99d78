import { definePolicy } from '../util/define.ts';
import { obj, objs } from '../util/json.ts';
import { appContainersOf } from '../util/pod.ts';
import type { Violation } from '../types.ts';

export default definePolicy({
  meta: {
    id: 'service-target-port',
    title: 'Service target ports exist on the pods',
    category: 'network',
    severity: 'error',
    scope: 'render',
    kinds: ['Service'],
    description: 'Each Service port forwards to `targetPort` (default: `port`). A named targetPort must be the `name` of a container port of every selected pod template; a numeric one must be declared as a `containerPort` (same protocol) when the pod declares its ports. Otherwise traffic goes nowhere or to the wrong process. Scope: a pod that declares no container ports at all is not judged for numeric targetPorts, since the kubelet does not require declarations and the manifest does not say which ports the process listens on.',
    remediation: 'Use the container port\'s name as `targetPort`, or fix the number.',
    references: ['https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports'],
    messages: { missing: 'targetPort {{port}} is not a container port of {{workload}}' },
    equivalents: ['kube-linter:invalid-target-ports (names only)', 'kube-score:service-targets-pod'],
  },
  check(r, ctx) {
    const pods = ctx.index.podsOfService(r);
    if (pods.length === 0) return [];
    const out: Violation[] = [];
    objs(obj(r.object.spec)?.ports).forEach((p, i) => {
      const target = p.targetPort ?? p.port;
      const protocol = p.protocol ?? 'TCP';
      if (target === undefined) return;
      const named = typeof target === 'string' && !/^\d+$/.test(target);
      for (const e of pods) {
        const containers = appContainersOf(e.pod);
        // A numeric targetPort reaches the pod whether or not a container declares it (declarations are
        // informational); only a pod that declares its ports shows that this one is not among them.
        if (!named && !containers.some((c) => objs(c.container.ports).length > 0)) continue;
        const ok = containers.some((c) =>
          objs(c.container.ports).some((cp) => (cp.protocol ?? 'TCP') === protocol && (named ? cp.name === target : Number(cp.containerPort) === Number(target))),
        );
        if (!ok) {
          out.push({ messageId: 'missing', data: { port: String(target), workload: `${e.resource.kind}/${e.resource.name}` }, pointer: `/spec/ports/${i}/${p.targetPort === undefined ? 'port' : 'targetPort'}` });
        }
      }
    });
    return out;
  },
});
