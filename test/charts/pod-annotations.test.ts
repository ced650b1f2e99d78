/** Pod-template annotations are built by one library helper for every tier. */
import { describe, expect, it } from 'vitest';
import { BUNDLED_DATABASE } from '../helpers/database-mode.ts';
import { componentOf, renderChart, WORKLOAD_KINDS, type K8sObject } from './helpers.ts';

const podAnnotations = (o: K8sObject): Record<string, string> =>
  ((o.spec as { template?: { metadata?: { annotations?: Record<string, string> } } }).template?.metadata?.annotations) ?? {};

describe('pod annotations (nexus.podAnnotations)', () => {
  it('carry global.commonAnnotations on every workload, and a user value never masks a checksum', async () => {
    // Bundled database: every workload of the release, the chart's own PostgreSQL and PgBouncer included.
    const docs = await renderChart({
      valuesFiles: ['values.production.yaml'],
      set: { ...BUNDLED_DATABASE, 'global.commonAnnotations.team': 'platform', 'database.podAnnotations.checksum/configmap': 'pinned', 'database.podAnnotations.owner': 'dba' },
    });
    const workloads = docs.map((d) => d.object).filter((o) => WORKLOAD_KINDS.has(o.kind));
    expect(workloads.map((w) => componentOf(w)).sort()).toEqual(['alertmanager', 'backend', 'fluent-bit', 'frontend', 'grafana', 'loki', 'otlp-gateway', 'pgbouncer', 'postgresql', 'prometheus', 'redis', 'redis-master']);
    for (const w of workloads) {
      const annotations = podAnnotations(w);
      expect(annotations.team, `${w.kind}/${w.metadata.name}`).toBe('platform');
      expect(Object.keys(annotations).some((k) => k.startsWith('checksum/')), `${w.kind}/${w.metadata.name} rolls on config changes`).toBe(true);
    }
    const postgres = workloads.find((w) => componentOf(w) === 'postgresql')!;
    const annotations = podAnnotations(postgres);
    expect(annotations['checksum/configmap']).toMatch(/^[a-f0-9]{64}$/);
    expect(annotations.owner).toBe('dba');
  });
});
