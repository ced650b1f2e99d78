/**
 * Cross-field rules that JSON Schema cannot express. They live only in Zod (values.schema.json cannot
 * enforce them, so Helm alone will not catch them); `nexus validate` runs them. docs/ lists them.
 */
import type { z } from 'zod';

type Issue = { path: (string | number)[]; message: string };
export interface CrossFieldRule<C> {
  id: string;
  description: string;
  check: (config: C) => Issue[];
}

const AUTOSCALED_TIERS = ['frontend', 'backend'] as const;
const EVICTING_VPA_MODES = new Set(['Recreate', 'InPlaceOrRecreate', 'Auto']);

interface ImageRef {
  tag: string;
  digest: string;
}
interface Autoscaled {
  enabled: boolean;
  autoscaling: {
    enabled: boolean;
    minReplicas: number;
    maxReplicas: number;
    targetCPUUtilizationPercentage: number | null;
    targetMemoryUtilizationPercentage: number | null;
  };
  vpa: { enabled: boolean; updateMode: string; controlledResources: string[] };
}
interface Pdb {
  minAvailable?: number | string | null;
  maxUnavailable?: number | string | null;
}

/** The subset of the parsed config the rules read (kept structural so rules.ts stays independent of index.ts). */
export interface RuleInput {
  global: { environment: string; domain: string };
  frontend: Autoscaled & { pdb: Pdb };
  backend: Autoscaled & { pdb: Pdb; database: { host: string; existingSecret: string; passwordKey: string }; redis: { host: string; existingSecret: string; passwordKey: string } };
  database: {
    enabled: boolean;
    auth: { existingSecret: string; password: string };
    backup: { enabled: boolean; encryption: { enabled: boolean; existingSecret: string }; objectStorage: { enabled: boolean; bucket: string; existingSecret: string } };
    restore: { enabled: boolean; existingSecret: string };
    tls: { enabled: boolean; existingSecret: string };
    pdb: Pdb;
    pgbouncer: { pdb: Pdb };
  };
  cache: { enabled: boolean; replicas: number; sentinel: { enabled: boolean; quorum: number }; auth: { enabled: boolean; existingSecret: string; password: string }; pdb: Pdb };
  gateway: { enabled: boolean; mode: string; host: string; tls: { enabled: boolean; existingSecret: string; certManager: { enabled: boolean } }; gatewayAPI: { gatewayName: string } };
  monitoring: { enabled: boolean; grafana: { enabled: boolean; admin: { existingSecret: string } } };
  security: { secrets: { allowGenerated: boolean } };
}

/** Every `{ tag, digest }` image in the config, with its path. */
function findImages(value: unknown, path: (string | number)[] = []): { path: (string | number)[]; image: ImageRef }[] {
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  if (typeof record.repository === 'string' && 'tag' in record && 'digest' in record) {
    return [{ path, image: record as unknown as ImageRef }];
  }
  return Object.entries(record).flatMap(([k, v]) => findImages(v, [...path, k]));
}

function pdbBoth(p: Pdb) {
  return p.minAvailable != null && p.maxUnavailable != null;
}

