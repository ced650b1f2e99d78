/**
 * Cross-field rules that JSON Schema cannot express, written once as data (schema/expr.ts) and
 * enforced twice: by the Zod refinement (`nexus validate`, findings `values/rule/<id>`) and by Helm
 * itself, through guards the generator compiles from the same checks (generator/rules-template.ts):
 * `helm install` fails with the same id, path and message.
 *
 * A check lands in the chart that owns the values it reads: one tier's values (plus `global`) → that
 * tier's subchart, where it applies only while the tier is enabled (a disabled subchart renders
 * nothing, so the Zod side gates it on `<tier>.enabled` too); values of several tiers → the umbrella.
 */
import type { z } from 'zod';
import { and, compactList, cond, eq, evaluate, gt, has, hasSuffix, imageRegistry, isSet, join, msg, mul, ne, not, oneOf, or, orDefault, pathsOf, renderMessage, truthy, value, type Expr, type Message, type Path } from './expr.ts';

export interface Check {
  /** Where the issue is reported (a values path). */
  path: Path;
  when: Expr;
  message: Message;
}

export interface CrossFieldRule {
  id: string;
  description: string;
  checks: (m: RuleModel) => Check[];
}

/** A check with its rule id and the chart that enforces it. */
export interface PlacedCheck extends Check {
  rule: string;
  /** `nexus` (the umbrella) or a tier subchart. */
  chart: string;
}

/** What the rules iterate over, read from the model's defaults (so a new tier or image is covered). */
export interface RuleModel {
  tiers: readonly string[];
  /** Tiers built by statelessTierShape (Deployment + HPA + VPA). */
  statelessTiers: string[];
  /** Every `{ registry, repository, tag, digest }` image, by path. */
  images: Path[];
  /** Images the user builds and hosts (a stateless tier's own image), as opposed to third-party ones. */
  applicationImages: Path[];
  /** Every PodDisruptionBudget section (`pdb: { enabled, minAvailable, maxUnavailable }`). */
  pdbs: Path[];
  /** Every diagnostic-mode switch (`diagnosticMode: { enabled, command, args }`, one per tier). */
  diagnosticModes: Path[];
}

function walk(value: unknown, path: string[], visit: (v: Record<string, unknown>, path: string[]) => boolean): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  const record = value as Record<string, unknown>;
  if (visit(record, path)) return;
  for (const [k, v] of Object.entries(record)) walk(v, [...path, k], visit);
}

export function ruleModel(defaults: Record<string, unknown>, tiers: readonly string[]): RuleModel {
  const images: Path[] = [];
  const pdbs: Path[] = [];
  const diagnosticModes: Path[] = [];
  walk(defaults, [], (v, path) => {
    if (typeof v.repository === 'string' && 'tag' in v && 'digest' in v) {
      images.push(path);
      return true;
    }
    if (path.at(-1) === 'pdb' && 'enabled' in v) {
      pdbs.push(path);
      return true;
    }
    if (path.at(-1) === 'diagnosticMode' && 'enabled' in v) {
      diagnosticModes.push(path);
      return true;
    }
    return false;
  });
  const statelessTiers = tiers.filter((t) => {
    const section = defaults[t] as Record<string, unknown> | undefined;
    return !!section && 'containerPort' in section && 'autoscaling' in section && 'vpa' in section;
  });
  return { tiers, statelessTiers, images, applicationImages: statelessTiers.map((t) => [t, 'image']), pdbs, diagnosticModes };
}

const EVICTING_VPA_MODES = ['Recreate', 'InPlaceOrRecreate', 'Auto'];
const bundledDb = eq(value('database', 'mode'), 'bundled');
const cnpg = eq(value('database', 'mode'), 'cloudnativepg');
const externalDb = and(value('database', 'enabled'), eq(value('database', 'mode'), 'external'));
/** The pg_dump CronJob runs: the bundled database, or a managed one dumped off-site. */
const dumpedDb = or(bundledDb, eq(value('database', 'mode'), 'external'));
const production = eq(value('global', 'environment'), 'production');
const bundledCache = eq(value('cache', 'mode'), 'bundled');
const externalCache = and(value('cache', 'enabled'), eq(value('cache', 'mode'), 'external'));
/** The gateway keeps its rate-limit counters in Redis. */
const gatewayRedis = and(value('gateway', 'enabled'), value('gateway', 'rateLimiting', 'enabled'), eq(value('gateway', 'rateLimiting', 'policy'), 'redis'));
const at = (path: Path, ...rest: string[]) => value(...path, ...rest);
/** Numbers differ (`ne` compares strings and booleans; Helm may read one side as int64, the other as float64). */
const differ = (a: Expr, b: Expr) => or(gt(a, b), gt(b, a));

