/**
 * The committed environments: both renders (real helm 4) pass the Kubernetes schema stage with zero
 * findings, every CRD-backed kind included, and helm lint and the values check are clean.
 */
import { describe, expect, it } from 'vitest';
import { validate } from '../../validator/run.ts';

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
});
