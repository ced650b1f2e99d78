import { z } from 'zod';
import { openObject, stringMap } from './primitives.ts';

export const ENVIRONMENTS = ['development', 'staging', 'production'] as const;

export const GlobalSection = z
  .strictObject({
    imageRegistry: z
      .string()
      .regex(/^$|^[^/\s]+(\/[^/\s]+)*\/?$/, { error: 'must be a registry host with an optional path, such as `mirror.example.com` or `mirror.example.com/proxy`' })
      .default('')
      .describe('Mirror every image is pulled from (an air-gapped copy or a pull-through cache), a host with an optional path. Empty: each image comes from its own `registry`. How an image\'s path is built under it is `imageRegistryMode`.'),
    imageRegistryMode: z
      .enum(['flat', 'path'])
      .default('flat')
      .describe('How `imageRegistry` lays images out. `flat`: one registry holds every repository, `<imageRegistry>/<repository>` (the image\'s own registry is dropped, as in Bitnami charts; `nexus images` lists what to copy). `path`: a mirror of many registries keeps each under its host, `<imageRegistry>/<registry>/<repository>` (Docker Hub images under `docker.io`), as a mirror that keeps every upstream under its host name does.'),
    imagePullSecrets: z.array(z.string().min(1)).default([]).describe('Names of existing docker-registry Secrets used to pull every image.'),
    environment: z.enum(ENVIRONMENTS).default('development').describe('Deployment environment. `production` turns on the strict rules: pinned images, no inline secrets.'),
    domain: z
      .string()
      .regex(/^$|^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/, { error: 'must be a DNS domain such as `nexus.example.com`' })
      .default('')
      .describe('Public DNS name of the platform; the gateway routes it.'),
    storageClass: z.string().default('').describe('StorageClass for every PVC that sets none; empty uses the cluster default. Set it before the first install: changing it later fails the upgrade (a PVC\'s class and a StatefulSet\'s volumeClaimTemplates are immutable).'),
    checkPrerequisites: z
      .boolean()
      .default(true)
      .describe('On a live cluster (`helm install`/`upgrade`; never under `helm template`), check every prerequisite the release references and does not create (Secrets with their keys, StorageClasses, IngressClass, cert-manager issuers, CRD APIs) before anything changes, and fail once listing everything missing. Needs `get` on those cluster-scoped kinds; set false for a deployer without it.'),
    secretReloader: z
      .enum(['none', 'auto', 'named'])
      .default('none')
      .describe(
        'Roll pods when a Secret changes BETWEEN upgrades (a rotated password, an ExternalSecret refresh), through Stakater Reloader or a compatible controller watching the workloads\' annotations. `none`: only `helm upgrade` rolls them (the `checksum/external-secrets` pod annotation, from the live Secrets). `auto`: `reloader.stakater.com/auto: "true"` on every workload (every Secret and ConfigMap its pods reference). `named`: `secret.reloader.stakater.com/reload` listing the Secrets the release does not render (existingSecret, ExternalSecret targets). Install Reloader first; the chart does not.',
      ),
    commonLabels: stringMap().default({}).describe('Labels added to every object (never to selectors).'),
    commonAnnotations: stringMap().default({}).describe('Annotations added to every object.'),
    metricsScrapers: z
      .array(openObject())
      .default([])
      .describe(
        'NetworkPolicy peers (`podSelector` and/or `namespaceSelector`) allowed to scrape the metrics ports of every tier. Empty: the bundled Prometheus of this release. Set it in monitoring operator mode to the operator-managed Prometheus, e.g. `[{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}, podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}}]`; the list replaces the bundled peer.',
      ),
    tiers: z
      .record(z.string(), z.strictObject({ installed: z.boolean() }))
      .optional()
      .describe('Set by Helm, never by hand: the umbrella imports each installed tier\'s `exports.tier` here (Chart.yaml `import-values`), e.g. `{logging: {installed: true}}`, so charts can tell which sibling tiers exist.'),
  })
  .prefault({})
  .describe('Settings shared by every chart (Helm passes `global` to all subcharts).');

export type GlobalConfig = z.infer<typeof GlobalSection>;
