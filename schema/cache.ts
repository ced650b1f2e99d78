import { z } from 'zod';
import { containerExtensions, diagnosticMode, placement, podExtensions, serviceSection } from './extensions.ts';
import { port, quantity, resourceName } from './primitives.ts';
import { externalEgress } from './external.ts';
import { certManagerSection, tlsSecretKeys } from './tls.ts';
import { accessModesField, CLAIM_TEMPLATE_SIZE_NOTE, exporterSidecar, image, naming, networkPolicy, pdb, podPlacement, podSecurity, resources, serviceAccount, storageClassField } from './workload.ts';

export const CACHE_MODES = ['bundled', 'external'] as const;

export const CacheSection = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Use Redis (bundled, or an external one with `mode: external`).'),
    ...naming(),
    mode: z
      .enum(CACHE_MODES)
      .default('bundled')
      .describe(
        'Who runs Redis. `bundled`: this chart (a StatefulSet with Sentinel failover, the exporter, the master-only endpoint). `external`: a managed Redis (ElastiCache, Memorystore, Azure Cache) reached at `external.host`: no cache pods, no redis_exporter (its alerts and dashboard panel are left out: monitor the service with its provider), the NetworkPolicies open egress to it, and the backend (and Kong\'s redis policy) must point at it (rule `cache-external`).',
      ),
    external: z
      .strictObject({
        host: z.string().default('').describe('Primary endpoint of the managed Redis (e.g. the ElastiCache primary endpoint or the Memorystore IP): it must always reach the writable primary. Required in external mode.'),
        port: port().default(6379).describe('Its port.'),
        tls: z
          .strictObject({
            enabled: z.boolean().default(true).describe('Connect with TLS (`rediss://`) and verify the server certificate against `caSecret` and the host name. Required in production.'),
            caSecret: resourceName().default('').describe('Secret holding the CA that signed the server certificate (e.g. the provider\'s CA bundle); empty: the client\'s system trust store.'),
            caKey: z.string().min(1).default('ca.crt').describe('Key of the CA certificate in that Secret.'),
          })
          .prefault({})
          .describe('Transport security.'),
        auth: z
          .strictObject({
            existingSecret: resourceName().default('').describe('Secret with the credentials (an ACL user\'s password, ElastiCache RBAC or AUTH token); empty: no authentication. Required in production.'),
            usernameKey: z.string().default('').describe('Key of the ACL user name in that Secret; empty: the password authenticates the `default` user.'),
            passwordKey: z.string().min(1).default('redis-password').describe('Key of the password in that Secret.'),
          })
          .prefault({})
          .describe('Credentials, by reference to an existing Secret.'),
        egress: externalEgress('the managed Redis'),
      })
      .prefault({})
      .describe('The managed Redis of `mode: external`.'),
    // 7.2.16: the newest 7.2 patch release (CVE-2025-49844, Lua use-after-free RCE, CVSS 10, fixed in 7.2.11);
    // the same minor keeps the configuration and the BSD licence (7.4 and later are not BSD).
    image: image({ registry: 'docker.io', repository: 'library/redis', tag: '7.2.16-bookworm' }),
    replicas: z.number().int().min(1).default(3).describe('Redis nodes (one master, the rest replicas). Three gives Sentinel a quorum of two.'),
    port: port().default(6379).describe('Redis port.'),
    service: serviceSection('Redis (and Sentinel)'),
    clusterDomain: z.string().min(1).default('cluster.local').describe('Cluster DNS domain; nodes announce themselves to Sentinel as `<pod>.<headless service>.<namespace>.svc.<clusterDomain>`.'),
    sentinel: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Run Sentinel beside each node for automatic failover.'),
        port: port().default(26379).describe('Sentinel port.'),
        masterSet: z.string().regex(/^[a-zA-Z0-9_-]+$/).default('nexus').describe('Name of the monitored master set.'),
        quorum: z.number().int().min(1).default(2).describe('Sentinels that must agree the master is down.'),
        downAfterMilliseconds: z.number().int().min(1000).default(5000).describe('Milliseconds of silence before a node is considered down.'),
        failoverTimeout: z.number().int().min(1000).default(60000).describe('Failover timeout in milliseconds.'),
        parallelSyncs: z.number().int().min(1).default(1).describe('Replicas resynced at once after a failover.'),
        resources: resources({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } }),
      })
      .prefault({})
      .describe('Sentinel failover.'),
    auth: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Require a password on Redis and on Sentinel (clients pass it to Sentinel too, e.g. redis-py `sentinel_kwargs={"password": ...}`).'),
        existingSecret: resourceName().default('').describe('Existing Secret with the password. Required in production.'),
        passwordKey: z.string().min(1).default('redis-password').describe('Key of the password.'),
        password: z.string().default('').describe('Inline password for local development only; forbidden in production.'),
      })
      .prefault({})
      .describe('Authentication.'),
    tls: z
      .strictObject({
        enabled: z
          .boolean()
          .default(false)
          .describe(
            'TLS only, on Redis and on Sentinel: `port 0` and `tls-port` on the same port numbers (plaintext is refused), replication and Sentinel\'s links to Redis and to the other Sentinels over TLS (`tls-replication yes`), TLS 1.2+. The start, probe and preStop scripts and the exporter connect over TLS and verify the certificate against the CA. Clients use `rediss://` and verify the CA and host name (the backend: backend.redis.tls).',
          ),
        existingSecret: resourceName()
          .default('')
          .describe('Secret with the certificate, its key and the CA that signed it (kubernetes.io/tls, e.g. from cert-manager). The certificate is both server and client certificate (extended key usages `serverAuth` and `clientAuth`: replicas and Sentinels present it when they connect) and must name the client Service `<fullname>` (`.<namespace>`, `.svc`, `.svc.<clusterDomain>`) and every pod, `*.<fullname>-headless.<namespace>.svc.<clusterDomain>` (the names Sentinel hands out as the master\'s address). Empty with certManager.enabled: `<fullname>-tls`, issued by the chart\'s Certificate.'),
        ...tlsSecretKeys('Redis, Sentinel and the exporter verify their peers against it; clients verify Redis against it.'),
        authClients: z
          .enum(['no', 'optional', 'yes'])
          .default('optional')
          .describe(
            'Client certificates (`tls-auth-clients`). `optional` (default): a client that presents a certificate must present one signed by the CA (the cache\'s own replicas, Sentinels, scripts and exporter do), clients without one authenticate with the password or ACL user alone; that is what the backend and Kong\'s rate-limiting plugin (which cannot present a client certificate) need. `yes`: every client must present a certificate signed by the CA, so give the backend one through its extraVolumes and client settings; the master endpoint (HAProxy) asks its clients the same way, so Kong\'s counters cannot use it. `no`: certificates are not asked for.',
          ),
        certManager: certManagerSection('a `Certificate` named `<fullname>-redis` for the client Service and every pod name, server and client usages, into the Secret `<fullname>-tls` unless existingSecret names another'),
      })
      .prefault({})
      .describe('TLS for Redis, Sentinel and the exporter.'),
    maxmemory: quantity()
      .nullable()
      .default(null)
      .describe('Redis maxmemory (a quantity such as `800Mi`); null derives it from `resources.limits.memory` (1Gi when no limit is set): 80 % of it, less `forkHeadroomPercent` whenever Redis forks (persistence on, or replicas to resync).'),
    forkHeadroomPercent: z
      .number()
      .int()
      .min(0)
      .max(70)
      .default(25)
      .describe(
        'Share of the memory limit kept free for copy-on-write while a forked child writes an AOF rewrite, an RDB snapshot or a replica\'s full resync: every page the parent changes meanwhile is copied, so under writes the pod can briefly need more than maxmemory and be OOM-killed. 25 % is the share AWS ElastiCache reserves by default; raise it for write-heavy data. Used only when maxmemory is derived and Redis forks (persistence on, or more than one replica).',
      ),
    maxmemoryPolicy: z.enum(['noeviction', 'allkeys-lru', 'volatile-lru', 'allkeys-lfu', 'volatile-lfu', 'allkeys-random', 'volatile-random', 'volatile-ttl']).default('allkeys-lru').describe('Eviction policy.'),
    persistence: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Keep data on a PVC (AOF + RDB). Off: an emptyDir, so a restarted node resyncs from the master. Fixed at install: switching it changes the immutable volumeClaimTemplates.'),
        size: quantity().default('8Gi').describe(`Volume size. ${CLAIM_TEMPLATE_SIZE_NOTE}`),
        storageClass: storageClassField(),
        accessModes: accessModesField(),
      })
      .prefault({})
      .describe('Persistence.'),
    resources: resources({ requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } }),
    metrics: exporterSidecar({
      enabled: 'Run a redis_exporter sidecar.',
      image: { registry: 'docker.io', repository: 'oliver006/redis_exporter', tag: 'v1.88.0' },
      port: 9121,
      resources: { requests: { cpu: '25m', memory: '32Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
      describe: 'redis_exporter sidecar.',
    }),
    pdb: pdb({ enabled: true, maxUnavailable: 1 }),
    masterService: z
      .strictObject({
        enabled: z
          .boolean()
          .default(true)
          .describe(
            'Publish `<release>-cache-master`, an endpoint that always reaches the current master, for clients that cannot ask Sentinel (Kong\'s rate-limiting plugin). With Sentinel: an HAProxy Deployment that checks every node for `role:master` each `checkIntervalMs` and forwards only to the node that says so; without Sentinel: a Service selecting the fixed master (ordinal 0).',
          ),
        // 3.4.3: the current HAProxy LTS release of the official image (docker-library official-images, 2026-08).
        image: image({ registry: 'docker.io', repository: 'library/haproxy', tag: '3.4.3-trixie' }),
        replicas: z.number().int().min(1).default(2).describe('HAProxy replicas.'),
        port: port().default(6379).describe('Port of the master Service.'),
        service: serviceSection('master-only Redis'),
        checkIntervalMs: z.number().int().min(100).default(1000).describe('Milliseconds between role checks: after a failover, connections reach the new master within about this long (plus Sentinel\'s own failover time).'),
        resources: resources({ requests: { cpu: '50m', memory: '32Mi' }, limits: { cpu: '500m', memory: '128Mi' } }),
        pdb: pdb({ enabled: true, minAvailable: 1 }),
        podSecurityContext: podSecurity({ runAsUser: 99, runAsGroup: 99, fsGroup: 99 }),
        ...containerExtensions('haproxy'),
        ...podExtensions({ kind: 'Deployment', maxSurge: 1, maxUnavailable: 0 }),
        ...placement({ inherit: true }),
      })
      .prefault({})
      .describe('Master-only endpoint (bundled mode).'),
    podSecurityContext: podSecurity({ runAsUser: 999, runAsGroup: 999, fsGroup: 999 }),
    serviceAccount: serviceAccount(),
    networkPolicy: networkPolicy(),
    ...containerExtensions('redis'),
    ...podExtensions({ kind: 'StatefulSet' }),
    diagnosticMode: diagnosticMode(),
    ...podPlacement(),
  })
  .prefault({})
  .describe('Cache: Redis with Sentinel failover, or an external managed Redis.');
