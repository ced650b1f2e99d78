/**
 * The generator's registry of charts. A stateless tier is a schema section (schema/index.ts
 * TIER_SECTIONS) plus an entry here whose template sets include `stateless`.
 */
import type { TierName } from '../schema/index.ts';

export interface TierChart {
  name: TierName;
  description: string;
  /** Template-source folders under generator/templates/, merged in order (later wins). */
  templateSets: string[];
  keywords: string[];
}

export const LIBRARY_CHART = 'nexus-lib';
export const UMBRELLA_CHART = 'nexus';

export const TIER_CHARTS: TierChart[] = [
  { name: 'frontend', description: 'NEXUS frontend: the Next.js web application.', templateSets: ['stateless', 'frontend'], keywords: ['nextjs', 'frontend'] },
  { name: 'backend', description: 'NEXUS backend: the FastAPI service, with database migrations.', templateSets: ['stateless', 'backend'], keywords: ['fastapi', 'backend', 'api'] },
  { name: 'database', description: 'NEXUS database: PostgreSQL with PgBouncer pooling, encrypted backups and restore.', templateSets: ['database'], keywords: ['postgresql', 'pgbouncer', 'backup'] },
  { name: 'cache', description: 'NEXUS cache: Redis with Sentinel failover.', templateSets: ['cache'], keywords: ['redis', 'sentinel'] },
  { name: 'gateway', description: 'NEXUS gateway: Kong Ingress or Gateway API HTTPRoute with TLS and rate limiting.', templateSets: ['gateway'], keywords: ['kong', 'ingress', 'gateway-api'] },
  { name: 'monitoring', description: 'NEXUS monitoring: Prometheus, AlertManager and Grafana with the platform alerts and dashboard.', templateSets: ['monitoring'], keywords: ['prometheus', 'grafana', 'alertmanager'] },
  { name: 'logging', description: 'NEXUS logging (opt-in): Loki with a Fluent Bit node agent and/or OTLP gateway.', templateSets: ['logging'], keywords: ['loki', 'fluent-bit', 'logs'] },
];
