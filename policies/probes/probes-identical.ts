import { isDeepStrictEqual } from 'node:util';
import { definePolicy } from '../util/define.ts';
import { obj, type Obj } from '../util/json.ts';
import { containersOf, podOf } from '../util/pod.ts';

/** What a probe checks, ignoring its timing: the handler kube-score compares (path and port, port, command, gRPC service). */
function handlerOf(p: Obj): unknown[] | undefined {
  const http = obj(p.httpGet);
  if (http) return ['http', http.path ?? '/', String(http.port), http.host ?? '', http.scheme ?? 'HTTP'];
  const tcp = obj(p.tcpSocket);
  if (tcp) return ['tcp', String(tcp.port), tcp.host ?? ''];
  const exec = obj(p.exec);
  if (exec) return ['exec', exec.command];
  const grpc = obj(p.grpc);
  if (grpc) return ['grpc', String(grpc.port), grpc.service ?? ''];
  return undefined;
}

/** Equal handlers: element by element (strings mostly; `exec.command` and odd values compared deeply). */
function sameHandler(a: unknown[], b: unknown[] | undefined): boolean {
  return b !== undefined && a.length === b.length && a.every((x, i) => Object.is(x, b[i]) || (typeof x === 'object' && x !== null && isDeepStrictEqual(x, b[i])));
}

export default definePolicy({
  meta: {
    id: 'probes-identical',
    title: 'Liveness and readiness probes check different things',
    category: 'probes',
    severity: 'info',
    scope: 'resource',
    kinds: ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController'],
    description:
      'A liveness probe that checks the same thing as the readiness probe restarts a container exactly when it should only be taken out of rotation: a slow dependency fails both on every replica at once, and the restarts turn a brown-out into an outage. The two probes of a container (init containers included) must use different handlers: another HTTP path or port, another TCP port, another command. Compared as kube-score compares them, on the handler only: different thresholds on the same endpoint do not make it safe. Scope: Jobs and CronJobs are not judged (as in kube-score). Severity `info` by default, where kube-score grades it critical: a shared handler with a much larger liveness `failureThreshold` is a widespread, deliberate pattern (database and exporter images ship one health endpoint); raise it with `probes-identical: warning`.',
    remediation: 'Point liveness at a cheap "process is alive" endpoint (e.g. `/livez`) and readiness at "can serve traffic" (e.g. `/readyz`).',
    references: ['https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/'],
    messages: { identical: 'container "{{container}}" has liveness and readiness probes with the same handler' },
    equivalents: ['kube-score:pod-probes-identical'],
  },
  check(r) {
    const pod = podOf(r);
    if (!pod) return [];
    return containersOf(pod)
      .filter((c) => c.type !== 'ephemeralContainers')
      .filter((c) => {
        const l = obj(c.container.livenessProbe);
        const rd = obj(c.container.readinessProbe);
        if (!l || !rd) return false;
        const h = handlerOf(l);
        return h !== undefined && sameHandler(h, handlerOf(rd));
      })
      .map((c) => ({ messageId: 'identical', data: { container: c.name }, pointer: `${c.pointer}/livenessProbe`, container: c.name }));
  },
});