export const CROSS_FIELD_RULES: CrossFieldRule[] = [
  {
    id: 'autoscaling-bounds',
    description: '`autoscaling.minReplicas` must not exceed `autoscaling.maxReplicas`.',
    checks: (m) =>
      m.statelessTiers.map((t) => ({
        path: [t, 'autoscaling', 'minReplicas'],
        when: gt(value(t, 'autoscaling', 'minReplicas'), value(t, 'autoscaling', 'maxReplicas')),
        message: msg`minReplicas (${value(t, 'autoscaling', 'minReplicas')}) must be <= maxReplicas (${value(t, 'autoscaling', 'maxReplicas')})`,
      })),
  },
  {
    id: 'hpa-vpa-conflict',
    description: 'A VPA that evicts or resizes pods must not act on CPU/memory while the HPA scales on the same resource.',
    checks: (m) =>
      m.statelessTiers.map((t) => {
        const controlled = value(t, 'vpa', 'controlledResources');
        const overlap = compactList(
          cond(and(has(controlled, 'cpu'), isSet(value(t, 'autoscaling', 'targetCPUUtilizationPercentage'))), 'cpu', ''),
          cond(and(has(controlled, 'memory'), isSet(value(t, 'autoscaling', 'targetMemoryUtilizationPercentage'))), 'memory', ''),
        );
        return {
          path: [t, 'vpa', 'updateMode'],
          when: and(value(t, 'autoscaling', 'enabled'), value(t, 'vpa', 'enabled'), oneOf(value(t, 'vpa', 'updateMode'), EVICTING_VPA_MODES), overlap),
          message: msg`VPA updateMode \`${value(t, 'vpa', 'updateMode')}\` fights the HPA on ${join(overlap, ' and ')}; use \`Off\` or \`Initial\`, or drop ${join(overlap, '/')} from vpa.controlledResources`,
        };
      }),
  },
  {
    id: 'pdb-one-of',
    description: 'A PDB sets `minAvailable` or `maxUnavailable`, not both.',
    checks: (m) =>
      m.pdbs.map((p) => ({
        path: [...p, 'maxUnavailable'],
        when: and(isSet(at(p, 'minAvailable')), isSet(at(p, 'maxUnavailable'))),
        message: msg`set either minAvailable or maxUnavailable, not both (set the other to null)`,
      })),
  },
  {
    id: 'sentinel-quorum',
    description: 'The Sentinel quorum cannot exceed the number of Redis nodes.',
    checks: () => [
      {
        path: ['cache', 'sentinel', 'quorum'],
        when: and(bundledCache, value('cache', 'sentinel', 'enabled'), gt(value('cache', 'sentinel', 'quorum'), value('cache', 'replicas'))),
        message: msg`quorum (${value('cache', 'sentinel', 'quorum')}) exceeds the number of nodes (${value('cache', 'replicas')}); failover could never happen`,
      },
    ],
  },
  {
    id: 'gateway-api-target',
    description: 'Gateway API mode needs the Gateway to attach to.',
    checks: () => [
      {
        path: ['gateway', 'gatewayAPI', 'gatewayName'],
        when: and(eq(value('gateway', 'mode'), 'gatewayAPI'), not(value('gateway', 'gatewayAPI', 'gatewayName'))),
        message: msg`mode is gatewayAPI: set gateway.gatewayAPI.gatewayName`,
      },
    ],
  },
  {
    id: 'tls-secret',
    description: 'Database and cache TLS need their certificate: an existing Secret, or cert-manager issuing one from a named issuer; a backend that verifies a CloudNativePG database names the Secret with its CA.',
    checks: () => [
      {
        path: ['database', 'tls', 'existingSecret'],
        when: and(bundledDb, value('database', 'tls', 'enabled'), not(value('database', 'tls', 'existingSecret')), not(value('database', 'tls', 'certManager', 'enabled'))),
        message: msg`database TLS is on: set database.tls.existingSecret, or database.tls.certManager.enabled=true with an issuer`,
      },
      {
        path: ['database', 'tls', 'certManager', 'issuer'],
        when: and(bundledDb, value('database', 'tls', 'enabled'), value('database', 'tls', 'certManager', 'enabled'), not(value('database', 'tls', 'certManager', 'issuer'))),
        message: msg`cert-manager issues the database certificate: set database.tls.certManager.issuer (a CA issuer, so the Secret carries ca.crt)`,
      },
      {
        // The backend's default CA Secret is the bundled database's (`<release>-database-tls`); the operator
        // keeps its CA elsewhere, and the backend chart cannot see the database mode.
        path: ['backend', 'database', 'caSecret'],
        when: and(cnpg, value('database', 'enabled'), value('backend', 'enabled'), oneOf(value('backend', 'database', 'sslMode'), ['verify-ca', 'verify-full']), not(value('backend', 'database', 'caSecret'))),
        message: msg`the backend verifies a CloudNativePG database: set backend.database.caSecret to the Secret with its CA: \`<release>-database-ca\` (database.cloudnativepg.tls.source operator) or \`<release>-database-server-tls\` (certManager)`,
      },
      {
        path: ['cache', 'tls', 'existingSecret'],
        when: and(value('cache', 'enabled'), bundledCache, value('cache', 'tls', 'enabled'), not(value('cache', 'tls', 'existingSecret')), not(value('cache', 'tls', 'certManager', 'enabled'))),
        message: msg`cache TLS is on: set cache.tls.existingSecret, or cache.tls.certManager.enabled=true with an issuer`,
      },
      {
        path: ['cache', 'tls', 'certManager', 'issuer'],
        when: and(value('cache', 'enabled'), bundledCache, value('cache', 'tls', 'enabled'), value('cache', 'tls', 'certManager', 'enabled'), not(value('cache', 'tls', 'certManager', 'issuer'))),
        message: msg`cert-manager issues the cache certificate: set cache.tls.certManager.issuer (a CA issuer, so the Secret carries ca.crt)`,
      },
    ],
  },
  {
    id: 'backup-restore-targets',
    description: 'Encrypted dumps need the Secret with the public key, object storage uploads a bucket and credentials, and restoring encrypted dumps the Secret with the private key.',
    checks: () => {
      const uploads = and(dumpedDb, value('database', 'backup', 'enabled'), value('database', 'backup', 'objectStorage', 'enabled'));
      return [
        {
          path: ['database', 'backup', 'encryption', 'existingSecret'],
          when: and(dumpedDb, value('database', 'backup', 'enabled'), value('database', 'backup', 'encryption', 'enabled'), not(value('database', 'backup', 'encryption', 'existingSecret'))),
          message: msg`backups are encrypted: set database.backup.encryption.existingSecret to the Secret with the public key`,
        },
        {
          path: ['database', 'backup', 'objectStorage', 'bucket'],
          when: and(uploads, not(value('database', 'backup', 'objectStorage', 'bucket'))),
          message: msg`object storage is on: set database.backup.objectStorage.bucket`,
        },
        {
          path: ['database', 'backup', 'objectStorage', 'existingSecret'],
          when: and(uploads, not(value('database', 'backup', 'objectStorage', 'existingSecret'))),
          message: msg`object storage is on: set database.backup.objectStorage.existingSecret to the Secret with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
        },
        {
          path: ['database', 'restore', 'existingSecret'],
          when: and(bundledDb, value('database', 'restore', 'requestId'), value('database', 'backup', 'encryption', 'enabled'), not(value('database', 'restore', 'existingSecret'))),
          message: msg`the dumps are encrypted: set database.restore.existingSecret to the Secret with the private key`,
        },
        {
          path: ['database', 'restore', 'source'],
          when: and(bundledDb, value('database', 'restore', 'requestId'), eq(value('database', 'restore', 'source'), 'objectStorage'), not(and(value('database', 'backup', 'enabled'), value('database', 'backup', 'objectStorage', 'enabled')))),
          message: msg`the restore reads the bucket: set database.backup.enabled=true and database.backup.objectStorage (enabled, bucket, existingSecret) to the store the backups were uploaded to, or database.restore.source=volume`,
        },
      ];
    },
  },
  {
    id: 'cloudnativepg',
    description: 'A CloudNativePG database (`database.mode: cloudnativepg`) archives to object storage while backups are on, takes the owner\'s password from a basic-auth Secret (`username`, `password`), keeps fewer synchronous standbys than instances, names its cert-manager issuer, names the source of an import or a recovery (one of them), and restores through the operator (a new Cluster bootstrapped from the backups), not the pg_dump restore Job.',
    checks: () => {
      const backups = and(cnpg, value('database', 'backup', 'enabled'));
      return [
        {
          path: ['database', 'backup', 'objectStorage', 'bucket'],
          when: and(backups, not(value('database', 'backup', 'objectStorage', 'bucket'))),
          message: msg`CloudNativePG archives WAL and base backups to object storage: set database.backup.objectStorage.bucket (e.g. \`nexus-backups/prod\`), or database.backup.enabled=false`,
        },
        {
          path: ['database', 'backup', 'objectStorage', 'existingSecret'],
          when: and(backups, not(value('database', 'backup', 'objectStorage', 'existingSecret'))),
          message: msg`CloudNativePG archives to object storage: set database.backup.objectStorage.existingSecret to the Secret with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
        },
        {
          path: ['database', 'auth', 'userPasswordKey'],
          when: and(cnpg, ne(value('database', 'auth', 'userPasswordKey'), 'password')),
          message: msg`CloudNativePG reads the owner's credentials from a kubernetes.io/basic-auth Secret, whose keys are \`username\` and \`password\`: set database.auth.userPasswordKey: password (and backend.database.passwordKey: password)`,
        },
        {
          path: ['database', 'cloudnativepg', 'synchronous', 'number'],
          when: and(cnpg, value('database', 'cloudnativepg', 'synchronous', 'enabled'), not(gt(value('database', 'cloudnativepg', 'instances'), value('database', 'cloudnativepg', 'synchronous', 'number')))),
          message: msg`${value('database', 'cloudnativepg', 'synchronous', 'number')} synchronous standbys need more than ${value('database', 'cloudnativepg', 'instances')} instances (the primary is not a standby): lower it or raise database.cloudnativepg.instances`,
        },
        {
          path: ['database', 'cloudnativepg', 'tls', 'issuer'],
          when: and(cnpg, eq(value('database', 'cloudnativepg', 'tls', 'source'), 'certManager'), not(value('database', 'cloudnativepg', 'tls', 'issuer'))),
          message: msg`tls.source is certManager: set database.cloudnativepg.tls.issuer to a CA issuer`,
        },
        ...(['host', 'existingSecret'] as const).map((field) => ({
          path: ['database', 'cloudnativepg', 'import', field],
          when: and(cnpg, value('database', 'cloudnativepg', 'import', 'enabled'), not(value('database', 'cloudnativepg', 'import', field))),
          message: msg`the import is on: set database.cloudnativepg.import.${field} (${field === 'host' ? 'the source PostgreSQL' : 'the Secret with the source user\'s password'})`,
        })),
        ...(['objectStore', 'serverName'] as const).map((field) => ({
          path: ['database', 'cloudnativepg', 'recovery', field],
          when: and(cnpg, value('database', 'cloudnativepg', 'recovery', 'enabled'), not(value('database', 'cloudnativepg', 'recovery', field))),
          message: msg`the recovery is on: set database.cloudnativepg.recovery.${field} (${field === 'objectStore' ? 'the ObjectStore with the source\'s backups' : 'the source Cluster\'s name'})`,
        })),
        {
          path: ['database', 'cloudnativepg', 'recovery', 'enabled'],
          when: and(cnpg, value('database', 'cloudnativepg', 'recovery', 'enabled'), value('database', 'cloudnativepg', 'import', 'enabled')),
          message: msg`a Cluster starts from a recovery or from an import, not both: turn one off`,
        },
        {
          path: ['database', 'restore', 'requestId'],
          when: and(cnpg, value('database', 'restore', 'requestId')),
          message: msg`the pg_dump restore Job is for bundled mode; a CloudNativePG database is restored by bootstrapping a new Cluster from its backups (README: "Recovering a CloudNativePG database")`,
        },
      ];
    },
  },
  {
    id: 'database-external',
    description: 'An external database (`database.mode: external`) names its host, the Secret with the application user\'s password and, for verify-ca/verify-full, the CA Secret; production verifies the host name (`verify-full`); the backend and its migrations connect to that host with the same database, user, Secret and sslmode; the pg_dump restore Job is for bundled mode.',
    checks: () => {
      const ext = (...p: string[]) => value('database', 'external', ...p);
      const be = (...p: string[]) => value('backend', 'database', ...p);
      const backend = and(value('backend', 'enabled'), externalDb);
      const migrations = and(backend, value('backend', 'migrations', 'enabled'));
      return [
        {
          path: ['database', 'external', 'host'],
          when: and(externalDb, not(ext('host'))),
          message: msg`database.mode is external: set database.external.host to the managed PostgreSQL's host name (the name on its certificate)`,
        },
        {
          path: ['database', 'auth', 'existingSecret'],
          when: and(externalDb, not(value('database', 'auth', 'existingSecret'))),
          message: msg`database.mode is external: set database.auth.existingSecret to the Secret with the password of database.auth.username (key database.auth.userPasswordKey)`,
        },
        {
          path: ['database', 'external', 'caSecret'],
          when: and(externalDb, oneOf(ext('sslMode'), ['verify-ca', 'verify-full']), not(ext('caSecret'))),
          message: msg`sslmode ${ext('sslMode')} verifies the server certificate: set database.external.caSecret to the Secret with the provider's CA bundle (e.g. the RDS regional bundle)`,
        },
        {
          path: ['database', 'external', 'sslMode'],
          when: and(production, externalDb, ne(ext('sslMode'), 'verify-full')),
          message: msg`production verifies the managed database's certificate and host name: set database.external.sslMode: verify-full`,
        },
        {
          path: ['database', 'restore', 'requestId'],
          when: and(externalDb, value('database', 'restore', 'requestId')),
          message: msg`the pg_dump restore Job is for bundled mode; restore a managed database with its provider's point-in-time restore, or pg_restore a dump from the backup volume into it`,
        },
        {
          path: ['backend', 'database', 'host'],
          when: and(backend, ne(be('host'), ext('host'))),
          message: msg`database.mode is external: the backend must connect to it: set backend.database.host: ${ext('host')}`,
        },
        {
          path: ['backend', 'database', 'port'],
          when: and(backend, differ(be('port'), ext('port'))),
          message: msg`the backend connects on port ${be('port')} but database.external.port is ${ext('port')}: set backend.database.port: ${ext('port')}`,
        },
        ...(
          [
            ['name', value('database', 'auth', 'database'), 'database.auth.database'],
            ['user', value('database', 'auth', 'username'), 'database.auth.username'],
            ['existingSecret', value('database', 'auth', 'existingSecret'), 'database.auth.existingSecret'],
            ['passwordKey', value('database', 'auth', 'userPasswordKey'), 'database.auth.userPasswordKey'],
            ['sslMode', ext('sslMode'), 'database.external.sslMode'],
            ['caKey', ext('caKey'), 'database.external.caKey'],
          ] as const
        ).map(([k, expected, source]) => ({
          path: ['backend', 'database', k],
          when: and(backend, ne(be(k), expected)),
          message: msg`the backend uses ${k} \`${be(k)}\` but ${source} is \`${expected}\`; set backend.database.${k}: ${expected}`,
        })),
        {
          // The backend mounts the CA it verifies the server with (backend.database.caSecret, empty = the bundled database's `<release>-database-tls`).
          path: ['backend', 'database', 'caSecret'],
          when: and(backend, oneOf(ext('sslMode'), ['verify-ca', 'verify-full']), ne(be('caSecret'), ext('caSecret'))),
          message: msg`the backend verifies the managed database with the CA in \`${orDefault(be('caSecret'), '<release>-database-tls')}\` but database.external.caSecret is \`${ext('caSecret')}\`; set backend.database.caSecret: ${ext('caSecret')}`,
        },
        {
          path: ['backend', 'migrations', 'database', 'host'],
          when: and(migrations, value('backend', 'migrations', 'database', 'host'), ne(value('backend', 'migrations', 'database', 'host'), ext('host'))),
          message: msg`the migrations connect to \`${value('backend', 'migrations', 'database', 'host')}\`, not the external database \`${ext('host')}\`: leave backend.migrations.database.host empty (it follows backend.database.host)`,
        },
        {
          path: ['backend', 'migrations', 'database', 'port'],
          when: and(migrations, differ(value('backend', 'migrations', 'database', 'port'), ext('port'))),
          message: msg`the migrations connect on port ${value('backend', 'migrations', 'database', 'port')} but database.external.port is ${ext('port')}`,
        },
      ];
    },
  },
  {
    id: 'gateway-rate-limit-targets',
    description: 'Rate limiting by header names the header.',
    checks: () => [
      {
        path: ['gateway', 'rateLimiting', 'headerName'],
        when: and(value('gateway', 'rateLimiting', 'enabled'), eq(value('gateway', 'rateLimiting', 'limitBy'), 'header'), not(value('gateway', 'rateLimiting', 'headerName'))),
        message: msg`limitBy is header: set gateway.rateLimiting.headerName (e.g. \`X-Api-Key\`)`,
      },
    ],
  },
  {
    id: 'gateway-redis-target',
    description: 'With `policy: redis` and no `redis.host`, Kong keeps its counters in the bundled cache\'s master-only Service (`<release>-cache-master`): the cache runs in bundled mode with `masterService` on, on the same port, and Kong logs in as the cache\'s gateway user (`cache.auth.gateway`: its name and password keys in the cache\'s Secret); with cache TLS, Kong connects with TLS (`redis.ssl`) and the cache does not demand client certificates, which Kong cannot present. With an external cache, `redis.host` names its primary endpoint.',
    checks: () => {
      const rl = (...p: string[]) => value('gateway', 'rateLimiting', ...p);
      const bundled = and(gatewayRedis, not(rl('redis', 'host')));
      const toCache = and(bundled, value('cache', 'enabled'), bundledCache);
      const used = orDefault(rl('redis', 'existingSecret'), '<release>-cache');
      const expected = orDefault(value('cache', 'auth', 'existingSecret'), '<release>-cache');
      return [
        {
          path: ['gateway', 'rateLimiting', 'redis', 'host'],
          when: and(bundled, not(value('cache', 'enabled'))),
          message: msg`policy is redis and redis.host is empty, so Kong would use the bundled cache's master Service, but the cache tier is disabled: set gateway.rateLimiting.redis.host to a Redis endpoint that always reaches the master (a managed primary endpoint), or policy: local`,
        },
        {
          path: ['gateway', 'rateLimiting', 'redis', 'host'],
          when: and(bundled, externalCache),
          message: msg`cache.mode is external: set gateway.rateLimiting.redis.host to its primary endpoint \`${value('cache', 'external', 'host')}\` (with redis.ssl and redis.existingSecret as the backend uses them)`,
        },
        {
          path: ['cache', 'masterService', 'enabled'],
          when: and(toCache, not(value('cache', 'masterService', 'enabled'))),
          message: msg`the gateway keeps its rate-limit counters in the bundled cache's master-only Service (gateway.rateLimiting.policy redis, no redis.host): set cache.masterService.enabled=true, or name another Redis in gateway.rateLimiting.redis.host`,
        },
        {
          path: ['gateway', 'rateLimiting', 'redis', 'port'],
          when: and(toCache, differ(rl('redis', 'port'), value('cache', 'masterService', 'port'))),
          message: msg`the gateway connects to the cache's master Service on port ${rl('redis', 'port')} but it listens on ${value('cache', 'masterService', 'port')}`,
        },
        {
          // The master endpoint serves TLS exactly when the cache does (HAProxy terminates it, or Redis itself without Sentinel).
          path: ['gateway', 'rateLimiting', 'redis', 'ssl'],
          when: and(toCache, ne(rl('redis', 'ssl'), value('cache', 'tls', 'enabled'))),
          message: msg`cache.tls.enabled is ${value('cache', 'tls', 'enabled')} but gateway.rateLimiting.redis.ssl is ${rl('redis', 'ssl')}: the cache's master Service serves ${cond(value('cache', 'tls', 'enabled'), 'TLS only', 'plaintext only')}; set gateway.rateLimiting.redis.ssl: ${value('cache', 'tls', 'enabled')}`,
        },
        {
          path: ['cache', 'tls', 'authClients'],
          when: and(toCache, value('cache', 'tls', 'enabled'), eq(value('cache', 'tls', 'authClients'), 'yes')),
          message: msg`Kong's rate-limiting plugin cannot present a client certificate, and with cache.tls.authClients yes the master endpoint asks every client for one: set cache.tls.authClients: optional, or keep Kong's counters elsewhere (gateway.rateLimiting.redis.host, or policy local)`,
        },
        {
          path: ['cache', 'auth', 'enabled'],
          when: and(toCache, not(value('cache', 'auth', 'enabled')), not(rl('redis', 'existingSecret'))),
          message: msg`the gateway reads the cache's password from \`<release>-cache\`, which the cache creates only with auth on: set cache.auth.enabled=true`,
        },
        {
          path: ['gateway', 'rateLimiting', 'redis', 'existingSecret'],
          when: and(toCache, value('cache', 'auth', 'enabled'), ne(used, expected)),
          message: msg`Kong reads the Redis password from \`${used}\` but cache.auth.existingSecret is \`${expected}\`; set gateway.rateLimiting.redis.existingSecret: ${expected}`,
        },
        {
          path: ['gateway', 'rateLimiting', 'redis', 'passwordKey'],
          when: and(toCache, value('cache', 'auth', 'enabled'), eq(used, expected), ne(rl('redis', 'passwordKey'), value('cache', 'auth', 'gateway', 'passwordKey'))),
          message: msg`Kong reads key \`${rl('redis', 'passwordKey')}\` but cache.auth.gateway stores the gateway user's password under \`${value('cache', 'auth', 'gateway', 'passwordKey')}\`; set gateway.rateLimiting.redis.passwordKey: ${value('cache', 'auth', 'gateway', 'passwordKey')}`,
        },
        {
          path: ['gateway', 'rateLimiting', 'redis', 'usernameKey'],
          when: and(toCache, value('cache', 'auth', 'enabled'), eq(used, expected), ne(rl('redis', 'usernameKey'), value('cache', 'auth', 'gateway', 'usernameKey'))),
          message: msg`Kong reads its Redis user name under key \`${rl('redis', 'usernameKey')}\` but cache.auth.gateway keeps the gateway user's name under \`${value('cache', 'auth', 'gateway', 'usernameKey')}\` (the \`default\` user is off); set gateway.rateLimiting.redis.usernameKey: ${value('cache', 'auth', 'gateway', 'usernameKey')}`,
        },
      ];
    },
  },
  {
    id: 'loadtest-targets',
    description: 'Every target the load test loads has a URL: its own `url`, or the one the chart derives (the gateway: `gateway.enabled` with `gateway.host` or `global.domain`; the backend: `backend.enabled`, its Service).',
    checks: () => {
      const lt = (...p: string[]) => value('loadtest', ...p);
      return [
        {
          path: ['loadtest', 'targets', 'gateway', 'url'],
          when: and(lt('enabled'), lt('targets', 'gateway', 'enabled'), not(lt('targets', 'gateway', 'url')), or(not(value('gateway', 'enabled')), and(not(value('gateway', 'host')), not(value('global', 'domain'))))),
          message: msg`no URL to load (the gateway is disabled or routes no host: gateway.host and global.domain are empty); set loadtest.targets.gateway.url, or loadtest.targets.gateway.enabled=false`,
        },
        {
          path: ['loadtest', 'targets', 'backend', 'url'],
          when: and(lt('enabled'), lt('targets', 'backend', 'enabled'), not(lt('targets', 'backend', 'url')), not(value('backend', 'enabled'))),
          message: msg`the backend is disabled, so there is no backend Service to load; set loadtest.targets.backend.url, or loadtest.targets.backend.enabled=false`,
        },
      ];
    },
  },
  {
    id: 'loadtest-gateway-limit',
    description: 'The load test and the gateway limits agree. A k6 Pod is one client to Kong: while it loads the gateway (`loadtest.targets.gateway` with its derived URL) and the gateway rate-limits, it identifies as its own Kong consumer with its own limit (`loadtest.gatewayClient`, a key-auth key from a Secret) at least `loadtest.api.targetRate`; without that consumer the per-client limit must itself allow the target rate.',
    checks: () => {
      const lt = (...p: string[]) => value('loadtest', ...p);
      const rl = (...p: string[]) => value('gateway', 'rateLimiting', ...p);
      const throughGateway = and(lt('enabled'), lt('targets', 'gateway', 'enabled'), not(lt('targets', 'gateway', 'url')), value('gateway', 'enabled'), rl('enabled'));
      const consumer = and(throughGateway, lt('gatewayClient', 'enabled'));
      const rate = lt('api', 'targetRate');
      // The per-client limit in each window Kong counts, against the target rate over that window.
      const below = or(and(isSet(rl('perSecond')), gt(rate, rl('perSecond'))), gt(mul(rate, 60), rl('perMinute')), and(isSet(rl('perHour')), gt(mul(rate, 3600), rl('perHour'))));
      return [
        {
          path: ['loadtest', 'gatewayClient', 'existingSecret'],
          when: and(consumer, not(lt('gatewayClient', 'existingSecret'))),
          message: msg`the load test goes through the rate-limited gateway as its own Kong consumer: set loadtest.gatewayClient.existingSecret to a Secret with its API key in \`key\`, labelled konghq.com/credential=key-auth (or load the backend only: loadtest.targets.gateway.enabled=false)`,
        },
        {
          path: ['loadtest', 'gatewayClient', 'perSecond'],
          when: and(consumer, isSet(lt('gatewayClient', 'perSecond')), gt(rate, lt('gatewayClient', 'perSecond'))),
          message: msg`the load generator's own limit (${lt('gatewayClient', 'perSecond')}/s) is below loadtest.api.targetRate (${rate}/s): raise it or leave it null (twice the target rate)`,
        },
        {
          path: ['loadtest', 'gatewayClient', 'enabled'],
          when: and(throughGateway, not(lt('gatewayClient', 'enabled')), below),
          message: msg`the k6 Pod is one client to the gateway, whose per-client limit (gateway.rateLimiting: ${rl('perMinute')}/min, and perSecond/perHour when set) is below loadtest.api.targetRate ${rate}/s: it would be answered 429. Turn loadtest.gatewayClient on (its own Kong consumer and limit), load the backend only (loadtest.targets.gateway.enabled=false), or raise the per-client limit`,
        },
      ];
    },
  },
  {
    id: 'cache-external',
    description: 'An external cache (`cache.mode: external`) names its primary endpoint and the Secret with its credentials, and is reached over TLS in production; the backend connects to that endpoint directly (no Sentinel) with the same TLS, CA and credentials.',
    checks: () => {
      const ext = (...p: string[]) => value('cache', 'external', ...p);
      const be = (...p: string[]) => value('backend', 'redis', ...p);
      const backend = and(value('backend', 'enabled'), externalCache);
      return [
        {
          path: ['cache', 'external', 'host'],
          when: and(externalCache, not(ext('host'))),
          message: msg`cache.mode is external: set cache.external.host to the managed Redis's primary endpoint`,
        },
        {
          path: ['cache', 'external', 'auth', 'existingSecret'],
          when: and(externalCache, not(ext('auth', 'existingSecret'))),
          message: msg`cache.mode is external: set cache.external.auth.existingSecret to the Secret with the Redis password (AUTH token or ACL user's password)`,
        },
        {
          path: ['cache', 'external', 'tls', 'enabled'],
          when: and(production, externalCache, not(ext('tls', 'enabled'))),
          message: msg`production reaches a managed Redis over TLS: set cache.external.tls.enabled=true (and tls.caSecret to its CA)`,
        },
        {
          path: ['backend', 'redis', 'host'],
          when: and(backend, ne(be('host'), ext('host'))),
          message: msg`cache.mode is external: the backend must connect to it: set backend.redis.host: ${ext('host')}`,
        },
        {
          path: ['backend', 'redis', 'port'],
          when: and(backend, differ(be('port'), ext('port'))),
          message: msg`the backend connects to Redis on port ${be('port')} but cache.external.port is ${ext('port')}`,
        },
        {
          path: ['backend', 'redis', 'sentinel', 'enabled'],
          when: and(backend, be('sentinel', 'enabled')),
          message: msg`a managed Redis's primary endpoint is not a Sentinel: set backend.redis.sentinel.enabled=false`,
        },
        {
          path: ['backend', 'redis', 'tls', 'enabled'],
          when: and(backend, ne(be('tls', 'enabled'), ext('tls', 'enabled'))),
          message: msg`cache.external.tls.enabled is ${ext('tls', 'enabled')} but backend.redis.tls.enabled is ${be('tls', 'enabled')}: set backend.redis.tls.enabled: ${ext('tls', 'enabled')}`,
        },
        ...(['caSecret', 'caKey'] as const).map((k) => ({
          path: ['backend', 'redis', 'tls', k],
          when: and(backend, ext('tls', 'enabled'), ne(be('tls', k), ext('tls', k))),
          message: msg`the backend verifies Redis with \`${be('tls', k)}\` but cache.external.tls.${k} is \`${ext('tls', k)}\`; set backend.redis.tls.${k}: ${ext('tls', k)}`,
        })),
        ...(['existingSecret', 'passwordKey', 'usernameKey'] as const).map((k) => ({
          path: ['backend', 'redis', k],
          when: and(backend, ne(be(k), ext('auth', k))),
          message: msg`the backend reads Redis credentials with ${k} \`${be(k)}\` but cache.external.auth.${k} is \`${ext('auth', k)}\`; set backend.redis.${k}: ${ext('auth', k)}`,
        })),
      ];
    },
  },
  {
    id: 'production-pinned-images',
    description: 'In production every image is pinned: a tag that is neither empty nor `latest`, or a digest.',
    checks: (m) =>
      m.images.map((i) => ({
        path: [...i, 'tag'],
        when: and(production, not(at(i, 'digest')), or(not(at(i, 'tag')), eq(at(i, 'tag'), 'latest'))),
        message: msg`production images must be pinned: tag \`${orDefault(at(i, 'tag'), '(empty)')}\` is not; use a version tag or a digest`,
      })),
  },
  {
    id: 'production-offsite-backups',
    description: 'In production the backups leave the cluster: every dump is uploaded to object storage (bundled and external modes; CloudNativePG archives there by design), so losing the cluster, its volumes or its region loses no backup.',
    checks: () => [
      {
        path: ['database', 'backup', 'objectStorage', 'enabled'],
        when: and(production, dumpedDb, value('database', 'backup', 'enabled'), not(value('database', 'backup', 'objectStorage', 'enabled'))),
        message: msg`production backups must leave the cluster: set database.backup.objectStorage.enabled=true with its bucket and existingSecret (a backup volume in the same cluster is lost with it)`,
      },
    ],
  },
  {
    id: 'production-encrypted-backups',
    description: 'In production every dump is encrypted before it leaves the backup pod (bundled and external modes; CloudNativePG\'s physical backups are encrypted by the object store).',
    checks: () => [
      {
        path: ['database', 'backup', 'encryption', 'enabled'],
        when: and(production, dumpedDb, value('database', 'backup', 'enabled'), not(value('database', 'backup', 'encryption', 'enabled'))),
        message: msg`production backups must be encrypted: set database.backup.encryption.enabled=true and database.backup.encryption.existingSecret to the Secret with the public key`,
      },
    ],
  },
  {
    id: 'production-application-images',
    description: 'In production the application images (the ones you build) come from a registry you name, never from the placeholder or an implicit Docker Hub: their own `registry`, or a `global.imageRegistry` in `flat` mode (which replaces it; `path` mode keeps it in the pulled path).',
    checks: (m) =>
      m.applicationImages.map((i) => {
        const registry = imageRegistry(i);
        const flatMirror = and(value('global', 'imageRegistry'), ne(value('global', 'imageRegistryMode'), 'path'));
        return {
          path: [...i, 'registry'],
          when: and(production, not(flatMirror), or(not(registry), hasSuffix(registry, '.invalid'))),
          message: msg`${i.join('.')} is an application image (you build and host it) and production would pull it from \`${orDefault(registry, 'Docker Hub')}\`: set ${i.join('.')}.registry to the registry that hosts it (a path-style global.imageRegistry keeps that name in the pulled path; a flat one replaces it)`,
        };
      }),
  },
  {
    id: 'production-no-diagnostic-mode',
    description: 'Production never runs a tier in diagnostic mode: its main containers would sleep instead of serving, with no probes, so the tier is down while Kubernetes reports it running.',
    checks: (m) =>
      m.diagnosticModes.map((d) => ({
        path: [...d, 'enabled'],
        when: and(production, at(d, 'enabled')),
        message: msg`diagnostic mode replaces the ${d[0]!} containers' process with \`${join(at(d, 'command'), ' ')} ${join(at(d, 'args'), ' ')}\` and turns their probes off, so nothing serves: set ${d.join('.')}.enabled=false in production (debug a copy in another environment, or with \`kubectl debug\`)`,
      })),
  },
  {
    id: 'production-no-inline-secrets',
    description: 'In production no password is inline and no Secret is generated (outside production the charts generate what is missing); credentials come from existing Secrets.',
    checks: () => [
      {
        path: ['database', 'auth', 'password'],
        when: and(production, value('database', 'auth', 'password')),
        message: msg`inline passwords are forbidden in production; put it in a Secret and set database.auth.existingSecret`,
      },
      {
        path: ['cache', 'auth', 'password'],
        when: and(production, value('cache', 'auth', 'password')),
        message: msg`inline passwords are forbidden in production; put it in a Secret and set cache.auth.existingSecret`,
      },
      {
        path: ['database', 'auth', 'existingSecret'],
        when: and(production, not(value('database', 'auth', 'existingSecret'))),
        message: msg`production needs database.auth.existingSecret`,
      },
      {
        path: ['cache', 'auth', 'existingSecret'],
        when: and(production, bundledCache, value('cache', 'auth', 'enabled'), not(value('cache', 'auth', 'existingSecret'))),
        message: msg`production needs cache.auth.existingSecret`,
      },
      {
        path: ['monitoring', 'grafana', 'admin', 'existingSecret'],
        when: and(production, value('monitoring', 'grafana', 'enabled'), not(value('monitoring', 'grafana', 'admin', 'existingSecret'))),
        message: msg`production needs monitoring.grafana.admin.existingSecret`,
      },
    ],
  },
  {
    id: 'backend-credential-refs',
    description: 'The backend reads the database and Redis passwords (and the Redis ACL user name) from the same Secrets and keys the bundled database and cache tiers use.',
    checks: () =>
      [
        { client: 'database', tier: 'database', on: value('database', 'enabled'), tierKey: value('database', 'auth', 'userPasswordKey') },
        { client: 'redis', tier: 'cache', on: and(value('cache', 'enabled'), bundledCache, value('cache', 'auth', 'enabled')), tierKey: value('cache', 'auth', 'passwordKey') },
      ].flatMap(({ client, tier, on, tierKey }) => {
        const fallback = `<release>-${tier}`;
        const applies = and(value('backend', 'enabled'), on, not(value('backend', client, 'host')));
        const used = orDefault(value('backend', client, 'existingSecret'), fallback);
        const expected = orDefault(value(tier, 'auth', 'existingSecret'), fallback);
        return [
          {
            path: ['backend', client, 'existingSecret'],
            when: and(applies, ne(used, expected)),
            message: msg`the backend reads \`${used}\` but ${tier}.auth.existingSecret is \`${expected}\`; set backend.${client}.existingSecret: ${expected}`,
          },
          {
            path: ['backend', client, 'passwordKey'],
            when: and(applies, eq(used, expected), ne(value('backend', client, 'passwordKey'), tierKey)),
            message: msg`the backend reads key \`${value('backend', client, 'passwordKey')}\` but ${tier}.auth stores the password under \`${tierKey}\``,
          },
          ...(client === 'redis'
            ? [
                {
                  path: ['backend', 'redis', 'usernameKey'],
                  when: and(applies, eq(used, expected), ne(value('backend', 'redis', 'usernameKey'), value('cache', 'auth', 'usernameKey'))),
                  message: msg`the backend reads its Redis user name (REDIS_USERNAME) under key \`${value('backend', 'redis', 'usernameKey')}\` but cache.auth keeps the application user's name under \`${value('cache', 'auth', 'usernameKey')}\`; set backend.redis.usernameKey: ${value('cache', 'auth', 'usernameKey')}`,
                },
              ]
            : []),
        ];
      }),
  },
  {
    id: 'backend-redis-discovery',
    description: 'The backend finds the bundled Redis master the way the cache tier publishes it: through Sentinel (same port and master set) while Sentinel runs, else at the master-only Service port, over TLS exactly when the cache serves TLS, verified against the CA of the cache\'s TLS Secret.',
    checks: () => {
      const applies = and(value('backend', 'enabled'), value('cache', 'enabled'), bundledCache, not(value('backend', 'redis', 'host')));
      const both = and(applies, value('cache', 'sentinel', 'enabled'), value('backend', 'redis', 'sentinel', 'enabled'));
      const tls = and(applies, value('cache', 'tls', 'enabled'), value('backend', 'redis', 'tls', 'enabled'));
      const usedCa = orDefault(value('backend', 'redis', 'tls', 'caSecret'), '<release>-cache-tls');
      const cacheSecret = orDefault(value('cache', 'tls', 'existingSecret'), '<release>-cache-tls');
      return [
        {
          path: ['backend', 'redis', 'sentinel', 'enabled'],
          when: and(applies, ne(value('backend', 'redis', 'sentinel', 'enabled'), value('cache', 'sentinel', 'enabled'))),
          message: msg`cache.sentinel.enabled is ${value('cache', 'sentinel', 'enabled')} but backend.redis.sentinel.enabled is ${value('backend', 'redis', 'sentinel', 'enabled')}: the cache's client Service publishes only Sentinel while Sentinel runs, and only the master otherwise; set backend.redis.sentinel.enabled: ${value('cache', 'sentinel', 'enabled')}`,
        },
        {
          path: ['backend', 'redis', 'sentinel', 'masterSet'],
          when: and(both, ne(value('backend', 'redis', 'sentinel', 'masterSet'), value('cache', 'sentinel', 'masterSet'))),
          message: msg`the backend asks Sentinel for master set \`${value('backend', 'redis', 'sentinel', 'masterSet')}\` but the cache monitors \`${value('cache', 'sentinel', 'masterSet')}\`; set backend.redis.sentinel.masterSet: ${value('cache', 'sentinel', 'masterSet')}`,
        },
        {
          path: ['backend', 'redis', 'sentinel', 'port'],
          when: and(both, ne(value('backend', 'redis', 'sentinel', 'port'), value('cache', 'sentinel', 'port'))),
          message: msg`the backend asks Sentinel on port ${value('backend', 'redis', 'sentinel', 'port')} but the cache's Sentinel listens on ${value('cache', 'sentinel', 'port')}`,
        },
        {
          // A TLS-only cache refuses plaintext, and a plaintext one cannot answer a TLS handshake.
          path: ['backend', 'redis', 'tls', 'enabled'],
          when: and(applies, ne(value('backend', 'redis', 'tls', 'enabled'), value('cache', 'tls', 'enabled'))),
          message: msg`cache.tls.enabled is ${value('cache', 'tls', 'enabled')} but backend.redis.tls.enabled is ${value('backend', 'redis', 'tls', 'enabled')}: the cache serves ${cond(value('cache', 'tls', 'enabled'), 'TLS only', 'plaintext only')}; set backend.redis.tls.enabled: ${value('cache', 'tls', 'enabled')}`,
        },
        {
          // The backend verifies the cache against the CA of the cache's own TLS Secret.
          path: ['backend', 'redis', 'tls', 'caSecret'],
          when: and(tls, ne(usedCa, cacheSecret)),
          message: msg`the backend verifies Redis with the CA in \`${usedCa}\` but the cache's certificate is in \`${cacheSecret}\`; set backend.redis.tls.caSecret: ${cacheSecret}`,
        },
        {
          path: ['backend', 'redis', 'tls', 'caKey'],
          when: and(tls, eq(usedCa, cacheSecret), ne(value('backend', 'redis', 'tls', 'caKey'), value('cache', 'tls', 'caKey'))),
          message: msg`the backend reads the CA under key \`${value('backend', 'redis', 'tls', 'caKey')}\` but cache.tls.caKey is \`${value('cache', 'tls', 'caKey')}\``,
        },
        {
          path: ['backend', 'redis', 'port'],
          when: and(applies, not(value('cache', 'sentinel', 'enabled')), not(value('backend', 'redis', 'sentinel', 'enabled')), ne(value('backend', 'redis', 'port'), value('cache', 'port'))),
          message: msg`the backend connects to Redis on port ${value('backend', 'redis', 'port')} but the cache listens on ${value('cache', 'port')}`,
        },
      ];
    },
  },
  {
    id: 'monitoring-targets',
    description: 'Grafana in operator mode needs the URL of the Prometheus it queries; a webhook receiver needs its URL; scraping Kong (another namespace) needs cluster-wide pod discovery.',
    checks: () => [
      {
        path: ['monitoring', 'operator', 'prometheusUrl'],
        when: and(eq(value('monitoring', 'mode'), 'operator'), value('monitoring', 'grafana', 'enabled'), not(value('monitoring', 'operator', 'prometheusUrl'))),
        message: msg`monitoring.mode is operator and grafana is enabled: set monitoring.operator.prometheusUrl to the Prometheus Grafana should query`,
      },
      {
        path: ['monitoring', 'prometheus', 'kong', 'enabled'],
        when: and(eq(value('monitoring', 'mode'), 'bundled'), value('monitoring', 'prometheus', 'kong', 'enabled'), not(value('monitoring', 'prometheus', 'clusterWideDiscovery'))),
        message: msg`scraping Kong discovers pods in namespace ${value('monitoring', 'prometheus', 'kong', 'namespace')}, outside the release: set monitoring.prometheus.clusterWideDiscovery=true (its ClusterRole lists pods), or monitoring.prometheus.kong.enabled=false`,
      },
      ...(['paging', 'chat'] as const).map((r) => ({
        path: ['monitoring', 'alertmanager', 'receivers', r, 'url'],
        when: and(
          eq(value('monitoring', 'mode'), 'bundled'),
          value('monitoring', 'alertmanager', 'enabled'),
          value('monitoring', 'alertmanager', 'receivers', r, 'existingSecret'),
          eq(value('monitoring', 'alertmanager', 'receivers', r, 'type'), 'webhook'),
          not(value('monitoring', 'alertmanager', 'receivers', r, 'url')),
        ),
        message: msg`the ${r} receiver is a webhook: set monitoring.alertmanager.receivers.${r}.url`,
      })),
    ],
  },
  {
    id: 'migrations-hook-order',
    description: 'Migrations against the bundled database run after it exists: never as a pre-install hook.',
    checks: () => [
      {
        path: ['backend', 'migrations', 'hooks'],
        when: and(value('backend', 'enabled'), value('backend', 'migrations', 'enabled'), value('database', 'enabled'), not(value('backend', 'database', 'host')), has(value('backend', 'migrations', 'hooks'), 'pre-install')),
        message: msg`a pre-install hook runs before the bundled database exists, so the first install would fail: use [post-install, pre-upgrade] (or leave hooks empty to have them chosen)`,
      },
    ],
  },
  {
    id: 'production-gateway-tls',
    description: 'In production, TLS at the gateway names its certificate: an existing Secret, or cert-manager issuing one; Grafana\'s route (when on) serves HTTPS the same way.',
    checks: () => [
      {
        path: ['gateway', 'tls', 'existingSecret'],
        when: and(production, value('gateway', 'tls', 'enabled'), not(value('gateway', 'tls', 'existingSecret')), not(value('gateway', 'tls', 'certManager', 'enabled'))),
        message: msg`TLS is on but nothing provides the certificate: set gateway.tls.existingSecret to a kubernetes.io/tls Secret, or gateway.tls.certManager.enabled=true`,
      },
      {
        path: ['monitoring', 'grafana', 'route', 'tls', 'enabled'],
        when: and(production, value('monitoring', 'grafana', 'enabled'), value('monitoring', 'grafana', 'route', 'enabled'), not(value('monitoring', 'grafana', 'route', 'tls', 'enabled'))),
        message: msg`production serves Grafana (logins, sessions) over HTTPS only: set monitoring.grafana.route.tls.enabled=true`,
      },
      {
        path: ['monitoring', 'grafana', 'route', 'tls', 'existingSecret'],
        when: and(
          production,
          value('monitoring', 'enabled'),
          value('monitoring', 'grafana', 'enabled'),
          value('monitoring', 'grafana', 'route', 'enabled'),
          value('gateway', 'enabled'),
          eq(value('gateway', 'mode'), 'ingress'),
          value('monitoring', 'grafana', 'route', 'tls', 'enabled'),
          not(value('monitoring', 'grafana', 'route', 'tls', 'existingSecret')),
          not(value('monitoring', 'grafana', 'route', 'tls', 'certManager', 'enabled')),
        ),
        message: msg`Grafana's Ingress serves TLS but nothing provides the certificate: set monitoring.grafana.route.tls.existingSecret to a kubernetes.io/tls Secret, or monitoring.grafana.route.tls.certManager.enabled=true`,
      },
    ],
  },
  {
    id: 'grafana-route',
    description: 'Grafana\'s route goes through the platform gateway and serves a host name (its root_url is built from it).',
    checks: () => {
      const route = and(value('monitoring', 'enabled'), value('monitoring', 'grafana', 'enabled'), value('monitoring', 'grafana', 'route', 'enabled'));
      return [
        {
          path: ['monitoring', 'grafana', 'route', 'enabled'],
          when: and(route, not(value('gateway', 'enabled'))),
          message: msg`Grafana's route goes through the gateway, which is disabled: set gateway.enabled=true, or monitoring.grafana.route.enabled=false (and reach Grafana with kubectl port-forward)`,
        },
        {
          path: ['monitoring', 'grafana', 'route', 'host'],
          when: and(value('monitoring', 'grafana', 'enabled'), value('monitoring', 'grafana', 'route', 'enabled'), not(value('monitoring', 'grafana', 'route', 'host')), not(value('global', 'domain'))),
          message: msg`Grafana's route needs a host name: set monitoring.grafana.route.host (or global.domain, which gives grafana.<domain>)`,
        },
      ];
    },
  },
  {
    id: 'production-tls',
    description: 'In production every hop to the data tiers is encrypted and verified: PostgreSQL and PgBouncer serve TLS (bundled mode: database.tls; CloudNativePG always does) and the backend checks their certificate and host name (verify-full); Redis and Sentinel serve TLS only and the backend (and Kong\'s rate-limiting counters, with policy redis) connect over verified TLS.',
    checks: () => [
      {
        path: ['database', 'tls', 'enabled'],
        // Bundled mode only: CloudNativePG always serves TLS (operator or cert-manager certificate), and its
        // Pooler is rendered with client_tls_sslmode=require and server_tls_sslmode=verify-full.
        when: and(production, value('database', 'enabled'), bundledDb, not(value('database', 'tls', 'enabled'))),
        message: msg`production needs TLS to the database: set database.tls.enabled=true (with database.tls.existingSecret or database.tls.certManager)`,
      },
      {
        path: ['backend', 'database', 'sslMode'],
        when: and(production, value('backend', 'enabled'), ne(value('backend', 'database', 'sslMode'), 'verify-full')),
        message: msg`production needs the backend to verify the database: set backend.database.sslMode=verify-full (it is \`${value('backend', 'database', 'sslMode')}\`)`,
      },
      {
        path: ['cache', 'tls', 'enabled'],
        // Bundled mode only: an external cache's TLS is rule cache-external's.
        when: and(production, value('cache', 'enabled'), bundledCache, not(value('cache', 'tls', 'enabled'))),
        message: msg`production needs TLS on Redis and Sentinel: set cache.tls.enabled=true (with cache.tls.existingSecret or cache.tls.certManager)`,
      },
      {
        path: ['backend', 'redis', 'tls', 'enabled'],
        when: and(production, value('backend', 'enabled'), not(value('backend', 'redis', 'tls', 'enabled'))),
        message: msg`production needs the backend to reach Redis over verified TLS: set backend.redis.tls.enabled=true`,
      },
      ...(['ssl', 'sslVerify'] as const).map((field) => ({
        path: ['gateway', 'rateLimiting', 'redis', field],
        when: and(production, gatewayRedis, not(value('gateway', 'rateLimiting', 'redis', field))),
        message: msg`production needs Kong's rate-limiting counters to reach Redis over verified TLS: set gateway.rateLimiting.redis.${field}=true`,
      })),
    ],
  },
  {
    id: 'production-domain',
    description: 'In production the gateway routes a real host name.',
    checks: () => [
      {
        path: ['global', 'domain'],
        when: and(production, not(value('gateway', 'host')), not(value('global', 'domain'))),
        message: msg`production needs global.domain (or gateway.host)`,
      },
    ],
  },
];

/** The chart that enforces a check: the one tier whose values it reads, else the umbrella. */
export function chartOf(check: Check, tiers: readonly string[]): string {
  const roots = new Set([check.path, ...pathsOf(check.when), ...pathsOf(check.message)].map((p) => p[0]!).filter((r) => r !== 'global'));
  const [only] = roots;
  return roots.size === 1 && tiers.includes(only!) ? only! : 'nexus';
}

/** Every check of every rule, placed in its chart. A subchart check also requires its tier to be enabled. */
export function placedChecks(m: RuleModel): PlacedCheck[] {
  return CROSS_FIELD_RULES.flatMap((rule) =>
    rule.checks(m).map((c) => {
      const chart = chartOf(c, m.tiers);
      return { ...c, rule: rule.id, chart, when: chart === 'nexus' ? c.when : and(value(chart, 'enabled'), c.when) };
    }),
  );
}

export interface RuleIssue {
  rule: string;
  chart: string;
  path: Path;
  message: string;
}

/** The rule issues of a parsed config, in rule order. */
export function ruleIssues(config: unknown, checks: readonly PlacedCheck[]): RuleIssue[] {
  return checks.filter((c) => truthy(evaluate(c.when, config))).map((c) => ({ rule: c.rule, chart: c.chart, path: c.path, message: renderMessage(c.message, config) }));
}

/** One issue as the Helm guard prints it: `[rule] path: message`. */
export function issueLine(i: Pick<RuleIssue, 'rule' | 'path' | 'message'>): string {
  return `[${i.rule}] ${i.path.join('.')}: ${i.message}`;
}

export function applyCrossFieldRules(config: unknown, ctx: z.RefinementCtx, checks: readonly PlacedCheck[]): void {
  for (const issue of ruleIssues(config, checks)) {
    ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message, params: { rule: issue.rule } });
  }
}
