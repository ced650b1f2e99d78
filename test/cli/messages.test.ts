/**
 * Messages a person can act on: deep nesting, repeated paths, a bad policy severity, and running
 * `nexus` before `npm ci` (the ELOOP and helm --debug cases are in exit-codes.test.ts).
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../util/paths.ts';
import { exec } from '../release/helpers.ts';
import { nexusAsync } from '../helpers/cli.ts';

let tmp: string;
const MANIFEST = join(PROJECT_ROOT, 'test', 'validator', 'fixtures', 'valid', 'workloads.yaml');

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'nexus-messages-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('messages', () => {
  it('deep nesting: says the YAML nests too deeply, not "Maximum call stack size exceeded" with an indentation hint', async () => {
    const file = join(tmp, 'deep.yaml');
    writeFileSync(file, `a:\n${Array.from({ length: 3000 }, (_, i) => `${'  '.repeat(i + 1)}b${i}:`).join('\n')} 1\n`);
    const r = await nexusAsync(['validate', '-f', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the YAML nests too deeply to read');
    expect(r.stderr).not.toMatch(/Maximum call stack|indentation/);
  });

  it('a path is printed once, not "at bogusTop at bogusTop"', async () => {
    const file = join(tmp, 'typo.yaml');
    writeFileSync(file, 'global:\n  environment: staging\nbogusTop: 1\n');
    const r = await nexusAsync(['validate', '--no-lint', '-f', file]);
    expect(r.code).toBe(1);
    const line = r.stdout.split('\n').find((l) => l.includes('values/unknown-key'))!;
    expect(line).toContain('unknown key `bogusTop`');
    expect(line.match(/bogusTop/g)).toHaveLength(1);
  });

  it('a bad policy severity names what is allowed, not "Invalid input"', async () => {
    const dir = join(tmp, 'policy');
    mkdirSync(dir);
    writeFileSync(join(dir, '.nexus-policy.yaml'), 'policies:\n  image-tag-pinned:\n    severity: critical\n');
    const nested = await nexusAsync(['validate', MANIFEST], { cwd: dir });
    expect(nested.code).toBe(2);
    expect(nested.stderr).toMatch(/\.nexus-policy\.yaml:3:15: error: `critical` is not allowed; use one of `error`, `warning`, `info` \(at policies\.image-tag-pinned\.severity\)/);
    writeFileSync(join(dir, '.nexus-policy.yaml'), 'policies:\n  image-tag-pinned: critical\n');
    const short = await nexusAsync(['validate', MANIFEST], { cwd: dir });
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('`critical` is not allowed; use one of `off`, `error`, `warning`, `info` (or a mapping with `enabled` and `severity`)');
    expect(short.stderr).not.toContain('Invalid input');
  });

  it('running nexus before `npm ci` says "run npm ci" (exit 2), not a Node stack trace', async () => {
    const copy = join(tmp, 'fresh-clone');
    for (const d of ['bin', 'cli', 'util', 'core', 'validator', 'policies', 'release', 'schema', 'generator']) cpSync(join(PROJECT_ROOT, d), join(copy, d), { recursive: true });
    cpSync(join(PROJECT_ROOT, 'package.json'), join(copy, 'package.json'));
    for (const args of [['--version'], ['validate']]) {
      const r = await exec(process.execPath, [join(copy, 'bin', 'nexus.mjs'), ...args], { cwd: copy });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^error: the dependencies are not installed \(\S+ is missing\)\n {2}hint: run `npm ci` in /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
