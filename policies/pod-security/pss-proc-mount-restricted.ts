import { definePssPolicy, type PssCheckDef } from '../pss/check.ts';
import { procMountViolations } from './pss-proc-mount.ts';

const def: PssCheckDef = {
  id: 'procMount_restricted',
  level: 'restricted',
  reason: 'procMount',
  versions: [{ min: 35, overrides: ['procMount'], check: (pod) => procMountViolations(def, pod) }],
};

export default definePssPolicy(def, {
  id: 'pss-proc-mount-restricted',
  title: 'The default /proc mask must be kept, even in a user namespace',
  description: 'At restricted (policy v1.35+) `securityContext.procMount` must be unset or `Default` in every container, also in pods with `hostUsers: false`. Replaces `pss-proc-mount` at this level.',
  remediation: 'Remove `securityContext.procMount` or set it to `Default`.',
  references: [],
  equivalents: ['psa:procMount_restricted'],
});
