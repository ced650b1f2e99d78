/**
 * `nexus images`: every container image a render (or a manifest stream) would pull, sorted and
 * de-duplicated, with the objects that use it. The list feeds vulnerability scanning (Trivy) and
 * mirroring into an air-gapped registry, like the helm images plugin. Pure: resources in, list out.
 */
import type { K8sResource } from '../core/types.ts';

export interface ImageUse {
  /** The render or input the object came from (e.g. `values.production.yaml`). */
  source: string;
  kind: string;
  namespace?: string;
  name: string;
  container: string;
  /** Where the container sits in the object, as a JSON pointer. */
  pointer: string;
}

export interface ImageReference {
  /** As written in the manifest. */
  reference: string;
  /** Registry host, `docker.io` for Docker Hub. */
  registry: string;
  /** Repository path in that registry (`library/redis` for Docker Hub official images). */
  repository: string;
  tag?: string;
  digest?: string;
}

export interface ImageEntry extends ImageReference {
  usedBy: ImageUse[];
}

const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/** Where the pod spec sits in the workload kinds Kubernetes defines (JSON pointer segments). */
const POD_SPEC_PATHS: Record<string, string[]> = {
  Pod: ['spec'],
  PodTemplate: ['template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The pod specs of an object, with their pointers. Known workload kinds are read at their fixed
 * path; any other kind (a custom resource such as an Argo Rollout or a KEDA ScaledJob) is searched
 * for objects holding a `containers` list, so their images are listed too.
 */
export function podSpecsOf(object: Json, kind: string): { pointer: string; spec: Json }[] {
  const path = POD_SPEC_PATHS[kind];
  if (path) {
    let node: unknown = object;
    for (const key of path) node = isObject(node) ? node[key] : undefined;
    return isObject(node) ? [{ pointer: `/${path.join('/')}`, spec: node }] : [];
  }
  const found: { pointer: string; spec: Json }[] = [];
  const walk = (node: unknown, pointer: string) => {
    if (Array.isArray(node)) node.forEach((item, i) => walk(item, `${pointer}/${i}`));
    else if (isObject(node)) {
      if (Array.isArray(node['containers'])) {
        found.push({ pointer, spec: node });
        return;
      }
      for (const [key, value] of Object.entries(node)) walk(value, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    }
  };
  walk(object['spec'], '/spec');
  return found;
}

/**
 * Splits an image reference the way the container runtimes do (distribution/reference's
 * normalisation): the first path component is a registry only when it has a `.` or `:`, or is
 * `localhost`; otherwise the image is on Docker Hub, whose single-name images live under `library/`.
 */
export function parseImageReference(reference: string): ImageReference {
  let rest = reference;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let registry = 'docker.io';
  let repository = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase()) {
      registry = first === 'index.docker.io' ? 'docker.io' : first;
      repository = rest.slice(slash + 1);
    }
  }
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  return { reference, registry, repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** Every image the resources use, sorted by reference (code-point order), each with its users. */
export function collectImages(resources: K8sResource[]): ImageEntry[] {
  const byRef = new Map<string, ImageUse[]>();
  for (const r of resources) {
    for (const { pointer, spec } of podSpecsOf(r.object, r.kind)) {
      for (const list of CONTAINER_LISTS) {
        const containers = spec[list];
        if (!Array.isArray(containers)) continue;
        containers.forEach((c, i) => {
          if (!isObject(c) || typeof c['image'] !== 'string' || c['image'] === '') return;
          const use: ImageUse = { source: r.source, kind: r.kind, ...(r.namespace ? { namespace: r.namespace } : {}), name: r.name, container: String(c['name'] ?? ''), pointer: `${pointer}/${list}/${i}` };
          const uses = byRef.get(c['image']) ?? [];
          uses.push(use);
          byRef.set(c['image'], uses);
        });
      }
    }
    // A CloudNativePG Cluster names its PostgreSQL image outside any pod spec (the operator builds the
    // instances' pods, whose container is `postgres`): a mirror needs it all the same.
    const spec = r.object['spec'];
    if (r.kind === 'Cluster' && r.apiVersion.startsWith('postgresql.cnpg.io/') && isObject(spec) && typeof spec['imageName'] === 'string' && spec['imageName'] !== '') {
      const image = spec['imageName'];
      const uses = byRef.get(image) ?? [];
      uses.push({ source: r.source, kind: r.kind, ...(r.namespace ? { namespace: r.namespace } : {}), name: r.name, container: 'postgres', pointer: '/spec/imageName' });
      byRef.set(image, uses);
    }
  }
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const useKey = (u: ImageUse) => [u.source, u.kind, u.namespace ?? '', u.name, u.pointer].join('\u0000');
  return [...byRef.keys()].sort(compare).map((reference) => ({
    ...parseImageReference(reference),
    usedBy: byRef.get(reference)!.sort((a, b) => compare(useKey(a), useKey(b))),
  }));
}

export function formatImagesText(images: ImageEntry[]): string {
  return images.map((i) => `${i.reference}\n`).join('');
}

export function formatImagesJson(images: ImageEntry[]): string {
  return `${JSON.stringify({ images }, null, 2)}\n`;
}
