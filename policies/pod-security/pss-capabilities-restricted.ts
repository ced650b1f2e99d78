import { definePssPolicy, violation, type PssCheckDef, type PssViolation } from '../pss/check.ts';
import { arr, obj } from '../util/json.ts';
import { containersOf, type PodView } from '../util/pod.ts';
import { isWindowsPod } from './pss-allow-privilege-escalation.ts';

function check(pod: PodView): PssViolation[] {
  const out: PssViolation[] = [];
  for (const c of containersOf(pod)) {
    const caps = obj(obj(c.container.securityContext)?.capabilities);
    if (!arr(caps?.drop).includes('ALL')) {
      out.push(violation(def, `${c.pointer}/securityContext/capabilities/drop`, `container "${c.name}" must set securityContext.capabilities.drop=["ALL"]`, c.name));
    }
    arr(caps?.add).forEach((cap, i) => {
      if (cap !== 'NET_BIND_SERVICE') out.push(violation(def, `${c.pointer}/securityContext/capabilities/add/${i}`, `container "${c.name}" must not include "${String(cap)}" in securityContext.capabilities.add`, c.name));
    });
  }
  return out;
}

const def: PssCheckDef = {
  id: 'capabilities_restricted',
  level: 'restricted',
  reason: 'unrestricted capabilities',
  versions: [
    { min: 22, overrides: ['capabilities_baseline'], check },
    { min: 25, overrides: ['capabilities_baseline'], check: (pod) => (isWindowsPod(pod) ? [] : check(pod)) },
  ],
};

export default definePssPolicy(def, {
  id: 'pss-capabilities-restricted',
  title: 'Drop ALL capabilities; add only NET_BIND_SERVICE',
  description: 'Restricted (policy v1.22+) requires every container to drop `ALL` capabilities and allows adding back only `NET_BIND_SERVICE`. From v1.25 Windows pods are exempt. Replaces `pss-capabilities-baseline` at this level. Polaris\'s `insecureCapabilities` also accepts dropping a list of named capabilities; this check follows admission, which accepts only `ALL`.',
  remediation: 'Set `securityContext.capabilities.drop: ["ALL"]` on every container and remove other added capabilities.',
  references: [],
  equivalents: ['psa:capabilities_restricted', 'polaris:insecureCapabilities', 'kyverno:disallow-capabilities-strict'],
});
