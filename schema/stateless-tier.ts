/**
 * The shape every stateless application tier shares (frontend, backend, and any tier added later).
 * Adding a tier = a section built with `statelessTier(...)` plus a generator entry (see README).
 */
import { z } from 'zod';
import { containerExtensions, diagnosticMode, podExtensions } from './extensions.ts';
import { openObject, port, promDuration, stringMap } from './primitives.ts';
import {
  autoscaling,
  image,
  naming,
  pdb,
  podPlacement,
  podSecurity,
  probes,
  resources,
  service,
  serviceAccount,
  topologySpread,
  vpa,
  type AutoscalingDefaults,
  type ImageDefaults,
  type ProbeDefaults,
  type ResourceDefaults,
} from './workload.ts';

export interface StatelessTierDefaults {
  title: string;
  /** The application image's path (its registry defaults to the placeholder below). */
  image: Omit<ImageDefaults, 'registry'>;
  containerPort: number;
  servicePort: number;
  replicaCount: number;
  resources: ResourceDefaults;
  probes: { liveness: ProbeDefaults; readiness: ProbeDefaults; startup: ProbeDefaults };
  autoscaling: AutoscalingDefaults;
  env: Record<string, string>;
  /** Writable emptyDir mounts a read-only root filesystem needs (`/tmp`, caches). */
  writablePaths: Record<string, string>;
  uid: number;
  /** Prometheus metrics on a dedicated container port named `metrics` (scraped by the monitoring tier). */
  metrics: { enabled: boolean; port: number; path: string };
  /** Which other tiers may call this one, and which it calls (see statelessNetworkPolicy). */
  networkPolicy: { allowFrom: PeerDefaults[]; allowTo: (PeerDefaults & { ports?: number[] })[] };
}

interface PeerDefaults {
  tier: string;
  component?: string;
}

export const peerFields = {
  tier: z.string().regex(/^[a-z][a-z0-9-]*$/).describe('Values key of the peer tier (e.g. `backend`, `database`); the rule is dropped while that tier is disabled.'),
  component: z.string().regex(/^$|^[a-z][a-z0-9-]*$/).default('').describe('`app.kubernetes.io/component` of the peer pods; empty means the tier name.'),
};

/**
 * A stateless tier's network allow-list. The umbrella chart renders it (it is the only chart that sees
 * which tiers are enabled), on top of the release default-deny: ingress from the ingress controller
 * (when the gateway is on), from the smoke tests, from `allowFrom` peers and from Prometheus to the
 * metrics port; egress to `allowTo` peers. Rules naming a disabled tier are dropped.
 */
export const statelessNetworkPolicy = (d: StatelessTierDefaults['networkPolicy']) =>
  z
    .strictObject({
      enabled: z.boolean().default(true).describe('Render this tier\'s NetworkPolicy (allow-list on top of the release default-deny).'),
      fromIngressController: z.boolean().default(true).describe('Allow the ingress controller (see `security.networkPolicies.ingressController`) to reach the container port while the gateway is enabled.'),
      allowFrom: z.array(z.strictObject(peerFields)).default(d.allowFrom.map((p) => ({ component: '', ...p }))).describe('Release tiers whose pods may call this tier\'s container port.'),
      allowTo: z
        .array(z.strictObject({ ...peerFields, ports: z.array(port()).default([]).describe('Destination pod ports; empty means the peer tier\'s `containerPort` (the backend\'s migration hook, which cannot see other charts, uses `database.port` for database peers).') }))
        .default(d.allowTo.map((p) => ({ component: '', ports: [], ...p })))
        .describe('Release tiers this tier may call (egress).'),
      extraIngress: z.array(openObject()).default([]).describe('Extra NetworkPolicy ingress rules, appended verbatim.'),
      extraEgress: z.array(openObject()).default([]).describe('Extra NetworkPolicy egress rules, appended verbatim.'),
    })
    .prefault({})
    .describe('Network policy for this tier (rendered by the umbrella chart).');

