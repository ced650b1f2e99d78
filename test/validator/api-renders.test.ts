/**
 * Zero false positives on our own chart: every render mode (both overlays; bundled and operator
 * monitoring; Kong Ingress and Gateway API; the overlays' CloudNativePG database and the chart's own) passes the API-validation stage without an error or a
 * warning, for the oldest and newest Kubernetes versions the validator knows and the corpus's 1.32, also
 * when installed into an empty cluster (every ServiceAccount, PriorityClass and RuntimeClass the pods
 * name must then come from the chart itself).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { K8sResource } from '../../core/types.ts';
import { runApiStage } from '../../validator/api/stage.ts';
import { render } from '../monitoring/render.ts';

const OPERATOR = ['monitoring:', '  mode: operator', '  operator:', '    force: true', '    prometheusUrl: http://prometheus-operated.monitoring.svc:9090'].join('\n');
const GATEWAY_API = ['gateway:', '  mode: gatewayAPI', '  gatewayAPI:', '    gatewayName: shared-gateway'].join('\n');

const BUNDLED_DB = ['database:', '  mode: bundled', 'backend:', '  database:', '    caSecret: nexus-db-tls'].join('\n');

const MODES: Record<string, { values?: string }> = { bundled: {}, operator: { values: OPERATOR }, 'gateway API': { values: GATEWAY_API }, 'bundled database': { values: BUNDLED_DB } };
const OVERLAYS = ['values.staging.yaml', 'values.production.yaml'];

const renders = new Map<string, K8sResource[]>();

beforeAll(async () => {
  const jobs = OVERLAYS.flatMap((overlay) => Object.entries(MODES).map(async ([mode, o]) => renders.set(`${overlay} ${mode}`, await render({ valuesFiles: [overlay], ...o }))));
  await Promise.all(jobs);
}, 120_000);

describe('API-validation stage on our renders', () => {
  for (const kubeVersion of ['1.29', '1.32', '1.36']) {
    it(`finds nothing at Kubernetes ${kubeVersion} in any mode`, () => {
      expect(renders.size).toBe(OVERLAYS.length * Object.keys(MODES).length);
      for (const [name, resources] of renders) {
        for (const cluster of [{}, { clusterObjects: [] }]) {
          const findings = runApiStage(resources, { kubeVersion, ...cluster }).map((f) => `${f.kind}/${f.name} ${f.policyId} ${f.jsonPointer}: ${f.message}`);
          expect(findings, `${name} ${JSON.stringify(cluster)}`).toEqual([]);
        }
      }
    });
  }
  it('sees the Gateway API and operator objects it is asked about', () => {
    const all = [...renders.values()].flat().map((r) => r.kind);
    for (const kind of ['HTTPRoute', 'ServiceMonitor', 'StatefulSet', 'Deployment', 'CronJob', 'Cluster', 'Pooler', 'ScheduledBackup', 'Ingress', 'NetworkPolicy', 'PodDisruptionBudget', 'HorizontalPodAutoscaler']) expect(all, kind).toContain(kind);
  });
});
