import { definePssPolicy, violation, type PssCheckDef, type PssViolation } from '../pss/check.ts';
import { obj } from '../util/json.ts';
import { containersOf, handlersOf } from '../util/pod.ts';

/** The handler actions that take a `host`. */
const HOST_ACTIONS = ['httpGet', 'tcpSocket'] as const;

const def: PssCheckDef = {
  id: 'hostProbesAndHostLifecycle',
  level: 'baseline',
  reason: 'probe or lifecycle host',
  versions: [
    {
      min: 34,
      check: (pod) => {
        const out: PssViolation[] = [];
        for (const c of containersOf(pod)) {
          for (const { path, handler } of handlersOf(c)) {
            for (const action of HOST_ACTIONS) {
              const host = obj(handler[action])?.host;
              if (typeof host === 'string' && host !== '') {
                out.push(violation(def, `${c.pointer}/${path}/${action}/host`, `container "${c.name}" uses probe or lifecycle host "${host}"`, c.name));
              }
            }
          }
        }
        return out;
      },
    },
  ],
};

export default definePssPolicy(def, {
  id: 'pss-host-probes-and-lifecycle',
  title: 'Probes and lifecycle hooks must not target other hosts',
  description: 'The kubelet runs HTTP and TCP probes and lifecycle hooks from the node; a `host` field turns it into a proxy to any address the node can reach (SSRF). Pod Security Standards baseline (policy v1.34+) forbids a non-empty `host` in `httpGet` and `tcpSocket` of liveness, readiness and startup probes and postStart/preStop hooks.',
  remediation: 'Remove `host`: probes then target the pod IP.',
  references: [],
  equivalents: ['psa:hostProbesAndHostLifecycle'],
});
