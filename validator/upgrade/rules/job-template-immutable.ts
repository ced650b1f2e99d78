import { semanticEqual } from '../equality.ts';
import { clone, isObject, type JsonObject } from '../json.ts';
import { defineUpgradeRule } from '../types.ts';
import { changedFields, specOf } from './util.ts';

const HINT =
  'A Job runs once; it is not updated in place. Run it as a Helm hook (`helm.sh/hook: pre-upgrade,post-install` with `helm.sh/hook-delete-policy: before-hook-creation`) so each release creates a fresh Job, put something that changes with the template into its name (a chart version or checksum suffix), or delete the old Job before upgrading (a finished Job with `ttlSecondsAfterFinished` removes itself).';

/**
 * The old template with the fields a suspended, never-started Job may change taken from the new one
 * (JobMutableNodeSchedulingDirectives: node selector, node affinity, tolerations, scheduling gates,
 * labels and annotations).
 */
function withSchedulingDirectives(oldT: JsonObject, newT: JsonObject): JsonObject {
  const out = clone(oldT);
  const os = isObject(out.spec) ? out.spec : (out.spec = {});
  const ns = isObject(newT.spec) ? newT.spec : {};
  const om = isObject(out.metadata) ? out.metadata : (out.metadata = {});
  const nm = isObject(newT.metadata) ? newT.metadata : {};
  const oldAff = isObject(os.affinity) ? os.affinity : undefined;
  const newAff = isObject(ns.affinity) ? ns.affinity : undefined;
  if (!newAff && oldAff) {
    delete oldAff.nodeAffinity;
    if (Object.keys(oldAff).length === 0) delete os.affinity;
  } else if (newAff && !oldAff) {
    os.affinity = newAff.nodeAffinity === undefined ? {} : { nodeAffinity: newAff.nodeAffinity };
  } else if (newAff && oldAff) {
    if (newAff.nodeAffinity === undefined) delete oldAff.nodeAffinity;
    else oldAff.nodeAffinity = newAff.nodeAffinity;
  }
  for (const k of ['nodeSelector', 'tolerations', 'schedulingGates']) {
    if (ns[k] === undefined) delete os[k];
    else os[k] = ns[k]!;
  }
  for (const k of ['labels', 'annotations']) {
    if (nm[k] === undefined) delete om[k];
    else om[k] = nm[k]!;
  }
  return out;
}

export default defineUpgradeRule({
  meta: {
    id: 'upgrade/job-template-immutable',
    title: 'Job pod template changed',
    kinds: ['batch/Job'],
    description:
      "A Job's pod template is immutable: a new image, command, env var, resource or label makes the update fail. Only while a Job is suspended and has never started may its scheduling directives (node selector, node affinity, tolerations, scheduling gates) and template labels and annotations change. Jobs that are Helm hooks are re-created by Helm and are not checked.",
    remediation: HINT,
    upstream: 'ValidateJobSpecUpdate / validatePodTemplateUpdate (pkg/apis/batch/validation)',
    references: ['https://kubernetes.io/docs/concepts/workloads/controllers/job/#mutable-scheduling-directives'],
  },
  check({ live, next }) {
    const oldT = isObject(specOf(live).template) ? (specOf(live).template as JsonObject) : {};
    const newT = isObject(specOf(next).template) ? (specOf(next).template as JsonObject) : {};
    // The live object's suspend: a Job created suspended has never started (the validator cannot see
    // status.startTime; a Job unsuspended by hand and suspended again would be refused).
    const suspended = specOf(live).suspend === true;
    const base = suspended ? withSchedulingDirectives(oldT, newT) : oldT;
    if (semanticEqual(base, newT)) return [];
    const why = suspended
      ? "a Job's pod template is immutable; while the Job is suspended and has never run, only nodeSelector, node affinity, tolerations, schedulingGates, labels and annotations may change"
      : "a Job's pod template is immutable (field is immutable)";
    return changedFields(base, newT, ['spec', 'template'], why, HINT);
  },
});
