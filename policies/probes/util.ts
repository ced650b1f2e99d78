import type { Policy } from '../types.ts';
import { appContainersOf, podOf } from '../util/pod.ts';

/**
 * The check shared by `probes-liveness` and `probes-readiness`: every app container of a pod that some
 * Service of the render selects must set `probe`; the message names the first such Service.
 */
export function missingProbeCheck(probe: 'livenessProbe' | 'readinessProbe'): Policy['check'] {
  return (r, ctx) => {
    const pod = podOf(r);
    if (!pod) return [];
    const services = ctx.index.servicesSelecting(r);
    if (services.length === 0) return [];
    return appContainersOf(pod)
      .filter((c) => c.container[probe] === undefined || c.container[probe] === null)
      .map((c) => ({ messageId: 'missing', data: { container: c.name, service: services[0]!.name }, pointer: `${c.pointer}/${probe}`, container: c.name }));
  };
}
