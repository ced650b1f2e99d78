import { definePssPolicy, violation, type PssCheckDef, type PssViolation } from '../pss/check.ts';
import { arr, obj } from '../util/json.ts';
import { containersOf } from '../util/pod.ts';

/** The container runtime's default capability set: adding these is allowed at baseline. */
export const BASELINE_ALLOWED_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

const def: PssCheckDef = {
  id: 'capabilities_baseline',
  level: 'baseline',
  reason: 'non-default capabilities',
  versions: [
    {
      min: 0,
      check: (pod) => {
        const out: PssViolation[] = [];
        for (const c of containersOf(pod)) {
          arr(obj(obj(c.container.securityContext)?.capabilities)?.add).forEach((cap, i) => {
            if (typeof cap !== 'string' || !BASELINE_ALLOWED_CAPABILITIES.has(cap)) {
              out.push(violation(def, `${c.pointer}/securityContext/capabilities/add/${i}`, `container "${c.name}" must not include "${String(cap)}" in securityContext.capabilities.add`, c.name));
            }
          });
        }
        return out;
      },
    },
  ],
};

export default definePssPolicy(def, {
  id: 'pss-capabilities-baseline',
  title: 'Only default capabilities may be added',
  description: 'Adding capabilities beyond the runtime default set (for example `NET_RAW`, `SYS_ADMIN`, `NET_ADMIN`) widens what a compromised process can do to the node and its neighbours. Pod Security Standards baseline allows only AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID and SYS_CHROOT in `capabilities.add`. At restricted it is replaced by `pss-capabilities-restricted`.',
  remediation: 'Remove the capability from `securityContext.capabilities.add`.',
  references: [],
  equivalents: ['psa:capabilities_baseline', 'polaris:dangerousCapabilities', 'kyverno:disallow-capabilities'],
});
