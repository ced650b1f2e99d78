import { definePolicy } from '../util/define.ts';
import { obj, ptr } from '../util/json.ts';
import { podOf } from '../util/pod.ts';
import type { Violation } from '../types.ts';

const PREFIX = 'nexus.dev/ignore-';

export default definePolicy({
  meta: {
    id: 'exemption-annotations',
    title: 'Exemption annotations carry a reason and a known policy id',
    category: 'policy',
    severity: 'error',
    scope: 'resource',
    kinds: ['*'],
    description: 'A policy is exempted for one object with the annotation `nexus.dev/ignore-<policy-id>: "<reason>"` on the object (or its pod template). The reason is mandatory: an empty one does not exempt anything and is itself an error. An annotation naming no known policy (usually a typo, so the intended exemption silently does not apply) is reported too.',
    remediation: 'Write why the exemption is acceptable in the annotation value, and use an id from docs/policies.md.',
    references: [],
    messages: {
      reason: 'exemption {{annotation}} has no reason; it exempts nothing',
      unknown: 'exemption {{annotation}} names no known policy',
    },
  },
  check(r, ctx) {
    const out: Violation[] = [];
    const scan = (annotations: Record<string, unknown> | undefined, base: string) => {
      if (!annotations) return;
      for (const k in annotations) {
        if (!k.startsWith(PREFIX)) continue;
        const v = annotations[k];
        const pointer = ptr(`${base}/annotations`, k);
        if (!ctx.policyIds.has(k.slice(PREFIX.length))) out.push({ messageId: 'unknown', data: { annotation: k }, pointer });
        else if (typeof v !== 'string' || v.trim() === '') out.push({ messageId: 'reason', data: { annotation: k }, pointer });
      }
    };
    scan(obj(obj(r.object.metadata)?.annotations), '/metadata');
    const pod = podOf(r);
    if (pod && pod.metadataPointer !== '/metadata') scan(pod.annotations, pod.metadataPointer);
    return out;
  },
});
