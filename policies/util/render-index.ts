/**
 * One pass over the render builds lookups that cross-resource policies use, so every check stays
 * O(1)/O(matches) per resource instead of O(n) (no O(n²) scans): objects by kind/namespace/name,
 * pod templates by namespace and by label, HPAs/VPAs by target, Services per pod.
 */
import type { K8sResource } from '../../core/types.ts';
import { obj, str, strMap, type Obj } from './json.ts';
import { podOf, type PodView } from './pod.ts';
import { isEmptySelector, mapSelector, matches, parseLabelSelector, type Selector } from './selector.ts';

export const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass',
  'CustomResourceDefinition', 'PriorityClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration',
  'APIService', 'IngressClass', 'RuntimeClass', 'CSIDriver', 'VolumeSnapshotClass', 'ClusterIssuer', 'GatewayClass',
  'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'ClusterServiceVersion', 'KongClusterPlugin',
]);

export interface PodEntry {
  resource: K8sResource;
  pod: PodView;
  namespace: string;
}

export class RenderIndex {
  readonly resources: readonly K8sResource[];
  readonly defaultNamespace: string;
  private readonly byKey = new Map<string, K8sResource>();
  private readonly byKind = new Map<string, K8sResource[]>();
  private readonly byKindNs = new Map<string, K8sResource[]>();
  private readonly podsByNs = new Map<string, PodEntry[]>();
  private readonly podsByLabel = new Map<string, PodEntry[]>();
  private readonly podByResource = new Map<K8sResource, PodEntry>();
  private readonly namespaceLabels = new Map<string, Record<string, string>>();
  private readonly targets = new Map<string, K8sResource[]>();
  private servicesByPod: Map<PodEntry, K8sResource[]> | undefined;
  private isolationByPod: Map<PodEntry, Isolation> | undefined;
  private pdbsByPod: Map<PodEntry, K8sResource[]> | undefined;
  private readonly podsOfServices = new Map<K8sResource, readonly PodEntry[]>();

  /** True when the namespace of objects without one is known (helm's or the CLI's `--namespace`), not assumed. */
  readonly namespaceKnown: boolean;

  constructor(resources: readonly K8sResource[], defaultNamespace = 'default', namespaceKnown = true) {
    this.resources = resources;
    this.defaultNamespace = defaultNamespace;
    this.namespaceKnown = namespaceKnown;
    for (const r of resources) {
      const ns = this.namespaceOf(r);
      this.byKey.set(`${r.kind}/${ns}/${r.name}`, r);
      let list = this.byKind.get(r.kind);
      if (!list) this.byKind.set(r.kind, (list = []));
      list.push(r);
      const kindNs = `${r.kind}/${ns}`;
      let nsKindList = this.byKindNs.get(kindNs);
      if (!nsKindList) this.byKindNs.set(kindNs, (nsKindList = []));
      nsKindList.push(r);
      if (r.kind === 'Namespace') this.namespaceLabels.set(r.name, { ...strMap(obj(r.object.metadata)?.labels), 'kubernetes.io/metadata.name': r.name });
      const pod = podOf(r);
      if (pod && r.kind !== 'PodTemplate') {
        const entry: PodEntry = { resource: r, pod, namespace: ns };
        this.podByResource.set(r, entry);
        let nsList = this.podsByNs.get(ns);
        if (!nsList) this.podsByNs.set(ns, (nsList = []));
        nsList.push(entry);
        for (const k in pod.labels) {
          const key = `${ns}\u0000${k}\u0000${pod.labels[k]}`;
          let l = this.podsByLabel.get(key);
          if (!l) this.podsByLabel.set(key, (l = []));
          l.push(entry);
        }
      }
      if (r.kind === 'HorizontalPodAutoscaler' || r.kind === 'VerticalPodAutoscaler') {
        const ref = obj(obj(r.object.spec)?.[r.kind === 'HorizontalPodAutoscaler' ? 'scaleTargetRef' : 'targetRef']);
        const kind = str(ref?.kind);
        const name = str(ref?.name);
        if (kind && name) {
          const key = `${r.kind}>${kind}/${ns}/${name}`;
          let l = this.targets.get(key);
          if (!l) this.targets.set(key, (l = []));
          l.push(r);
        }
      }
    }
  }

  namespaceOf(r: K8sResource): string {
    if (CLUSTER_SCOPED_KINDS.has(r.kind)) return '';
    return r.namespace || this.defaultNamespace;
  }

  get(kind: string, namespace: string, name: string): K8sResource | undefined {
    return this.byKey.get(`${kind}/${namespace}/${name}`);
  }

  ofKind(kind: string): readonly K8sResource[] {
    return this.byKind.get(kind) ?? [];
  }

  /** Objects of `kind` in `namespace` ('' for cluster-scoped kinds). */
  inNamespace(kind: string, namespace: string): readonly K8sResource[] {
    return this.byKindNs.get(`${kind}/${namespace}`) ?? [];
  }

  /** True if the render contains a Namespace object with that name. */
  hasNamespace(name: string): boolean {
    return this.namespaceLabels.has(name);
  }

  namespaceLabelsOf(name: string): Record<string, string> | undefined {
    return this.namespaceLabels.get(name);
  }

  namespaces(): string[] {
    return [...this.namespaceLabels.keys()];
  }

  podEntry(r: K8sResource): PodEntry | undefined {
    return this.podByResource.get(r);
  }

