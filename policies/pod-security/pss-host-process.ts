import { definePssPolicy, violation, type PssCheckDef, type PssViolation } from '../pss/check.ts';
import { obj } from '../util/json.ts';
import { containersOf } from '../util/pod.ts';

const def: PssCheckDef = {
  id: 'windowsHostProcess',
  level: 'baseline',
  reason: 'hostProcess',
  versions: [
    {
      min: 0,
      check: (pod) => {
        const out: PssViolation[] = [];
        if (obj(obj(pod.spec.securityContext)?.windowsOptions)?.hostProcess === true) {
          out.push(violation(def, `${pod.specPointer}/securityContext/windowsOptions/hostProcess`, 'pod must not set securityContext.windowsOptions.hostProcess=true'));
        }
        for (const c of containersOf(pod)) {
          if (obj(obj(c.container.securityContext)?.windowsOptions)?.hostProcess === true) {
            out.push(violation(def, `${c.pointer}/securityContext/windowsOptions/hostProcess`, `container "${c.name}" must not set securityContext.windowsOptions.hostProcess=true`, c.name));
          }
        }
        return out;
      },
    },
  ],
};

export default definePssPolicy(def, {
  id: 'pss-host-process',
  title: 'Windows HostProcess containers are forbidden',
  description: 'Windows pods with HostProcess containers get privileged access to the Windows node. Pod Security Standards baseline forbids `securityContext.windowsOptions.hostProcess: true` on the pod and on every container (init and ephemeral included).',
  remediation: 'Remove `windowsOptions.hostProcess`, or set it to false.',
  references: [],
  equivalents: ['psa:windowsHostProcess', 'polaris:hostProcess', 'kyverno:disallow-host-process'],
});
