/**
 * `.nexus-policy.yaml`: which policies run, at which severity, which objects are exempt, the Pod
 * Security level, and the settings some policies read. Validated with Zod; errors carry file:line:col.
 */
import { z } from 'zod';

const severity = z.enum(['error', 'warning', 'info']);
const pattern = z.string().min(1).describe('exact value, or a glob with `*`');

export const PolicyOverrideSchema = z.union([
  z.enum(['off', 'error', 'warning', 'info']).describe('`off` disables the policy; a severity enables it at that severity'),
  z.strictObject({ enabled: z.boolean().optional(), severity: severity.optional() }),
]);

export const ExemptionSchema = z
  .strictObject({
    policies: z.array(z.string().min(1)).min(1).describe('policy ids (or `*` for all) this exemption covers'),
    namespace: pattern.optional(),
    kind: pattern.optional(),
    name: pattern.optional(),
    container: pattern.optional().describe('only findings about this container'),
    reason: z.string().trim().min(1, 'an exemption needs a reason').describe('why the exemption is acceptable; shown in the report'),
  });

export const PolicyConfigSchema = z.strictObject({
  pss: z
    .strictObject({
      level: z.enum(['privileged', 'baseline', 'restricted']).optional(),
      version: z.string().regex(/^(latest|v?1\.\d+)$/, 'use `latest` or `v1.N`').optional(),
    })
    .optional(),
  environment: z.string().min(1).optional().describe('environment of the render (e.g. production); the CLI may override it'),
  settings: z
    .strictObject({
      requireCpuLimit: z.boolean().optional(),
      requireDigestIn: z.array(z.string().min(1)).optional(),
      forbidPlaintextSecretsIn: z.array(z.string().min(1)).optional(),
      externalSecrets: z.array(z.string().min(1)).optional(),
      externalConfigMaps: z.array(z.string().min(1)).optional(),
      externalPods: z
        .array(
          z.strictObject({
            namespace: pattern.optional().describe('namespace of the pods (default: any)'),
            labels: z.record(z.string(), z.string()).describe('labels the pods carry'),
          }),
        )
        .optional()
        .describe('pods deployed outside the render that NetworkPolicy selectors may name (e.g. a gateway installed by another release)'),
      externalServiceAccounts: z.array(z.string().min(1)).optional(),
      minReplicas: z.number().int().min(1).optional().describe('replicas a workload behind a Service or PodDisruptionBudget must run at least (replicas-minimum)'),
      singleReplicaAllowedIn: z.array(z.string().min(1)).optional().describe('environments whose renders may run single replicas (replicas-minimum)'),
      proxyDrainSeconds: z.number().int().min(0).optional().describe('seconds proxies need to stop routing to a terminating pod (graceful-shutdown)'),
      requireDatabaseTlsIn: z.array(z.string().min(1)).optional().describe('environments in which database connections must verify TLS (database-tls)'),
      haMinReplicas: z.number().int().min(2).optional(),
    })
    .optional(),
  policies: z.record(z.string(), PolicyOverrideSchema).optional(),
  exemptions: z.array(ExemptionSchema).optional(),
});

export type PolicyConfig = z.infer<typeof PolicyConfigSchema>;
export type Exemption = z.infer<typeof ExemptionSchema>;

// The plain parts (no Zod) live in config-defaults.ts, so that policies and the engine load without Zod.
export { DEFAULT_SETTINGS, globMatch } from './config-defaults.ts';

/** JSON Schema (draft-07) of `.nexus-policy.yaml`, for editors (`# yaml-language-server: $schema=…`). */
export function policyConfigJsonSchema(policyIds: readonly string[]): Record<string, unknown> {
  const schema = z.toJSONSchema(PolicyConfigSchema, { target: 'draft-7', io: 'input' }) as Record<string, unknown> & { properties?: Record<string, Record<string, unknown>> };
  // Policy ids are known statically: offer them for completion and reject typos.
  const policies = schema.properties?.policies;
  if (policies) {
    delete policies.additionalProperties;
    policies.propertyNames = { enum: [...policyIds].sort() };
    policies.additionalProperties = (PolicyOverrideJson ??= z.toJSONSchema(PolicyOverrideSchema, { target: 'draft-7', io: 'input' }) as Record<string, unknown>);
    delete (policies.additionalProperties as Record<string, unknown>).$schema;
  }
  return { ...schema, title: '.nexus-policy.yaml', description: 'Configuration of the nexus-charts policy engine (docs/policies.md).' };
}
let PolicyOverrideJson: Record<string, unknown> | undefined;