export const CROSS_FIELD_RULES: CrossFieldRule<RuleInput>[] = [
  {
    id: 'autoscaling-bounds',
    description: '`autoscaling.minReplicas` must not exceed `autoscaling.maxReplicas`.',
    check: (c) =>
      AUTOSCALED_TIERS.filter((t) => c[t].autoscaling.minReplicas > c[t].autoscaling.maxReplicas).map((t) => ({
        path: [t, 'autoscaling', 'minReplicas'],
        message: `minReplicas (${c[t].autoscaling.minReplicas}) must be <= maxReplicas (${c[t].autoscaling.maxReplicas})`,
      })),
  },
  {
    id: 'hpa-vpa-conflict',
    description: 'A VPA that evicts or resizes pods must not act on CPU/memory while the HPA scales on the same resource.',
    check: (c) =>
      AUTOSCALED_TIERS.flatMap((t) => {
        const { autoscaling: hpa, vpa } = c[t];
        if (!hpa.enabled || !vpa.enabled || !EVICTING_VPA_MODES.has(vpa.updateMode)) return [];
        const hpaResources = [hpa.targetCPUUtilizationPercentage != null && 'cpu', hpa.targetMemoryUtilizationPercentage != null && 'memory'].filter(Boolean);
        const overlap = vpa.controlledResources.filter((r) => hpaResources.includes(r));
        return overlap.length
          ? [{ path: [t, 'vpa', 'updateMode'], message: `VPA updateMode \`${vpa.updateMode}\` fights the HPA on ${overlap.join(' and ')}; use \`Off\` or \`Initial\`, or drop ${overlap.join('/')} from vpa.controlledResources` }]
          : [];
      }),
  },
  {
    id: 'pdb-one-of',
    description: 'A PDB sets `minAvailable` or `maxUnavailable`, not both.',
    check: (c) =>
      (
        [
          [['frontend', 'pdb'], c.frontend.pdb],
          [['backend', 'pdb'], c.backend.pdb],
          [['database', 'pdb'], c.database.pdb],
          [['database', 'pgbouncer', 'pdb'], c.database.pgbouncer.pdb],
          [['cache', 'pdb'], c.cache.pdb],
        ] as [string[], Pdb][]
      )
        .filter(([, p]) => pdbBoth(p))
        .map(([path]) => ({ path: [...path, 'maxUnavailable'], message: 'set either minAvailable or maxUnavailable, not both (set the other to null)' })),
  },
  {
    id: 'sentinel-quorum',
    description: 'The Sentinel quorum cannot exceed the number of Redis nodes.',
    check: (c) =>
      c.cache.enabled && c.cache.sentinel.enabled && c.cache.sentinel.quorum > c.cache.replicas
        ? [{ path: ['cache', 'sentinel', 'quorum'], message: `quorum (${c.cache.sentinel.quorum}) exceeds the number of nodes (${c.cache.replicas}); failover could never happen` }]
        : [],
  },
  {
    id: 'gateway-api-target',
    description: 'Gateway API mode needs the Gateway to attach to.',
    check: (c) =>
      c.gateway.enabled && c.gateway.mode === 'gatewayAPI' && !c.gateway.gatewayAPI.gatewayName
        ? [{ path: ['gateway', 'gatewayAPI', 'gatewayName'], message: 'mode is gatewayAPI: set gateway.gatewayAPI.gatewayName' }]
        : [],
  },
  {
    id: 'tls-secret',
    description: 'Database TLS needs the Secret holding the certificate.',
    check: (c) =>
      c.database.enabled && c.database.tls.enabled && !c.database.tls.existingSecret
        ? [{ path: ['database', 'tls', 'existingSecret'], message: 'database TLS is on: set database.tls.existingSecret' }]
        : [],
  },
  {
    id: 'backup-restore-targets',
    description: 'Object storage uploads need a bucket and credentials; restoring encrypted dumps needs the Secret with the private key.',
    check: (c) => {
      const d = c.database;
      if (!d.enabled) return [];
      const issues: Issue[] = [];
      const os = d.backup.objectStorage;
      if (d.backup.enabled && os.enabled && !os.bucket) issues.push({ path: ['database', 'backup', 'objectStorage', 'bucket'], message: 'object storage is on: set database.backup.objectStorage.bucket' });
      if (d.backup.enabled && os.enabled && !os.existingSecret) issues.push({ path: ['database', 'backup', 'objectStorage', 'existingSecret'], message: 'object storage is on: set database.backup.objectStorage.existingSecret to the Secret with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY' });
      if (d.restore.enabled && d.backup.encryption.enabled && !d.restore.existingSecret) issues.push({ path: ['database', 'restore', 'existingSecret'], message: 'the dumps are encrypted: set database.restore.existingSecret to the Secret with the private key' });
      return issues;
    },
  },
  {
    id: 'production-pinned-images',
    description: 'In production every image is pinned: a tag that is neither empty nor `latest`, or a digest.',
    check: (c) =>
      c.global.environment !== 'production'
        ? []
        : findImages(c)
            .filter(({ image }) => !image.digest && (image.tag === '' || image.tag === 'latest'))
            .map(({ path, image }) => ({ path: [...path, 'tag'], message: `production images must be pinned: tag \`${image.tag || '(empty)'}\` is not; use a version tag or a digest` })),
  },
  {
    id: 'production-no-inline-secrets',
    description: 'In production no password is inline and no Secret is generated; credentials come from existing Secrets.',
    check: (c) => {
      if (c.global.environment !== 'production') return [];
      const issues: Issue[] = [];
      if (c.database.auth.password) issues.push({ path: ['database', 'auth', 'password'], message: 'inline passwords are forbidden in production; put it in a Secret and set database.auth.existingSecret' });
      if (c.cache.auth.password) issues.push({ path: ['cache', 'auth', 'password'], message: 'inline passwords are forbidden in production; put it in a Secret and set cache.auth.existingSecret' });
      if (c.security.secrets.allowGenerated) issues.push({ path: ['security', 'secrets', 'allowGenerated'], message: 'generated Secrets are forbidden in production' });
      if (c.database.enabled && !c.database.auth.existingSecret) issues.push({ path: ['database', 'auth', 'existingSecret'], message: 'production needs database.auth.existingSecret' });
      if (c.cache.enabled && c.cache.auth.enabled && !c.cache.auth.existingSecret) issues.push({ path: ['cache', 'auth', 'existingSecret'], message: 'production needs cache.auth.existingSecret' });
      if (c.monitoring.enabled && c.monitoring.grafana.enabled && !c.monitoring.grafana.admin.existingSecret) issues.push({ path: ['monitoring', 'grafana', 'admin', 'existingSecret'], message: 'production needs monitoring.grafana.admin.existingSecret' });
      if (c.database.enabled && c.database.backup.enabled && c.database.backup.encryption.enabled && !c.database.backup.encryption.existingSecret) issues.push({ path: ['database', 'backup', 'encryption', 'existingSecret'], message: 'production backups are encrypted: set database.backup.encryption.existingSecret to the Secret with the public key' });
      return issues;
    },
  },
  {
    id: 'backend-credential-refs',
    description: 'The backend reads the database and Redis passwords from the same Secrets and keys the bundled database and cache tiers use.',
    check: (c) => {
      if (!c.backend.enabled) return [];
      const issues: Issue[] = [];
      const pairs = [
        { on: c.database.enabled && !c.backend.database.host, client: c.backend.database, clientPath: ['backend', 'database'], secret: c.database.auth.existingSecret, key: (c.database.auth as { userPasswordKey?: string }).userPasswordKey, tier: 'database.auth', fallback: '<release>-database' },
        { on: c.cache.enabled && c.cache.auth.enabled && !c.backend.redis.host, client: c.backend.redis, clientPath: ['backend', 'redis'], secret: c.cache.auth.existingSecret, key: (c.cache.auth as { passwordKey?: string }).passwordKey, tier: 'cache.auth', fallback: '<release>-cache' },
      ];
      for (const p of pairs) {
        if (!p.on) continue;
        const used = p.client.existingSecret || p.fallback;
        const expected = p.secret || p.fallback;
        if (used !== expected) issues.push({ path: [...p.clientPath, 'existingSecret'], message: `the backend reads \`${used}\` but ${p.tier}.existingSecret is \`${expected}\`; set ${p.clientPath.join('.')}.existingSecret: ${expected}` });
        else if (p.key && p.client.passwordKey !== p.key) issues.push({ path: [...p.clientPath, 'passwordKey'], message: `the backend reads key \`${p.client.passwordKey}\` but ${p.tier} stores the password under \`${p.key}\`` });
      }
      return issues;
    },
  },
  {
    id: 'production-domain',
    description: 'In production the gateway routes a real host name.',
    check: (c) =>
      c.global.environment === 'production' && c.gateway.enabled && !c.gateway.host && !c.global.domain
        ? [{ path: ['global', 'domain'], message: 'production needs global.domain (or gateway.host)' }]
        : [],
  },
];

export function applyCrossFieldRules(config: RuleInput, ctx: z.RefinementCtx): void {
  for (const rule of CROSS_FIELD_RULES) {
    for (const issue of rule.check(config)) {
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message, params: { rule: rule.id } });
    }
  }
}
