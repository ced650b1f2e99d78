import { z } from 'zod';
import { containerExtensions, diagnosticMode, placement, podExtensions, serviceSection } from './extensions.ts';
import { port, quantity, resourceName } from './primitives.ts';
import { externalEgress } from './external.ts';
import { certManagerSection, tlsSecretKeys } from './tls.ts';
import { accessModesField, CLAIM_TEMPLATE_SIZE_NOTE, exporterSidecar, image, naming, networkPolicy, pdb, podPlacement, podSecurity, resources, serviceAccount, storageClassField } from './workload.ts';

/** The ACL users the chart itself creates on every node; an application or gateway user cannot take these names. */
const CHART_ACL_USERS = ['default', 'admin', 'replication', 'sentinel', 'exporter', 'haproxy'];

/** A Redis ACL user name of the application or the gateway: a plain name, none of the chart's own users. */
const aclUserName = () =>
  z
    .string()
    .regex(/^[a-zA-Z0-9_.-]+$/, { error: 'must be an ACL user name (letters, digits, `_`, `.`, `-`)' })
    .refine((u) => !CHART_ACL_USERS.includes(u), { error: `is one of the chart's own users (${CHART_ACL_USERS.join(', ')})` });

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
        enabled: z.boolean().default(true).describe('ACL users on Redis and on Sentinel: the application logs in as the user its Secret names (`usernameKey`) with its password (clients pass both to Sentinel too, e.g. redis-py `sentinel_kwargs={"username": ..., "password": ...}`); `default` is off; Kong\'s rate-limiting counters use a user of their own (`gateway`); replication, Sentinel, redis_exporter and the chart\'s scripts log in as their own users (`replication`, `sentinel`, `exporter`, `admin`) with the internal password (`adminPasswordKey`); the master-only endpoint\'s role check logs in as `haproxy` (`haproxyPasswordKey`).'),
        existingSecret: resourceName().default('').describe('Existing Secret with the users and passwords (`usernameKey`, `passwordKey`, `adminPasswordKey`, `haproxyPasswordKey` while the master-only endpoint runs, and `gateway.usernameKey`/`gateway.passwordKey` when Kong keeps its counters here). Required in production.'),
        usernameKey: z.string().min(1).default('redis-username').describe('Key of the application\'s ACL user name in that Secret (the nodes, Sentinels and rotation Jobs read it there, and the backend sends it as REDIS_USERNAME: one source, so they cannot disagree). Not one of the chart\'s own users (default, admin, replication, sentinel, exporter, haproxy).'),
        passwordKey: z.string().min(1).default('redis-password').describe('Key of the application user\'s password.'),
        adminPasswordKey: z.string().min(1).default('redis-admin-password').describe('Key of the internal password (users `admin`, `replication`, `sentinel`, `exporter`): the application never reads it. Rotating it needs a restart of the nodes (not done by the rotation hooks).'),
        haproxyPasswordKey: z.string().min(1).default('redis-haproxy-password').describe('Key of the password of the user `haproxy`, which the master-only endpoint (`masterService` with Sentinel: an HAProxy Deployment) logs in as to ask each node its role: INFO replication and PING, nothing else, so HAProxy holds neither the application\'s nor the internal password. Needed in the Secret only while that endpoint runs; generated with the Secret the chart renders. Rotating it needs a restart of the nodes.'),
        password: z.string().default('').describe('Inline password of the application user, for local development only; forbidden in production (the internal password is then generated and kept).'),
        username: aclUserName()
          .default('nexus')
          .describe('Application user name written to the Secret the chart generates (no `existingSecret`, outside production); with `existingSecret`, that Secret\'s `usernameKey` names the user.'),
        gateway: z
          .strictObject({
            usernameKey: z.string().min(1).default('redis-gateway-username').describe('Key of the gateway user\'s name in the cache\'s Secret. The user exists on the Redis nodes (not on Sentinel: Kong talks to the master Service) only when the Secret holds both keys.'),
            passwordKey: z.string().min(1).default('redis-gateway-password').describe('Key of the gateway user\'s password in the cache\'s Secret.'),
            username: aclUserName()
              .default('kong')
              .describe('Gateway user name written to the Secret the chart generates (its password is generated and kept).'),
            aclRules: z
              .string()
              .min(1)
              .default('~ratelimit:* resetchannels -@all +select +eval +incr +incrby +expire +expireat +exists +info|server')
              .describe('ACL rules of the gateway user. The default is what Kong\'s `rate-limiting` plugin (policy `redis`, Kong 3.x) runs: AUTH, SELECT (a non-zero database), EVAL of its two scripts (INCR+EXPIRE per request; EXISTS+INCRBY+EXPIREAT when syncing batched counters), INFO server (the anonymous-report version probe), on its `ratelimit:*` keys only.'),
          })
          .prefault({})
          .describe('The ACL user of Kong\'s rate-limiting counters (`gateway.rateLimiting.policy: redis` on this cache): least privilege, its own password, rotated with the application\'s.'),
        aclRules: z
          .string()
          .min(1)
          .default('~* &* +@all -@dangerous +info +role')
          .describe('ACL rules of the application user on Redis. The default: every key and channel, every command except the `@dangerous` category (FLUSHALL, FLUSHDB, CONFIG, KEYS, DEBUG, SHUTDOWN, MONITOR, REPLICAOF, ACL, SAVE, MIGRATE, SORT, ...), but INFO and ROLE, which Sentinel-aware clients and health checks send.'),
        sentinelAclRules: z
          .string()
          .min(1)
          .default('-@all +ping +hello +auth +client|setname +role +sentinel|get-master-addr-by-name +sentinel|master +sentinel|sentinels +sentinel|replicas +subscribe +unsubscribe +psubscribe +punsubscribe allchannels')
          .describe('ACL rules of the application user on Sentinel: discover the master and follow `+switch-master`, never steer Sentinel (no SENTINEL FAILOVER, SET, RESET, REMOVE, CONFIG).'),
        rotateOnUpgrade: z
          .boolean()
          .default(true)
          .describe('Zero-downtime rotation of the application password at `helm upgrade` (change the Secret, then upgrade): a pre-upgrade hook Job adds the new password to the user (and the gateway user\'s new one to it) on every node and Sentinel (the old one keeps working while the application and Kong roll), a post-upgrade hook Job removes the old one after `rotationGraceSeconds`. Changing a user NAME is no rotation: it takes effect when the nodes restart. Use `helm upgrade --wait`, so the post-upgrade hook runs once the new pods are ready.'),
        rotationGraceSeconds: z.number().int().min(0).max(3600).default(90).describe('Seconds the post-upgrade rotation Job waits before removing the old password, so pods that still use it (terminating, or a rollout Helm does not wait for) drain first.'),
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
