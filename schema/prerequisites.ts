/**
 * What must exist in the cluster before the release can come up, derived from the values: Secrets the
 * chart references but does not create (with their keys), StorageClasses, the APIs of CRD-based objects,
 * and the controllers behind them. One table, written in schema/expr.ts like the rules, drives the
 * README's prerequisites (evaluated here on each overlay), the chart's NOTES.txt and its live check
 * (compiled into the umbrella chart by generator/prerequisites-template.ts).
 */
import { and, cond, eq, evaluate, hasSuffix, imageRegistry, lit, msg, ne, not, oneOf, or, orDefault, renderMessage, truthy, value, type Expr, type Message } from './expr.ts';

export const PREREQUISITE_KINDS = ['Registry', 'Secret', 'StorageClass', 'API', 'IngressClass', 'Gateway', 'ClusterIssuer', 'Issuer'] as const;
export type PrerequisiteKind = (typeof PREREQUISITE_KINDS)[number];

export interface PrerequisiteDef {
  kind: PrerequisiteKind;
  when: Expr;
  /** The object's name (for `API`: group/version). With `each`, the item itself is the name. */
  name?: Expr;
  /** One prerequisite per item of this list (e.g. global.imagePullSecrets). */
  each?: Expr;
  /** Secret keys that must exist (falsy entries are dropped). */
  keys?: Expr[];
  /** Secret type, when it matters (`kubernetes.io/tls`). */
  type?: string;
  /** What needs it, for people. */
  for: Message;
}

/** A prerequisite for one config: what the README table, NOTES.txt and the live check list. */
export interface Prerequisite {
  kind: PrerequisiteKind;
  name: string;
  keys: string[];
  type?: string;
  for: string[];
}

const secret = (path: string[], when: Expr, keys: Expr[], what: Message, type?: string): PrerequisiteDef => ({
  kind: 'Secret',
  when: and(when, value(...path)),
  name: value(...path),
  keys,
  ...(type ? { type } : {}),
  for: what,
});

const storage = (section: string[], when: Expr, what: string): PrerequisiteDef => {
  const cls = orDefault(value(...section, 'storageClass'), value('global', 'storageClass'));
  return { kind: 'StorageClass', when: and(when, cls), name: cls, for: msg`${what}` };
};

const api = (groupVersion: string, when: Expr, what: string): PrerequisiteDef => ({ kind: 'API', when, name: lit(groupVersion), for: msg`${what}` });

const db = value('database', 'enabled');
const bundledDb = and(db, eq(value('database', 'mode'), 'bundled'));
const cnpg = and(db, eq(value('database', 'mode'), 'cloudnativepg'));
const externalDb = and(db, eq(value('database', 'mode'), 'external'));
const cnpgCertManager = and(cnpg, eq(value('database', 'cloudnativepg', 'tls', 'source'), 'certManager'));
/**
 * The backend's database CA is one the release brings about in CloudNativePG mode: the operator's own CA
 * Secret `<cluster>-ca` (tls.source operator), or the cert-manager Certificate's `<cluster>-server-tls`
 * (certManager). Both appear with the Cluster during the install, so they are no prerequisite (a live check
 * before the install would fail on them). The names follow the rule `cloudnativepg`'s advice.
 */
