/**
 * The logging tier (opt-in): Loki in single-binary mode as a StatefulSet in the release namespace, and
 * Fluent Bit as the collector. Fluent Bit runs as a node agent (DaemonSet) in a namespace of its own:
 * reading `/var/log/pods` takes a hostPath volume, which the Pod Security `baseline` and `restricted`
 * levels forbid, so that namespace is labelled `privileged` and holds nothing else. Applications may
 * also push OTLP logs to an in-namespace Fluent Bit gateway that stays `restricted`.
 *
 * Why Fluent Bit: one small C binary for both the node agent and the OTLP gateway, a tail input that
 * reads CRI logs natively (`multiline.parser: cri`), the kubernetes filter for pod labels, a Loki
 * output, and a `--dry-run` that proves a rendered pipeline with the real binary.
 */
import { z } from 'zod';
import { openObject, port, stringMap } from './primitives.ts';
import { peerFields } from './stateless-tier.ts';
import { containerExtensions, diagnosticMode, placement, podExtensions } from './extensions.ts';
import { image, naming, networkPolicy, persistentStorage, podPlacement, podSecurity, resources, serviceAccount } from './workload.ts';

const pssVersion = () =>
  z.string().regex(/^(latest|v1\.\d+)$/, { error: 'must be `latest` or a Kubernetes minor version such as `v1.36`' });

/**
 * A Fluent Bit size as flb_utils_size_to_bytes reads it: a number with an optional K, M or G and an
 * optional B (decimal units). `1GiB` is not one: Fluent Bit reads it as an error.
 */
const flbSize = () => z.string().regex(/^\d+(\.\d+)?([KMGkmg][Bb]?)?$/, { error: 'must be a Fluent Bit size such as `512K`, `64M` or `1G` (K, M, G with an optional B; not KiB/MiB/GiB)' });

/** A hostPath directory (absolute, no `..`). */
const hostDirectory = () =>
  z
    .string()
    .regex(/^\/[^\0]*$/, { error: 'must be an absolute path such as `/var/log/pods`' })
    .refine((p) => !p.split('/').includes('..'), { error: 'must not contain `..`' });

