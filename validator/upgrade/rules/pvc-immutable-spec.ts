import { differences, semanticEqual } from '../equality.ts';
import { clone, fieldPath, getAt, isObject, objectAt, type JsonObject } from '../json.ts';
import { BOUND_VOLUME, DEFAULT_STORAGE_CLASS } from '../server.ts';
import { defineUpgradeRule, type UpdateViolation } from '../types.ts';
import { change } from './util.ts';

const BETA_CLASS = 'volume.beta.kubernetes.io/storage-class';
const WHY = 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims';
const HINT =
  'A claim cannot be re-shaped: keep storageClassName, accessModes, volumeMode, selector and dataSource as they were. To move the data to a different kind of volume, create a claim with a new name (for a StatefulSet: a new volumeClaimTemplate in a new StatefulSet) and migrate the data.';

const annotationsOf = (o: JsonObject) => (isObject(o.metadata) && isObject(o.metadata.annotations) ? o.metadata.annotations : {});

export default defineUpgradeRule({
  meta: {
    id: 'upgrade/pvc-immutable-spec',
    title: 'PersistentVolumeClaim spec change the server refuses',
    kinds: ['core/PersistentVolumeClaim'],
    description:
      "A claim's spec is immutable except its storage request (bound claims) and volumeAttributesClassName. Changing the StorageClass, access modes, volume mode, selector or data source fails the upgrade; so does removing storageClassName (the live claim has one). The validator assumes the claim is bound, as a chart's claims are once installed; an unbound claim refuses a size change too.",
    remediation: HINT,
    upstream: 'ValidatePersistentVolumeClaimUpdate (pkg/apis/core/validation)',
    references: ['https://kubernetes.io/docs/concepts/storage/persistent-volumes/#expanding-persistent-volumes-claims'],
  },
  check({ live, next, kubeMinor }) {
    const oldSpec = clone(isObject(live.spec) ? live.spec : {});
    const newSpec = clone(isObject(next.spec) ? next.spec : {});
    // volumeName may be set once (the binder does it).
    if (!oldSpec.volumeName) oldSpec.volumeName = newSpec.volumeName ?? null;
    const oldAnn = annotationsOf(live);
    const newAnn = annotationsOf(next);
    const out: UpdateViolation[] = [];
    let unsureClass = false;
    const oldClass = getAt(live, ['spec', 'storageClassName']);
    const newClass = getAt(next, ['spec', 'storageClassName']);
    if (typeof oldAnn[BETA_CLASS] === 'string' && oldClass == null && typeof newClass === 'string' && newClass === oldAnn[BETA_CLASS] && (newAnn[BETA_CLASS] === undefined || newAnn[BETA_CLASS] === oldAnn[BETA_CLASS])) {
      // Upgrade from the beta annotation to the field.
      newSpec.storageClassName = oldClass ?? null;
    } else {
      if ((oldAnn[BETA_CLASS] ?? '') !== (newAnn[BETA_CLASS] ?? '')) {
        out.push({ path: ['metadata', 'annotations', BETA_CLASS], message: `metadata.annotations[${BETA_CLASS}] changes ${change(oldAnn, newAnn, [BETA_CLASS])}: field is immutable`, hint: HINT });
      }
      if (oldClass == null && typeof newClass === 'string' && (oldAnn[BETA_CLASS] === undefined || newClass === oldAnn[BETA_CLASS])) newSpec.storageClassName = null;
      if (oldClass === DEFAULT_STORAGE_CLASS && typeof newClass === 'string' && newClass !== DEFAULT_STORAGE_CLASS) {
        // The claim was created without a class and got the cluster's default, which the validator does not know.
        unsureClass = true;
        newSpec.storageClassName = DEFAULT_STORAGE_CLASS;
      }
    }
    // Bound claims may change their storage request (the size rules are separate); the class of volume attributes too.
    if (isObject(newSpec.resources) && isObject(newSpec.resources.requests)) objectAt(newSpec, ['resources', 'requests']).storage = getAt(oldSpec, ['resources', 'requests', 'storage']) as JsonObject[string] ?? null;
    const vacBefore = oldSpec.volumeAttributesClassName;
    const vacAfter = newSpec.volumeAttributesClassName;
    newSpec.volumeAttributesClassName = vacBefore ?? null;
    for (const rel of differences(oldSpec, newSpec, 5)) {
      if (rel.length === 1 && rel[0] === 'volumeName' && oldSpec.volumeName === BOUND_VOLUME && newSpec.volumeName == null) {
        // Only a replace (helm upgrade --force) drops what the binder set; a merge patch keeps it.
        out.push({
          path: ['spec', 'volumeName'],
          message: `spec.volumeName would be cleared: a replace writes the claim as the manifest has it, without the PersistentVolume the claim is bound to, and ${WHY}`,
          hint: 'Upgrade without --force (Helm 3) / --force-replace (Helm 4): the three-way merge keeps the bound volume. A forced upgrade can replace only claims whose manifest names their volume (spec.volumeName).',
        });
        continue;
      }
      out.push({ path: ['spec', ...rel], message: `${fieldPath(['spec', ...rel])} changes ${change(oldSpec, newSpec, rel)}: ${WHY}`, hint: HINT });
    }
    if (!semanticEqual(vacBefore, vacAfter, 'volumeAttributesClassName') && kubeMinor < 34) {
      out.push({ path: ['spec', 'volumeAttributesClassName'], message: `spec.volumeAttributesClassName changes ${change({ v: vacBefore }, { v: vacAfter }, ['v'])}: update is forbidden while the VolumeAttributesClass feature gate is disabled (off by default before Kubernetes 1.34)`, hint: 'Keep the previous volumeAttributesClassName, or enable the VolumeAttributesClass feature on the cluster.' });
    }
    if (unsureClass) {
      out.push({
        path: ['spec', 'storageClassName'],
        severity: 'warning',
        message: `spec.storageClassName is set to ${JSON.stringify(newClass)}, but the previous manifest left it out, so the claim got the cluster's default StorageClass when it was created: unless ${JSON.stringify(newClass)} is that class, the server refuses the change (${WHY})`,
        hint: 'Pass --default-storage-class NAME so the validator knows the default class, or keep storageClassName out of the manifest.',
      });
    }
    return out;
  },
});
