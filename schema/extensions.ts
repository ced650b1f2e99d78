/**
 * Extension points: the knobs a platform team sets without forking a chart (those of Bitnami's
 * charts). Every workload section of every tier spreads these fields; the nexus-lib library chart
 * renders each of them in one place (templates/_extensions.tpl), and every tier's templates include it.
 */
import { z } from 'zod';
import { intOrString, openObject, stringMap } from './primitives.ts';

/** A Kubernetes list item that must carry a name (containers, volumes, env vars); otherwise open. */
const named = (what: string) => z.looseObject({ name: z.string().min(1).describe(`Name of the ${what}.`) });

const TEMPLATED = 'Rendered with `tpl`, so values may use template expressions such as `{{ .Release.Name }}`.';

/** Container-level knobs of a workload's main container. */
export const containerExtensions = (container: string) => ({
  command: z.array(z.string()).default([]).describe(`Replaces the ${container} container's command (entrypoint); empty keeps the chart's.`),
  args: z.array(z.string()).default([]).describe(`Replaces the ${container} container's arguments; empty keeps the chart's.`),
  extraEnv: z.array(named('variable')).default([]).describe(`Extra \`env\` entries for the ${container} container, appended after the chart's (e.g. \`valueFrom\` references). ${TEMPLATED}`),
  extraEnvFrom: z.array(openObject()).default([]).describe(`Extra \`envFrom\` sources (\`configMapRef\` / \`secretRef\`) for the ${container} container. ${TEMPLATED}`),
  extraVolumeMounts: z
    .array(z.looseObject({ name: z.string().min(1).describe('Name of a volume of the pod (see `extraVolumes`).'), mountPath: z.string().startsWith('/').describe('Where the volume appears in the container.') }))
    .default([])
    .describe(`Extra volume mounts for the ${container} container (of \`extraVolumes\`). ${TEMPLATED}`),
  lifecycle: openObject().default({}).describe(`The ${container} container's \`lifecycle\` hooks (postStart, preStop); when set, they replace the chart's.`),
  customLivenessProbe: openObject().default({}).describe(`A liveness probe that replaces the chart's for the ${container} container (a Kubernetes Probe).`),
  customReadinessProbe: openObject().default({}).describe(`A readiness probe that replaces the chart's for the ${container} container.`),
  customStartupProbe: openObject().default({}).describe(`A startup probe that replaces the chart's for the ${container} container.`),
});

const deploymentStrategy = (d: { maxSurge: number | string; maxUnavailable: number | string }) =>
  z
    .strictObject({
      type: z.enum(['RollingUpdate', 'Recreate']).default('RollingUpdate').describe('`RollingUpdate` replaces pods gradually; `Recreate` stops every pod first.'),
      rollingUpdate: z
        .strictObject({
          maxSurge: intOrString().default(d.maxSurge).describe('Pods above the desired count during a rollout (count or percentage).'),
          maxUnavailable: intOrString().default(d.maxUnavailable).describe('Pods that may be unavailable during a rollout (count or percentage).'),
        })
        .prefault({})
        .describe('Rolling update bounds (type RollingUpdate only).'),
    })
    .prefault({})
    .describe('Deployment update strategy (`spec.strategy`).');

const statefulSetStrategy = () =>
  z
    .strictObject({
      type: z.enum(['RollingUpdate', 'OnDelete']).default('RollingUpdate').describe('`RollingUpdate` replaces pods one by one, highest ordinal first; `OnDelete` only when you delete a pod.'),
      rollingUpdate: z
        .strictObject({
          partition: z.number().int().min(0).optional().describe('Only pods with an ordinal at or above this are updated (staged rollouts).'),
          maxUnavailable: intOrString().optional().describe('Pods that may be unavailable during a rollout (needs the MaxUnavailableStatefulSet feature).'),
        })
        .prefault({})
        .describe('Rolling update bounds (type RollingUpdate only).'),
    })
    .prefault({})
    .describe('StatefulSet update strategy (`spec.updateStrategy`).');

const daemonSetStrategy = () =>
  z
    .strictObject({
      type: z.enum(['RollingUpdate', 'OnDelete']).default('RollingUpdate').describe('`RollingUpdate` replaces the pods node by node; `OnDelete` only when you delete a pod.'),
      rollingUpdate: z
        .strictObject({
          maxUnavailable: intOrString().default(1).describe('Nodes whose pod may be unavailable during a rollout (count or percentage).'),
          maxSurge: intOrString().optional().describe('Nodes that may run the new pod beside the old one (count or percentage; then maxUnavailable must be 0).'),
        })
        .prefault({})
        .describe('Rolling update bounds (type RollingUpdate only).'),
    })
    .prefault({})
    .describe('DaemonSet update strategy (`spec.updateStrategy`).');

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

/** Pod-level knobs of a workload (the pod spec, beside the main container). */
export const podExtensions = (d: { kind: WorkloadKind; maxSurge?: number | string; maxUnavailable?: number | string }) => ({
  updateStrategy: d.kind === 'Deployment' ? deploymentStrategy({ maxSurge: d.maxSurge ?? '25%', maxUnavailable: d.maxUnavailable ?? 0 }) : d.kind === 'DaemonSet' ? daemonSetStrategy() : statefulSetStrategy(),
  initContainers: z.array(named('init container')).default([]).describe(`Init containers, run before the chart's containers; rendered as written (give them a restricted security context: the policies judge them like any container). ${TEMPLATED}`),
  sidecars: z.array(named('container')).default([]).describe(`Extra containers in the pod, rendered as written (the policies judge them like any container). ${TEMPLATED}`),
  extraVolumes: z.array(named('volume')).default([]).describe(`Extra pod volumes, for \`extraVolumeMounts\`, init containers and sidecars. ${TEMPLATED}`),
});

