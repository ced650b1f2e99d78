/** Where the pod spec lives in each workload kind, and container iteration in PSA order. */
import type { K8sResource } from '../../core/types.ts';
import { obj, objs, ptr, strMap, type Obj } from './json.ts';

export interface PodView {
  /** `spec` of the pod (or of the pod template). */
  spec: Obj;
  /** Metadata of the pod / pod template (labels, annotations). */
  metadata: Obj;
  /** Pointer to the pod spec, e.g. `/spec/template/spec`. */
  specPointer: string;
  metadataPointer: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface ContainerView {
  container: Obj;
  name: string;
  pointer: string;
  type: 'initContainers' | 'containers' | 'ephemeralContainers';
}

const cache = new WeakMap<object, PodView | null>();

function templatePath(kind: string): string[] | undefined {
  switch (kind) {
    case 'Pod':
      return [];
    case 'PodTemplate':
      return ['template'];
    case 'ReplicationController':
    case 'ReplicaSet':
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'Job':
      return ['spec', 'template'];
    case 'CronJob':
      return ['spec', 'jobTemplate', 'spec', 'template'];
    default:
      return undefined;
  }
}

/** The pod (template) of a resource, or undefined if the kind has none or the spec is missing. */
export function podOf(resource: K8sResource): PodView | undefined {
  const hit = cache.get(resource.object);
  if (hit !== undefined) return hit ?? undefined;
  let view: PodView | null = null;
  const path = templatePath(resource.kind);
  if (path) {
    let node: unknown = resource.object;
    for (const p of path) node = obj(node)?.[p];
    const tpl = obj(node);
    // A template that has labels but no spec yet (schema-invalid, reported by the schema stage) still
    // names the pods a Service, PDB or NetworkPolicy selects: cross-resource checks see its labels.
    const spec = obj(tpl?.spec) ?? (obj(tpl?.metadata) ? {} : undefined);
    if (tpl && spec) {
      const base = ptr('', ...path);
      const metadata = obj(tpl.metadata) ?? {};
      view = {
        spec,
        metadata,
        specPointer: `${base}/spec`,
        metadataPointer: `${base}/metadata`,
        labels: strMap(metadata.labels),
        annotations: strMap(metadata.annotations),
      };
    }
  }
  cache.set(resource.object, view);
  return view ?? undefined;
}

const containerCache = new WeakMap<PodView, ContainerView[]>();

/** Init, regular, then ephemeral containers (the order PSA visits them). Computed once per pod. */
export function containersOf(pod: PodView): readonly ContainerView[] {
  const hit = containerCache.get(pod);
  if (hit) return hit;
  const out: ContainerView[] = [];
  for (const type of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    objs(pod.spec[type]).forEach((c, i) => {
      out.push({ container: c, name: typeof c.name === 'string' ? c.name : `#${i}`, pointer: `${pod.specPointer}/${type}/${i}`, type });
    });
  }
  containerCache.set(pod, out);
  return out;
}

/** Only the long-running containers (what Services, probes and resources are about). */
export function appContainersOf(pod: PodView): readonly ContainerView[] {
  return containersOf(pod).filter((c) => c.type === 'containers');
}

export function securityContext(c: ContainerView): Obj | undefined {
  return obj(c.container.securityContext);
}

/**
 * The probes and lifecycle hooks of a container, each with its pointer suffix (`livenessProbe`,
 * `lifecycle/postStart`...), in a fixed order; absent ones are `undefined`.
 */
export function handlersOf(c: ContainerView): [path: string, handler: unknown][] {
  const lifecycle = obj(c.container.lifecycle);
  return [
    ['livenessProbe', c.container.livenessProbe],
    ['readinessProbe', c.container.readinessProbe],
    ['startupProbe', c.container.startupProbe],
    ['lifecycle/postStart', lifecycle?.postStart],
    ['lifecycle/preStop', lifecycle?.preStop],
  ];
}
