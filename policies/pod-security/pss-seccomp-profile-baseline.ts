import { definePssPolicy, violation, type PssCheckDef, type PssViolation } from '../pss/check.ts';
import { obj, ptr } from '../util/json.ts';
import { containersOf, type PodView } from '../util/pod.ts';

export const validSeccompType = (t: unknown) => t === 'RuntimeDefault' || t === 'Localhost';
const validAnnotation = (v: string) => v === 'runtime/default' || v === 'docker/default' || v.startsWith('localhost/');

/** Explicit seccomp profiles that are not RuntimeDefault/Localhost, at pod and container level. */
export function explicitSeccompViolations(d: PssCheckDef, pod: PodView): PssViolation[] {
  const out: PssViolation[] = [];
  const p = obj(obj(pod.spec.securityContext)?.seccompProfile);
  if (p && !validSeccompType(p.type)) out.push(violation(d, `${pod.specPointer}/securityContext/seccompProfile/type`, `pod must not set securityContext.seccompProfile.type to "${String(p.type ?? '')}"`));
  for (const c of containersOf(pod)) {
    const cp = obj(obj(c.container.securityContext)?.seccompProfile);
    if (cp && !validSeccompType(cp.type)) out.push(violation(d, `${c.pointer}/securityContext/seccompProfile/type`, `container "${c.name}" must not set securityContext.seccompProfile.type to "${String(cp.type ?? '')}"`, c.name));
  }
  return out;
}

const def: PssCheckDef = {
  id: 'seccompProfile_baseline',
  level: 'baseline',
  reason: 'seccompProfile',
  versions: [
    {
      // Before v1.19 seccomp was set by annotations.
      min: 0,
      check: (pod) => {
        const out: PssViolation[] = [];
        const podAnn = pod.annotations['seccomp.security.alpha.kubernetes.io/pod'];
        if (podAnn !== undefined && !validAnnotation(podAnn)) out.push(violation(def, ptr(pod.metadataPointer, 'annotations', 'seccomp.security.alpha.kubernetes.io/pod'), `forbidden annotation seccomp.security.alpha.kubernetes.io/pod="${podAnn}"`));
        for (const c of containersOf(pod)) {
          const k = `container.seccomp.security.alpha.kubernetes.io/${c.name}`;
          const v = pod.annotations[k];
          if (v !== undefined && !validAnnotation(v)) out.push(violation(def, ptr(pod.metadataPointer, 'annotations', k), `forbidden annotation ${k}="${v}"`, c.name));
        }
        return out;
      },
    },
    { min: 19, check: (pod) => explicitSeccompViolations(def, pod) },
  ],
};

export default definePssPolicy(def, {
  id: 'pss-seccomp-profile-baseline',
  title: 'Seccomp must not be explicitly disabled',
  description: 'A seccomp profile of `Unconfined` exposes every syscall of the kernel to the container. Pod Security Standards baseline forbids any explicit profile type other than `RuntimeDefault` or `Localhost` (pod and containers). At restricted it is replaced by `pss-seccomp-profile-restricted`.',
  remediation: 'Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod, and remove container-level `Unconfined` overrides.',
  references: ['https://kubernetes.io/docs/tutorials/security/seccomp/'],
  equivalents: ['psa:seccompProfile_baseline', 'kyverno:restrict-seccomp'],
});
