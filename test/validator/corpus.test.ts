/**
 * The invalid corpus: every fixture in fixtures/invalid declares the exact findings it must produce
 * (`# expect: <policy id> <JSON pointer or ->`), optionally a target version (`# kube-version:`) and a
 * CRD file (`# crd:`). The valid corpus must produce no finding at all. Policies are off here: this
 * is the schema/parse stage's contract.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validate } from '../../validator/run.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');

interface Header {
  expect: string[];
  kubeVersion?: string;
  crd?: string;
}

function header(text: string): Header {
  const h: Header = { expect: [] };
  for (const m of text.matchAll(/^# (expect|kube-version|crd): (.+)$/gm)) {
    if (m[1] === 'expect') h.expect.push(m[2]!.trim());
    else if (m[1] === 'kube-version') h.kubeVersion = m[2]!.trim();
    else h.crd = join(FIXTURES, m[2]!.trim());
  }
  return h;
}

async function run(file: string, h: Header) {
  return validate({
    version: 'test',
    manifests: [file],
    policies: false,
    ...(h.kubeVersion ? { kubeVersion: h.kubeVersion } : {}),
    ...(h.crd ? { crdFiles: [h.crd] } : {}),
  });
}

const invalid = readdirSync(join(FIXTURES, 'invalid')).filter((f) => f.endsWith('.yaml')).sort();
const valid = readdirSync(join(FIXTURES, 'valid')).filter((f) => f.endsWith('.yaml')).sort();

describe('invalid corpus: exact findings', () => {
  it('has at least 40 cases covering every category the issue names', () => {
    expect(invalid.length).toBeGreaterThanOrEqual(40);
    const all = invalid.map((f) => header(readFileSync(join(FIXTURES, 'invalid', f), 'utf8')).expect.join(' ')).join('\n');
    for (const id of ['kube-schema/invalid-type', 'kube-schema/invalid-quantity', 'kube-schema/invalid-enum', 'kube-schema/missing-required', 'kube-schema/unknown-field', 'kube-schema/int-or-string', 'kube-api/removed', 'kube-api/deprecated', 'yaml/duplicate-key']) {
      expect(all).toContain(id);
    }
    for (const depth of ['/containers/0/', '/livenessProbe/', '/volumes/0/']) expect(all).toMatch(new RegExp(`unknown-field \\S*${depth.replace(/\//g, '\\/')}`));
  });

  it.each(invalid)('%s', async (name) => {
    const file = join(FIXTURES, 'invalid', name);
    const h = header(readFileSync(file, 'utf8'));
    expect(h.expect.length, 'fixture declares its findings').toBeGreaterThan(0);
    const report = await run(file, h);
    const got = report.findings.map((f) => `${f.policyId} ${f.jsonPointer ?? '-'}`).sort();
    expect(got).toEqual([...h.expect].sort());
    for (const f of report.findings) {
      expect(f.file, 'finding has a file').toBeTruthy();
      expect(f.line, 'finding has a line').toBeGreaterThan(0);
      expect(f.docIndex).toBe(0);
    }
  });
});

describe('valid corpus', () => {
  it.each(valid)('%s has zero findings', async (name) => {
    const file = join(FIXTURES, 'valid', name);
    const report = await run(file, header(readFileSync(file, 'utf8')));
    expect(report.findings).toEqual([]);
    expect(report.summary.byStatus.invalid + report.summary.byStatus.error).toBe(0);
    expect(report.summary.byStatus.valid).toBeGreaterThan(0);
  });
});

describe('removed API depends on the target version', () => {
  const fs = join(FIXTURES, 'invalid', 'removed-flowschema-v1beta3-at-1.32.yaml');
  const at = async (file: string, v: string, apiVersions?: string[]) =>
    (await validate({ version: 't', manifests: [file], policies: false, kubeVersion: v, ...(apiVersions ? { apiVersions } : {}) })).findings.map((f) => `${f.policyId}:${f.severity}`);
  it('flowcontrol v1beta3 FlowSchema: error from 1.32, warning 1.29–1.31', async () => {
    for (const v of ['1.32', '1.33', '1.36']) expect(await at(fs, v)).toEqual(['kube-api/removed:error']);
    for (const v of ['1.29', '1.31']) expect(await at(fs, v)).toEqual(['kube-api/deprecated:warning']);
  });
  it('--api-versions that still serve the API downgrade removal to a warning, and the schema still applies', async () => {
    const pdb = join(FIXTURES, 'invalid', 'removed-pdb-v1beta1-at-1.29.yaml');
    expect(await at(pdb, '1.29', ['policy/v1beta1'])).toEqual(['kube-api/deprecated:warning']);
    expect(await at(fs, '1.33', ['flowcontrol.apiserver.k8s.io/v1beta3'])).toEqual(['kube-api/deprecated:warning']);
  });
});

describe('strictness and missing schemas', () => {
  it('--no-strict accepts unknown fields (built-in tables and bundled CRD schemas) but still checks types', async () => {
    const files = ['unknown-spec-replica.yaml', 'unknown-vpa-field.yaml', 'unknown-servicemonitor-endpoint.yaml', 'type-replicas-string.yaml'].map((f) => join(FIXTURES, 'invalid', f));
    const r = await validate({ version: 't', manifests: files, policies: false, strict: false });
    expect(r.findings.map((f) => `${f.policyId} ${f.jsonPointer}`)).toEqual(['kube-schema/invalid-type /spec/replicas']);
  });

  it('--ignore-missing-schemas reports unknown kinds as skipped, not as errors', async () => {
    const r = await validate({ version: 't', manifests: [join(FIXTURES, 'invalid', 'unknown-kind.yaml')], policies: false, ignoreMissingSchemas: true });
    expect(r.findings).toEqual([]);
    expect(r.summary.byStatus.skipped).toBe(1);
  });
});
