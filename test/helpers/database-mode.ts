/**
 * The overlays run PostgreSQL under the CloudNativePG operator (`database.mode: cloudnativepg`). Tests of
 * the chart's own PostgreSQL (its StatefulSet, postgresql.conf, PgBouncer, pg_dump backups, restore Job,
 * their NetworkPolicies), which stay proven on real servers in the overlays' production shape, render
 * an overlay with these values: bundled mode, and the backend verifying the bundled server's CA
 * (nexus-db-tls, the overlays' database.tls.existingSecret) instead of the operator's.
 */
export const BUNDLED_DATABASE = { 'database.mode': 'bundled', 'backend.database.caSecret': 'nexus-db-tls' } as const;

/** The same as `--set` arguments (`key=value`). */
export const BUNDLED_DATABASE_SET = Object.entries(BUNDLED_DATABASE).map(([k, v]) => `${k}=${v}`);

/** APIs a cluster running the overlays serves for the database: the operator's and its backup plugin's. */
export const CLOUDNATIVEPG_API_VERSIONS = ['postgresql.cnpg.io/v1', 'barmancloud.cnpg.io/v1'] as const;
