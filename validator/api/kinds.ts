/**
 * Which validator checks which kind, by `apiVersion/kind` (or `group/any/kind` for every served
 * version). Kinds not listed get the object-metadata rules only. Each entry runs what the server
 * does on create: the kind's validation, then its create warnings (WarningsOnCreate), then the
 * controller follow-ups of validator/api/followup.ts.
 */
import { validateHPA, validatePDB } from './autoscaling-policy.ts';
import { validateCronJob, validateJob } from './batch.ts';
import { validateConfigMap, validateLimitRange, validateNamespace, validatePriorityClass, validatePVC, validateResourceQuota, validateSecret, validateServiceAccount } from './core-misc.ts';
import { daemonSetFollowUp, deploymentFollowUp, statefulSetFollowUp } from './followup.ts';
import { validateIngress, validateIngressClass, validateNetworkPolicy } from './networking.ts';
import type { ClusterInventory } from './cluster-refs.ts';
import { FieldPath } from './path.ts';
import { validatePod } from './pod-object.ts';
import { validateRole, validateRoleBinding } from './rbac.ts';
import type { Reporter } from './report.ts';
import { validateService } from './service.ts';
import { arr, isObj, obj, type Obj } from './values.ts';
import { claimSpecWarnings, jobSpecWarnings, nameWarning, podWarnings, templateWarnings } from './warnings.ts';
import { validateDaemonSet, validateDeployment, validatePodTemplateObject, validateReplicaSet, validateReplicationController, validateStatefulSet } from './workloads.ts';

export interface StageOptions {
  minor: number;
  nodePortRange: [number, number];
  serviceClusterIPRanges?: string[];
  /** What the cluster holds, for pods' references (validator/api/cluster-refs.ts). */
  cluster?: ClusterInventory;
}

type KindValidator = (rep: Reporter, object: Obj, opts: StageOptions) => void;

const SPEC = FieldPath.root().child('spec');
const specTemplate = (rep: Reporter, o: Obj) => templateWarnings(rep, obj(o.spec)?.template, SPEC.child('template'));

export const KIND_VALIDATORS: Record<string, KindValidator> = {
  'v1/Pod': (rep, o, opts) => {
    validatePod(rep, o, opts.minor);
    nameWarning(rep, o, true);
    podWarnings(rep, o.metadata, o.spec, FieldPath.root(), true);
  },
  'v1/PodTemplate': (rep, o, opts) => {
    validatePodTemplateObject(rep, o, opts.minor);
    templateWarnings(rep, o.template, FieldPath.root().child('template'));
  },
  'v1/ReplicationController': (rep, o, opts) => {
    validateReplicationController(rep, o, opts.minor);
    nameWarning(rep, o, false);
    specTemplate(rep, o);
  },
  'apps/v1/Deployment': (rep, o, opts) => {
    validateDeployment(rep, o, opts.minor);
    nameWarning(rep, o, false);
    specTemplate(rep, o);
    deploymentFollowUp(rep, o);
  },
  'apps/v1/ReplicaSet': (rep, o, opts) => {
    validateReplicaSet(rep, o, opts.minor);
    nameWarning(rep, o, false);
    specTemplate(rep, o);
  },
  'apps/v1/DaemonSet': (rep, o, opts) => {
    validateDaemonSet(rep, o, opts.minor);
    specTemplate(rep, o);
    daemonSetFollowUp(rep, o);
  },
  'apps/v1/StatefulSet': (rep, o, opts) => {
    validateStatefulSet(rep, o, opts.minor);
    specTemplate(rep, o);
    arr(obj(o.spec)?.volumeClaimTemplates).forEach((t, i) => isObj(t) && claimSpecWarnings(rep, t.spec, SPEC.child('volumeClaimTemplates').index(i).child('spec')));
    statefulSetFollowUp(rep, o);
  },
  'batch/v1/Job': (rep, o, opts) => {
    validateJob(rep, o, opts.minor);
    nameWarning(rep, o, false);
    jobSpecWarnings(rep, o.spec, SPEC);
  },
  'batch/v1/CronJob': (rep, o, opts) => {
    validateCronJob(rep, o, opts.minor);
    nameWarning(rep, o, false);
    jobSpecWarnings(rep, obj(obj(o.spec)?.jobTemplate)?.spec, SPEC.child('jobTemplate', 'spec'));
  },
  'v1/Service': (rep, o, opts) => validateService(rep, o, opts),
  'v1/ConfigMap': (rep, o) => validateConfigMap(rep, o),
  'v1/Secret': (rep, o) => validateSecret(rep, o),
  'v1/ServiceAccount': (rep, o) => validateServiceAccount(rep, o),
  'v1/PersistentVolumeClaim': (rep, o, opts) => validatePVC(rep, o, opts.minor),
  'v1/Namespace': (rep, o) => validateNamespace(rep, o),
  'v1/LimitRange': (rep, o) => validateLimitRange(rep, o),
  'v1/ResourceQuota': (rep, o) => validateResourceQuota(rep, o),
  'networking.k8s.io/v1/Ingress': (rep, o) => validateIngress(rep, o),
  'networking.k8s.io/v1/IngressClass': (rep, o) => validateIngressClass(rep, o),
  'networking.k8s.io/v1/NetworkPolicy': (rep, o) => validateNetworkPolicy(rep, o),
  'autoscaling/v2/HorizontalPodAutoscaler': (rep, o) => validateHPA(rep, o, 'v2'),
  'autoscaling/v1/HorizontalPodAutoscaler': (rep, o) => validateHPA(rep, o, 'v1'),
  'policy/v1/PodDisruptionBudget': (rep, o) => validatePDB(rep, o),
  'rbac.authorization.k8s.io/v1/Role': (rep, o) => validateRole(rep, o, false),
  'rbac.authorization.k8s.io/v1/ClusterRole': (rep, o) => validateRole(rep, o, true),
  'rbac.authorization.k8s.io/v1/RoleBinding': (rep, o) => validateRoleBinding(rep, o, false),
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': (rep, o) => validateRoleBinding(rep, o, true),
  'scheduling.k8s.io/v1/PriorityClass': (rep, o) => validatePriorityClass(rep, o),
};
