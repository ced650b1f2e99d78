import { definePssPolicy, violation, type PssCheckDef, type PssViolation } from '../pss/check.ts';
import { obj } from '../util/json.ts';
import { containersOf, type PodView } from '../util/pod.ts';

export const isWindowsPod = (pod: PodView) => obj(pod.spec.os)?.name === 'windows';

function check(pod: PodView): PssViolation[] {
  return containersOf(pod)
    .filter((c) => obj(c.container.securityContext)?.allowPrivilegeEscalation !== false)
    .map((c) => violation(def, `${c.pointer}/securityContext/allowPrivilegeEscalation`, `container "${c.name}" must set securityContext.allowPrivilegeEscalation=false`, c.name));
}

const def: PssCheckDef = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  reason: 'allowPrivilegeEscalation != false',
  versions: [
    { min: 8, check },
    { min: 25, check: (pod) => (isWindowsPod(pod) ? [] : check(pod)) },
  ],
};

export default definePssPolicy(def, {
  id: 'pss-allow-privilege-escalation',
  title: 'Privilege escalation must be disabled',
  description: 'Without `allowPrivilegeEscalation: false` a process can gain more privileges than its parent (setuid binaries, file capabilities). Restricted requires it explicitly on every container, init and ephemeral included. From policy v1.25, pods with `spec.os.name: windows` are exempt.',
  remediation: 'Set `securityContext.allowPrivilegeEscalation: false` on every container.',
  references: [],
  equivalents: ['psa:allowPrivilegeEscalation', 'polaris:privilegeEscalationAllowed', 'kube-linter:privilege-escalation-container', 'checkov:CKV_K8S_20', 'kyverno:disallow-privilege-escalation'],
});
