/**
 * The shape every stateless application tier shares (frontend, backend, and any tier added later).
 * Adding a tier = a section built with `statelessTier(...)` plus a generator entry (see README).
 */
import { z } from 'zod';
import { openObject, port, stringMap } from './primitives.ts';
import {
  autoscaling,
  image,
  naming,
  networkPolicy,
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
  image: ImageDefaults;
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
}

export function statelessTierShape(d: StatelessTierDefaults) {
  return {
    enabled: z.boolean().default(true).describe(`Deploy the ${d.title} tier.`),
    ...naming(),
    image: image(d.image),
    replicaCount: z.number().int().min(0).default(d.replicaCount).describe('Replicas when autoscaling is off (ignored while the HPA is on).'),
    containerPort: port().default(d.containerPort).describe('Port the application listens on.'),
    service: service({ port: d.servicePort }),
    resources: resources(d.resources),
    probes: probes(d.probes),
    env: stringMap().default(d.env).describe('Non-secret environment variables, rendered into a ConfigMap (changes roll the pods).'),
    extraEnv: z.array(openObject()).default([]).describe('Extra `env` entries appended verbatim (e.g. `valueFrom` references).'),
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
    networkPolicy: networkPolicy(),
    terminationGracePeriodSeconds: z.number().int().min(0).default(30).describe('Seconds a pod gets to drain before it is killed.'),
    ...podPlacement(),
  };
}
