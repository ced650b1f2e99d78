import { definePssPolicy, violation, type PssCheckDef, type PssViolation } from '../pss/check.ts';
import { objs } from '../util/json.ts';
import { containersOf } from '../util/pod.ts';

const def: PssCheckDef = {
  id: 'hostPorts',
  level: 'baseline',
  reason: 'hostPort',
  versions: [
    {
      min: 0,
      check: (pod) => {
        const out: PssViolation[] = [];
        for (const c of containersOf(pod)) {
          objs(c.container.ports).forEach((p, i) => {
            if (p.hostPort !== undefined && p.hostPort !== null && p.hostPort !== 0) {
              out.push(violation(def, `${c.pointer}/ports/${i}/hostPort`, `container "${c.name}" uses hostPort ${String(p.hostPort)}`, c.name));
            }
          });
        }
        return out;
      },
    },
  ],
};

export default definePssPolicy(def, {
  id: 'pss-host-ports',
  title: 'Host ports are forbidden',
  description: 'A `hostPort` binds a port on the node itself, bypassing NetworkPolicies and Services and limiting scheduling. Pod Security Standards baseline forbids any non-zero `hostPort` in any container.',
  remediation: 'Remove `hostPort`; expose the port with a Service (ClusterIP, or an Ingress/Gateway for outside traffic).',
  references: [],
  equivalents: ['psa:hostPorts', 'polaris:hostPortSet', 'checkov:CKV_K8S_26', 'kyverno:disallow-host-ports'],
});
