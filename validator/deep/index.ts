/**
 * Deep checks: embedded application configs (postgresql.conf, redis.conf, sentinel.conf, Prometheus
 * config and rules, AlertManager config) checked with the real tools. Run by `nexus validate --deep`.
 * Each checker lives in its own module here and is registered below.
 */
import type { Finding, K8sResource } from '../../core/types.ts';
import { alertmanagerChecker } from './alertmanager.ts';
import { postgresChecker } from './postgres.ts';
import { prometheusChecker } from './prometheus.ts';
import { redisChecker } from './redis.ts';

export interface DeepChecker {
  id: string;
  /** What it needs on PATH (or .tools/debian), for the "how to install" error. */
  requires: string[];
  check(resources: K8sResource[]): Promise<Finding[]>;
}

export const DEEP_CHECKERS: DeepChecker[] = [prometheusChecker, alertmanagerChecker, postgresChecker, redisChecker];

export async function runDeepChecks(resources: K8sResource[]): Promise<Finding[]> {
  const results = await Promise.all(DEEP_CHECKERS.map((c) => c.check(resources)));
  return results.flat();
}