const metrics = (d: StatelessTierDefaults['metrics']) =>
  z
    .strictObject({
      enabled: z.boolean().default(d.enabled).describe('Expose Prometheus metrics on a dedicated container port named `metrics` (Prometheus scrapes it; the NetworkPolicy admits only Prometheus).'),
      port: port().default(d.port).describe('Metrics port; the app reads it from `METRICS_PORT`.'),
      path: z.string().startsWith('/').default(d.path).describe('Metrics path; the app reads it from `METRICS_PATH`.'),
      serviceMonitor: z
        .strictObject({
          enabled: z.boolean().default(false).describe('Create a ServiceMonitor (when monitoring.coreos.com/v1 is served, or forced; in production always, so it is never left out silently).'),
          force: z.boolean().default(false).describe('Render the ServiceMonitor without detecting the API.'),
          interval: promDuration().default('30s').describe('Scrape interval.'),
        })
        .prefault({})
        .describe('Prometheus Operator ServiceMonitor.'),
    })
    .prefault({})
    .describe('Application metrics.');

/**
 * The registry of an application image until the user names theirs: `.invalid` is reserved (RFC 6761)
 * and never resolves, so a default install can never pull somebody else's image of the same name.
 */
export const PLACEHOLDER_REGISTRY = 'registry.invalid';

export function statelessTierShape(d: StatelessTierDefaults) {
  return {
    enabled: z.boolean().default(true).describe(`Deploy the ${d.title} tier.`),
    ...naming(),
    image: image({
      registry: PLACEHOLDER_REGISTRY,
      registryDescription: `Registry that hosts this application image (you build and push it; \`repository\` is its path there). The default \`${PLACEHOLDER_REGISTRY}\` is a placeholder that never resolves: production refuses to render until you name your registry here, or pull every image from \`global.imageRegistry\` in \`flat\` mode (which replaces this registry). In \`path\` mode the mirror keeps the image under this registry's name, so it must be real.`,
      ...d.image,
    }),
    replicaCount: z.number().int().min(0).default(d.replicaCount).describe('Replicas when autoscaling is off (ignored while the HPA is on).'),
    containerPort: port().default(d.containerPort).describe('Port the application listens on.'),
    service: service({ port: d.servicePort }),
    resources: resources(d.resources),
    probes: probes(d.probes),
    env: stringMap().default(d.env).describe('Non-secret environment variables, rendered into a ConfigMap (changes roll the pods).'),
    writablePaths: z
      .record(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/), z.string().startsWith('/'))
      .default(d.writablePaths)
      .describe('emptyDir volumes (name → mount path) for the paths a read-only root filesystem must still write.'),
    autoscaling: autoscaling(d.autoscaling),
    vpa: vpa({ enabled: true }),
    pdb: pdb({ enabled: true, maxUnavailable: 1 }),
    topologySpread: topologySpread(),
    podSecurityContext: podSecurity({ runAsUser: d.uid, runAsGroup: d.uid, fsGroup: d.uid }),
    serviceAccount: serviceAccount(),
    metrics: metrics(d.metrics),
    networkPolicy: statelessNetworkPolicy(d.networkPolicy),
    terminationGracePeriodSeconds: z.number().int().min(0).default(30).describe('Seconds a pod gets to drain before it is killed (after the preStop delay, which counts against it).'),
    preStopDelaySeconds: z
      .number()
      .int()
      .min(0)
      .max(120)
      .default(10)
      .describe('Seconds a terminating pod keeps serving before its process gets SIGTERM, while the endpoints controller and Kong stop routing to it (a preStop `sleep`); 0 for none. Replaced by `lifecycle` when that is set.'),
    ...containerExtensions(d.title.split(' ')[0]!),
    ...podExtensions({ kind: 'Deployment', maxSurge: '25%', maxUnavailable: 0 }),
    diagnosticMode: diagnosticMode(),
    ...podPlacement(),
  };
}
