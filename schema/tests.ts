import { z } from 'zod';
import { image, podSecurity, resources } from './workload.ts';

export const TestsSection = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Render `helm test` smoke-test hooks.'),
    // curl keeps one supported release; 8.10.1 (2024) missed two years of curl and Alpine fixes.
    image: image({ registry: 'docker.io', repository: 'curlimages/curl', tag: '8.22.0' }),
    resources: resources({ requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } }),
    podSecurityContext: podSecurity({ runAsUser: 100, runAsGroup: 101, fsGroup: 101 }),
    timeoutSeconds: z.number().int().min(1).default(10).describe('Timeout of each health request.'),
  })
  .prefault({})
  .describe('Smoke tests run by `helm test`.');
