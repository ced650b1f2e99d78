/**
 * `-f`, `--set`, `--set-string`, `--set-file` and `--set-json` mean what they mean in helm:
 *   - the values nexus checks equal the values helm renders with (`toJson .Values` of a probe chart,
 *     real helm 4 and helm 3, on generated inputs, errors included);
 *   - `nexus render` with layered flags prints helm's own render byte for byte (both helms);
 *   - `-f -` and process substitution reach helm with the content nexus checked;
 *   - findings point at the file or flag that set the value; `--env` picks the environment overlays.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NexusError } from '../../util/errors.ts';
import { PROJECT_ROOT, UMBRELLA_CHART_DIR } from '../../util/paths.ts';
import { BUNDLED_HELM, type HelmFlavour } from '../../validator/helm.ts';
import { NEXUS_DEFAULT_API_VERSIONS } from '../../validator/run.ts';
import { LayeredValues, readValuesFile, type SetFlags } from '../../validator/values-input.ts';
import { nexusAsync } from '../helpers/cli.ts';
import { helm } from '../helpers/helm.ts';

let tmp: string;
let probe: string;
let fileCount = 0;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'nexus-layered-'));
  probe = join(tmp, 'probe');
  mkdirSync(join(probe, 'templates'), { recursive: true });
  writeFileSync(join(probe, 'Chart.yaml'), 'apiVersion: v2\nname: probe\nversion: 0.1.0\n');
  writeFileSync(join(probe, 'values.yaml'), '{}\n');
  writeFileSync(join(probe, 'templates', 'values.txt'), '{{ toJson .Values }}\n');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function file(text: string): string {
  const p = join(tmp, `f${fileCount++}`);
  writeFileSync(p, text);
  return p;
}

/** What nexus computes for these inputs, or 'error'. */
function ours(files: string[], flags: SetFlags): unknown {
  try {
    return JSON.parse(JSON.stringify(new LayeredValues(files.map((f) => readValuesFile(f)), flags).value));
  } catch (err) {
    if (err instanceof NexusError) return 'error';
    throw err;
  }
}

/** What helm renders with (`toJson .Values`), or 'error'. */
async function helms(flavour: HelmFlavour, files: string[], flags: SetFlags): Promise<unknown> {
  const args = ['template', 't', probe, '--show-only', 'templates/values.txt', ...files.flatMap((f) => ['-f', f])];
  for (const [flag, list] of [['--set-json', flags.setJson], ['--set', flags.set], ['--set-string', flags.setString], ['--set-file', flags.setFile]] as const) {
    for (const v of list ?? []) args.push(flag, v);
  }
  const r = await helm(flavour, args);
  if (r.code !== 0) return 'error';
  return JSON.parse(r.stdout.replace(/^---\n# Source: .*\n/, ''));
}

// Small alphabets, so that generated keys collide and exercise merging, lists and type clashes.
const KEY = fc.constantFrom('a', 'b', 'c');
const SCALAR = fc.constantFrom('true', 'FALSE', 'null', '0', '007', '12', '-5', '+7', '1.5', 'abc', 'x y', '', 'yes', '1e3');
const PATH = fc.array(fc.tuple(KEY, fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined })), { minLength: 1, maxLength: 3 }).map((segs) => segs.map(([k, i]) => (i === undefined ? k : `${k}[${i}]`)).join('.'));
const ASSIGN = fc.tuple(PATH, fc.oneof(SCALAR, fc.array(SCALAR, { maxLength: 2 }).map((l) => `{${l.join(',')}}`))).map(([p, v]) => `${p}=${v}`);
const SET = fc.array(ASSIGN, { minLength: 1, maxLength: 3 }).map((l) => l.join(','));
const JSON_VALUE = fc.constantFrom('1', '"s"', 'null', '[1,2]', '{"a":{"b":true}}', '', '  [ "x" ] ');
const SET_JSON = fc.array(fc.tuple(PATH, JSON_VALUE).map(([p, v]) => `${p}=${v}`), { minLength: 1, maxLength: 2 }).map((l) => l.join(','));
const YAML_VALUE: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, fc.constantFrom(1, 'x', true, null, 2.5), fc.array(tie('node'), { maxLength: 2 }), fc.dictionary(KEY, tie('node'), { maxKeys: 3 })),
})).node;
const FILE = fc.dictionary(KEY, YAML_VALUE, { minKeys: 1, maxKeys: 3 });

