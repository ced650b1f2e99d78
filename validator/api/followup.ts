/**
 * Controller follow-ups: objects the API server admits whose controller can never do its job. The
 * server validates a StatefulSet's pod template only for labels and annotations and never looks at its
 * volumeClaimTemplates; the StatefulSet controller later creates the Pods and PersistentVolumeClaims,
 * which the server then refuses (FailedCreate, for every replica, forever). Names work the same way:
 * a controller derives object names and label values from the owner's name, and a long enough owner
 * name makes every one of them invalid.
 */
import { isDNS1123Label, isDNS1123Subdomain } from './formats.ts';
import { FieldPath } from './path.ts';
import { validatePodSpec } from './pod.ts';
import { validateAnnotations, validateLabels } from './meta.ts';
import { validatePvcSpec } from './pvc.ts';
import { Reporter } from './report.ts';
import { arr, isObj, num, obj, str, type Obj } from './values.ts';

const TEMPLATE = 'api/controller/statefulset-template' as const;
const OVERFLOW = 'api/controller/name-overflow' as const;

/** Longest suffix the controllers append for a revision hash: `-` and up to 10 characters. */
const HASH_SUFFIX = 11;

/** Runs `fn` on a scratch reporter and re-reports its errors as `rule`, with `note` appended. */
function adoptErrors(rep: Reporter, note: string, fn: (scratch: Reporter) => void, keep: (pointer: string) => boolean = () => true): void {
  const scratch = new Reporter(rep.minor);
  fn(scratch);
  const seen = new Set<string>();
  for (const i of scratch.issues) {
    if (i.severity !== 'error' || !keep(i.pointer)) continue;
    const key = `${i.pointer}\u0000${i.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rep.adopt(TEMPLATE, i, note);
  }
}

/**
 * The pod spec the StatefulSet controller submits: every volumeClaimTemplate becomes a
 * persistentVolumeClaim volume of that name, replacing a template volume of the same name in place or
 * appended. Returns the pointers of the appended volumes (not in the manifest, so not reported).
 */
function podSpecWithClaims(spec: Obj, claims: readonly unknown[], podName: string): { podSpec: Obj; added: string[] } {
  const volumes = [...arr(spec.volumes)];
  const added: string[] = [];
  for (const c of claims) {
    const claimName = str(obj(obj(c)?.metadata)?.name);
    if (!claimName) continue;
    const volume = { name: claimName, persistentVolumeClaim: { claimName: `${claimName}-${podName}` } };
    const at = volumes.findIndex((v) => isObj(v) && v.name === claimName);
    if (at >= 0) volumes[at] = volume;
    else {
      added.push(`/spec/template/spec/volumes/${volumes.length}`);
      volumes.push(volume);
    }
  }
  return { podSpec: claims.length ? { ...spec, volumes } : spec, added };
}

export function statefulSetFollowUp(rep: Reporter, o: Obj): void {
  const name = str(obj(o.metadata)?.name) ?? '';
  const spec = obj(o.spec) ?? {};
  const specPath = FieldPath.root().child('spec');
  const replicas = num(spec.replicas) ?? 1;
  const start = num(obj(spec.ordinals)?.start) ?? 0;
  const podName = `${name}-${start}`;
  const template = obj(spec.template);
  if (template) {
    const tp = specPath.child('template', 'spec');
    const { podSpec: withClaims, added } = podSpecWithClaims(obj(template.spec) ?? {}, arr(spec.volumeClaimTemplates), podName);
    // The controller sets hostname (the pod name) and subdomain (serviceName) itself: checked below.
    const podSpec: Obj = { ...withClaims, hostname: podName };
    delete podSpec.subdomain;
    added.push('/spec/template/spec/hostname');
    adoptErrors(
      rep,
      ` (the API server accepts this in a StatefulSet, but the StatefulSet controller cannot create pod "${podName}": FailedCreate)`,
      (scratch) => validatePodSpec(scratch, podSpec, tp, { isPod: true, minor: rep.minor, ...(name ? { podName } : {}) }),
      (pointer) => !added.some((p) => pointer === p || pointer.startsWith(`${p}/`)),
    );
  }
  arr(spec.volumeClaimTemplates).forEach((t, i) => {
    if (!isObj(t)) return;
    const vp = specPath.child('volumeClaimTemplates').index(i);
    const claim = `${str(obj(t.metadata)?.name) ?? ''}-${podName}`;
    adoptErrors(rep, ` (the API server accepts this in a StatefulSet, but the StatefulSet controller cannot create claim "${claim}": FailedCreate)`, (scratch) => {
      const meta = obj(t.metadata);
      validateLabels(scratch, meta?.labels, vp.child('metadata', 'labels'));
      validateAnnotations(scratch, meta?.annotations, vp.child('metadata', 'annotations'));
      const claimName = str(meta?.name);
      if (!claimName) scratch.required(TEMPLATE, vp.child('metadata', 'name'), 'each volumeClaimTemplate needs a name, used for its claims and pod volumes');
      else if (name) for (const m of isDNS1123Subdomain(claim)) scratch.invalid(TEMPLATE, vp.child('metadata', 'name'), claimName, `the claim name ${JSON.stringify(claim)} is invalid: ${m}`);
      validatePvcSpec(scratch, TEMPLATE, t.spec, vp.child('spec'), rep.minor);
    });
  });
  const serviceName = str(spec.serviceName);
  if (serviceName) {
    const msgs = isDNS1123Label(serviceName);
    if (msgs.length) rep.error(TEMPLATE, specPath.child('serviceName'), `spec.serviceName: Invalid value: ${JSON.stringify(serviceName)}: ${msgs.join('; ')} (it becomes the pods' spec.subdomain: the StatefulSet controller cannot create its pods)`, 'use a DNS label: lower-case letters, digits and "-", at most 63 characters');
  }
  if (!name) return;
  const lastPod = `${name}-${start + Math.max(replicas, 1) - 1}`;
  const np = FieldPath.root().child('metadata', 'name');
  if (lastPod.length > 63) {
    rep.error(OVERFLOW, np, `metadata.name: the StatefulSet's pod "${lastPod}" is ${lastPod.length} characters; a pod's hostname and its statefulset.kubernetes.io/pod-name label may be at most 63, so the StatefulSet controller cannot create it (FailedCreate)`, 'shorten the StatefulSet name to 52 characters or fewer');
  } else if (name.length + HASH_SUFFIX > 63) {
    rep.error(OVERFLOW, np, `metadata.name: ${name.length} characters: the StatefulSet's controller-revision-hash label ("${name}-<hash>") can exceed 63 characters, and then the StatefulSet controller cannot create its pods`, 'shorten the StatefulSet name to 52 characters or fewer');
  }
}

/** Deployment → ReplicaSet `<name>-<pod-template-hash>`, which must stay a 253-character DNS subdomain. */
export function deploymentFollowUp(rep: Reporter, o: Obj): void {
  const name = str(obj(o.metadata)?.name) ?? '';
  if (name.length + HASH_SUFFIX > 253) {
    rep.error(OVERFLOW, FieldPath.root().child('metadata', 'name'), `metadata.name: ${name.length} characters: the Deployment's ReplicaSets are named "<name>-<hash>", more than 253 characters, so the deployment controller cannot create them (ReplicaSetCreateError)`, 'shorten the Deployment name to 242 characters or fewer');
  }
}

/** DaemonSet → ControllerRevision `<name>-<hash>` (a 253-character DNS subdomain). */
export function daemonSetFollowUp(rep: Reporter, o: Obj): void {
  const name = str(obj(o.metadata)?.name) ?? '';
  if (name.length + HASH_SUFFIX > 253) {
    rep.error(OVERFLOW, FieldPath.root().child('metadata', 'name'), `metadata.name: ${name.length} characters: the DaemonSet's ControllerRevisions are named "<name>-<hash>", more than 253 characters, so the DaemonSet controller cannot roll out its pods`, 'shorten the DaemonSet name to 242 characters or fewer');
  }
}
