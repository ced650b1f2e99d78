/**
 * `nexus validate` end to end through the CLI: inputs (files, directories, stdin, --chart/-f), formats
 * and --output, --fail-on, and the exit codes 0 (clean) / 1 (findings) / 2 (could not run).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMain } from '../helpers/cli.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const FIX = join(import.meta.dirname, 'fixtures');
let tmp: string;

const nexus = (...args: string[]) => runMain(args);

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'nexus-cli-'));
  // a tiny chart of our own, for --chart/-f
  mkdirSync(join(tmp, 'chart', 'templates'), { recursive: true });
  writeFileSync(join(tmp, 'chart', 'Chart.yaml'), 'apiVersion: v2\nname: tiny\nversion: 0.1.0\nicon: https://example.com/icon.png\n');
  writeFileSync(join(tmp, 'chart', 'values.yaml'), 'replicas: 1\nport: 8080\n');
  writeFileSync(
    join(tmp, 'chart', 'templates', 'deployment.yaml'),
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: {{ .Release.Name }}',
      'spec:',
      '  replicas: {{ .Values.replicas }}',
      '  selector:',
      '    matchLabels: {app: tiny}',
      '  template:',
      '    metadata:',
      '      labels: {app: tiny}',
      '    spec:',
      '      containers:',
      '        - name: app',
      '          image: nginx:1.27',
      '          ports:',
      '            - containerPort: {{ .Values.port }}',
      '{{- if .Values.fail }}{{ fail "fail was set" }}{{ end }}',
      '',
    ].join('\n'),
  );
  writeFileSync(join(tmp, 'bad-port.yaml'), 'port: http\n');
  writeFileSync(join(tmp, 'fail.yaml'), 'fail: true\n');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('exit codes and inputs', () => {
  it('0 for a clean directory of manifests', async () => {
    const r = await nexus('validate', '--no-policies', join(FIX, 'valid', 'workloads.yaml'), join(FIX, 'valid', 'stateful-and-batch.yaml'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^✓ .*9 resources \(9 valid, 0 invalid\); 0 errors, 0 warnings, 0 info, 0 skipped\n$/);
  });

  it('1 for findings, with the finding located in the file', async () => {
    const r = await nexus('validate', '--no-policies', join(FIX, 'invalid', 'unknown-spec-replica.yaml'));
    expect(r.code).toBe(1);
    expect(r.out).toContain('unknown-spec-replica.yaml:11:3: error kube-schema/unknown-field unknown field `replica` in spec; did you mean `replicas`?');
  });

  it('2 for inputs that cannot be read, bad flags and bad versions, without a stack trace', async () => {
    for (const args of [['validate', join(tmp, 'missing.yaml')], ['validate', '--kube-version', 'latest', join(FIX, 'valid')], ['validate', '--format', 'xml'], ['validate', '--crd', join(FIX, 'valid', 'workloads.yaml'), join(FIX, 'valid')]]) {
      const r = await nexus(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });

  it('2 for a --kube-version outside the supported range, naming the range', async () => {
    for (const v of ['1.28', '1.37', 'v1.20.3']) {
      const r = await nexus('validate', '--no-policies', '--kube-version', v, join(FIX, 'valid'));
      expect(r.code, v).toBe(2);
      expect(r.err).toContain(`--kube-version ${v} is outside the supported range 1.29–1.36`);
    }
  });

  it('--fail-on error lets warnings pass; the default (warning) does not', async () => {
    const fs = join(FIX, 'invalid', 'deprecated-flowschema-v1beta3-at-1.31.yaml');
    expect((await nexus('validate', '--no-policies', '--kube-version', '1.31', fs)).code).toBe(1);
    expect((await nexus('validate', '--no-policies', '--kube-version', '1.31', '--fail-on', 'error', fs)).code).toBe(0);
  });

  it('reads a directory recursively and stdin (-)', () => {
    const bin = join(ROOT, 'bin', 'nexus.mjs');
    const text = readFileSync(join(FIX, 'invalid', 'unknown-probe.yaml'), 'utf8');
    const r = spawnSync(process.execPath, [bin, 'validate', '--no-policies', '--format', 'json', '-'], { input: text, encoding: 'utf8', cwd: ROOT });
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as { inputs: string[]; findings: Array<{ policyId: string; jsonPointer: string; file: string; line: number }> };
    expect(report.inputs).toEqual(['-']);
    expect(report.findings.map((f) => [f.policyId, f.jsonPointer, f.file, f.line])).toEqual([['kube-schema/unknown-field', '/spec/template/spec/containers/0/livenessProbe/periodSecond', '-', 45]]);
    const dir = execFileSync(process.execPath, [bin, 'validate', '--no-policies', '--format', 'json', '--crd', join(FIX, 'crds', 'widget-crd.yaml'), '--crd', join(FIX, 'crds', 'gadget-crd.yaml'), join(FIX, 'valid')], { encoding: 'utf8', cwd: ROOT });
    expect((JSON.parse(dir) as { inputs: string[] }).inputs.length).toBe(6);
  });
});

describe('--chart DIR -f values.yaml (real helm)', () => {
  it('renders the chart per values file; schema findings point at the template line', async () => {
    const ok = await nexus('validate', '--no-policies', '--chart', join(tmp, 'chart'));
    expect(ok.code).toBe(0);
    const bad = await nexus('validate', '--no-policies', '--chart', join(tmp, 'chart'), '-f', join(tmp, 'bad-port.yaml'), '--format', 'json');
    expect(bad.code).toBe(1);
    const f = (JSON.parse(bad.out) as { findings: Array<{ policyId: string; file: string; line: number; streamLine: number; jsonPointer: string }> }).findings;
    expect(f.map((x) => [x.policyId, x.jsonPointer, x.file.endsWith('chart/templates/deployment.yaml'), x.line])).toEqual([['kube-schema/invalid-type', '/spec/template/spec/containers/0/ports/0/containerPort', true, 17]]);
  });

  it('a template that fails to render is a helm/template finding at its position (exit 1)', async () => {
    const r = await nexus('validate', '--no-policies', '--no-lint', '--chart', join(tmp, 'chart'), '-f', join(tmp, 'fail.yaml'), '--format', 'json');
    expect(r.code).toBe(1);
    const f = (JSON.parse(r.out) as { findings: Array<{ policyId: string; file: string; line: number; message: string }> }).findings;
    expect(f).toHaveLength(1);
    expect(f[0]!.policyId).toBe('helm/template');
    expect(f[0]!.file).toMatch(/chart\/templates\/deployment\.yaml$/);
    expect(f[0]!.line).toBe(18);
    expect(f[0]!.message).toContain('fail was set');
  });

  it('--output writes the report (SARIF here) and prints the summary on stderr', async () => {
    const out = join(tmp, 'report.sarif');
    const r = await nexus('validate', '--no-policies', '--chart', join(tmp, 'chart'), '-f', join(tmp, 'bad-port.yaml'), '--format', 'sarif', '--output', out);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^✗ .*: 1 resources \(0 valid, 1 invalid\); 1 errors/);
    const sarif = JSON.parse(readFileSync(out, 'utf8')) as { runs: Array<{ results: Array<{ locations: Array<{ physicalLocation: { region: { startLine: number } } }> }> }> };
    expect(sarif.runs[0]!.results[0]!.locations[0]!.physicalLocation.region.startLine).toBe(17);
  });
});
