/**
 * What a user sets for the managed data tiers (the `external` modes): the tier's own section, and every
 * consumer pointed at it (the backend, its migrations, Kong), as the rules database-external, cache-external
 * and gateway-redis-target require. Shared by the per-mode tests and the mode matrix.
 */
export const DATABASE_HOST = 'nexus.abc123.eu-west-1.rds.amazonaws.com';
export const CACHE_HOST = 'master.nexus-cache.abc123.euw1.cache.amazonaws.com';

/** What a user sets for a managed PostgreSQL: the database section, and the backend pointed at it. */
export const EXTERNAL_DATABASE: Record<string, string | number | boolean> = {
  'database.mode': 'external',
  'database.auth.existingSecret': 'rds-app',
  'database.external.host': DATABASE_HOST,
  'database.external.caSecret': 'rds-ca-bundle',
  'database.external.egress.cidrs[0]': '10.30.0.0/16',
  'backend.database.host': DATABASE_HOST,
  'backend.database.port': 5432,
  'backend.database.existingSecret': 'rds-app',
  'backend.database.sslMode': 'verify-full',
  'backend.database.caSecret': 'rds-ca-bundle',
};

/** What a user sets for a managed Redis: the cache section, and the backend and Kong pointed at it. */
export const EXTERNAL_CACHE: Record<string, string | number | boolean> = {
  'cache.mode': 'external',
  'cache.external.host': CACHE_HOST,
  'cache.external.port': 6380,
  'cache.external.tls.caSecret': 'elasticache-ca',
  'cache.external.auth.existingSecret': 'elasticache-auth',
  'cache.external.auth.usernameKey': 'username',
  'cache.external.auth.passwordKey': 'password',
  'cache.external.egress.cidrs[0]': '10.20.0.0/16',
  'backend.redis.host': CACHE_HOST,
  'backend.redis.port': 6380,
  'backend.redis.sentinel.enabled': false,
  'backend.redis.tls.enabled': true,
  'backend.redis.tls.caSecret': 'elasticache-ca',
  'backend.redis.existingSecret': 'elasticache-auth',
  'backend.redis.usernameKey': 'username',
  'backend.redis.passwordKey': 'password',
  'gateway.rateLimiting.redis.host': CACHE_HOST,
  'gateway.rateLimiting.redis.port': 6380,
  'gateway.rateLimiting.redis.ssl': true,
  'gateway.rateLimiting.redis.existingSecret': 'elasticache-auth',
  'gateway.rateLimiting.redis.usernameKey': 'username',
  'gateway.rateLimiting.redis.passwordKey': 'password',
};
