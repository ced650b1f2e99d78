/**
 * The committed environments: both renders (real helm 4) pass the Kubernetes schema stage with zero
 * findings, every CRD-backed kind included, and helm lint and the values check are clean.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validate } from '../../validator/run.ts';

const tmp = mkdtempSync(join(tmpdir(), 'nexus-modes-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** values.production.yaml with one section replaced (a whole values file: each file is one render). */
function productionWith(name: string, from: RegExp, to: string): string {
  const text = readFileSync('values.production.yaml', 'utf8');
  expect(text).toMatch(from);
  const file = join(tmp, name);
  writeFileSync(file, text.replace(from, to));
  return file;
}

describe('committed staging and production renders', () => {
  it('have zero schema, parse, helm and values findings', async () => {
    const report = await validate({ version: 'test', policies: false });
    expect(report.inputs).toEqual(['values.staging.yaml', 'values.production.yaml']);
    const ours = report.findings.filter((f) => /^(kube-schema|kube-api|yaml|helm|values)\//.test(f.policyId));
    expect(ours.map((f) => `${f.source} ${f.kind}/${f.name} ${f.policyId} ${f.jsonPointer ?? ''}: ${f.message}`)).toEqual([]);
    expect(report.summary.byStatus.valid).toBe(report.resources.length);
    for (const source of report.inputs) expect(report.resources.filter((r) => r.source === source).length).toBeGreaterThan(10);
  });

  it('are valid for the oldest supported target too (1.29: that release\'s schemas and removed APIs)', async () => {
    const report = await validate({ version: 'test', policies: false, lint: false, kubeVersion: '1.29' });
    expect(report.findings.filter((f) => /^kube-(api|schema)\//.test(f.policyId)).map((f) => `${f.kind}/${f.name} ${f.policyId} ${f.jsonPointer ?? ''}`)).toEqual([]);
  });

  it('are valid in Gateway API mode (the HTTPRoute checked by the bundled CRD and its CEL rules) and in monitoring operator mode, at 1.29 and 1.36', async () => {
    const gateway = productionWith('gateway.yaml', /^  mode: ingress$/m, '  mode: gatewayAPI\n  gatewayAPI:\n    gatewayName: edge\n    gatewayNamespace: kong\n    sectionName: https');
    const operator = productionWith('operator.yaml', /^monitoring:\n  enabled: true$/m, 'monitoring:\n  enabled: true\n  mode: operator\n  operator:\n    force: true\n    prometheusUrl: http://prometheus-operated.monitoring.svc:9090');
    // One values file per run: several -f files are merged into one render, like helm.
    for (const [file, kinds] of [[gateway, ['HTTPRoute']], [operator, ['ServiceMonitor', 'PrometheusRule']]] as const) {
      for (const kubeVersion of ['1.29', '1.36']) {
        const report = await validate({ version: 'test', policies: false, lint: false, valuesFiles: [file], kubeVersion });
        expect(report.findings.map((f) => `${f.source} ${f.kind}/${f.name} ${f.policyId} ${f.jsonPointer ?? ''}: ${f.message}`)).toEqual([]);
        const seen = new Set(report.resources.map((r) => `${r.kind} ${r.status}`));
        for (const k of kinds) expect(seen.has(`${k} valid`), `${k} at ${kubeVersion}`).toBe(true);
      }
    }
  });
});

