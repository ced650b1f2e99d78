/**
 * Building blocks shared by every tier: image, resources, probes, autoscaling (HPA/VPA), PDB,
 * topology spread, service account, pod security. Factories take per-tier defaults so each tier
 * documents its own numbers while the shape stays identical.
 */
import { z } from 'zod';
import { imageTag, intOrString, openObject, percentage, port, quantity, resourceName, stringMap } from './primitives.ts';

export interface ImageDefaults {
  /** The registry host that publishes the image (`docker.io`, `quay.io`, `ghcr.io`...): never empty in a default. */
  registry: string;
  /** The path inside that registry, without the host (`library/redis` for a Docker Hub official image). */
  repository: string;
  tag: string;
  /** Describes `registry` when it means more than the publisher (the application images). */
  registryDescription?: string;
}

export const image = (d: ImageDefaults) =>
  z
    .strictObject({
      registry: z
        .string()
        .default(d.registry)
        .describe(
          d.registryDescription ??
            'Registry host that publishes the image. `global.imageRegistry`, when set, replaces it (`flat` mode) or prefixes it (`path` mode); empty means Docker Hub.',
        ),
      repository: z
        .string()
        .min(1)
        .default(d.repository)
        .describe(
          'Image path inside `registry`, without the host. For compatibility a repository whose first component is a host (`quay.io/org/app`: it has a `.` or `:`, or is `localhost`) names its own registry and `registry` is ignored; `global.imageRegistry` still applies.',
        ),
      tag: imageTag().default(d.tag).describe('Image tag (a string; quote numeric tags). Production forbids `latest` and empty tags.'),
      digest: z
        .string()
        .regex(/^$|^sha256:[a-f0-9]{64}$/, { error: 'must be empty or `sha256:` followed by 64 hex digits' })
        .default('')
        .describe('Image digest (`sha256:...`); when set it pins the image and takes precedence over the tag.'),
      pullPolicy: z.enum(['IfNotPresent', 'Always', 'Never']).default('IfNotPresent').describe('Image pull policy.'),
    })
    .prefault({})
    .describe('Container image.');

export interface ResourceDefaults {
  requests: { cpu: string; memory: string };
  limits: { cpu?: string | null; memory: string };
}

const resourceList = (d: { cpu?: string | null; memory?: string }, what: string) =>
  z
    .strictObject({
      cpu: quantity().nullable().optional().describe(`CPU ${what} (e.g. \`250m\`); null removes it.`),
      memory: quantity().nullable().optional().describe(`Memory ${what} (e.g. \`512Mi\`); null removes it.`),
      'ephemeral-storage': quantity().nullable().optional().describe(`Ephemeral storage ${what}.`),
    })
    .prefault({ ...(d.cpu ? { cpu: d.cpu } : {}), ...(d.memory ? { memory: d.memory } : {}) });

export const resources = (d: ResourceDefaults) =>
  z
    .strictObject({
      requests: resourceList(d.requests, 'request').describe('Resource requests: what the scheduler reserves.'),
      limits: resourceList(d.limits, 'limit').describe('Resource limits. A memory limit is required; a CPU limit is optional (throttling).'),
    })
    .prefault({})
    .describe('Container resources.');

export interface ProbeDefaults {
  enabled?: boolean;
  path: string;
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
}

export const probe = (d: ProbeDefaults, what: string) => {
  const full = {
    enabled: d.enabled ?? true,
    path: d.path,
    initialDelaySeconds: d.initialDelaySeconds ?? 0,
    periodSeconds: d.periodSeconds ?? 10,
    timeoutSeconds: d.timeoutSeconds ?? 3,
    failureThreshold: d.failureThreshold ?? 3,
    successThreshold: 1,
  };
  return z
    .strictObject({
      enabled: z.boolean().default(full.enabled).describe(`Enable the ${what} probe.`),
      path: z.string().startsWith('/').default(full.path).describe('HTTP path probed on the container port.'),
      initialDelaySeconds: z.number().int().min(0).default(full.initialDelaySeconds).describe('Seconds before the first probe.'),
      periodSeconds: z.number().int().min(1).default(full.periodSeconds).describe('Seconds between probes.'),
      timeoutSeconds: z.number().int().min(1).default(full.timeoutSeconds).describe('Seconds before a probe times out.'),
      failureThreshold: z.number().int().min(1).default(full.failureThreshold).describe('Consecutive failures before the probe fails.'),
      successThreshold: z.number().int().min(1).default(1).describe('Consecutive successes before the probe passes (must be 1 for liveness and startup).'),
    })
    .prefault({})
    .describe(`${what[0]!.toUpperCase()}${what.slice(1)} probe.`);
};

