import { z } from 'zod';
import { resourceName, stringMap } from './primitives.ts';
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
        enabled: z.boolean().default(true).describe('Create KongPlugin rate limiting (when configuration.konghq.com/v1 is served, or forced).'),
        force: z.boolean().default(false).describe('Render the KongPlugin without detecting the API.'),
        perSecond: z.number().int().min(1).nullable().default(null).describe('Requests per second per client; null for no per-second limit.'),
        perMinute: z.number().int().min(1).default(600).describe('Requests per minute per client.'),
        perHour: z.number().int().min(1).nullable().default(null).describe('Requests per hour per client.'),
        policy: z.enum(['local', 'cluster', 'redis']).default('local').describe('Where Kong keeps the counters.'),
      })
      .prefault({})
      .describe('Rate limiting with Kong.'),
  })
  .prefault({})
  .describe('Gateway: Kong ingress (or Gateway API) with TLS and rate limiting.');