const backendCa = value('backend', 'database', 'caSecret');
const cnpgIssuedCa = and(cnpg, or(and(eq(value('database', 'cloudnativepg', 'tls', 'source'), 'operator'), hasSuffix(backendCa, '-ca')), and(cnpgCertManager, hasSuffix(backendCa, '-server-tls'))));
const cache = and(value('cache', 'enabled'), eq(value('cache', 'mode'), 'bundled'));
const externalCache = and(value('cache', 'enabled'), eq(value('cache', 'mode'), 'external'));
/** The master-only endpoint is an HAProxy Deployment (nexus.cache.masterProxy). */
const masterProxy = and(cache, value('cache', 'masterService', 'enabled'), value('cache', 'sentinel', 'enabled'));
const monitoring = value('monitoring', 'enabled');
/** The load test goes through the rate-limited gateway as its own Kong consumer (rule loadtest-gateway-limit). */
const loadtestConsumer = and(
  value('loadtest', 'enabled'),
  value('loadtest', 'gatewayClient', 'enabled'),
  value('loadtest', 'targets', 'gateway', 'enabled'),
  not(value('loadtest', 'targets', 'gateway', 'url')),
  value('gateway', 'enabled'),
  value('gateway', 'rateLimiting', 'enabled'),
);
const bundled = and(monitoring, eq(value('monitoring', 'mode'), 'bundled'));
const gateway = value('gateway', 'enabled');
const ingress = and(gateway, eq(value('gateway', 'mode'), 'ingress'));
const backups = and(or(bundledDb, externalDb), value('database', 'backup', 'enabled'));
const cnpgBackups = and(cnpg, value('database', 'backup', 'enabled'));

/**
 * Stateless tiers are listed by the caller (they come from the model): their images are the user's (a
 * registry to push to), and their VPAs and ServiceMonitors need APIs.
 */
