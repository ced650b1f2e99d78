/**
 * TLS settings shared by the data tiers (database, cache): where the certificate comes from (an existing
 * Secret or a cert-manager `Certificate`, gated on its CRD) and which keys of the Secret hold what.
 */
import { z } from 'zod';

const goDuration = (example: string) => z.string().regex(/^(\d+h)?(\d+m)?(\d+s)?$/, { error: `must be a Go duration in hours/minutes/seconds such as \`${example}\`` });

/** cert-manager integration: a `Certificate` the chart renders while the cluster serves cert-manager.io/v1. */
export function certManagerSection(what: string) {
  return z
    .strictObject({
      enabled: z.boolean().default(false).describe(`Have cert-manager issue the certificate (${what}). Rendered while the cluster serves \`cert-manager.io/v1\`, or with \`force\`.`),
      issuer: z.string().default('').describe('Issuer name; use a CA issuer, so the Secret carries the `ca.crt` clients verify against.'),
      issuerKind: z.enum(['ClusterIssuer', 'Issuer']).default('Issuer').describe('Issuer kind.'),
      duration: goDuration('2160h').default('2160h').describe('Certificate lifetime.'),
      renewBefore: goDuration('360h').default('360h').describe('Renew this long before expiry.'),
      force: z.boolean().default(false).describe('Render the Certificate even when the cluster does not (yet) serve `cert-manager.io/v1` (helm template pipelines).'),
    })
    .prefault({})
    .describe('cert-manager integration (gated on its CRD).');
}

/** The Secret keys of a certificate, its key and the CA that signed it. */
export function tlsSecretKeys(caUse: string) {
  return {
    certKey: z.string().min(1).default('tls.crt').describe('Key of the certificate.'),
    keyKey: z.string().min(1).default('tls.key').describe('Key of the private key.'),
    caKey: z.string().min(1).default('ca.crt').describe(`Key of the CA certificate that signed it. ${caUse}`),
  };
}
