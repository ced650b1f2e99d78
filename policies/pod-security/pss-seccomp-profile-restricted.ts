import { definePssPolicy, violation, type PssCheckDef, type PssViolation } from '../pss/check.ts';
import { obj } from '../util/json.ts';
import { containersOf, type PodView } from '../util/pod.ts';
import { isWindowsPod } from './pss-allow-privilege-escalation.ts';
import { explicitSeccompViolations, validSeccompType } from './pss-seccomp-profile-baseline.ts';

function check(pod: PodView): PssViolation[] {
  const explicit = explicitSeccompViolations(def, pod);
  if (explicit.length) return explicit;
  const podSet = validSeccompType(obj(obj(pod.spec.securityContext)?.seccompProfile)?.type);
  if (podSet) return [];
  return containersOf(pod)
    .filter((c) => obj(obj(c.container.securityContext)?.seccompProfile) === undefined)
    .map((c) => violation(def, `${c.pointer}/securityContext/seccompProfile/type`, `pod or container "${c.name}" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`, c.name));
}

const def: PssCheckDef = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  reason: 'seccompProfile',
  versions: [
    { min: 19, overrides: ['seccompProfile_baseline'], check },
    { min: 25, overrides: ['seccompProfile_baseline'], check: (pod) => (isWindowsPod(pod) ? [] : check(pod)) },
  ],
};

export default definePssPolicy(def, {
  id: 'pss-seccomp-profile-restricted',
  title: 'A seccomp profile must be set',
  description: 'Restricted (policy v1.19+) requires `seccompProfile.type` `RuntimeDefault` or `Localhost` on the pod, or on every container that does not inherit it; no container may set `Unconfined`. The container setting overrides the pod\'s. From v1.25 Windows pods are exempt. Replaces `pss-seccomp-profile-baseline` at this level. The `seccomp.security.alpha.kubernetes.io` annotations are not read: the kubelet ignores them since Kubernetes 1.27 and admission judges the fields (kube-score still accepts the annotation).',
  remediation: 'Set `spec.securityContext.seccompProfile.type: RuntimeDefault`.',
  references: ['https://kubernetes.io/docs/tutorials/security/seccomp/'],
  equivalents: ['psa:seccompProfile_restricted', 'polaris:linuxHardening (partial)', 'kube-score:container-seccomp-profile', 'checkov:CKV_K8S_31', 'kyverno:restrict-seccomp-strict'],
});