export function prerequisiteDefs(statelessTiers: readonly string[]): PrerequisiteDef[] {
  const anyTier = (f: (t: string) => Expr) => or(...statelessTiers.map((t) => and(value(t, 'enabled'), f(t))));
  return [
    ...statelessTiers.map((t): PrerequisiteDef => {
      // Where CI pushes the image: the flat mirror that replaces its registry, else its own registry
      // (a path-style mirror pulls it from there under the same name).
      const registry = cond(and(value('global', 'imageRegistry'), ne(value('global', 'imageRegistryMode'), 'path')), value('global', 'imageRegistry'), imageRegistry([t, 'image']));
      return { kind: 'Registry', when: and(value(t, 'enabled'), registry), name: registry, for: msg`${value(t, 'image', 'repository')}:${value(t, 'image', 'tag')} (${t}; you build and push it)` };
    }),
    secret(['database', 'auth', 'existingSecret'], bundledDb, [value('database', 'auth', 'userPasswordKey'), value('database', 'auth', 'adminPasswordKey')], msg`PostgreSQL passwords (application user and superuser)`),
    secret(['database', 'auth', 'existingSecret'], cnpg, [lit('username'), lit('password')], msg`CloudNativePG owner credentials (initdb; username ${value('database', 'auth', 'username')})`, 'kubernetes.io/basic-auth'),
    secret(['database', 'auth', 'existingSecret'], externalDb, [value('database', 'auth', 'userPasswordKey')], msg`external PostgreSQL password of ${value('database', 'auth', 'username')} (${value('database', 'external', 'host')})`),
    secret(['database', 'external', 'caSecret'], externalDb, [value('database', 'external', 'caKey')], msg`CA of the external PostgreSQL's certificate (sslmode ${value('database', 'external', 'sslMode')})`),
    secret(['database', 'cloudnativepg', 'import', 'existingSecret'], and(cnpg, value('database', 'cloudnativepg', 'import', 'enabled')), [value('database', 'cloudnativepg', 'import', 'passwordKey')], msg`CloudNativePG import (password of the source database user)`),
    secret(['database', 'tls', 'existingSecret'], and(bundledDb, value('database', 'tls', 'enabled')), [value('database', 'tls', 'certKey'), value('database', 'tls', 'keyKey'), value('database', 'tls', 'caKey')], msg`PostgreSQL server TLS`),
    secret(['database', 'backup', 'encryption', 'existingSecret'], and(backups, value('database', 'backup', 'encryption', 'enabled')), [value('database', 'backup', 'encryption', 'publicKeyKey')], msg`backup encryption (recipient public key)`),
    secret(['database', 'backup', 'objectStorage', 'existingSecret'], and(backups, value('database', 'backup', 'objectStorage', 'enabled')), [lit('AWS_ACCESS_KEY_ID'), lit('AWS_SECRET_ACCESS_KEY')], msg`backup upload to object storage`),
    secret(['database', 'backup', 'objectStorage', 'existingSecret'], cnpgBackups, [lit('AWS_ACCESS_KEY_ID'), lit('AWS_SECRET_ACCESS_KEY')], msg`CloudNativePG WAL archive and base backups (Barman Cloud Plugin ObjectStore)`),
    secret(['database', 'restore', 'existingSecret'], and(bundledDb, value('database', 'restore', 'requestId')), [value('database', 'restore', 'privateKeyKey')], msg`restore (private key that decrypts the dumps)`),
    secret(['cache', 'auth', 'existingSecret'], and(cache, value('cache', 'auth', 'enabled')), [value('cache', 'auth', 'usernameKey'), value('cache', 'auth', 'passwordKey'), value('cache', 'auth', 'adminPasswordKey'), cond(masterProxy, value('cache', 'auth', 'haproxyPasswordKey'), '')], msg`Redis and Sentinel users (application user and password, internal password${cond(masterProxy, ', master endpoint role check', '')})`),
    secret(['cache', 'external', 'auth', 'existingSecret'], externalCache, [value('cache', 'external', 'auth', 'usernameKey'), value('cache', 'external', 'auth', 'passwordKey')], msg`external Redis credentials (${value('cache', 'external', 'host')})`),
    secret(['cache', 'external', 'tls', 'caSecret'], and(externalCache, value('cache', 'external', 'tls', 'enabled')), [value('cache', 'external', 'tls', 'caKey')], msg`CA of the external Redis's certificate`),
    secret(['backend', 'redis', 'tls', 'caSecret'], and(value('backend', 'enabled'), value('backend', 'redis', 'tls', 'enabled')), [value('backend', 'redis', 'tls', 'caKey')], msg`backend Redis TLS verification (REDIS_SSL_CA_CERTS)`),
    secret(['cache', 'tls', 'existingSecret'], and(cache, value('cache', 'tls', 'enabled')), [value('cache', 'tls', 'certKey'), value('cache', 'tls', 'keyKey'), value('cache', 'tls', 'caKey')], msg`Redis and Sentinel TLS (server and client certificate)`),
    secret(['backend', 'database', 'caSecret'], and(value('backend', 'enabled'), oneOf(value('backend', 'database', 'sslMode'), ['verify-ca', 'verify-full']), not(cnpgIssuedCa)), [value('backend', 'database', 'caKey')], msg`backend database CA (verify-full)`),
    secret(['backend', 'database', 'existingSecret'], value('backend', 'enabled'), [value('backend', 'database', 'passwordKey')], msg`backend DATABASE_PASSWORD`),
    secret(['backend', 'redis', 'existingSecret'], value('backend', 'enabled'), [value('backend', 'redis', 'usernameKey'), value('backend', 'redis', 'passwordKey')], msg`backend REDIS_USERNAME and REDIS_PASSWORD`),
    secret(['monitoring', 'grafana', 'admin', 'existingSecret'], and(monitoring, value('monitoring', 'grafana', 'enabled')), [value('monitoring', 'grafana', 'admin', 'userKey'), value('monitoring', 'grafana', 'admin', 'passwordKey')], msg`Grafana admin`),
    ...(['paging', 'chat'] as const).map((r) =>
      secret(['monitoring', 'alertmanager', 'receivers', r, 'existingSecret'], and(bundled, value('monitoring', 'alertmanager', 'enabled')), [value('monitoring', 'alertmanager', 'receivers', r, 'key')], msg`AlertManager ${r} receiver (${value('monitoring', 'alertmanager', 'receivers', r, 'type')})`),
    ),
    secret(['gateway', 'rateLimiting', 'redis', 'existingSecret'], and(gateway, value('gateway', 'rateLimiting', 'enabled'), eq(value('gateway', 'rateLimiting', 'policy'), 'redis')), [value('gateway', 'rateLimiting', 'redis', 'usernameKey'), value('gateway', 'rateLimiting', 'redis', 'passwordKey')], msg`Kong rate-limiting counters in Redis (user and password)`),
    secret(['loadtest', 'auth', 'existingSecret'], value('loadtest', 'enabled'), [value('loadtest', 'auth', 'tokenKey')], msg`k6 load test API bearer token (read by the helm test Pod only)`),
    secret(['loadtest', 'gatewayClient', 'existingSecret'], loadtestConsumer, [lit('key')], msg`the k6 load test's Kong consumer key (its own limit at the gateway; label the Secret konghq.com/credential=key-auth)`),
    secret(['gateway', 'tls', 'existingSecret'], and(ingress, value('gateway', 'tls', 'enabled')), [lit('tls.crt'), lit('tls.key')], msg`TLS certificate of the Ingress`, 'kubernetes.io/tls'),
    { kind: 'Secret', when: value('global', 'imagePullSecrets'), each: value('global', 'imagePullSecrets'), keys: [lit('.dockerconfigjson')], type: 'kubernetes.io/dockerconfigjson', for: msg`pulling every image (global.imagePullSecrets)` },
    storage(['database', 'storage'], and(db, or(bundledDb, cnpg)), 'PostgreSQL data volume(s)'),
    storage(['database', 'backup', 'storage'], or(backups, and(bundledDb, value('database', 'restore', 'requestId'))), 'backup volume'),
    storage(['cache', 'persistence'], and(cache, value('cache', 'persistence', 'enabled')), 'Redis data volumes'),
    storage(['monitoring', 'prometheus', 'storage'], bundled, 'Prometheus data volume'),
    storage(['monitoring', 'alertmanager', 'storage'], and(bundled, value('monitoring', 'alertmanager', 'enabled')), 'AlertManager data volume'),
    storage(['logging', 'loki', 'storage'], value('logging', 'enabled'), 'Loki data volume'),
    api('autoscaling.k8s.io/v1', anyTier((t) => value(t, 'vpa', 'enabled')), 'VerticalPodAutoscaler (the VPA CRDs and recommender)'),
    api('monitoring.coreos.com/v1', or(anyTier((t) => and(value(t, 'metrics', 'enabled'), value(t, 'metrics', 'serviceMonitor', 'enabled'))), and(monitoring, eq(value('monitoring', 'mode'), 'operator'))), 'ServiceMonitor and PrometheusRule (Prometheus Operator CRDs)'),
    api('postgresql.cnpg.io/v1', cnpg, 'CloudNativePG Cluster, Pooler and ScheduledBackup (the CloudNativePG operator)'),
    api('barmancloud.cnpg.io/v1', cnpgBackups, 'CloudNativePG ObjectStore (the Barman Cloud Plugin, installed beside the operator)'),
    api('monitoring.coreos.com/v1', and(cnpg, value('database', 'cloudnativepg', 'podMonitor', 'enabled')), 'PodMonitor of the CloudNativePG instances and Pooler (Prometheus Operator CRDs)'),
    api('cert-manager.io/v1', cnpgCertManager, 'cert-manager, issuing the CloudNativePG server certificate'),
    api('cert-manager.io/v1', and(bundledDb, value('database', 'tls', 'enabled'), value('database', 'tls', 'certManager', 'enabled')), 'cert-manager, issuing the PostgreSQL and PgBouncer certificate'),
    api('cert-manager.io/v1', and(cache, value('cache', 'tls', 'enabled'), value('cache', 'tls', 'certManager', 'enabled')), 'cert-manager, issuing the Redis and Sentinel certificate'),
    api('configuration.konghq.com/v1', and(gateway, value('gateway', 'rateLimiting', 'enabled')), 'KongPlugin rate limiting (Kong ingress controller CRDs)'),
    api('gateway.networking.k8s.io/v1', and(gateway, eq(value('gateway', 'mode'), 'gatewayAPI')), 'HTTPRoute (Gateway API CRDs)'),
    api('external-secrets.io/v1', value('externalSecrets', 'enabled'), 'ExternalSecret (External Secrets Operator CRDs, and the SecretStore it names)'),
    api('cert-manager.io/v1', and(ingress, value('gateway', 'tls', 'enabled'), value('gateway', 'tls', 'certManager', 'enabled')), 'cert-manager, issuing the Ingress certificate'),
    { kind: 'IngressClass', when: ingress, name: value('gateway', 'ingress', 'className'), for: msg`the Ingress (an ingress controller serving this class, e.g. Kong)` },
    { kind: 'Gateway', when: and(gateway, eq(value('gateway', 'mode'), 'gatewayAPI'), value('gateway', 'gatewayAPI', 'gatewayName')), name: value('gateway', 'gatewayAPI', 'gatewayName'), for: msg`the HTTPRoute (namespace ${orDefault(value('gateway', 'gatewayAPI', 'gatewayNamespace'), 'of the release')})` },
    ...(['ClusterIssuer', 'Issuer'] as const).flatMap((kind): PrerequisiteDef[] => [
      {
        kind,
        when: and(bundledDb, value('database', 'tls', 'enabled'), value('database', 'tls', 'certManager', 'enabled'), eq(value('database', 'tls', 'certManager', 'issuerKind'), kind)),
        name: value('database', 'tls', 'certManager', 'issuer'),
        for: msg`cert-manager issuing the PostgreSQL and PgBouncer certificate`,
      },
      {
        kind,
        when: and(cache, value('cache', 'tls', 'enabled'), value('cache', 'tls', 'certManager', 'enabled'), eq(value('cache', 'tls', 'certManager', 'issuerKind'), kind)),
        name: value('cache', 'tls', 'certManager', 'issuer'),
        for: msg`cert-manager issuing the Redis and Sentinel certificate`,
      },
    ]),
    ...(['ClusterIssuer', 'Issuer'] as const).map((kind): PrerequisiteDef => ({
      kind,
      when: and(cnpgCertManager, eq(value('database', 'cloudnativepg', 'tls', 'issuerKind'), kind)),
      name: value('database', 'cloudnativepg', 'tls', 'issuer'),
      for: msg`cert-manager issuing the CloudNativePG server certificate`,
    })),
    ...(['ClusterIssuer', 'Issuer'] as const).map((kind): PrerequisiteDef => ({
      kind,
      when: and(ingress, value('gateway', 'tls', 'enabled'), value('gateway', 'tls', 'certManager', 'enabled'), eq(value('gateway', 'tls', 'certManager', 'issuerKind'), kind)),
      name: value('gateway', 'tls', 'certManager', 'issuer'),
      for: msg`cert-manager issuing the Ingress certificate`,
    })),
  ];
}

