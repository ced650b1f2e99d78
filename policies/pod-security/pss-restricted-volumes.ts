import { definePssPolicy, violation, type PssCheckDef } from '../pss/check.ts';
import { objs, ptr } from '../util/json.ts';

const ALLOWED = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret'];
const present = (v: unknown) => v !== undefined && v !== null;

const def: PssCheckDef = {
  id: 'restrictedVolumes',
  level: 'restricted',
  reason: 'restricted volume types',
  versions: [
    {
      min: 0,
      overrides: ['hostPathVolumes'],
      check: (pod) =>
        objs(pod.spec.volumes).flatMap((v, i) => {
          const sources = Object.keys(v).filter((k) => k !== 'name' && present(v[k]));
          // A volume without any source is defaulted to emptyDir by the API server before admission.
          if (sources.length === 0 || sources.some((s) => ALLOWED.includes(s))) return [];
          const type = sources.sort()[0]!;
          return [violation(def, ptr(pod.specPointer, 'volumes', i, type), `volume "${String(v.name)}" uses restricted volume type "${type}"`)];
        }),
    },
  ],
};

export default definePssPolicy(def, {
  id: 'pss-restricted-volumes',
  title: 'Only ephemeral, projected and claim-based volumes',
  description: 'Restricted pods may only use volume types that cannot reach node or network storage directly: configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret. hostPath, nfs, iscsi, gitRepo and the in-tree cloud disks are forbidden (use a PersistentVolumeClaim). A volume with no source counts as emptyDir, as the API server defaults it. Replaces `pss-host-path-volumes` at this level.',
  remediation: 'Replace the volume with a PersistentVolumeClaim (for network storage) or an emptyDir/ConfigMap/Secret/projected volume.',
  references: [],
  equivalents: ['psa:restrictedVolumes', 'kyverno:restrict-volume-types'],
});
