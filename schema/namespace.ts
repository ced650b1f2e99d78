import { z } from 'zod';
import { quantity } from './primitives.ts';

const PSS_LEVELS = ['privileged', 'baseline', 'restricted'] as const;
const pssVersion = () =>
  z.string().regex(/^(latest|v1\.\d+)$/, { error: 'must be `latest` or a Kubernetes minor version such as `v1.36`' });

const resourceMap = (what: string, defaults: Record<string, string>) => z.record(z.string(), quantity()).default(defaults).describe(what);

export const NamespaceSection = z
  .strictObject({
    create: z.boolean().default(false).describe('Render the release namespace (`-n`) as a Namespace object with Pod Security Admission labels, plus a ResourceQuota and a LimitRange, for pipelines that apply the rendered manifests (`helm template | kubectl apply`, GitOps). The Namespace is kept on uninstall. `helm install` needs the namespace before the release: create and label it with kubectl (README) and leave this off; never combine it with `--create-namespace`.'),
    podSecurity: z
      .strictObject({
        enforce: z.enum(PSS_LEVELS).default('restricted').describe('Pod Security Admission level enforced on the namespace.'),
        enforceVersion: pssVersion().default('v1.36').describe('Pinned policy version for enforce, so a cluster upgrade cannot tighten it silently.'),
        audit: z.enum(PSS_LEVELS).default('restricted').describe('Level recorded in the audit log.'),
        auditVersion: pssVersion().default('v1.36').describe('Policy version for audit.'),
        warn: z.enum(PSS_LEVELS).default('restricted').describe('Level that makes the API server warn clients.'),
        warnVersion: pssVersion().default('v1.36').describe('Policy version for warn.'),
      })
      .prefault({})
      .describe('Pod Security Admission labels on the namespace.'),
    resourceQuota: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Create a ResourceQuota.'),
        hard: z
          .record(z.string(), quantity())
          .default({ 'requests.cpu': '16', 'requests.memory': '32Gi', 'limits.memory': '64Gi', pods: '100', persistentvolumeclaims: '20', 'requests.storage': '1Ti' })
          .describe('Hard limits of the quota (keys as in ResourceQuota `spec.hard`).'),
      })
      .prefault({})
      .describe('Namespace ResourceQuota.'),
    limitRange: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Create a LimitRange giving defaults to containers that set none.'),
        default: resourceMap('Default limits per container.', { memory: '512Mi' }),
        defaultRequest: resourceMap('Default requests per container.', { cpu: '100m', memory: '128Mi' }),
        max: resourceMap('Largest limits a container may set.', { cpu: '8', memory: '32Gi' }),
      })
      .prefault({})
      .describe('Namespace LimitRange.'),
  })
  .prefault({})
  .describe('The namespace: Pod Security Admission labels, quota and limits.');
