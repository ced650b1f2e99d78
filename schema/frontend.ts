import { z } from 'zod';
import { statelessTierShape } from './stateless-tier.ts';

export const FrontendSection = z
  .strictObject({
    ...statelessTierShape({
      title: 'frontend (Next.js)',
      image: { repository: 'nexus/frontend', tag: '1.0.0' },
      containerPort: 3000,
      servicePort: 80,
      replicaCount: 3,
      resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
      probes: {
        liveness: { path: '/api/health', periodSeconds: 10 },
        readiness: { path: '/api/health', periodSeconds: 5 },
        startup: { path: '/api/health', periodSeconds: 5, failureThreshold: 30 },
      },
      autoscaling: { enabled: true, minReplicas: 3, maxReplicas: 15, targetCPUUtilizationPercentage: 70, targetMemoryUtilizationPercentage: 80 },
      env: { NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', PORT: '3000', HOSTNAME: '0.0.0.0' },
      writablePaths: { tmp: '/tmp', 'next-cache': '/app/.next/cache' },
      uid: 1001,
      // Next.js exports metrics through its instrumentation hook with the OpenTelemetry Prometheus
      // exporter, which serves its own port (9464 by default), not a page route.
      metrics: { enabled: true, port: 9464, path: '/metrics' },
      networkPolicy: { allowFrom: [], allowTo: [{ tier: 'backend' }] },
    }),
    apiBasePath: z.string().startsWith('/').default('/api').describe('Path under which the browser reaches the backend (through the gateway); rendered as `API_BASE_PATH`.'),
    backendUrl: z.string().default('').describe('URL server-side rendering uses to call the backend (`BACKEND_URL`); empty means `http://<release>-backend:8000`.'),
  })
  .prefault({})
  .describe('Frontend: the Next.js web application.');
