import { definePssPolicy, violation, type PssCheckDef } from '../pss/check.ts';
import { objs, ptr } from '../util/json.ts';

const def: PssCheckDef = {
  id: 'hostPathVolumes',
  level: 'baseline',
  reason: 'hostPath volumes',
  versions: [
    {
      min: 0,
      check: (pod) =>
        objs(pod.spec.volumes).flatMap((v, i) =>
          v.hostPath !== undefined && v.hostPath !== null ? [violation(def, ptr(pod.specPointer, 'volumes', i, 'hostPath'), `volume "${String(v.name)}" must not use hostPath`)] : [],
        ),
    },
  ],
};

export default definePssPolicy(def, {
  id: 'pss-host-path-volumes',
  title: 'hostPath volumes are forbidden',
  description: 'A hostPath volume mounts a node directory into the pod: it can read secrets of other pods, the container runtime socket or the kubelet\'s credentials. Pod Security Standards baseline forbids them; at restricted this check is replaced by `pss-restricted-volumes`.',
  remediation: 'Use an emptyDir, a PersistentVolumeClaim, a ConfigMap/Secret or a CSI volume instead.',
  references: [],
  equivalents: ['psa:hostPathVolumes', 'polaris:hostPathSet', 'kube-linter:sensitive-host-mounts', 'kube-linter:writable-host-mount', 'kyverno:disallow-host-path'],
});