const KIND_ORDER = new Map<string, number>(PREREQUISITE_KINDS.map((k, i) => [k, i]));

/** Prerequisites of a parsed config: merged by kind and name (keys and uses united), sorted by kind then name. */
export function prerequisitesOf(config: unknown, defs: readonly PrerequisiteDef[]): Prerequisite[] {
  const merged = new Map<string, Prerequisite>();
  for (const d of defs) {
    if (!truthy(evaluate(d.when, config))) continue;
    const names = d.each ? ((evaluate(d.each, config) as unknown[]) ?? []).map(String) : [String(evaluate(d.name!, config) ?? '')];
    for (const name of names) {
      if (!name) continue;
      const keys = (d.keys ?? []).map((k) => evaluate(k, config)).filter(truthy).map(String);
      const key = `${d.kind}/${name}`;
      const found = merged.get(key);
      const use = renderMessage(d.for, config);
      if (found) {
        found.keys = [...new Set([...found.keys, ...keys])];
        if (!found.for.includes(use)) found.for.push(use);
      } else merged.set(key, { kind: d.kind, name, keys: [...new Set(keys)], ...(d.type ? { type: d.type } : {}), for: [use] });
    }
  }
  return [...merged.values()].sort((a, b) => KIND_ORDER.get(a.kind)! - KIND_ORDER.get(b.kind)! || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