export const probes = (d: { liveness: ProbeDefaults; readiness: ProbeDefaults; startup: ProbeDefaults }) =>
  z
    .strictObject({
      liveness: probe(d.liveness, 'liveness'),
      readiness: probe(d.readiness, 'readiness'),
      startup: probe(d.startup, 'startup'),
    })
    .prefault({})
    .describe('Health probes.');

const scalingPolicy = z
  .strictObject({
    type: z.enum(['Pods', 'Percent']).describe('Pods: change by a number of pods; Percent: by a percentage of current replicas.'),
    value: z.number().int().min(1).describe('Amount of change allowed per period.'),
    periodSeconds: z.number().int().min(1).max(1800).describe('Window the policy applies over, in seconds.'),
  })
  .describe('An HPA scaling policy.');

const scalingRules = (d: { stabilizationWindowSeconds: number; policies: z.input<typeof scalingPolicy>[]; selectPolicy: 'Max' | 'Min' | 'Disabled' }, what: string) =>
  z
    .strictObject({
      stabilizationWindowSeconds: z.number().int().min(0).max(3600).default(d.stabilizationWindowSeconds).describe(`Look-back window before scaling ${what}, in seconds.`),
      selectPolicy: z.enum(['Max', 'Min', 'Disabled']).default(d.selectPolicy).describe('Which policy wins when several apply.'),
      policies: z.array(scalingPolicy).min(1).default(d.policies).describe(`Policies that bound how fast replicas scale ${what}.`),
    })
    .prefault({})
    .describe(`Scale-${what} behaviour.`);

export interface AutoscalingDefaults {
  enabled: boolean;
  minReplicas: number;
  maxReplicas: number;
  targetCPUUtilizationPercentage: number;
  targetMemoryUtilizationPercentage: number;
}

export const autoscaling = (d: AutoscalingDefaults) => {
  const behavior = {
    scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max' as const, policies: [{ type: 'Percent' as const, value: 100, periodSeconds: 60 }, { type: 'Pods' as const, value: 4, periodSeconds: 60 }] },
    scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Min' as const, policies: [{ type: 'Percent' as const, value: 25, periodSeconds: 60 }] },
  };
  return z
    .strictObject({
      enabled: z.boolean().default(d.enabled).describe('Create a HorizontalPodAutoscaler (autoscaling/v2). When on, the Deployment carries no static `replicas`.'),
      minReplicas: z.number().int().min(1).default(d.minReplicas).describe('Lowest replica count the HPA may set.'),
      maxReplicas: z.number().int().min(1).default(d.maxReplicas).describe('Highest replica count the HPA may set.'),
      targetCPUUtilizationPercentage: percentage().nullable().default(d.targetCPUUtilizationPercentage).describe('Average CPU utilisation target (% of requests); null disables the CPU metric.'),
      targetMemoryUtilizationPercentage: percentage().nullable().default(d.targetMemoryUtilizationPercentage).describe('Average memory utilisation target (% of requests); null disables the memory metric.'),
      behavior: z
        .strictObject({
          scaleUp: scalingRules(behavior.scaleUp, 'up'),
          scaleDown: scalingRules(behavior.scaleDown, 'down'),
        })
        .prefault({})
        .describe('Scaling behaviour: fast scale-up, damped scale-down.'),
    })
    .prefault({})
    .describe('Horizontal pod autoscaling on CPU and memory.');
};

export const VPA_UPDATE_MODES = ['Off', 'Initial', 'Recreate', 'InPlaceOrRecreate', 'Auto'] as const;

