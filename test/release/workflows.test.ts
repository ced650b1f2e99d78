/**
 * The GitHub workflows shipped for users: valid per @action-validator/cli (SchemaStore workflow
 * schema), and every npm script / nexus subcommand / bundled helm they call exists.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { PROJECT_ROOT } from '../../util/paths.ts';
import { exec } from './helpers.ts';

const WORKFLOWS = join(PROJECT_ROOT, '.github', 'workflows');
const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)).sort();
const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

interface Step {
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, { steps: Step[]; environment?: string; permissions?: Record<string, string> }>;
}

const load = (f: string) => parse(readFileSync(join(WORKFLOWS, f), 'utf8')) as Workflow;
const runs = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps.map((s) => s.run ?? '')).join('\n');

async function nexusCommands(): Promise<Set<string>> {
  let help = '';
  await main(['--help'], { out: (s) => (help += s), err: () => undefined, color: false });
  return new Set([...help.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]!));
}

describe('.github/workflows', () => {
  it('has ci, release, promote and security workflows', () => {
    expect(files).toEqual(['ci.yml', 'promote.yml', 'release.yml', 'security.yml']);
  });

  it.each(files)('%s passes @action-validator/cli', async (file) => {
    const bin = join(PROJECT_ROOT, 'node_modules', '@action-validator', 'cli', 'cli.mjs');
    expect(existsSync(bin), 'run `npm ci` (installs @action-validator/cli and @action-validator/core)').toBe(true);
    const r = await exec(process.execPath, [bin, join(WORKFLOWS, file)]);
    expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
  });

  it('the checker rejects an invalid workflow (it really checks)', async () => {
    const bin = join(PROJECT_ROOT, 'node_modules', '@action-validator', 'cli', 'cli.mjs');
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'nexus-wf-'));
    try {
      writeFileSync(join(dir, 'bad.yml'), 'name: bad\non: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    stepz:\n      - run: echo\n');
      expect((await exec(process.execPath, [bin, join(dir, 'bad.yml')])).code).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(files)('%s calls only npm scripts, nexus subcommands and helm binaries that exist', async (file) => {
    const text = runs(load(file));
    const scripts = [...text.matchAll(/npm run (?:--silent )?([a-z][\w:-]*)/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) expect(Object.keys(pkg.scripts), `npm run ${s} in ${file}`).toContain(s);
    const commands = await nexusCommands();
    for (const m of text.matchAll(/npm run nexus -- ([a-z-]+)/g)) expect([...commands], `nexus ${m[1]} in ${file}`).toContain(m[1]!);
    for (const m of text.matchAll(/\.tools\/(helm\d|\$\{\{ matrix\.helm \}\})\/helm/g)) {
      if (m[1]!.startsWith('helm')) expect(existsSync(join(PROJECT_ROOT, '.tools', m[1]!, 'helm')), m[0]).toBe(true);
    }
  });

  it('ci runs on pull requests: install, type-check, tests, generate --check, SARIF upload, helm lint with helm 4 and 3', () => {
    const w = load('ci.yml');
    expect(Object.keys(w.on)).toContain('pull_request');
    const text = runs(w);
    for (const needle of ['npm ci', 'npm run typecheck', 'npm test', 'npm run generate -- --check', 'validate -- --format sarif']) expect(text).toContain(needle);
    const upload = Object.values(w.jobs).flatMap((j) => j.steps).find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(upload?.with?.sarif_file).toBe('nexus.sarif');
    expect(w.jobs.validate?.permissions?.['security-events']).toBe('write');
    const matrix = (w.jobs['helm-lint'] as unknown as { strategy: { matrix: { helm: string[] } } }).strategy.matrix.helm;
    expect(matrix.sort()).toEqual(['helm3', 'helm4']);
  });

  it('release runs on tags: validate, package with signing, publish to ghcr OCI and GitHub Pages', () => {
    const w = load('release.yml');
    expect(w.on.push).toEqual({ tags: expect.any(Array) });
    const text = runs(w);
    expect(text).toContain('npm run validate');
    expect(text).toMatch(/npm run release --[\s\S]*--sign[\s\S]*--oci "\$\{\{ steps\.version\.outputs\.oci \}\}"[\s\S]*--repo gh-pages/);
    expect(text).toContain('oci://ghcr.io/');
    expect(text).toContain('git push origin gh-pages');
    expect(w.jobs.release?.environment).toBe('release');
    expect(w.jobs.release?.permissions).toMatchObject({ packages: 'write', contents: 'write' });
    // Secrets reach tools through env and files, never argv.
    expect(text).not.toMatch(/--password[ =]/);
  });

  it('workflow and job `env` use only the contexts GitHub makes available there (no `runner` before a step runs)', () => {
    // GitHub's context availability table: `env` at workflow level sees github, secrets, inputs, vars;
    // a job's `env` adds needs, strategy, matrix. `runner`, `job`, `steps` and `env` exist only in steps.
    const contexts = (env: unknown) =>
      [...JSON.stringify(env ?? {}).matchAll(/\$\{\{([^}]*)\}\}/g)].flatMap((m) => [...m[1]!.matchAll(/(?<![\w.'-])([a-z_]+)(?=\.|\[)/g)].map((c) => c[1]!));
    for (const f of files) {
      const w = load(f) as Workflow & { env?: unknown; jobs: Record<string, { env?: unknown }> };
      expect(contexts(w.env).filter((c) => !['github', 'secrets', 'inputs', 'vars'].includes(c)), `${f}: env`).toEqual([]);
      for (const [id, job] of Object.entries(w.jobs)) {
        expect(contexts(job.env).filter((c) => !['github', 'secrets', 'inputs', 'vars', 'needs', 'strategy', 'matrix'].includes(c)), `${f}: jobs.${id}.env`).toEqual([]);
      }
    }
    // The checker sees the case it exists for.
    expect(contexts({ KUBECONFIG: '${{ runner.temp }}/kubeconfig', N: "${{ vars.NS || 'x' }}" })).toEqual(['runner', 'vars']);
  });

  it('promote goes staging → production behind environments, with a rolled-back upgrade and helm test', () => {
    const w = load('promote.yml');
    expect(w.jobs.staging?.environment).toBe('staging');
    expect(w.jobs.production?.environment).toBe('production');
    expect((w.jobs.production as unknown as { needs: string }).needs).toBe('staging');
    const text = runs(w);
    expect(text).toMatch(/upgrade --install nexus[\s\S]*--rollback-on-failure/);
    expect(text).toContain('test nexus');
    expect(text).toContain('--verify --keyring');
  });

  it('promote gates production on staging: upgrade, then smoke tests, then the load test, helm test output kept', () => {
    const w = load('promote.yml');
    const staging = w.jobs.staging!.steps.map((s) => s.run ?? '');
    const at = (needle: RegExp) => staging.findIndex((r) => needle.test(r));
    const upgrade = at(/upgrade --install nexus/);
    const smoke = at(/helm test nexus .*--filter '!name=nexus-loadtest' --logs/);
    const loadRun = at(/helm test nexus .*--filter name=nexus-loadtest --logs/);
    expect(upgrade).toBeGreaterThanOrEqual(0);
    expect(smoke).toBeGreaterThan(upgrade);
    expect(loadRun).toBeGreaterThan(smoke);
    // Each test run's output is kept (tee, pipefail so a failed test still fails the step), then uploaded.
    for (const i of [smoke, loadRun]) expect(staging[i]).toMatch(/set -euo pipefail[\s\S]*\| tee helm-test\//);
    const upload = w.jobs.staging!.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.with?.path).toBe('helm-test/');
    expect((upload as unknown as { if: string }).if).toBe('always()');
    expect(staging.join('\n')).toContain('nexus-loadtest junit begin');
    // The load test Pod the filters name is the one the chart renders for release `nexus`.
    expect(readFileSync(join(PROJECT_ROOT, 'values.staging.yaml'), 'utf8')).toMatch(/^loadtest:\n {2}enabled: true$/m);
    // Production needs the whole staging job (its last step is the load test's), and keeps its logs too.
    expect((w.jobs.production as unknown as { needs: string }).needs).toBe('staging');
    expect(w.jobs.production!.steps.some((s) => s.uses?.startsWith('actions/upload-artifact@'))).toBe(true);
  });

  it('security scans every image of `nexus images` and the chart with Trivy, weekly and on pull requests', async () => {
    const w = load('security.yml') as Workflow & { on: { schedule?: { cron: string }[] } };
    expect(Object.keys(w.on)).toEqual(expect.arrayContaining(['pull_request', 'schedule']));
    expect(w.on.schedule?.[0]?.cron).toMatch(/^\S+ \S+ \* \* [0-6]$/);
    const text = runs(w);
    expect(text).toContain('npm run --silent nexus -- images --format json');
    expect([...(await nexusCommands())]).toContain('images');
    const matrix = (w.jobs['image-scan'] as unknown as { strategy: { matrix: { image: string } } }).strategy.matrix.image;
    expect(matrix).toBe('${{ fromJSON(needs.images.outputs.images) }}');
    expect(text).toMatch(/trivy image .*--severity CRITICAL,HIGH --ignore-unfixed --exit-code 1 --ignorefile \.trivyignore\.yaml "\$IMAGE"/);
    expect(text).toMatch(/trivy image .*--format sarif/);
    expect(text).toMatch(/trivy config --severity CRITICAL,HIGH --exit-code 1 .*charts\/nexus/);
    for (const job of ['image-scan', 'chart-scan']) {
      expect(w.jobs[job]?.permissions?.['security-events']).toBe('write');
      expect(w.jobs[job]!.steps.some((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))).toBe(true);
      // Trivy's installer is pinned by commit, not by a tag that can be moved.
      expect(w.jobs[job]!.steps.find((s) => s.uses?.startsWith('aquasecurity/setup-trivy@'))?.uses).toMatch(/@[0-9a-f]{40}$/);
    }
    // Matrix values reach the shell through env, never pasted into the script.
    expect(text).not.toMatch(/\$\{\{ matrix\./);
  });

  it('the Artifact Hub repository template parses and names an owner', () => {
    const meta = parse(readFileSync(join(PROJECT_ROOT, 'release', 'artifacthub-repo.yml'), 'utf8')) as { repositoryID: string; owners: { email: string }[] };
    expect(meta.repositoryID).toMatch(/^[0-9a-f-]{36}$/);
    expect(meta.owners[0]?.email).toMatch(/@/);
  });

  it('ci.yml runs every check .ci/run runs (drift of charts and docs, validate --deep, tests, conformance)', () => {
    const ci = runs(load('ci.yml'));
    const local = readFileSync(join(PROJECT_ROOT, '.ci', 'run'), 'utf8');
    for (const check of [/generate (-- )?--check/, /docs (-- )?--check/, /validate -- --deep/, /npm test/, /conformance/, /typecheck/, /install-system-deps\.sh/]) {
      expect(local, `.ci/run runs ${check}`).toMatch(check);
      expect(ci, `ci.yml runs ${check}`).toMatch(check);
    }
  });

  it('install-system-deps.sh waits for another apt instead of failing on its lock', () => {
    const script = readFileSync(join(PROJECT_ROOT, 'scripts', 'install-system-deps.sh'), 'utf8');
    // Every apt call goes through APT, which carries the lock timeout; none calls apt-get bare.
    expect(script).toContain('APT=(apt-get -o "DPkg::Lock::Timeout=${LOCK_WAIT}")');
    expect(script.split('\n').filter((l) => /^\s*(\w+=\S+\s+)*\(?\s*(cd [^&]+&&\s*)?apt-get\b/.test(l))).toEqual([]);
    expect(script).toMatch(/until "\$\{APT\[@\]\}" update -qq; do/);
    expect(script).toMatch(/"\$\{APT\[@\]\}" install /);
  });
});

