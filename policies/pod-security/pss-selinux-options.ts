import { definePssPolicy, violation, type PssCheckDef, type PssViolation } from '../pss/check.ts';
import { obj, type Obj } from '../util/json.ts';
import { containersOf, type PodView } from '../util/pod.ts';

const TYPES_1_0 = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
const TYPES_1_31 = new Set([...TYPES_1_0, 'container_engine_t']);

function problems(o: Obj, allowed: Set<string>): string[] {
  const out: string[] = [];
  const type = o.type ?? '';
  if (typeof type !== 'string' || !allowed.has(type)) out.push(`type "${String(type)}"`);
  if (typeof o.user === 'string' && o.user.length > 0) out.push('user may not be set');
  if (typeof o.role === 'string' && o.role.length > 0) out.push('role may not be set');
  return out;
}

function check(allowed: Set<string>) {
  return (pod: PodView): PssViolation[] => {
    const out: PssViolation[] = [];
    const podOpts = obj(obj(pod.spec.securityContext)?.seLinuxOptions);
    const p = podOpts ? problems(podOpts, allowed) : [];
    if (p.length) out.push(violation(def, `${pod.specPointer}/securityContext/seLinuxOptions`, `pod set forbidden securityContext.seLinuxOptions: ${p.join('; ')}`));
    for (const c of containersOf(pod)) {
      const o = obj(obj(c.container.securityContext)?.seLinuxOptions);
      const cp = o ? problems(o, allowed) : [];
      if (cp.length) out.push(violation(def, `${c.pointer}/securityContext/seLinuxOptions`, `container "${c.name}" set forbidden securityContext.seLinuxOptions: ${cp.join('; ')}`, c.name));
    }
    return out;
  };
}

const def: PssCheckDef = {
  id: 'seLinuxOptions',
  level: 'baseline',
  reason: 'seLinuxOptions',
  versions: [
    { min: 0, check: check(TYPES_1_0) },
    { min: 31, check: check(TYPES_1_31) },
  ],
};

export default definePssPolicy(def, {
  id: 'pss-selinux-options',
  title: 'SELinux options must stay within the container types',
  description: 'Setting a custom SELinux user or role, or a type outside the container types, can escape the SELinux confinement. Pod Security Standards baseline allows `seLinuxOptions.type` only as empty, `container_t`, `container_init_t`, `container_kvm_t` (and `container_engine_t` from policy v1.31), and forbids `user` and `role`, at pod and container level.',
  remediation: 'Remove `seLinuxOptions` (the runtime default is safe), or keep only `level` and an allowed `type`.',
  references: [],
  equivalents: ['psa:seLinuxOptions', 'kyverno:disallow-selinux'],
});
