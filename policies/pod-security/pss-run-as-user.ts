import { definePssPolicy, violation, type PssCheckDef, type PssViolation } from '../pss/check.ts';
import { obj } from '../util/json.ts';
import { containersOf, type PodView } from '../util/pod.ts';
import { inUserNamespace } from './pss-proc-mount.ts';

function check(pod: PodView): PssViolation[] {
  const out: PssViolation[] = [];
  if (obj(pod.spec.securityContext)?.runAsUser === 0) out.push(violation(def, `${pod.specPointer}/securityContext/runAsUser`, 'pod must not set runAsUser=0'));
  for (const c of containersOf(pod)) {
    if (obj(c.container.securityContext)?.runAsUser === 0) out.push(violation(def, `${c.pointer}/securityContext/runAsUser`, `container "${c.name}" must not set runAsUser=0`, c.name));
  }
  return out;
}

const def: PssCheckDef = {
  id: 'runAsUser',
  level: 'restricted',
  reason: 'runAsUser=0',
  versions: [
    { min: 23, check },
    { min: 35, check: (pod) => (inUserNamespace(pod) ? [] : check(pod)) },
  ],
};

export default definePssPolicy(def, {
  id: 'pss-run-as-user',
  title: 'runAsUser must not be 0',
  description: 'Restricted (policy v1.23+) forbids `runAsUser: 0` on the pod and on every container. From policy v1.35, pods with `hostUsers: false` are exempt.',
  remediation: 'Use a non-zero UID, e.g. `runAsUser: 10001`.',
  references: [],
  equivalents: ['psa:runAsUser', 'kyverno:require-run-as-non-root-user'],
});
