/**
 * References a Pod makes to objects that must already exist on the cluster, checked the way the
 * admission plugins do on create: RuntimeClass (the class must exist; its overhead and node selector
 * are merged into the pod), Priority (the PriorityClass must exist; the pod may not bring its own
 * priority or preemptionPolicy) and ServiceAccount (the account must exist in the pod's namespace).
 *
 * What exists is only known when the user says what the cluster holds (`--cluster-objects`, e.g. the
 * output of `kubectl get runtimeclasses,priorityclasses,serviceaccounts -A -o yaml`); objects in the
 * same render count too, since Helm creates them first. Without that inventory only what every cluster
 * has is checked: the two system PriorityClasses and their values. A workload's pod template is not
 * admitted by these plugins; its controller's pods are, so the same fault there is a FailedCreate on
 * every pod.
 */
import { parseQuantity } from './quantity.ts';
import { FieldPath } from './path.ts';
import type { Reporter } from './report.ts';
import type { ApiRuleId } from './rules.ts';
import { isObj, num, obj, str, strMap, type Obj } from './values.ts';

interface PriorityClassFacts {
  value: number;
  preemptionPolicy: string;
  globalDefault: boolean;
}

export interface ClusterInventory {
  /** Whether the user described the cluster: only then is a missing object an error. */
  known: boolean;
  runtimeClasses: Map<string, Obj>;
  priorityClasses: Map<string, PriorityClassFacts>;
  /** ServiceAccount name → namespaces holding one ('' = namespace not given). */
  serviceAccounts: Map<string, Set<string>>;
}

/** The PriorityClasses every cluster creates at start-up (scheduling.k8s.io SystemPriorityClasses). */
const SYSTEM_PRIORITY_CLASSES: ReadonlyArray<[string, number]> = [
  ['system-node-critical', 2000001000],
  ['system-cluster-critical', 2000000000],
];
const DEFAULT_PREEMPTION = 'PreemptLowerPriority';

export interface InventoryObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  object: Obj;
}

export function buildInventory(objects: Iterable<InventoryObject>, known: boolean): ClusterInventory {
  const inv: ClusterInventory = { known, runtimeClasses: new Map(), priorityClasses: new Map(), serviceAccounts: new Map() };
  for (const [name, value] of SYSTEM_PRIORITY_CLASSES) inv.priorityClasses.set(name, { value, preemptionPolicy: DEFAULT_PREEMPTION, globalDefault: false });
  for (const o of objects) {
    const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
    if (o.kind === 'RuntimeClass' && group === 'node.k8s.io') inv.runtimeClasses.set(o.name, o.object);
    else if (o.kind === 'PriorityClass' && group === 'scheduling.k8s.io') {
      inv.priorityClasses.set(o.name, { value: num(o.object.value) ?? 0, preemptionPolicy: str(o.object.preemptionPolicy) ?? DEFAULT_PREEMPTION, globalDefault: o.object.globalDefault === true });
    } else if (o.kind === 'ServiceAccount' && group === '') {
      const set = inv.serviceAccounts.get(o.name) ?? new Set<string>();
      set.add(o.namespace ?? '');
      inv.serviceAccounts.set(o.name, set);
    }
  }
  return inv;
}

/** Where the pod spec sits and how a fault there shows: refused on create (a Pod) or on every pod the controller makes. */
export interface PodSpecSite {
  spec: Obj;
  path: FieldPath;
  /** Kind of the object that carries the template; undefined for a Pod itself. */
  templateOf?: string;
}

const RC = 'api/admission/runtime-class' as const;
const PC = 'api/admission/priority-class' as const;
const SA = 'api/admission/service-account' as const;

function refuse(rep: Reporter, rule: ApiRuleId, site: PodSpecSite, path: FieldPath, text: string, hint: string): void {
  const shown = site.templateOf ? `${text} (the ${site.templateOf} is admitted, but every pod its controller creates is refused: FailedCreate)` : text;
  rep.error(rule, path, shown, hint);
}

function sameQuantities(a: Obj, b: Obj): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => {
    const x = parseQuantity(a[k]);
    const y = parseQuantity(b[k]);
    return x !== undefined && y !== undefined && x.n * y.d === y.n * x.d;
  });
}

function checkRuntimeClass(rep: Reporter, site: PodSpecSite, inv: ClusterInventory): void {
  const { spec, path } = site;
  const name = str(spec.runtimeClassName);
  if (!name) return;
  const rc = inv.runtimeClasses.get(name);
  if (!rc) {
    if (inv.known) refuse(rep, RC, site, path.child('runtimeClassName'), `pod rejected: RuntimeClass ${JSON.stringify(name)} not found`, `create the RuntimeClass first, or use one the cluster has${inv.runtimeClasses.size ? ` (${[...inv.runtimeClasses.keys()].sort().join(', ')})` : ''}`);
    return;
  }
  const podFixed = obj(obj(rc.overhead)?.podFixed);
  const overhead = obj(spec.overhead);
  if (overhead && !podFixed) refuse(rep, RC, site, path.child('overhead'), 'pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead', 'remove spec.overhead: the RuntimeClass admission sets it');
  else if (overhead && podFixed && !sameQuantities(overhead, podFixed)) refuse(rep, RC, site, path.child('overhead'), "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead", 'remove spec.overhead: the RuntimeClass admission sets it');
  const wanted = strMap(obj(obj(rc.scheduling)?.nodeSelector));
  const podSelector = obj(spec.nodeSelector) ?? {};
  for (const [k, v] of wanted) {
    const have = str(podSelector[k]);
    if (have !== undefined && have !== v) refuse(rep, RC, site, path.child('nodeSelector').key(k), `conflict: runtimeClass.scheduling.nodeSelector[${k}] = ${v}; pod.spec.nodeSelector[${k}] = ${have}`, `drop the pod's nodeSelector ${k}: the RuntimeClass sets it`);
  }
}

