/**
 * Which components the chart-wide assertions (test/charts/production.test.ts) hold to the full bar.
 * Extend this list as a tier's templates land: every pod of a listed component must meet every
 * assertion. Components rendered but not listed are not held to the chart-wide bar yet (the release
 * default-deny and the kubernetes-models floor check still apply to them).
 */
export const COVERED_COMPONENTS = ['frontend', 'backend', 'migrations', 'smoke-test', 'postgresql', 'pgbouncer', 'backup', 'redis', 'prometheus', 'alertmanager', 'grafana', 'loki', 'otlp-gateway'] as const;

/** Components that run as long-lived workloads (Deployment/StatefulSet) and so need probes and a PDB. */
export const LONG_RUNNING_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
