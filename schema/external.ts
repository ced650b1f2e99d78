/**
 * Pieces shared by the data tiers' `external` modes (a managed PostgreSQL or Redis outside the cluster).
 */
import { z } from 'zod';
import { CIDR } from './extensions.ts';

/**
 * Where the NetworkPolicies let the clients of an external service connect. A NetworkPolicy selects
 * addresses, never DNS names, so the service is reached by its port: to the listed CIDRs (the VPC
 * subnets of the managed service, or its private endpoint /32), or, when none are listed, to any
 * address on that port.
 */
export const externalEgress = (what: string) =>
  z
    .strictObject({
      cidrs: z
        .array(z.string().regex(CIDR, { error: 'must be a CIDR such as `10.0.0.0/8`' }))
        .default([])
        .describe(`CIDRs of ${what} (its subnets, or its private endpoint as a /32): the NetworkPolicies allow egress to them on its port only. Empty: egress on that port to any address (a NetworkPolicy cannot select a DNS name).`),
    })
    .prefault({})
    .describe(`NetworkPolicy egress to ${what}.`);