  podsIn(namespace: string): readonly PodEntry[] {
    return this.podsByNs.get(namespace) ?? [];
  }

  /** Pod templates in `namespace` whose labels match `selector` (uses the label index when it can). */
  selectPods(namespace: string, selector: Selector): PodEntry[] {
    if (selector.invalid) return [];
    if (isEmptySelector(selector)) return [...this.podsIn(namespace)];
    // The smallest candidate list among the selector's equality pairs and `In` sets, then a full match.
    let candidates: readonly PodEntry[] | undefined;
    for (const k in selector.matchLabels) {
      const l = this.podsByLabel.get(`${namespace}\u0000${k}\u0000${selector.matchLabels[k]}`);
      if (!l) return [];
      if (!candidates || l.length < candidates.length) candidates = l;
    }
    for (const r of selector.requirements) {
      if (r.operator !== 'In') continue;
      const l = r.values.flatMap((v) => this.podsByLabel.get(`${namespace}\u0000${r.key}\u0000${v}`) ?? []);
      if (!candidates || l.length < candidates.length) candidates = l;
    }
    return (candidates ?? this.podsIn(namespace)).filter((e) => matches(selector, e.pod.labels));
  }

  /**
   * The pod templates a Service's `spec.selector` selects (empty without a selector). Computed once per
   * Service: the probe, port and replica policies and the services-per-pod index all ask.
   */
  podsOfService(svc: K8sResource): readonly PodEntry[] {
    let pods = this.podsOfServices.get(svc);
    if (!pods) {
      const sel = serviceSelector(svc.object);
      pods = sel ? this.selectPods(this.namespaceOf(svc), sel) : [];
      this.podsOfServices.set(svc, pods);
    }
    return pods;
  }

  /** HPAs (or VPAs) whose target is the given workload. */
  autoscalersFor(kind: 'HorizontalPodAutoscaler' | 'VerticalPodAutoscaler', target: K8sResource): K8sResource[] {
    // Most renders have none: no key to build then (four policies ask for every workload).
    if (this.targets.size === 0) return [];
    return this.targets.get(`${kind}>${target.kind}/${this.namespaceOf(target)}/${target.name}`) ?? [];
  }

  /** The directions in which NetworkPolicies of its namespace isolate the pod of `r` (computed once for the render). */
  isolationOf(r: K8sResource): Isolation {
    if (!this.isolationByPod) {
      this.isolationByPod = new Map();
      for (const np of this.ofKind('NetworkPolicy')) {
        const spec = obj(np.object.spec);
        const sel = parseLabelSelector(spec?.podSelector);
        if (!sel) continue;
        const types = policyTypesOf(spec);
        for (const e of this.selectPods(this.namespaceOf(np), sel)) {
          const cur = this.isolationByPod.get(e);
          if (!cur) this.isolationByPod.set(e, { ...types });
          else {
            cur.ingress ||= types.ingress;
            cur.egress ||= types.egress;
          }
        }
      }
    }
    const e = this.podByResource.get(r);
    return (e && this.isolationByPod.get(e)) ?? { ingress: false, egress: false };
  }

  /** PodDisruptionBudgets whose selector selects the pod template of `r` (computed once for the render). */
  pdbsSelecting(r: K8sResource): K8sResource[] {
    if (!this.pdbsByPod) {
      this.pdbsByPod = new Map();
      for (const pdb of this.ofKind('PodDisruptionBudget')) {
        const sel = parseLabelSelector(obj(pdb.object.spec)?.selector);
        if (!sel) continue;
        for (const e of this.selectPods(this.namespaceOf(pdb), sel)) {
          let l = this.pdbsByPod.get(e);
          if (!l) this.pdbsByPod.set(e, (l = []));
          l.push(pdb);
        }
      }
    }
    const e = this.podByResource.get(r);
    return (e && this.pdbsByPod.get(e)) ?? [];
  }

  /** Services whose `spec.selector` selects the pod template of `r` (computed once for the render). */
  servicesSelecting(r: K8sResource): K8sResource[] {
    if (!this.servicesByPod) {
      this.servicesByPod = new Map();
      for (const svc of this.ofKind('Service')) {
        for (const e of this.podsOfService(svc)) {
          let l = this.servicesByPod.get(e);
          if (!l) this.servicesByPod.set(e, (l = []));
          l.push(svc);
        }
      }
    }
    const e = this.podByResource.get(r);
    return (e && this.servicesByPod.get(e)) ?? [];
  }
}

/** Which directions of a pod's traffic some NetworkPolicy isolates. */
export interface Isolation {
  ingress: boolean;
  egress: boolean;
}

/**
 * The directions a NetworkPolicy applies to, as the API server defaults `policyTypes`: the listed
 * types when set; otherwise Ingress always, plus Egress when the policy has egress rules.
 */
export function policyTypesOf(spec: Obj | undefined): Isolation {
  const types = spec?.policyTypes;
  if (Array.isArray(types) && types.length > 0) return { ingress: types.includes('Ingress'), egress: types.includes('Egress') };
  return { ingress: true, egress: Array.isArray(spec?.egress) && spec.egress.length > 0 };
}

/** A Service's selector; null when absent or empty (the Service then manages no endpoints). */
export function serviceSelector(o: Obj): Selector | null {
  const s = mapSelector(obj(o.spec)?.selector);
  if (!s || Object.keys(s.matchLabels).length === 0) return null;
  return s;
}