function checkPriority(rep: Reporter, site: PodSpecSite, inv: ClusterInventory): void {
  const { spec, path } = site;
  const name = str(spec.priorityClassName) ?? '';
  let facts: PriorityClassFacts | undefined;
  if (name) {
    facts = inv.priorityClasses.get(name);
    if (!facts) {
      if (inv.known) refuse(rep, PC, site, path.child('priorityClassName'), `no PriorityClass with name ${name} was found`, 'create the PriorityClass first, or use one the cluster has');
      return;
    }
  } else {
    // No class: the global default's value, else 0 — knowable only when the cluster's classes are.
    if (!inv.known) return;
    facts = [...inv.priorityClasses.values()].find((p) => p.globalDefault) ?? { value: 0, preemptionPolicy: DEFAULT_PREEMPTION, globalDefault: false };
  }
  const priority = num(spec.priority);
  if (priority !== undefined && priority !== facts.value) {
    refuse(rep, PC, site, path.child('priority'), `the integer value of priority (${priority}) must not be provided in pod spec; priority admission controller computed ${facts.value} from the given PriorityClass name`, 'remove spec.priority: the Priority admission sets it from priorityClassName');
  }
  const policy = str(spec.preemptionPolicy);
  if (policy !== undefined && policy !== facts.preemptionPolicy) {
    refuse(rep, PC, site, path.child('preemptionPolicy'), `the string value of PreemptionPolicy (${policy}) must not be provided in pod spec; priority admission controller computed ${facts.preemptionPolicy} from the given PriorityClass name`, 'remove spec.preemptionPolicy: it comes from the PriorityClass');
  }
}

function checkServiceAccount(rep: Reporter, site: PodSpecSite, inv: ClusterInventory, namespace: string | undefined): void {
  if (!inv.known) return;
  const { spec, path } = site;
  // serviceAccount is the deprecated alias the server copies into serviceAccountName when that is empty.
  const field = str(spec.serviceAccountName) ? 'serviceAccountName' : str(spec.serviceAccount) ? 'serviceAccount' : undefined;
  const name = field ? str(spec[field])! : 'default';
  if (name === 'default') return; // the ServiceAccount controller creates it in every namespace
  const held = inv.serviceAccounts.get(name);
  // A side without a namespace is the release namespace: count it as a match rather than guess.
  const found = held !== undefined && (namespace === undefined || held.has(namespace) || held.has(''));
  if (found) return;
  const ns = namespace ?? '<namespace>';
  refuse(rep, SA, site, path.child(field!), `error looking up service account ${ns}/${name}: serviceaccount ${JSON.stringify(name)} not found`, `create the ServiceAccount ${name} in the same namespace (before the pods), or remove ${field}`);
}

/** The pod spec an object creates pods from, for the kinds the admission plugins end up judging. */
export function podSpecSite(kind: string, o: Obj): PodSpecSite | undefined {
  const spec = obj(o.spec);
  const root = FieldPath.root();
  if (kind === 'Pod') return spec ? { spec, path: root.child('spec') } : undefined;
  if (kind === 'PodTemplate') {
    const s = obj(obj(o.template)?.spec);
    return s ? { spec: s, path: root.child('template', 'spec'), templateOf: kind } : undefined;
  }
  if (kind === 'CronJob') {
    const s = obj(obj(obj(obj(spec?.jobTemplate)?.spec)?.template)?.spec);
    return s ? { spec: s, path: root.child('spec', 'jobTemplate', 'spec', 'template', 'spec'), templateOf: kind } : undefined;
  }
  if (['Deployment', 'ReplicaSet', 'ReplicationController', 'DaemonSet', 'StatefulSet', 'Job'].includes(kind)) {
    const s = obj(obj(spec?.template)?.spec);
    return s ? { spec: s, path: root.child('spec', 'template', 'spec'), templateOf: kind } : undefined;
  }
  return undefined;
}

export function validateClusterReferences(rep: Reporter, kind: string, o: Obj, inv: ClusterInventory): void {
  if (kind === 'PodTemplate') return; // a PodTemplate itself never becomes a pod
  const site = podSpecSite(kind, o);
  if (!site || !isObj(site.spec)) return;
  const namespace = str(obj(o.metadata)?.namespace);
  checkRuntimeClass(rep, site, inv);
  checkPriority(rep, site, inv);
  checkServiceAccount(rep, site, inv, namespace);
}
