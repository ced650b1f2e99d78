import { definePssPolicy, violation, type PssCheckDef, type PssViolation } from '../pss/check.ts';
import { obj } from '../util/json.ts';
import { containersOf, type PodView } from '../util/pod.ts';

/** Containers whose procMount is set to anything but Default (shared by the restricted variant). */
export function procMountViolations(d: PssCheckDef, pod: PodView): PssViolation[] {
  const out: PssViolation[] = [];
  for (const c of containersOf(pod)) {
    const pm = obj(c.container.securityContext)?.procMount;
    if (pm !== undefined && pm !== null && pm !== 'Default') {
      out.push(violation(d, `${c.pointer}/securityContext/procMount`, `container "${c.name}" must not set securityContext.procMount to "${String(pm)}"`, c.name));
    }
  }
  return out;
}

/** `hostUsers: false` (a user namespace) relaxes some checks from policy v1.35 on, as upstream does. */
export function inUserNamespace(pod: PodView): boolean {
  return pod.spec.hostUsers === false;
}

const def: PssCheckDef = {
  id: 'procMount',
  level: 'baseline',
  reason: 'procMount',
  versions: [
    { min: 0, check: (pod) => procMountViolations(def, pod) },
    { min: 35, check: (pod) => (inUserNamespace(pod) ? [] : procMountViolations(def, pod)) },
  ],
};

export default definePssPolicy(def, {
  id: 'pss-proc-mount',
  title: 'The default /proc mask must be kept',
  description: 'The default `/proc` mount masks paths that leak host information. Pod Security Standards baseline requires `securityContext.procMount` to be unset or `Default`; from policy v1.35 baseline allows `Unmasked` in pods with `hostUsers: false` (their own user namespace). At restricted (v1.35+) the stricter `pss-proc-mount-restricted` replaces this check.',
  remediation: 'Remove `securityContext.procMount` or set it to `Default`.',
  references: [],
  equivalents: ['psa:procMount', 'polaris:procMount', 'kube-linter:unsafe-proc-mount', 'kyverno:disallow-proc-mount'],
});
