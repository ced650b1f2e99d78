import type { Policy } from '../types.ts';
import { obj } from '../util/json.ts';
import { containersOf, podOf } from '../util/pod.ts';

/**
 * The check shared by `resources-cpu-limit` and `resources-memory-limit`: every container and init
 * container (not ephemeral ones) must set `resources.limits.<resource>` to a non-empty value.
 */
export function missingLimitCheck(resource: 'cpu' | 'memory'): Policy['check'] {
  return (r) => {
    const pod = podOf(r);
    if (!pod) return [];
    return containersOf(pod)
      .filter((c) => c.type !== 'ephemeralContainers')
      .filter((c) => {
        const v = obj(obj(c.container.resources)?.limits)?.[resource];
        return v === undefined || v === null || v === '';
      })
      .map((c) => ({ messageId: 'missing', data: { container: c.name }, pointer: `${c.pointer}/resources/limits/${resource}`, container: c.name }));
  };
}
