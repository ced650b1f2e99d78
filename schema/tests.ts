import { z } from 'zod';
import { containerExtensions, placement } from './extensions.ts';
import { stringMap } from './primitives.ts';
import { image, podSecurity, resources } from './workload.ts';

/** The knobs a test Pod takes: env (proxies, CA bundles), placement, labels and annotations (e.g. no mesh sidecar). */
const { extraEnv, extraEnvFrom } = containerExtensions('smoke-test');

export const TestsSection = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Render `helm test` smoke-test hooks.'),
    // curl keeps one supported release; 8.10.1 (2024) missed two years of curl and Alpine fixes.
    image: image({ registry: 'docker.io', repository: 'curlimages/curl', tag: '8.22.0' }),
    resources: resources({ requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } }),
    podSecurityContext: podSecurity({ runAsUser: 100, runAsGroup: 101, fsGroup: 101 }),
    timeoutSeconds: z.number().int().min(1).default(10).describe('Timeout of each health request.'),
    extraEnv,
    extraEnvFrom,
    ...placement(),
    podLabels: stringMap().default({}).describe('Extra labels of the test Pods (never used in selectors; the chart\'s own labels win).'),
    podAnnotations: stringMap().default({}).describe('Extra annotations of the test Pods (e.g. `sidecar.istio.io/inject: "false"`, so a mesh sidecar does not keep a finished test Pod running); the `helm.sh/hook` annotations win.'),
  })
  .prefault({})
  .describe('Smoke tests run by `helm test`.');
