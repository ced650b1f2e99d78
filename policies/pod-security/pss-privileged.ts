import { definePssPolicy, violation, type PssCheckDef } from '../pss/check.ts';
import { obj } from '../util/json.ts';
import { containersOf } from '../util/pod.ts';

const def: PssCheckDef = {
  id: 'privileged',
  level: 'baseline',
  reason: 'privileged',
  versions: [
    {
      min: 0,
      check: (pod) =>
        containersOf(pod)
          .filter((c) => obj(c.container.securityContext)?.privileged === true)
          .map((c) => violation(def, `${c.pointer}/securityContext/privileged`, `container "${c.name}" must not set securityContext.privileged=true`, c.name)),
    },
  ],
};

export default definePssPolicy(def, {
  id: 'pss-privileged',
  title: 'Privileged containers are forbidden',
  description: 'A privileged container has every capability and access to all host devices; it is root on the node. Pod Security Standards baseline forbids `securityContext.privileged: true` in every container, init and ephemeral included.',
  remediation: 'Remove `securityContext.privileged` or set it to false; add only the specific capability the process needs.',
  references: [],
  equivalents: ['psa:privileged', 'polaris:runAsPrivileged', 'kube-linter:privileged-container', 'kube-score:container-security-context-privileged', 'checkov:CKV_K8S_16', 'kyverno:disallow-privileged-containers'],
});
