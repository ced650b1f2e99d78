/**
 * Exit codes as the README says: 0 clean, 1 findings, 2 could not run. A broken chart, invalid UTF-8,
 * empty stdin and the like are "could not run" (2), each with a positioned message and no stack trace.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nexusAsync as nexus } from '../helpers/cli.ts';

let tmp: string;


const NO_TRACE = /unexpected; rerun|\n\s+at |Maximum call stack/;

function tinyChart(name: string, template: string): string {
  const dir = join(tmp, name);
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`);
  writeFileSync(join(dir, 'values.yaml'), 'a: 1\n');
  writeFileSync(join(dir, 'templates', 'cm.yaml'), template);
  return dir;
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'nexus-exit-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('could not run: exit 2', () => {
  it('a template that does not parse (broken chart), with file:line and without helm\'s --debug advice', async () => {
    const chart = tinyChart('broken', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: {{ .Values.a \n');
    for (const cmd of ['validate', 'render']) {
      const r = await nexus([cmd, '--chart', chart]);
      expect(r.code, `${cmd}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/broken\/templates\/cm\.yaml:7: error: the chart cannot be rendered: parse error at \(broken\/templates\/cm\.yaml:7\): unclosed action/);
      expect(r.stderr).not.toMatch(/--debug/);
      expect(r.stderr).not.toMatch(NO_TRACE);
    }
  });

  it('a call to a function that does not exist is a broken chart too', async () => {
    const chart = tinyChart('nofn', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: {{ nosuchfn .Values.a }}\n');
    const r = await nexus(['validate', '--chart', chart]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('function "nosuchfn" not defined');
  });

  it('invalid UTF-8 in a values file: the position of the bad byte', async () => {
    const file = join(tmp, 'latin1.yaml');
    writeFileSync(file, Buffer.concat([Buffer.from('global:\n  environment: staging\nfrontend:\n  image:\n    tag: "caf'), Buffer.from([0xe9]), Buffer.from('"\n')]));
    const r = await nexus(['validate', '-f', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/latin1\.yaml:5:14: error: invalid UTF-8 \(byte 0xe9/);
  });

  it('invalid UTF-8 in a manifest and on stdin', async () => {
    const bad = Buffer.concat([Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: "'), Buffer.from([0xff, 0xfe]), Buffer.from('"\n')]);
    const file = join(tmp, 'bad.yaml');
    writeFileSync(file, bad);
    const fromFile = await nexus(['validate', file]);
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr).toMatch(/bad\.yaml:6:7: error: invalid UTF-8 \(byte 0xff/);
    const fromStdin = await nexus(['validate', '-'], { input: bad });
    expect(fromStdin.code).toBe(2);
    expect(fromStdin.stderr).toMatch(/^-:6:7: error: invalid UTF-8/m);
  });

  it('empty stdin (or only comments) is an error, not a clean pass', async () => {
    for (const input of ['', '\n\n', '# just a comment\n---\n']) {
      const r = await nexus(['validate', '-'], { input });
      expect(r.code, JSON.stringify(input)).toBe(2);
      expect(r.stderr).toContain('stdin holds no YAML document');
      expect(r.stdout).not.toContain('✓');
    }
  });

  it('a symlink loop says so (not "check the file permissions")', async () => {
    const loop = join(tmp, 'loop.yaml');
    symlinkSync(loop, loop);
    const r = await nexus(['validate', '-f', loop]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('too many levels of symbolic links (a symlink loop?) (ELOOP)');
    expect(r.stderr).not.toContain('permissions');
  });
});
