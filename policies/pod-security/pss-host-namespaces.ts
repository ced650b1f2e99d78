import { definePssPolicy, violation, type PssCheckDef, type PssViolation } from '../pss/check.ts';

const def: PssCheckDef = {
  id: 'hostNamespaces',
  level: 'baseline',
  reason: 'host namespaces',
  versions: [
    {
      min: 0,
      check: (pod) => {
        const out: PssViolation[] = [];
        for (const f of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
          if (pod.spec[f] === true) out.push(violation(def, `${pod.specPointer}/${f}`, `pod must not set ${f}=true`));
        }
        return out;
      },
    },
  ],
};

export default definePssPolicy(def, {
  id: 'pss-host-namespaces',
  title: 'Host namespaces must not be shared',
  description: 'Sharing the node\'s network, PID or IPC namespace (`hostNetwork`, `hostPID`, `hostIPC`) lets a pod see and reach everything on the node. Pod Security Standards baseline forbids all three.',
  remediation: 'Remove `hostNetwork`, `hostPID` and `hostIPC`, or set them to false. Expose ports through a Service instead of the host network.',
  references: [],
  equivalents: ['psa:hostNamespaces', 'polaris:hostNetworkSet', 'polaris:hostPIDSet', 'polaris:hostIPCSet', 'kube-linter:host-network', 'kube-linter:host-pid', 'kube-linter:host-ipc', 'checkov:CKV_K8S_17', 'checkov:CKV_K8S_18', 'checkov:CKV_K8S_19', 'kyverno:disallow-host-namespaces'],
});
