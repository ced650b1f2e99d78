/**
 * Conventions users expect from kubeconform, kube-linter and kube-score: `policies list`, `--quiet`,
 * TAP output, `--skip`/`--reject` kinds, an explicit `--strict`, shell completion (run in real bash,
 * zsh and fish), and NO_COLOR (non-empty only) / FORCE_COLOR.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLICIES } from '../../policies/index.ts';
import { colorEnabled } from '../../cli/io.ts';
import { PROJECT_ROOT } from '../../util/paths.ts';
import { nexusAsync, runMain } from '../helpers/cli.ts';

const CLEAN = join(PROJECT_ROOT, 'test', 'validator', 'fixtures', 'valid', 'workloads.yaml');
const INVALID = join(PROJECT_ROOT, 'test', 'validator', 'fixtures', 'invalid', 'unknown-spec-replica.yaml');
let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'nexus-conventions-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('nexus policies list', () => {
  it('JSON: every policy with id, category, severity, default on/off and its docs section', async () => {
    const r = await runMain(['policies', 'list', '--format', 'json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.out) as { id: string; category: string; severity: string; enabledByDefault: boolean; docs: string }[];
    expect(list.map((p) => p.id)).toEqual(POLICIES.map((p) => p.meta.id).sort());
    for (const p of list) {
      const meta = POLICIES.find((x) => x.meta.id === p.id)!.meta;
      expect(p).toMatchObject({ category: meta.category, severity: meta.severity, enabledByDefault: meta.enabledByDefault !== false, docs: `docs/policies.md#${p.id}` });
    }
    expect(list.some((p) => !p.enabledByDefault)).toBe(true);
  });

  it('text: a table with a header and a count', async () => {
    const r = await runMain(['policies', 'list']);
    expect(r.out.split('\n')[0]).toMatch(/^ID +CATEGORY +SEVERITY +DEFAULT +DOCS$/);
    expect(r.out).toMatch(new RegExp(`^${POLICIES.length} policies \\(\\d+ off by default`, 'm'));
  });
});

describe('validate output conventions', () => {
  it('--quiet prints nothing on a pass, only the failing findings (no summary) on a failure', async () => {
    const pass = await runMain(['validate', '--no-policies', '-q', CLEAN]);
    expect([pass.code, pass.out]).toEqual([0, '']);
    const fail = await runMain(['validate', '--no-policies', '--quiet', INVALID]);
    expect(fail.code).toBe(1);
    expect(fail.out).toContain('unknown field `replica`');
    expect(fail.out).not.toMatch(/resources \(/);
  });

  it('TAP 13: one test point per resource, findings as a YAML block, a plan', async () => {
    const r = await runMain(['validate', '--no-policies', '--format', 'tap', INVALID]);
    expect(r.code).toBe(1);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toBe('TAP version 13');
    expect(lines.at(-1)).toMatch(/^1\.\.\d+$/);
    const points = lines.filter((l) => /^(not )?ok \d+ - /.test(l));
    expect(points.length).toBe(Number(lines.at(-1)!.slice(3)));
    expect(points.some((l) => l.startsWith('not ok'))).toBe(true);
    expect(r.out).toMatch(/ {2}---\n {2}findings:\n {4}- policy: "kube-schema\/unknown-field"\n {6}severity: error/);
  });

  it('--skip leaves a kind unchecked (skipped); --reject makes it a finding', async () => {
    const skipped = await runMain(['validate', '--no-policies', '--format', 'json', '--skip', 'Deployment', INVALID]);
    expect(skipped.code).toBe(0);
    expect((JSON.parse(skipped.out) as { summary: { byStatus: { skipped: number } } }).summary.byStatus.skipped).toBeGreaterThan(0);
    const rejected = await runMain(['validate', '--no-policies', '--format', 'json', '--reject', 'apps/v1/Deployment', CLEAN]);
    expect(rejected.code).toBe(1);
    expect((JSON.parse(rejected.out) as { findings: { policyId: string }[] }).findings.map((f) => f.policyId)).toContain('kube-schema/rejected-kind');
  });

  it('--strict is accepted explicitly (and -strict, kubeconform\'s spelling); --no-strict turns it off', async () => {
    expect((await runMain(['validate', '--no-policies', '--strict', INVALID])).code).toBe(1);
    expect((await runMain(['validate', '--no-policies', '-strict', '-summary', INVALID])).code).toBe(1);
    expect((await runMain(['validate', '--no-policies', '--no-strict', INVALID])).code).toBe(0);
  });
});

describe('shell completion, run by the real shells', () => {
  const script = (shell: string) => {
    const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'nexus.mjs'), 'completion', shell], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const file = join(tmp, `nexus.${shell}`);
    writeFileSync(file, r.stdout);
    return file;
  };
  const shellMissing = (shell: string) => `${shell} is not installed: run \`bash scripts/install-system-deps.sh\` (Debian package ${shell})`;

  it('bash: subcommands, options and option values', () => {
    const file = script('bash');
    const complete = (words: string[]) =>
      spawnSync('bash', ['-c', `source ${file}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _nexus; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(complete(['nexus', 'val'])).toEqual(['validate']);
    expect(complete(['nexus', 'validate', '--fo'])).toEqual(['--format']);
    expect(complete(['nexus', 'validate', '--format', ''])).toEqual(['text', 'json', 'sarif', 'junit', 'tap']);
    expect(complete(['nexus', 'policies', ''])).toEqual(['list']);
  });

  it('zsh: the script loads and registers the completion', () => {
    const file = script('zsh');
    const r = spawnSync('zsh', ['-f', '-c', `autoload -U compinit && compinit -u; source ${file}; print -r -- \${_comps[nexus]}`], { encoding: 'utf8' });
    expect(r.error, shellMissing('zsh')).toBeUndefined();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/_bash_complete|_nexus/);
  });

  it('fish: the script loads and completes subcommands and option values', () => {
    const file = script('fish');
    const r = spawnSync('fish', ['--no-config', '-c', `source ${file}; complete -C 'nexus val'; complete -C 'nexus validate --format '`], { encoding: 'utf8' });
    expect(r.error, shellMissing('fish')).toBeUndefined();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^validate\t/m);
    expect(r.stdout).toMatch(/^tap(\t|$)/m);
  });
});

describe('colour', () => {
  it('NO_COLOR set and non-empty turns colour off; empty NO_COLOR does not; FORCE_COLOR turns it on without a TTY', () => {
    expect(colorEnabled({}, true)).toBe(true);
    expect(colorEnabled({ NO_COLOR: '1' }, true)).toBe(false);
    expect(colorEnabled({ NO_COLOR: '' }, true)).toBe(true);
    expect(colorEnabled({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(colorEnabled({ FORCE_COLOR: '0' }, true)).toBe(false);
    expect(colorEnabled({ NO_COLOR: '1', FORCE_COLOR: '1' }, true)).toBe(false);
    expect(colorEnabled({}, false)).toBe(false);
  });

  it('FORCE_COLOR colours a piped report; NO_COLOR wins', async () => {
    const forced = await nexusAsync(['validate', '--no-policies', INVALID], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(forced.stdout).toMatch(/\x1b\[/);
    const plain = await nexusAsync(['validate', '--no-policies', INVALID], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    expect(plain.stdout).not.toMatch(/\x1b\[/);
  });
});