export const LoggingSection = z
  .strictObject({
    enabled: z.boolean().default(false).describe('Deploy the logging tier: Loki, the Fluent Bit node agent and/or the OTLP gateway, the Grafana data source and the ingestion alert.'),
    ...naming(),
    loki: z
      .strictObject({
        image: image({ registry: 'docker.io', repository: 'grafana/loki', tag: '3.4.6' }),
        port: port().default(3100).describe('Loki HTTP port (push, query and `/metrics`; the container port `http-metrics`).'),
        grpcPort: port().default(9095).describe('Loki gRPC port (used inside the single binary only; never exposed by a Service).'),
        retentionDays: z.number().int().min(1).max(3650).default(7).describe('Log retention in days; the compactor deletes older chunks (a whole number of days, as the 24 h index period requires).'),
        ingestionRateMB: z.number().positive().default(8).describe('Per-tenant ingestion rate limit, MB/s (`ingestion_rate_mb`); pushes above it are refused with 429 and retried by Fluent Bit.'),
        ingestionBurstSizeMB: z.number().positive().default(16).describe('Per-tenant ingestion burst, MB (`ingestion_burst_size_mb`).'),
        maxQueryLookbackDays: z.number().int().min(0).default(0).describe('How far back queries may reach in days; 0 means as far as the retention.'),
        storage: persistentStorage({ size: '50Gi', claimTemplate: true, accessModes: false }, 'Loki (chunks, TSDB index, WAL, compactor)'),
        resources: resources({ requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '2', memory: '2Gi' } }),
        podSecurityContext: podSecurity({ runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 }),
        ...containerExtensions('loki'),
        ...podExtensions({ kind: 'StatefulSet' }),
        ...placement({ inherit: true }),
      })
      .prefault({})
      .describe('Loki, single-binary mode (one StatefulSet replica on a filesystem store).'),
    agent: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Run Fluent Bit as a node agent (DaemonSet) that tails the container logs of this release\'s namespace from `/var/log/pods`. Needs a namespace that admits hostPath volumes (`privileged`); turn it off where that is not allowed and use `otlp` instead.'),
        image: image({ registry: 'cr.fluentbit.io', repository: 'fluent/fluent-bit', tag: '5.1.1' }),
        namespace: z
          .strictObject({
            name: z.string().regex(/^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'must be a namespace name (a DNS label) such as `nexus-logging`' }).max(63).default('').describe('Namespace of the node agent; empty uses `<release namespace>-logs`. Never the release namespace: the agent needs hostPath, which the release namespace\'s `restricted` level forbids.'),
            create: z.boolean().default(true).describe('Render the Namespace with its Pod Security labels (enforce `privileged`, the only level that admits hostPath; audit and warn `baseline`, so the exception stays visible). Off: the namespace must exist with an `enforce: privileged` label.'),
            enforceVersion: pssVersion().default('v1.36').describe('Pinned Pod Security policy version on that namespace.'),
          })
          .prefault({})
          .describe('The node agent\'s own namespace. It holds only the agent: hostPath is the one exception to the platform\'s `restricted` level.'),
        namespaces: z.array(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'must be a namespace name' })).default([]).describe('Namespaces to collect besides the release namespace (each gets a Role that lets the agent read its pods\' labels).'),
        hostPaths: z
          .strictObject({
            podLogs: hostDirectory().default('/var/log/pods').describe('Where the kubelet writes container logs (CRI layout `<namespace>_<pod>_<uid>/<container>/<n>.log`), mounted read-only.'),
            state: hostDirectory().default('/var/lib/nexus-fluent-bit').describe('Node directory for tail offsets and the filesystem buffer, so a restarted agent neither loses nor repeats lines; each release uses its own subdirectory.'),
          })
          .prefault({})
          .describe('Node directories the agent mounts.'),
        kubernetesApi: z
          .strictObject({
            url: z.string().regex(/^https:\/\/[^\s/]+(:\d+)?\/?$/, { error: 'must be an https URL of the API server such as `https://kubernetes.default.svc:443`' }).default('https://kubernetes.default.svc:443').describe('API server URL the kubernetes filter reads pod labels from (the `tier` and `component` labels).'),
            cidrs: z.array(z.string()).default([]).describe('CIDRs of the API server for the NetworkPolicy egress; empty allows the ports to any destination.'),
            ports: z.array(port()).min(1).default([443, 6443]).describe('API server ports.'),
          })
          .prefault({})
          .describe('Where the agent asks for pod metadata.'),
        bufferLimit: flbSize().default('1G').describe('Largest filesystem buffer for Loki while it is unreachable (`storage.total_limit_size`); the oldest chunks are dropped beyond it.'),
        resources: resources({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } }),
        tolerations: z.array(openObject()).default([{ operator: 'Exists' }]).describe('Tolerations of the agent pods: every taint by default, so pods on tainted nodes are not missed.'),
        nodeSelector: stringMap().default({}).describe('Node selector of the agent pods.'),
        priorityClassName: z.string().default('').describe('PriorityClass of the agent pods.'),
        affinity: openObject().default({}).describe('Affinity of the agent pods (e.g. node affinity to skip a node pool); empty for none: a node agent runs on every node its tolerations and nodeSelector admit.'),
        runtimeClassName: z.string().default('').describe('RuntimeClass of the agent pods.'),
        hostAliases: placement().hostAliases,
        dnsConfig: placement().dnsConfig,
        ...containerExtensions('fluent-bit'),
        ...podExtensions({ kind: 'DaemonSet' }),
      })
      .prefault({})
      .describe('Fluent Bit node agent.'),
    otlp: z
      .strictObject({
        enabled: z.boolean().default(false).describe('Run an in-namespace Fluent Bit gateway that receives OTLP/HTTP logs (`/v1/logs`) and forwards them to Loki: the collector for clusters that forbid node agents. It runs under the `restricted` level like every other pod of the release.'),
        image: image({ registry: 'cr.fluentbit.io', repository: 'fluent/fluent-bit', tag: '5.1.1' }),
        port: port().default(4318).describe('OTLP/HTTP port.'),
        replicas: z.number().int().min(1).default(2).describe('Gateway replicas.'),
        allowFrom: z
          .array(z.strictObject(peerFields))
          .default([
            { tier: 'backend', component: '' },
            { tier: 'frontend', component: '' },
          ])
          .describe('Release tiers whose pods may push logs (ingress on the gateway, and egress on the stateless tiers\' own policies); an entry is dropped while its tier is not installed.'),
        resources: resources({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } }),
        podSecurityContext: podSecurity({ runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532 }),
        ...containerExtensions('fluent-bit'),
        ...podExtensions({ kind: 'Deployment', maxSurge: 1, maxUnavailable: 0 }),
        ...placement({ inherit: true }),
      })
      .prefault({})
      .describe('OTLP push path.'),
    serviceAccount: serviceAccount(),
    networkPolicy: networkPolicy(),
    diagnosticMode: diagnosticMode(),
    ...podPlacement(),
  })
  .prefault({})
  .describe('Logging (opt-in): Loki with a Fluent Bit node agent and/or OTLP gateway, wired into Grafana and the alerts.');