describe('the values nexus checks are the values helm renders with', () => {
  for (const flavour of ['helm4', 'helm3'] as HelmFlavour[]) {
    it(`${flavour} (${BUNDLED_HELM[flavour].version}): -f files then --set-json, --set, --set-string, --set-file`, async () => {
      const setFileContent = file('from a file\nline 2\n');
      await fc.assert(
        fc.asyncProperty(fc.array(FILE, { maxLength: 2 }), fc.array(SET, { maxLength: 2 }), fc.array(SET, { maxLength: 1 }), fc.array(SET_JSON, { maxLength: 1 }), fc.boolean(), async (docs, set, setString, setJson, withFile) => {
          const files = docs.map((d) => file(`${JSON.stringify(d)}\n`));
          const flags: SetFlags = { set, setString, setJson, setFile: withFile ? [`a.file=${setFileContent}`] : [] };
          expect(ours(files, flags)).toEqual(await helms(flavour, files, flags));
        }),
        { numRuns: 40 },
      );
    });
  }

  it('YAML 1.1 scalars in -f files read as helm reads them (yes, NO, on, 0777, 1_000, 0b11, keys too)', async () => {
    const f = file('a: yes\nb: NO\nc: on\nd: 0777\ne: 1_000\nf: 0b11\ng: "yes"\nh: 2001-12-14\nOff: 1\ni: 08\nj: .5\nk: 0x1F\n');
    expect(ours([f], {})).toEqual(await helms('helm4', [f], {}));
    expect(ours([f], {})).toEqual({ a: true, b: false, c: true, d: 511, e: 1000, f: 3, g: 'yes', h: '2001-12-14', false: 1, i: 8, j: 0.5, k: 31 });
  });
});

