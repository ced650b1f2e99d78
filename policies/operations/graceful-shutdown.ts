import { definePolicy } from '../util/define.ts';
import { obj, objs } from '../util/json.ts';
import { appContainersOf, podOf } from '../util/pod.ts';
import type { Violation } from '../types.ts';

/** Seconds a preStop hook waits: the `sleep` action, or `sleep N` in an exec command; undefined when it does not sleep. */
function preStopDelay(container: Record<string, unknown>): number | undefined {
  const preStop = obj(obj(container.lifecycle)?.preStop);
  if (!preStop) return undefined;
  const sleep = obj(preStop.sleep)?.seconds;
  if (typeof sleep === 'number') return sleep;
  const cmd = obj(preStop.exec)?.command;
  const text = Array.isArray(cmd) ? cmd.join(' ') : '';
  const m = /\bsleep\s+(\d+)/.exec(text);
  if (m) return Number(m[1]);
  // An HTTP hook or another command: the application drains itself; count it as a delay of unknown length.
  return preStop.httpGet || preStop.exec ? Number.POSITIVE_INFINITY : undefined;
}

export default definePolicy({
  meta: {
    id: 'graceful-shutdown',
    title: 'Serving pods wait for endpoints to drain before stopping (opt-in)',
    category: 'operations',
    severity: 'warning',
    scope: 'render',
    kinds: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'],
    enabledByDefault: false,
    description:
      'When a pod is deleted, kubelet sends SIGTERM at the same moment the endpoint controller starts removing it from Services; kube-proxy, ingress controllers and service meshes keep routing to it for a few more seconds. A container that exits on SIGTERM right away drops those requests on every rollout. Each serving container (one with ports) of a pod behind a Service must have a `preStop` hook that waits at least `settings.proxyDrainSeconds` (default 5; the `sleep` action or `sleep N`; an HTTP or other exec hook is trusted to drain), and `terminationGracePeriodSeconds` (default 30) must exceed that wait. Off by default: applications that stop accepting and finish in-flight requests on SIGTERM do not need it.',
    remediation: 'Add `lifecycle.preStop.sleep.seconds: 10` (Kubernetes 1.30+) or `exec: {command: [sleep, "10"]}`, and keep `terminationGracePeriodSeconds` above it plus the shutdown time.',
    references: ['https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination', 'https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/'],
    messages: {
      missing: 'container "{{container}}" behind Service "{{service}}" has no preStop delay: requests in flight are dropped on every rollout',
      short: 'container "{{container}}" waits {{seconds}} s in preStop, less than the {{drain}} s proxies need to drain',
      grace: 'terminationGracePeriodSeconds {{grace}} does not exceed the preStop delay of {{seconds}} s of container "{{container}}"',
    },
  },
  check(r, ctx) {
    const pod = podOf(r);
    if (!pod) return [];
    const service = ctx.index.servicesSelecting(r)[0];
    if (!service) return [];
    const drain = ctx.settings.proxyDrainSeconds;
    const grace = typeof pod.spec.terminationGracePeriodSeconds === 'number' ? pod.spec.terminationGracePeriodSeconds : 30;
    const out: Violation[] = [];
    for (const c of appContainersOf(pod)) {
      if (objs(c.container.ports).length === 0) continue;
      const delay = preStopDelay(c.container);
      const pointer = `${c.pointer}/lifecycle/preStop`;
      if (delay === undefined) out.push({ messageId: 'missing', data: { container: c.name, service: service.name }, pointer, container: c.name });
      else if (delay < drain) out.push({ messageId: 'short', data: { container: c.name, seconds: delay, drain }, pointer, container: c.name });
      else if (Number.isFinite(delay) && grace <= delay) out.push({ messageId: 'grace', data: { container: c.name, seconds: delay, grace }, pointer: `${pod.specPointer}/terminationGracePeriodSeconds`, container: c.name });
    }
    return out;
  },
});