const hostAlias = z
  .strictObject({ ip: z.string().min(1).describe('IP address.'), hostnames: z.array(z.string().min(1)).min(1).describe('Host names that resolve to it.') })
  .describe('An /etc/hosts entry.');

const dnsConfig = z
  .strictObject({
    nameservers: z.array(z.string()).optional().describe('Extra name servers.'),
    searches: z.array(z.string()).optional().describe('Extra search domains.'),
    options: z.array(z.strictObject({ name: z.string().min(1).describe('Option name (e.g. `ndots`).'), value: z.string().optional().describe('Option value.') })).optional().describe('resolv.conf options.'),
  })
  .describe('Pod DNS settings.');

/**
 * Pod placement keys. At a tier root they apply to every pod of the tier; a workload section
 * (database.pgbouncer, monitoring.grafana, ...) has them too, and one left empty there falls back to
 * the tier root's (`inherit`).
 */
export const placement = (d: { inherit?: boolean } = {}) => {
  const empty = d.inherit ? ' Empty: the tier\'s.' : '';
  return {
    nodeSelector: stringMap().default({}).describe(`Node selector for the pods.${empty}`),
    tolerations: z.array(openObject()).default([]).describe(`Tolerations for the pods.${empty}`),
    affinity: openObject()
      .default({})
      .describe(`Affinity rules; they replace the generated soft pod anti-affinity over hosts (the topology spread stays).${d.inherit ? ' Empty: the tier\'s, else the generated one.' : ''}`),
    priorityClassName: z.string().default('').describe(`PriorityClass for the pods.${empty}`),
    runtimeClassName: z.string().default('').describe(`RuntimeClass for the pods (e.g. \`gvisor\`, \`kata\`).${empty}`),
    hostAliases: z.array(hostAlias).default([]).describe(`Extra /etc/hosts entries for the pods.${empty}`),
    dnsConfig: dnsConfig.default({}).describe(`Pod DNS settings (\`spec.dnsConfig\`), merged by the kubelet with those of the DNS policy.${empty}`),
  };
};

/** Keys every chart root accepts for scheduling its pods and labelling them (Bitnami common conventions). */
export const podPlacement = () => ({
  ...placement(),
  podAnnotations: stringMap().default({}).describe('Extra pod annotations (every pod of the tier).'),
  podLabels: stringMap().default({}).describe('Extra pod labels (every pod of the tier; never used in selectors).'),
});

/**
 * The knobs of a Job's pod (the database's backup CronJob and restore Job): extra env and volumes for
 * its containers, pod labels and annotations, and placement (empty keys fall back to the tier root's).
 */
export const jobExtensions = (job: string) => ({
  extraEnv: z.array(named('variable')).default([]).describe(`Extra \`env\` entries for every container of the ${job} pod, appended after the chart's. ${TEMPLATED}`),
  extraEnvFrom: z.array(openObject()).default([]).describe(`Extra \`envFrom\` sources for every container of the ${job} pod. ${TEMPLATED}`),
  extraVolumes: z.array(named('volume')).default([]).describe(`Extra volumes of the ${job} pod (for \`extraVolumeMounts\`). ${TEMPLATED}`),
  extraVolumeMounts: z
    .array(z.looseObject({ name: z.string().min(1).describe('Name of a volume of the pod (see `extraVolumes`).'), mountPath: z.string().startsWith('/').describe('Where the volume appears in the container.') }))
    .default([])
    .describe(`Extra volume mounts for every container of the ${job} pod. ${TEMPLATED}`),
  podLabels: stringMap().default({}).describe(`Extra labels of the ${job} pod (never used in selectors).`),
  podAnnotations: stringMap().default({}).describe(`Extra annotations of the ${job} pod.`),
  ...placement({ inherit: true }),
});

/** Bitnami's diagnosticMode: the tier's main containers sleep instead of starting, with no probes or hooks. */
export const diagnosticMode = () =>
  z
    .strictObject({
      enabled: z.boolean().default(false).describe('Start the tier\'s main containers with `command`/`args` below instead of their process, without probes or lifecycle hooks, to debug a pod that crashes (`kubectl exec` into it). Never in production.'),
      command: z.array(z.string()).min(1).default(['sleep']).describe('Command in diagnostic mode.'),
      args: z.array(z.string()).default(['infinity']).describe('Arguments in diagnostic mode.'),
    })
    .prefault({})
    .describe('Diagnostic mode.');

/** An IPv4 or IPv6 CIDR, as `loadBalancerSourceRanges` takes it. */
export const CIDR = /^(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+:[0-9a-fA-F:]*\/\d{1,3})$/;

/** How a Service is exposed: every client Service of every tier has these (headless Services stay ClusterIP/None). */
export const serviceExposure = () => ({
  type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer']).default('ClusterIP').describe('Service type. Traffic normally enters through the gateway, so ClusterIP is the norm; the release NetworkPolicies still apply to traffic from outside.'),
  annotations: stringMap().default({}).describe('Service annotations (e.g. an internal cloud load balancer).'),
  loadBalancerSourceRanges: z
    .array(z.string().regex(CIDR, { error: 'must be a CIDR such as `10.0.0.0/8`' }))
    .default([])
    .describe('Client CIDRs a `LoadBalancer` Service admits (ignored for other types); empty admits any address, so set it whenever the type is LoadBalancer.'),
});

/** The client Service of a workload whose port is fixed elsewhere (a database, a cache, Prometheus). */
export const serviceSection = (what: string) =>
  z
    .strictObject(serviceExposure())
    .prefault({})
    .describe(`The ${what} Service (its headless Service, if any, keeps the pod DNS names and stays ClusterIP/None).`);
