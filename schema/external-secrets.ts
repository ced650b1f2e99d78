import { z } from 'zod';
import { openObject } from './primitives.ts';

const secretName = z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: 'must be a Secret name (DNS subdomain: lowercase letters, digits, `-`, `.`)' }).max(253);

const storeRef = z
  .strictObject({
    name: z.string().default('').describe('Name of the SecretStore or ClusterSecretStore (created by the platform team).'),
    kind: z.enum(['SecretStore', 'ClusterSecretStore']).default('ClusterSecretStore').describe('Kind of the store.'),
  })
  .describe('The External Secrets Operator store that holds the remote secrets.');

const remoteRef = z
  .strictObject({
    key: z.string().min(1).describe('Key (path, name) of the secret in the remote store.'),
    property: z.string().optional().describe('Property of a structured (JSON) remote secret.'),
    version: z.string().optional().describe('Version of the remote secret; empty takes the current one.'),
    decodingStrategy: z.enum(['None', 'Base64', 'Base64URL', 'Auto']).optional().describe('How the remote value is decoded.'),
  })
  .describe('Where one key of the Secret comes from.');

const externalSecret = z
  .strictObject({
    data: z
      .array(z.strictObject({ secretKey: z.string().min(1).describe('Key in the Secret (e.g. `password`).'), remoteRef }))
      .default([])
      .describe('One entry per key of the Secret.'),
    dataFrom: z.array(openObject()).default([]).describe('ESO `dataFrom` entries (`extract`, `find`), as ESO documents them: every key of a remote secret at once.'),
    type: z.string().default('').describe('Type of the Secret ESO writes (e.g. `kubernetes.io/tls`); empty: Opaque.'),
    refreshInterval: z.string().regex(/^$|^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/, { error: 'must be a Go duration such as `1h` or `15m`' }).default('').describe('Overrides externalSecrets.refreshInterval for this Secret.'),
    secretStoreRef: storeRef.partial().optional().describe('Overrides externalSecrets.secretStoreRef for this Secret.'),
  })
  .refine((s) => s.data.length > 0 || s.dataFrom.length > 0, { error: 'needs `data` or `dataFrom`' });

export const ExternalSecretsSection = z
  .strictObject({
    enabled: z.boolean().default(false).describe('Render an `ExternalSecret` (External Secrets Operator, external-secrets.io/v1) for every entry of `secrets`, instead of creating those Secrets by hand. The chart then expects them rather than checking that they exist before the install (ESO creates them right after).'),
    force: z.boolean().default(false).describe('Render them even when the cluster does not serve external-secrets.io/v1 (offline renders); otherwise the render fails with the reason.'),
    secretStoreRef: storeRef.prefault({}),
    refreshInterval: z.string().regex(/^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/, { error: 'must be a Go duration such as `1h` or `15m`' }).default('1h').describe('How often ESO re-reads the remote secrets. A changed value updates the Secret; pods pick it up at the next `helm upgrade` (their `checksum/external-secrets`), or at once with `global.secretReloader`.'),
    secrets: z
      .record(secretName, externalSecret)
      .default({})
      .describe('Secrets ESO writes, by the name the chart reads (the `existingSecret` values), e.g. `nexus-db-credentials: {data: [{secretKey: password, remoteRef: {key: nexus/prod/db, property: password}}, ...]}`.'),
  })
  .prefault({})
  .describe('Optional ExternalSecret objects: the credentials Secrets the chart reads, synchronised from a secret manager (Vault, AWS/GCP/Azure secret managers, ...) by the External Secrets Operator.');

export type ExternalSecretsConfig = z.infer<typeof ExternalSecretsSection>;