export const vpa = (d: { enabled: boolean }) =>
  z
    .strictObject({
      enabled: z.boolean().default(d.enabled).describe('Create a VerticalPodAutoscaler (autoscaling.k8s.io/v1) when the cluster serves that API.'),
      force: z.boolean().default(false).describe('Render the VPA even when the API is not detected (e.g. with `helm template`). Production always renders it (never left out silently; the prerequisites check reports a missing API): opt out with `vpa.enabled: false`.'),
      updateMode: z
        .enum(VPA_UPDATE_MODES)
        .default('Off')
        .describe('`Off` only recommends, so it never fights the HPA on CPU/memory. Modes that evict or resize pods are rejected while the HPA scales on CPU or memory.'),
      controlledResources: z.array(z.enum(['cpu', 'memory'])).min(1).default(['cpu', 'memory']).describe('Resources the VPA recommends for.'),
      minAllowed: z.strictObject({ cpu: quantity().optional().describe('Lowest CPU the VPA may recommend.'), memory: quantity().optional().describe('Lowest memory the VPA may recommend.') }).default({}).describe('Lower bound of recommendations.'),
      maxAllowed: z.strictObject({ cpu: quantity().optional().describe('Highest CPU the VPA may recommend.'), memory: quantity().optional().describe('Highest memory the VPA may recommend.') }).default({}).describe('Upper bound of recommendations.'),
    })
    .prefault({})
    .describe('Vertical pod autoscaling (recommendations by default).');

export const pdb = (d: { enabled: boolean; minAvailable?: number | string; maxUnavailable?: number | string }) =>
  z
    .strictObject({
      enabled: z.boolean().default(d.enabled).describe('Create a PodDisruptionBudget (policy/v1).'),
      minAvailable: intOrString().nullable().optional().describe('Pods that must stay available during voluntary disruptions (count or percentage). Set this or maxUnavailable.'),
      maxUnavailable: intOrString().nullable().optional().describe('Pods that may be unavailable during voluntary disruptions (count or percentage).'),
    })
    .prefault({ ...(d.minAvailable !== undefined ? { minAvailable: d.minAvailable } : {}), ...(d.maxUnavailable !== undefined ? { maxUnavailable: d.maxUnavailable } : {}) })
    .describe('Pod disruption budget.');

export const topologySpread = () =>
  z
    .strictObject({
      enabled: z.boolean().default(true).describe('Spread replicas across nodes and zones.'),
      maxSkew: z.number().int().min(1).default(1).describe('Largest allowed difference in replicas between two domains.'),
      zoneWhenUnsatisfiable: z.enum(['DoNotSchedule', 'ScheduleAnyway']).default('ScheduleAnyway').describe('What to do when zones cannot be balanced.'),
      nodeWhenUnsatisfiable: z.enum(['DoNotSchedule', 'ScheduleAnyway']).default('ScheduleAnyway').describe('What to do when nodes cannot be balanced.'),
    })
    .prefault({})
    .describe('Topology spread constraints over `kubernetes.io/hostname` and `topology.kubernetes.io/zone`.');

export const podSecurity = (d: { runAsUser: number; runAsGroup: number; fsGroup: number }) =>
  z
    .strictObject({
      runAsUser: z.number().int().min(1, { error: 'must be a non-zero UID: the restricted profile forbids root' }).default(d.runAsUser).describe('Non-zero UID the containers run as.'),
      runAsGroup: z.number().int().min(1).default(d.runAsGroup).describe('Non-zero GID the containers run as.'),
      fsGroup: z.number().int().min(1).default(d.fsGroup).describe('GID that owns mounted volumes.'),
    })
    .prefault({})
    .describe('Pod identity. The rest of the restricted security context (non-root, read-only root filesystem, no privilege escalation, drop ALL, seccomp RuntimeDefault) is fixed.');

export const serviceAccount = () =>
  z
    .strictObject({
      create: z.boolean().default(true).describe('Create a dedicated ServiceAccount.'),
      name: z.string().default('').describe('Name of the ServiceAccount; empty derives it from the release.'),
      annotations: stringMap().default({}).describe('Annotations on the ServiceAccount (e.g. cloud IAM bindings).'),
      automountToken: z.boolean().default(false).describe('Mount the API token into pods. Off unless the tier talks to the Kubernetes API.'),
    })
    .prefault({})
    .describe('Service account.');

export const service = (d: { port: number }) =>
  z
    .strictObject({
      ...serviceExposure(),
      port: port().default(d.port).describe('Service port.'),
    })
    .prefault({})
    .describe('Service.');