async function helmTemplate(flavour: HelmFlavour, args: string[]): Promise<string> {
  const r = await helm(flavour, ['template', 'nexus', UMBRELLA_CHART_DIR, '--namespace', 'nexus', '--api-versions', NEXUS_DEFAULT_API_VERSIONS.join(','), ...args]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

describe('nexus render with layered values = helm template, byte for byte', () => {
  const base = join(PROJECT_ROOT, 'values.production.yaml');
  it.each(['helm4', 'helm3'] as HelmFlavour[])('%s', async (flavour) => {
    const override = file('frontend:\n  replicaCount: 5\n  env:\n    FEATURE_X: "on"\nbackend:\n  autoscaling:\n    minReplicas: 4\n');
    const cert = file('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const flags = ['--set', 'frontend.replicaCount=6,backend.extraEnv[0].name=A,backend.extraEnv[0].value=1', '--set-string', 'frontend.env.BUILD=0042', '--set-json', 'frontend.podAnnotations={"x.io/a":"b"}', '--set-file', `frontend.env.CA=${cert}`];
    const args = ['-f', base, '-f', override, ...flags];
    const ourRender = await nexusAsync(['render', '--helm', BUNDLED_HELM[flavour].path, ...args]);
    expect(ourRender.code, ourRender.stderr).toBe(0);
    const theirs = await helmTemplate(flavour, args);
    expect(theirs).toContain('0042');
    expect(ourRender.stdout).toBe(theirs);
  });
});

/** A shell command line, run by bash (for `<(…)` process substitution and pipes). */
function bash(script: string, input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { cwd: PROJECT_ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

describe('streams are read once and handed to helm as checked', () => {
  const nexusBin = `node ${JSON.stringify(join(PROJECT_ROOT, 'bin', 'nexus.mjs'))}`;
  const overlay = 'frontend:\n  replicaCount: 7\n';

  it('-f - (stdin) and -f /dev/stdin render what was piped in, not the chart defaults', async () => {
    const expected = await helmTemplate('helm4', ['-f', join(PROJECT_ROOT, 'values.production.yaml'), '-f', file(overlay)]);
    for (const spec of ['-', '/dev/stdin']) {
      const r = await bash(`${nexusBin} render -f values.production.yaml -f ${spec}`, overlay);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(expected);
    }
  });

  it('process substitution: validate checks the same content helm renders', async () => {
    const expected = await helmTemplate('helm4', ['-f', join(PROJECT_ROOT, 'values.production.yaml'), '-f', file(overlay)]);
    const rendered = await bash(`${nexusBin} render -f values.production.yaml -f <(printf ${JSON.stringify(overlay)})`);
    expect(rendered.code, rendered.stderr).toBe(0);
    expect(rendered.stdout).toBe(expected);
    const typo = await bash(`${nexusBin} validate --no-lint -f values.production.yaml -f <(printf 'frontend:\\n  replicaz: 3\\n') --format json`);
    expect(typo.code, typo.stderr).toBe(1);
    const findings = (JSON.parse(typo.stdout) as { findings: { policyId: string; file: string; line: number }[] }).findings;
    expect(findings.map((f) => [f.policyId, f.file.startsWith('/dev/fd/'), f.line])).toEqual([['values/unknown-key', true, 2]]);
  });
});

describe('findings point at the source that set the value', () => {
  it('a later -f fixes an earlier one (no finding); the other way round, the finding is in the later file', async () => {
    const bad = file('frontend:\n  replicaCount: many\n');
    const good = file('frontend:\n  replicaCount: 3\n');
    const prod = join(PROJECT_ROOT, 'values.production.yaml');
    const fixed = await nexusAsync(['validate', '--no-lint', '--no-policies', '-f', prod, '-f', bad, '-f', good, '--format', 'json']);
    expect(fixed.code, fixed.stdout).toBe(0);
    const broken = await nexusAsync(['validate', '--no-lint', '--no-policies', '-f', prod, '-f', good, '-f', bad, '--format', 'json']);
    expect(broken.code).toBe(1);
    const f = (JSON.parse(broken.stdout) as { findings: { policyId: string; file: string; line: number; jsonPointer: string }[] }).findings;
    expect(f.map((x) => [x.policyId, x.file, x.line, x.jsonPointer])).toEqual([['values/invalid', bad, 2, 'frontend.replicaCount']]);
  });

  it('a value from --set is reported at that flag, once (not again by helm lint and template)', async () => {
    const r = await nexusAsync(['validate', '--env', 'production', '--set', 'frontend.replicaCount=many', '--format', 'json']);
    expect(r.code).toBe(1);
    const f = (JSON.parse(r.stdout) as { findings: { policyId: string; file: string; line?: number; message: string }[] }).findings;
    expect(f.map((x) => [x.policyId, x.file, x.line])).toEqual([['values/invalid', '--set frontend.replicaCount=many', undefined]]);
  });
});

describe('--env', () => {
  it('renders one overlay per --env; the default is both', async () => {
    const both = await nexusAsync(['validate', '--no-lint', '--no-policies', '--format', 'json']);
    const explicit = await nexusAsync(['validate', '--no-lint', '--no-policies', '--format', 'json', '--env', 'staging', '--env', 'production']);
    const inputs = (r: { stdout: string }) => (JSON.parse(r.stdout) as { inputs: string[] }).inputs;
    expect(inputs(both)).toEqual(['values.staging.yaml', 'values.production.yaml']);
    expect(inputs(explicit)).toEqual(inputs(both));
    const one = await nexusAsync(['validate', '--no-lint', '--no-policies', '--format', 'json', '--env', 'production']);
    expect(inputs(one)).toEqual(['values.production.yaml']);
    const missing = await nexusAsync(['validate', '--env', 'qa']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no values file for --env qa: values.qa.yaml not found');
  });
});

describe('report paths that look like a typo for a format', () => {
  it('`-o json` is refused (it would write a text report to a file named json); kubeconform\'s `-output json` works', async () => {
    const manifest = join(PROJECT_ROOT, 'test', 'validator', 'fixtures', 'valid', 'workloads.yaml');
    const cwd = mkdtempSync(join(tmp, 'cwd-'));
    const typo = await nexusAsync(['validate', '--no-policies', '-o', 'json', manifest], { cwd });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('`-o json` would write the report to a file named "json"');
    expect(typo.stderr).toContain('--format json');
    expect(() => readFileSync(join(cwd, 'json'))).toThrow();
    const kubeconform = await nexusAsync(['validate', '--no-policies', '-output', 'json', manifest], { cwd });
    expect(kubeconform.code, kubeconform.stderr).toBe(0);
    expect((JSON.parse(kubeconform.stdout) as { summary: { resources: number } }).summary.resources).toBeGreaterThan(0);
  });
});
