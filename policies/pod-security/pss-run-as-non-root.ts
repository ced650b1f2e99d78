import { definePssPolicy, violation, type PssCheckDef, type PssViolation } from '../pss/check.ts';
import { obj } from '../util/json.ts';
import { containersOf, type PodView } from '../util/pod.ts';
import { inUserNamespace } from './pss-proc-mount.ts';

function check(pod: PodView): PssViolation[] {
  const out: PssViolation[] = [];
  const podValue = obj(pod.spec.securityContext)?.runAsNonRoot;
  if (podValue === false) out.push(violation(def, `${pod.specPointer}/securityContext/runAsNonRoot`, 'pod must not set securityContext.runAsNonRoot=false'));
  const implicit: PssViolation[] = [];
  for (const c of containersOf(pod)) {
    const v = obj(c.container.securityContext)?.runAsNonRoot;
    if (v === false) out.push(violation(def, `${c.pointer}/securityContext/runAsNonRoot`, `container "${c.name}" must not set securityContext.runAsNonRoot=false`, c.name));
    else if (v !== true && podValue !== true) {
      implicit.push(violation(def, `${c.pointer}/securityContext/runAsNonRoot`, `pod or container "${c.name}" must set securityContext.runAsNonRoot=true`, c.name));
    }
  }
  // Upstream reports explicit `false` settings first; the implicit ones only when nothing is explicitly wrong.
  return out.length ? out : implicit;
}

const def: PssCheckDef = {
  id: 'runAsNonRoot',
  level: 'restricted',
  reason: 'runAsNonRoot != true',
  versions: [
    { min: 0, check },
    { min: 35, check: (pod) => (inUserNamespace(pod) ? [] : check(pod)) },
  ],
};

export default definePssPolicy(def, {
  id: 'pss-run-as-non-root',
  title: 'Containers must run as non-root',
  description: 'Restricted requires `runAsNonRoot: true`, set on the pod (inherited by containers) or on every container; no container may set it to false. The container setting overrides the pod\'s. From policy v1.35, pods with `hostUsers: false` are exempt (root in a user namespace is unprivileged on the node). As admission does, a non-zero `runAsUser` without `runAsNonRoot: true` fails, and a pod-level `false` fails even when containers set `true` (Checkov accepts both).',
  remediation: 'Set `spec.securityContext.runAsNonRoot: true` (and a non-zero `runAsUser` if the image has no numeric USER).',
  references: [],
  equivalents: ['psa:runAsNonRoot', 'polaris:runAsRootAllowed', 'kube-linter:run-as-non-root', 'checkov:CKV_K8S_23', 'kyverno:require-run-as-nonroot'],
});