export const networkPolicy = () =>
  z
    .strictObject({
      enabled: z.boolean().default(true).describe('Render this tier\'s NetworkPolicy (allow-list on top of the release default-deny).'),
      extraIngress: z.array(openObject()).default([]).describe('Extra NetworkPolicy ingress rules, appended verbatim.'),
      extraEgress: z.array(openObject()).default([]).describe('Extra NetworkPolicy egress rules, appended verbatim.'),
    })
    .prefault({})
    .describe('Network policy for this tier.');

export const existingSecretRef = (d: { keys: Record<string, string> }, what: string) => {
  const keyFields = Object.fromEntries(
    Object.entries(d.keys).map(([field, key]) => [field, z.string().min(1).default(key).describe(`Key in the secret that holds the ${field.replace(/Key$/, '').replace(/([A-Z])/g, ' $1').toLowerCase()}.`)]),
  );
  return z
    .strictObject({
      existingSecret: resourceName().default('').describe(`Name of an existing Secret holding the ${what}. Required in production.`),
      ...keyFields,
    })
    .prefault({})
    .describe(`${what[0]!.toUpperCase()}${what.slice(1)}, by reference to an existing Secret.`);
};

/** Pod placement keys (node selector, tolerations, affinity, priority, runtime class, hosts, DNS, pod labels/annotations): see extensions.ts. */
export { podPlacement } from './extensions.ts';
import { serviceExposure } from './extensions.ts';

export const naming = () => ({
  nameOverride: z
    .string()
    .max(63)
    .default('')
    .describe('Replaces the chart name in resource names and in the `app.kubernetes.io/name` label. That label is part of every selector, so set it before the first install: changing it later fails the upgrade (selectors are immutable).'),
  fullnameOverride: z
    .string()
    .max(63)
    .default('')
    .describe('Replaces the full `<release>-<chart>` resource name prefix. Defaults in other tier charts (the backend\'s database/redis hosts and Secret names, the frontend\'s BACKEND_URL) still assume `<release>-<chart>`: set them explicitly.'),
});

/** Description suffix for the size of a StatefulSet's volumeClaimTemplate. */
export const CLAIM_TEMPLATE_SIZE_NOTE =
  'StatefulSet volumeClaimTemplates are immutable: to grow the volume, expand the PVCs themselves (the StorageClass must allow expansion), then delete the StatefulSet with `--cascade=orphan` and upgrade with the new size.';

const PVC_ACCESS_MODES = ['ReadWriteOnce', 'ReadWriteOncePod', 'ReadWriteMany', 'ReadOnlyMany'] as const;

/** The StorageClass of a PVC: immutable once created, hence the warning. */
export const storageClassField = () =>
  z.string().default('').describe('StorageClass; empty falls back to `global.storageClass`, then the cluster default. Set it before the first install: changing it later fails the upgrade (a PVC\'s class is immutable).');

export const accessModesField = () => z.array(z.enum(PVC_ACCESS_MODES)).min(1).default(['ReadWriteOnce']).describe('PVC access modes.');

/**
 * A persistent volume: size, StorageClass and (unless the template fixes them) access modes.
 * `claimTemplate` says whether it is a StatefulSet volumeClaimTemplate, whose size an upgrade cannot change.
 */
export const persistentStorage = (d: { size: string; claimTemplate: boolean; accessModes?: boolean }, what: string) =>
  z
    .strictObject({
      size: quantity()
        .default(d.size)
        .describe(`Size of the volume for ${what}. ${d.claimTemplate ? CLAIM_TEMPLATE_SIZE_NOTE : 'A plain PVC: raising the size expands it in place when the StorageClass allows expansion.'}`),
      storageClass: storageClassField(),
      ...(d.accessModes === false ? {} : { accessModes: accessModesField() }),
    })
    .prefault({})
    .describe(`Persistent storage for ${what}.`);

/** A Prometheus exporter sidecar (postgres_exporter, pgbouncer_exporter, redis_exporter). */
export const exporterSidecar = (d: { image: ImageDefaults; port: number; resources: ResourceDefaults; enabled: string; describe: string }) =>
  z
    .strictObject({
      enabled: z.boolean().default(true).describe(d.enabled),
      image: image(d.image),
      port: port().default(d.port).describe('Exporter port (the container port named `metrics`).'),
      resources: resources(d.resources),
    })
    .prefault({})
    .describe(d.describe);
