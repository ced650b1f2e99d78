/**
 * The user-facing bin runs an esbuild bundle of the sources (bin/nexus.mjs). A few small npm packages
 * are bundled into it rather than loaded from node_modules (commander, js-yaml, picocolors,
 * fastest-levenshtein, the CEL interpreter): each is exercised here through the real bin, so a bundling
 * mistake (a CommonJS `require` of a Node built-in, a missing export) fails a test instead of a user's run.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../util/paths.ts';

const dir = mkdtempSync(join(tmpdir(), 'nexus-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function bin(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/nexus.mjs', ...args], { cwd: PROJECT_ROOT, env: { ...process.env, NEXUS_NO_BUNDLE: '', ...env }, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gauges.example.com
spec:
  group: example.com
  names: {kind: Gauge, plural: gauges}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              x-kubernetes-validations:
                - rule: self.min <= self.max
                  message: min must not exceed max
              properties:
                min: {type: integer}
                max: {type: integer}
`;

describe('the bundled CLI (bin/nexus.mjs)', () => {
  it('parses arguments with the bundled commander and suggests the closest command', async () => {
    const r = await bin(['valdate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'valdate'/);
    expect(r.stderr).toMatch(/Did you mean validate\?/);
    expect(r.stderr).not.toMatch(/Dynamic require|at file:\/\//);
  });

  it('evaluates CRD validation rules with the bundled CEL interpreter', async () => {
    const crd = file('gauge-crd.yaml', CRD);
    const cr = file('gauge.yaml', 'apiVersion: example.com/v1\nkind: Gauge\nmetadata:\n  name: g\n  namespace: default\nspec:\n  min: 5\n  max: 1\n');
    const r = await bin(['validate', '--no-policies', '--format', 'json', '--crd', crd, cr]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: { message: string; path?: string }[] };
    expect(report.findings.map((f) => f.message)).toContainEqual(expect.stringContaining('min must not exceed max'));
  });

  it('reads YAML the fast reader declines (anchors) with the bundled js-yaml', async () => {
    const m = file(
      'anchors.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: default\n  labels: &l {app: x}\n  annotations: *l\ndata:\n  a: "1"\n',
    );
    const r = await bin(['validate', '--no-policies', '--format', 'json', m]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ findings: [] });
  });

  it('names the line and column of a YAML syntax error through the bundled js-yaml', async () => {
    const m = file('broken.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "unterminated\n');
    const r = await bin(['validate', '--no-policies', m]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/broken\.yaml:\d+:\d+/);
  });

  it("gives commander a stand-in for node:child_process that covers every member commander uses", () => {
    // bin/nexus.mjs hands commander a stand-in with `spawn` only, so that starting the CLI does not load
    // child_process; if a commander update used another member, that command path would break.
    const lib = join(PROJECT_ROOT, 'node_modules', 'commander', 'lib');
    const code = readdirSync(lib)
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(lib, f), 'utf8'))
      .join('\n');
    expect(code).toMatch(/const childProcess = require\('node:child_process'\)/);
    expect(new Set([...code.matchAll(/childProcess\.(\w+)/g)].map((m) => m[1]))).toEqual(new Set(['spawn']));
  });

  it('loads no child_process, crypto or perf_hooks to validate a manifest file', async () => {
    // Each costs milliseconds of every start; they are loaded on first use (helm, TLS Secrets, atomic writes).
    const probe = file('module-list.mjs', "process.on('exit', () => process.stderr.write(`MODULES ${JSON.stringify(process.moduleLoadList)}\\n`));\n");
    const m = file('plain.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: default\ndata:\n  a: "1"\n');
    const r = await bin(['validate', '--no-policies', m], { NODE_OPTIONS: `--import=${probe}` });
    expect(r.code).toBe(0);
    const loaded = JSON.parse(/MODULES (.*)/.exec(r.stderr)![1]!) as string[];
    expect(loaded).toContain('NativeModule fs'); // the probe saw the run
    expect(loaded.filter((name) => /^NativeModule (child_process|crypto|perf_hooks|dgram)$/.test(name))).toEqual([]);
  });
});

