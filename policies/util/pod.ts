/** Where the pod spec lives in each workload kind, and container iteration in PSA order. */
import type { K8sResource } from '../../core/types.ts';
import { isObj, obj, objs, ptr, strMap, type Obj } from './json.ts';

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
// The engine runs every policy on one resource before it moves to the next, so the resource asked about
// last answers nearly every call without a WeakMap lookup (dozens of policies ask per resource).
let lastObject: object | undefined;
let lastView: PodView | null = null;

/** Where the pod template of a kind lives: its path in the object, and the pointers of its spec and metadata. */
interface TemplateLocation {
  path: readonly string[];
  specPointer: string;
  metadataPointer: string;
}
const at = (...path: string[]): TemplateLocation => {
  const base = ptr('', ...path);
  return { path, specPointer: `${base}/spec`, metadataPointer: `${base}/metadata` };
};
const IN_SPEC_TEMPLATE = at('spec', 'template');
const TEMPLATE_LOCATIONS: ReadonlyMap<string, TemplateLocation> = new Map([
  ['Pod', at()],
  ['PodTemplate', at('template')],
  ['ReplicationController', IN_SPEC_TEMPLATE],
  ['ReplicaSet', IN_SPEC_TEMPLATE],
  ['Deployment', IN_SPEC_TEMPLATE],
  ['StatefulSet', IN_SPEC_TEMPLATE],
  ['DaemonSet', IN_SPEC_TEMPLATE],
  ['Job', IN_SPEC_TEMPLATE],
  ['CronJob', at('spec', 'jobTemplate', 'spec', 'template')],
]);

/** The pod (template) of a resource, or undefined if the kind has none or the spec is missing. */
export function podOf(resource: K8sResource): PodView | undefined {
  if (resource.object === lastObject) return lastView ?? undefined;
  const hit = cache.get(resource.object);
  if (hit !== undefined) {
    lastObject = resource.object;
    lastView = hit;
    return hit ?? undefined;
  }
  let view: PodView | null = null;
  const location = TEMPLATE_LOCATIONS.get(resource.kind);
  if (location) {
    let node: unknown = resource.object;
    for (const p of location.path) node = obj(node)?.[p];
    const tpl = obj(node);
    // A template that has labels but no spec yet (schema-invalid, reported by the schema stage) still
    // names the pods a Service, PDB or NetworkPolicy selects: cross-resource checks see its labels.
    const spec = obj(tpl?.spec) ?? (obj(tpl?.metadata) ? {} : undefined);
    if (tpl && spec) {
      const metadata = obj(tpl.metadata) ?? {};
      view = {
        spec,
        metadata,
        specPointer: location.specPointer,
        metadataPointer: location.metadataPointer,
        labels: strMap(metadata.labels),
        annotations: strMap(metadata.annotations),
      };
    }
  }
  cache.set(resource.object, view);
  lastObject = resource.object;
  lastView = view;
  return view ?? undefined;
}

const CONTAINER_TYPES = ['initContainers', 'containers', 'ephemeralContainers'] as const;
// Only the pod asked about last is remembered, not every pod (no WeakMap): the engine runs every policy
// on one resource before the next, so this answers nearly every call, and a cross-resource check that
// looks at another pod's containers rebuilds a few small views. Kept for the whole run, the views and
// handler lists of 4k documents were ~1.4 MB the garbage collector promoted and copied, and the WeakMaps'
// entries slowed each scavenge: the policy stage took ~6 % longer.
let lastPod: PodView | undefined;
let lastContainers: ContainerView[] = [];

/** Init, regular, then ephemeral containers (the order PSA visits them). */
export function containersOf(pod: PodView): readonly ContainerView[] {
  if (pod === lastPod) return lastContainers;
  lastPod = pod;
  const out: ContainerView[] = [];
  // Plain loops: the policy stage runs without TurboFan (util/tiering.ts), where for-of and forEach
  // allocate an iterator result per step and a closure per list.
  for (let t = 0; t < CONTAINER_TYPES.length; t++) {
    const type = CONTAINER_TYPES[t]!;
    const list = objs(pod.spec[type]);
    for (let i = 0; i < list.length; i++) {
      const c = list[i]!;
      out.push({ container: c, name: typeof c.name === 'string' ? c.name : `#${i}`, pointer: `${pod.specPointer}/${type}/${i}`, type });
    }
  }
  return (lastContainers = out);
}

/** Only the long-running containers (what Services, probes and resources are about). */
let lastAppPod: PodView | undefined;
let lastAppContainers: readonly ContainerView[] = [];
export function appContainersOf(pod: PodView): readonly ContainerView[] {
  if (pod !== lastAppPod) {
    lastAppContainers = containersOf(pod).filter((c) => c.type === 'containers');
    lastAppPod = pod;
  }
  return lastAppContainers;
}

export function securityContext(c: ContainerView): Obj | undefined {
  return obj(c.container.securityContext);
}

export interface HandlerView {
  /** Pointer suffix below the container: `livenessProbe`, `lifecycle/postStart`... */
  path: string;
  handler: Obj;
}

/** The container asked about last and its handlers (see lastPod). */
let lastHandlerContainer: ContainerView | undefined;
let lastHandlers: readonly HandlerView[] = [];

/**
 * The probes and lifecycle hooks a container sets (objects only), each with its pointer suffix, in a
 * fixed order: liveness, readiness, startup, postStart, preStop.
 */
export function handlersOf(c: ContainerView): readonly HandlerView[] {
  if (c === lastHandlerContainer) return lastHandlers;
  const lifecycle = obj(c.container.lifecycle);
  const out: HandlerView[] = [];
  const add = (path: string, h: unknown) => {
    if (isObj(h)) out.push({ path, handler: h });
  };
  add('livenessProbe', c.container.livenessProbe);
  add('readinessProbe', c.container.readinessProbe);
  add('startupProbe', c.container.startupProbe);
  add('lifecycle/postStart', lifecycle?.postStart);
  add('lifecycle/preStop', lifecycle?.preStop);
  lastHandlerContainer = c;
  return (lastHandlers = out);
}
