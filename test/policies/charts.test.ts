/**
 * The committed environment renders pass every policy: zero findings at warning or above (exempted
 * findings are allowed only with a reason). Real helm 4, with and without the CRD API groups the charts
 * gate on, so ServiceMonitor/VPA/HTTPRoute objects are judged too.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluatePolicies } from '../../policies/engine.ts';
import type { K8sResource } from '../../core/types.ts';
import { CRD_API_VERSIONS, ENV_FILES, renderChart } from '../charts/helpers.ts';

async function resources(valuesFile: string, apiVersions: readonly string[]): Promise<K8sResource[]> {
  const docs = await renderChart({ valuesFiles: [valuesFile], apiVersions, namespace: 'nexus' });
  return docs.map((d, docIndex) => ({
    source: valuesFile,
    docIndex,
    line: 1,
    templateFile: d.source,
    apiVersion: d.object.apiVersion,
    kind: d.object.kind,
    name: d.object.metadata.name,
    ...(d.object.metadata.namespace ? { namespace: d.object.metadata.namespace } : {}),
    object: d.object,
  }));
}

describe.each(ENV_FILES.map((f) => [f]))('policies on the %s render', (valuesFile) => {
  const environment = valuesFile.replace(/^values\.|\.yaml$/g, '');
  it.each([
    ['without CRDs', [] as readonly string[]],
    ['with the CRD API groups', CRD_API_VERSIONS],
  ])('has no finding at warning or above (%s)', async (_label, apiVersions) => {
    const r = await resources(valuesFile, apiVersions);
    expect(r.length).toBeGreaterThan(30);
    const findings = evaluatePolicies(r, { environment, namespace: 'nexus' });
    const blocking = findings.filter((f) => !f.exemption && f.severity !== 'info');
    expect(blocking.map((f) => `${f.file} ${f.kind}/${f.name} ${f.policyId} ${f.jsonPointer}: ${f.message}`)).toEqual([]);
    for (const f of findings.filter((x) => x.exemption)) expect(f.exemption!.reason.trim().length).toBeGreaterThan(10);
  });
});

describe('policies on the production render in monitoring operator mode', () => {
  const OPERATOR = [
    'global:',
    '  metricsScrapers:',
    '    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}',
    '      podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}',
    'monitoring:',
    '  mode: operator',
    '  operator:',
    '    prometheusUrl: http://prometheus-operated.monitoring.svc:9090',
    '    labels: {release: kube-prometheus-stack}',
  ].join('\n');

  it('admits the operator-managed Prometheus to every metrics port and has no finding at warning or above', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-operator-'));
    try {
      const file = join(dir, 'operator.yaml');
      writeFileSync(file, `${OPERATOR}\n`);
      const docs = await renderChart({ valuesFiles: ['values.production.yaml', file], apiVersions: CRD_API_VERSIONS, namespace: 'nexus' });
      const r = docs.map((d, docIndex) => ({ source: 'operator', docIndex, line: 1, templateFile: d.source, apiVersion: d.object.apiVersion, kind: d.object.kind, name: d.object.metadata.name, ...(d.object.metadata.namespace ? { namespace: d.object.metadata.namespace } : {}), object: d.object }) as K8sResource);
      expect(r.some((x) => x.kind === 'ServiceMonitor')).toBe(true);
      // Every ingress rule that lets a Prometheus in now names the operator's pods, never the absent bundled one.
      const scraperRules = r
        .filter((x) => x.kind === 'NetworkPolicy')
        .flatMap((np) => ((np.object.spec as { ingress?: { from?: Record<string, unknown>[] }[] }).ingress ?? []).filter((rule) => JSON.stringify(rule.from ?? []).includes('prometheus')));
      expect(scraperRules.length).toBeGreaterThan(2);
      for (const rule of scraperRules) expect(rule.from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }]);
      const blocking = evaluatePolicies(r, { environment: 'production', namespace: 'nexus' }).filter((f) => !f.exemption && f.severity !== 'info');
      expect(blocking.map((f) => `${f.file} ${f.kind}/${f.name} ${f.policyId} ${f.jsonPointer}: ${f.message}`)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
