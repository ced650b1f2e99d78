/** Bad values input gets a clear error with its position and exit 2, never a stack trace. */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../util/paths.ts';
import { runNexus, STACK_FRAME } from '../helpers/cli.ts';

let dir: string;
const file = (name: string, content: string) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nexus-bad-input-'));
});

describe('nexus validate on bad input', () => {
  it('malformed YAML: exit 2 with file:line:col', () => {
    const p = file('malformed.yaml', 'frontend:\n  image:\n    tag: "1.0\n  replicaCount: 3\n');
    const r = runNexus(['validate', '-f', p]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/malformed\.yaml:\d+:\d+: error: malformed YAML/);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('a list instead of a mapping: exit 2, says what the top level is', () => {
    const p = file('list.yaml', '- frontend\n- backend\n');
    const r = runNexus(['validate', '-f', p]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/list\.yaml:1:1: error: values file must be a mapping of keys to values, but its top level is a list/);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('a scalar instead of a mapping: exit 2', () => {
    const r = runNexus(['validate', '-f', file('scalar.yaml', 'just a string\n')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/scalar\.yaml:1:1: .*top level is a string/);
  });

  it('a missing file: exit 2 naming the path', () => {
    const r = runNexus(['validate', '-f', join(dir, 'nope.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/values file not found: .*nope\.yaml/);
    expect(r.stderr).toMatch(/hint:/);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('an empty file (only comments): exit 2 with position', () => {
    const r = runNexus(['validate', '-f', file('empty.yaml', '# nothing here\n')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/empty\.yaml:1:1: error: values file is empty/);
  });

  it('duplicate keys: exit 2 at the duplicate', () => {
    const r = runNexus(['validate', '-f', file('dup.yaml', 'frontend:\n  replicaCount: 3\n  replicaCount: 4\n')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/dup\.yaml:3:3: error: duplicate key/);
  });

  it('a YAML alias bomb is refused, not expanded', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) levels.push(`l${i}: &l${i} [${Array(10).fill(i === 1 ? '*a' : `*l${i - 1}`).join(',')}]`);
    const r = runNexus(['validate', '-f', file('bomb.yaml', `${levels.join('\n')}\n`)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bomb\.yaml:1:1: error: YAML could not be expanded/);
    expect(r.stderr).toMatch(/too many aliases/);
  });

  it('a missing helm: exit 2 with how to fix it', () => {
    const r = runNexus(['validate'], { env: { HELM_BIN: join(dir, 'no-helm') } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/helm not found at .*no-helm \(from HELM_BIN\)/);
    expect(r.stderr).toMatch(/npm ci/);
  });

  it('a helm that is not executable: exit 2 with how to fix it', () => {
    const fake = file('not-exec-helm', '#!/bin/sh\necho v4.1.4\n');
    const r = runNexus(['validate', '--helm', fake]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot run helm at .*not-exec-helm: EACCES|helm at .*not-exec-helm .*cannot be executed/);
    expect(r.stderr).toMatch(/--helm PATH or HELM_BIN/);
  });

  it('a broken helm: exit 2 naming what it said', () => {
    const fake = file('broken-helm', '#!/bin/sh\necho "GLIBC_2.99 not found" >&2\nexit 127\n');
    chmodSync(fake, 0o755);
    const r = runNexus(['validate', '--helm', fake]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/helm at .*broken-helm \(from --helm\) is broken: `helm version` exited 127: GLIBC_2\.99 not found/);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('an unknown option: exit 2', () => {
    const r = runNexus(['validate', '--no-such-flag']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option/);
  });
});

describe('output to a closed pipe', () => {
  it('`nexus render | head -1` stops quietly instead of crashing on EPIPE', () => {
    const r = spawnSync('bash', ['-o', 'pipefail', '-c', `node ${JSON.stringify(join(PROJECT_ROOT, 'bin', 'nexus.mjs'))} render | head -1`], { encoding: 'utf8', cwd: PROJECT_ROOT });
    expect(r.stdout).toBe('---\n');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

// Output to a file or /dev/null is written in place, without Node's stdout stream (cli/io.ts).
describe('output to a file or a device', () => {
  const bin = join(PROJECT_ROOT, 'bin', 'nexus.mjs');
  const manifest = () => file('one.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: b\n');

  it('writes the whole report to a file, as through a pipe', () => {
    const args = [bin, 'validate', '--format', 'json', manifest()];
    const piped = spawnSync(process.execPath, args, { encoding: 'utf8', cwd: PROJECT_ROOT });
    const out = join(dir, 'report.json');
    const r = spawnSync('sh', ['-c', `exec "$0" "$@" > ${JSON.stringify(out)}`, process.execPath, ...args], { encoding: 'utf8', cwd: PROJECT_ROOT });
    expect(r.status).toBe(piped.status);
    expect(r.stderr).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(piped.stdout);
    expect(JSON.parse(piped.stdout).summary).toBeDefined();
  });

  it('a full disk behind the redirect (/dev/full): exit 2 and one line, no stack trace', () => {
    const r = spawnSync('sh', ['-c', 'exec "$0" "$@" > /dev/full', process.execPath, bin, 'validate', manifest()], { encoding: 'utf8', cwd: PROJECT_ROOT });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('error: cannot write the output: ENOSPC\n');
  });
});
