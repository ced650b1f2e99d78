import { z } from 'zod';
import { port, stringMap } from './primitives.ts';

export const SecuritySection = z
  .strictObject({
    networkPolicies: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Render a default-deny NetworkPolicy for the release plus each tier\'s allow-list.'),
        dns: z
          .strictObject({
            namespaceLabels: stringMap().default({ 'kubernetes.io/metadata.name': 'kube-system' }).describe('Labels of the namespace that runs cluster DNS.'),
            podLabels: stringMap().default({ 'k8s-app': 'kube-dns' }).describe('Labels of the DNS pods.'),
            port: port().default(53).describe('DNS port (UDP and TCP).'),
          })
          .prefault({})
          .describe('Where pods may send DNS queries.'),
        ingressController: z
          .strictObject({
            namespaceLabels: stringMap().default({ 'kubernetes.io/metadata.name': 'kong' }).describe('Labels of the namespace that runs the ingress controller.'),
            podLabels: stringMap().default({}).describe('Labels of the ingress controller pods; empty allows every pod of that namespace.'),
          })
          .prefault({})
          .describe('Who may send external traffic to the frontend and backend.'),
        apiServerCIDRs: z.array(z.string()).default([]).describe('CIDRs of the Kubernetes API server, for tiers that talk to it (Prometheus discovery).'),
      })
      .prefault({})
      .describe('Network micro-segmentation.'),
    rbac: z
      .strictObject({
        create: z.boolean().default(true).describe('Create the namespaced Roles and RoleBindings tiers need (least privilege).'),
      })
      .prefault({})
      .describe('RBAC.'),
  })
  .prefault({})
  .describe('Security: network policies and RBAC.');
