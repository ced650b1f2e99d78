import { z } from 'zod';
import { port, resourceName, stringMap } from './primitives.ts';
import { naming } from './workload.ts';

export const GatewaySection = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Expose the platform through the gateway.'),
    ...naming(),
    mode: z.enum(['ingress', 'gatewayAPI']).default('ingress').describe('`ingress`: a Kong Ingress; `gatewayAPI`: an HTTPRoute attached to an existing Gateway.'),
    host: z.string().default('').describe('Host name routed; empty uses `global.domain`.'),
    frontendPath: z.string().startsWith('/').default('/').describe('Path prefix routed to the frontend Service (dropped while the frontend is disabled).'),
    backendPath: z.string().startsWith('/').default('/api').describe('Path prefix routed to the backend Service (dropped while the backend is disabled).'),
    ingress: z
      .strictObject({
        className: z.string().min(1).default('kong').describe('IngressClass that serves the Ingress.'),
        annotations: stringMap().default({}).describe('Extra Ingress annotations.'),
      })
      .prefault({})
      .describe('Ingress settings (mode `ingress`).'),
    gatewayAPI: z
      .strictObject({
        gatewayName: z.string().default('').describe('Name of the Gateway the HTTPRoute attaches to.'),
        gatewayNamespace: z.string().default('').describe('Namespace of that Gateway; empty means the release namespace.'),
        sectionName: z.string().default('').describe('Listener of the Gateway to attach to; empty attaches to all.'),
      })
      .prefault({})
      .describe('Gateway API settings (mode `gatewayAPI`).'),
    tls: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Terminate TLS at the gateway.'),
        existingSecret: resourceName().default('').describe('Existing kubernetes.io/tls Secret. Empty means `<release>-gateway-tls`, which cert-manager creates when enabled (or you provide).'),
        certManager: z
          .strictObject({
            enabled: z.boolean().default(false).describe('Annotate the Ingress for cert-manager.'),
            issuer: z.string().default('letsencrypt-prod').describe('Issuer name.'),
            issuerKind: z.enum(['ClusterIssuer', 'Issuer']).default('ClusterIssuer').describe('Issuer kind.'),
          })
          .prefault({})
          .describe('cert-manager integration.'),
      })
      .prefault({})
      .describe('TLS at the edge.'),
    rateLimiting: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Create KongPlugin rate limiting (when configuration.konghq.com/v1 is served, or forced; in production always, so it is never left out silently: `false` is the explicit opt-out).'),
        force: z.boolean().default(false).describe('Render the KongPlugin without detecting the API.'),
        perSecond: z.number().int().min(1).nullable().default(null).describe('Requests per second per client; null for no per-second limit.'),
        perMinute: z.number().int().min(1).default(600).describe('Requests per minute per client.'),
        perHour: z.number().int().min(1).nullable().default(null).describe('Requests per hour per client.'),
        limitBy: z
          .enum(['ip', 'consumer', 'credential', 'header'])
          .default('ip')
          .describe(
            'What a "client" is. `ip`: the client address as Kong resolves it, which is the real client only when Kong trusts the proxies in front of it (Kong\'s `trusted_ips` and `real_ip_header`, see the README); otherwise every user behind a load balancer shares its address and its limit. `consumer` / `credential`: the Kong consumer (or credential) an authentication plugin identified. `header`: the value of `headerName` (e.g. an API key header checked upstream). Kong falls back to the IP when the consumer, credential or header is missing.',
          ),
        headerName: z.string().regex(/^$|^[A-Za-z0-9-]+$/, { error: 'must be an HTTP header name such as `X-Api-Key`' }).default('').describe('Header whose value identifies the client (`limitBy: header`).'),
        policy: z
          .enum(['local', 'cluster', 'redis'])
          .default('redis')
          .describe(
            'Where Kong keeps the counters. `redis` (default): in Redis (`redis`), shared by every Kong pod, so the limit holds globally; by default the platform\'s own Redis master (`<release>-cache-master`). `local`: in each Kong pod, so N pods allow N times the limit (and a client is counted per pod it lands on). `cluster`: in Kong\'s own database (not available in DB-less mode, the Kong ingress controller\'s default).',
          ),
        redis: z
          .strictObject({
            host: z.string().default('').describe('Redis host for `policy: redis`. It must reach the current master (a Kong pod writes the counters). Empty: the bundled cache\'s master-only Service `<release>-cache-master.<namespace>.svc` (`cache.masterService`; Kong runs in its own namespace); with `cache.mode: external`, set the managed primary endpoint (`cache.external.host`).'),
            port: port().default(6379).describe('Redis port.'),
            database: z.number().int().min(0).default(0).describe('Redis database number.'),
            ssl: z.boolean().default(false).describe('Connect with TLS. Must match `cache.tls.enabled` for the bundled cache (its master endpoint serves TLS only); required in production.'),
            sslVerify: z.boolean().default(true).describe('Verify the server certificate (with `ssl`; required in production). Kong\'s `lua_ssl_trusted_certificate` must hold its CA: for the bundled cache, the `ca.crt` of the cache\'s TLS Secret, mounted into Kong (see the README, "Rate limiting").'),
            serverName: z.string().default('').describe('Server name Kong sends (SNI) and checks the certificate against (with `ssl`; OpenResty checks the host name only against a server name). Empty: the default host while `host` is empty, i.e. `<release>-cache-master.<namespace>.svc`, which the cache certificate names; else none (chain only).'),
            timeoutMs: z.number().int().min(1).default(2000).describe('Connect, send and read timeout in milliseconds.'),
            existingSecret: resourceName().default('').describe('Secret with the Redis password (patched into the plugin by the Kong ingress controller, never written into the KongPlugin). Empty: the bundled cache\'s Secret `<release>-cache` while `host` is empty, else no password.'),
            passwordKey: z.string().min(1).default('redis-gateway-password').describe('Key of the password in that Secret (the bundled cache keeps the gateway user\'s under `cache.auth.gateway.passwordKey`).'),
            usernameKey: z.string().default('redis-gateway-username').describe('Key of the ACL user name in that Secret (patched into `/redis/username`; the bundled cache: `cache.auth.gateway.usernameKey`, a least-privilege user for the counters); empty: none, the password authenticates the `default` user.'),
          })
          .prefault({})
          .describe('Redis for `policy: redis`.'),
        faultTolerant: z.boolean().default(true).describe('Let requests through while the counter store is unreachable (false: answer 500 instead).'),
        hideClientHeaders: z.boolean().default(false).describe('Hide the `RateLimit-*` / `X-RateLimit-*` response headers.'),
      })
      .prefault({})
      .describe('Rate limiting with Kong.'),
  })
  .prefault({})
  .describe('Gateway: Kong ingress (or Gateway API) with TLS and rate limiting.');
