/**
 * Report formats: SARIF 2.1.0 passes Microsoft's official validator (`Sarif.Multitool validate`, run
 * for real), JUnit parses as XML with one testcase per resource and the expected counts, JSON is
 * byte-stable, and text has colour only when asked.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatJson } from '../../validator/formatters/json.ts';
import { formatJunit } from '../../validator/formatters/junit.ts';
import { formatSarif } from '../../validator/formatters/sarif.ts';
import { formatText, writeText } from '../../validator/formatters/text.ts';
import type { Report } from '../../validator/report.ts';
import { validate } from '../../validator/run.ts';
import { runNexus } from '../helpers/cli.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const MULTITOOL = join(import.meta.dirname, '..', '..', 'node_modules', '@microsoft', 'sarif-multitool-linux', 'Sarif.Multitool');

let report: Report;
let tmp: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'nexus-formats-'));
  const invalid = readdirSync(join(FIXTURES, 'invalid'))
    .filter((f) => f.startsWith('unknown-') || f.startsWith('type-') || f.startsWith('duplicate-') || f === 'not-a-mapping.yaml')
    .map((f) => join(FIXTURES, 'invalid', f));
  report = await validate({ version: '0.1.0', manifests: [...invalid, join(FIXTURES, 'valid', 'workloads.yaml')], policies: false });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('SARIF', () => {
  it('passes the official SARIF validator (Sarif.Multitool validate) without errors', () => {
    try {
      accessSync(MULTITOOL, constants.X_OK);
    } catch {
      throw new Error(`Sarif.Multitool is not executable at ${MULTITOOL}: run \`npm ci\` (its postinstall makes it executable) or \`chmod u+x ${MULTITOOL}\``);
    }
    const file = join(tmp, 'report.sarif');
    writeFileSync(file, formatSarif(report));
    // The single-file .NET app needs no installed runtime; invariant globalization avoids a libicu dependency.
    const out = execFileSync(MULTITOOL, ['validate', file], { encoding: 'utf8', env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1' } });
    expect(out).toContain('Analysis completed successfully');
    expect(out.split('\n').filter((l) => /: error /.test(l))).toEqual([]);
    expect(out.split('\n').filter((l) => /: warning /.test(l))).toEqual([]);
  });

  it('points results at the file and line, with rule metadata for every rule id', () => {
    const log = JSON.parse(formatSarif(report)) as {
      version: string;
      runs: Array<{ tool: { driver: { rules: Array<{ id: string; shortDescription: { text: string } }> } }; results: Array<{ ruleId: string; ruleIndex: number; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }>; properties: { jsonPointer?: string } }> }>;
    };
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0]!;
    expect(run.results.length).toBe(report.findings.length);
    for (const r of run.results) {
      expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
      expect(r.locations[0]!.physicalLocation.region.startLine).toBeGreaterThan(0);
      expect(r.locations[0]!.physicalLocation.artifactLocation.uri).toMatch(/^test\/validator\/fixtures\/invalid\/.+\.yaml$/);
    }
    const replica = run.results.find((r) => r.properties.jsonPointer === '/spec/replica')!;
    expect(replica.ruleId).toBe('kube-schema/unknown-field');
    expect(replica.locations[0]!.physicalLocation.artifactLocation.uri).toBe('test/validator/fixtures/invalid/unknown-spec-replica.yaml');
    // line 1 is `# expect: …`, line 2 `---`, the replica key is on line 11
    expect(replica.locations[0]!.physicalLocation.region.startLine).toBe(11);
  });
});

describe('JUnit', () => {
  it('parses as XML with one testcase per resource and failures for invalid ones', () => {
    const xml = formatJunit(report);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml) as {
      testsuites: { tests: string; failures: string; testsuite: Array<{ name: string; tests: string; failures: string; testcase: Array<{ name: string; failure?: unknown }> | { name: string } }> };
    };
    const suites = doc.testsuites.testsuite;
    const cases = suites.flatMap((s) => (Array.isArray(s.testcase) ? s.testcase : [s.testcase]));
    const resourceCases = cases.filter((c) => !c.name.endsWith('(input)'));
    expect(resourceCases.length).toBe(report.resources.length);
    expect(Number(doc.testsuites.tests)).toBe(cases.length);
    const invalidResources = report.resources.filter((r) => r.status === 'invalid' || r.status === 'error').length;
    const failing = cases.filter((c) => (c as { failure?: unknown }).failure !== undefined).length;
    expect(Number(doc.testsuites.failures)).toBe(failing);
    expect(failing).toBe(invalidResources);
    const valid = suites.find((s) => s.name.endsWith('valid/workloads.yaml'))!;
    expect(Number(valid.tests)).toBe(6);
    expect(Number(valid.failures)).toBe(0);
  });

  it('escapes hostile text', () => {
    const xml = formatJunit({ ...report, findings: [{ policyId: 'x', severity: 'error', message: '<&>"\u0001', source: 'a<b' }], resources: [], inputs: ['a<b'] });
    expect(() => new XMLParser().parse(xml, true)).not.toThrow();
  });
});

describe('JSON and text', () => {
  it('JSON is stable across runs', async () => {
    const again = await validate({ version: '0.1.0', manifests: [join(FIXTURES, 'invalid', 'unknown-spec-replica.yaml')], policies: false });
    expect(formatJson(again)).toBe(formatJson(await validate({ version: '0.1.0', manifests: [join(FIXTURES, 'invalid', 'unknown-spec-replica.yaml')], policies: false })));
  });

  it('text groups by resource, has a summary line, and colour only when asked', () => {
    const plain = formatText(report, { color: false });
    expect(plain).not.toContain('\u001b[');
    expect(plain).toMatch(/Deployment demo\/web\n {2}test\/validator\/fixtures\/invalid\/unknown-spec-replica\.yaml:11:3: error kube-schema\/unknown-field unknown field `replica` in spec; did you mean `replicas`\?/);
    expect(plain.trimEnd().split('\n').pop()).toMatch(/^✗ .*: \d+ resources \(\d+ valid, \d+ invalid, \d+ error\); \d+ errors, 0 warnings, 0 info, 0 skipped$/);
    expect(formatText(report, { color: true })).toContain('\u001b[');
  });

  it('the CLI streams a large text report in chunks, byte for byte the text it writes to --output', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-text-'));
    try {
      // 600 Deployments with a misspelt field each: ~150K characters of report, three chunks.
      const docs = Array.from({ length: 600 }, (_, i) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-${i}\nspec:\n  replica: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n`);
      const input = join(dir, 'many.yaml');
      writeFileSync(input, docs.join('---\n'));
      const streamed = runNexus(['validate', '--no-policies', input]);
      const written = runNexus(['validate', '--no-policies', '--output', join(dir, 'report.txt'), input]);
      expect(streamed.code).toBe(1);
      expect(written.code).toBe(1);
      const file = readFileSync(join(dir, 'report.txt'), 'utf8');
      expect(file.length).toBeGreaterThan(2 * 65536);
      expect(streamed.stdout).toBe(file);
      expect(file).toMatch(/web-599[\s\S]*\n\n✗ [^\n]+: 600 resources \(0 valid, 600 invalid\); 600 errors/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writeText hands out chunks whose concatenation is formatText', () => {
    const many = { ...report, findings: Array.from({ length: 3000 }, (_, i) => ({ ...report.findings[0]!, name: `web-${i}` })) };
    const chunks: string[] = [];
    writeText(many, { color: false }, (c) => chunks.push(c));
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.every((c) => c.endsWith('\n'))).toBe(true);
    expect(chunks.join('')).toBe(formatText(many, { color: false }));
    expect(chunks.join('').match(/\n\n✗ /g)).toHaveLength(1);
  });

  it('text groups consecutive findings apart when any field of their group differs', () => {
    const base = { policyId: 'p/x', severity: 'error' as const, message: 'm', source: 's.yaml', file: 's.yaml', docIndex: 0, kind: 'Deployment', namespace: 'ns', name: 'a' };
    // Each finding differs from the one before it in one field the group is named by (or is the same group).
    const findings = [base, { ...base }, { ...base, name: 'b' }, { ...base, name: 'b', namespace: 'other' }, { ...base, name: 'b', namespace: 'other', source: 't.yaml' }, { ...base, name: 'b', namespace: 'other', source: 't.yaml', kind: 'Service' }, { ...base, kind: undefined, docIndex: 3 }, { ...base, kind: undefined, docIndex: 4 }, { ...base, kind: undefined, docIndex: undefined, source: undefined, file: 'f.yaml' }, { ...base, kind: undefined, docIndex: undefined, source: undefined, file: 'g.yaml' }];
    const headers = formatText({ ...report, findings }, { color: false }).split('\n').filter((l) => l !== '' && !l.startsWith(' ') && !l.startsWith('✗'));
    expect(headers).toEqual(['[s.yaml] Deployment ns/a', '[s.yaml] Deployment ns/b', '[s.yaml] Deployment other/b', '[t.yaml] Deployment other/b', '[t.yaml] Service other/b', '[s.yaml] document 4', '[s.yaml] document 5', 'f.yaml', 'g.yaml']);
  });
});
