/**
 * Every file the CLI writes is written atomically: a failed run keeps the earlier file byte for byte
 * and leaves no temp files; read-only, full and wrong-type paths get a real message (exit 2).
 * Read-only and full disks are real tmpfs mounts where the machine allows it (see fs-faults.ts).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../util/paths.ts';
import { nexusAsync } from '../helpers/cli.ts';
import { fullDiskDir, readOnlyDir } from '../helpers/fs-faults.ts';

const nexus = (args: string[], env: NodeJS.ProcessEnv = {}) => nexusAsync(args, { env });
const MANIFEST = join(PROJECT_ROOT, 'test', 'validator', 'fixtures', 'valid', 'workloads.yaml');
let tmp: string;
let chart: string;


const NO_TRACE = /unexpected; rerun|\n\s+at /;
const tempFiles = (dir: string) => readdirSync(dir).filter((n) => /\.tmp-/.test(n));

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'nexus-atomic-'));
  chart = join(tmp, 'chart');
  mkdirSync(join(chart, 'templates'), { recursive: true });
  writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: tiny\nversion: 0.1.0\n');
  writeFileSync(join(chart, 'values.yaml'), 'fail: false\n');
  writeFileSync(join(chart, 'templates', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  a: "1"\n{{- if .Values.fail }}{{ fail "fail was set" }}{{ end }}\n');
  writeFileSync(join(tmp, 'fail.yaml'), 'fail: true\n');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('render --output', () => {
  it('a failing render writes nothing: the earlier good render stays byte for byte', async () => {
    const out = join(tmp, 'rendered.yaml');
    const good = await nexus(['render', '--chart', chart, '-o', out]);
    expect(good.code, good.stderr).toBe(0);
    const before = readFileSync(out, 'utf8');
    expect(before).toContain('kind: ConfigMap');
    const bad = await nexus(['render', '--chart', chart, '-f', join(tmp, 'fail.yaml'), '-o', out]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('fail was set');
    expect(bad.stderr).toContain(`nothing written to ${out}`);
    expect(readFileSync(out, 'utf8')).toBe(before);
    expect(tempFiles(tmp)).toEqual([]);
  });
});

describe('validate --output', () => {
  it('into a read-only directory: exit 2, says the file system is read-only (or permission denied)', async () => {
    const ro = readOnlyDir((dir) => writeFileSync(join(dir, 'report.json'), '{"old":true}\n'));
    try {
      const r = await nexus(['validate', '--no-policies', '--format', 'json', '-o', join(ro.dir, 'report.json'), MANIFEST]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(ro.kind === 'tmpfs' ? /cannot write the report to .*report\.json: the file system is read-only \(EROFS\)/ : /permission denied \(EACCES\)/);
      expect(r.stderr).not.toMatch(NO_TRACE);
      expect(readFileSync(join(ro.dir, 'report.json'), 'utf8')).toBe('{"old":true}\n');
    } finally {
      ro.cleanup();
    }
  });

  it('onto a directory: exit 2, says it is a directory', async () => {
    const r = await nexus(['validate', '--no-policies', '-o', tmp, MANIFEST]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot write the report to ${tmp}: it is a directory`);
  });

  it('into a directory that does not exist: exit 2 with the fix', async () => {
    const r = await nexus(['validate', '--no-policies', '-o', join(tmp, 'no', 'such', 'report.txt'), MANIFEST]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no such file or directory \(ENOENT\)\n  hint: create the directory .*no\/such first/);
  });

  it('on a full disk: exit 2, the earlier report intact, no temp file left', async () => {
    const full = fullDiskDir('report.json', (dir) => writeFileSync(join(dir, 'report.json'), '{"old":true}\n'));
    try {
      const r = await nexus(['validate', '--no-policies', '--format', 'json', '-o', join(full.dir, 'report.json'), MANIFEST], full.env);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/no space left on the device \(ENOSPC\)/);
      expect(readFileSync(join(full.dir, 'report.json'), 'utf8')).toBe('{"old":true}\n');
      expect(tempFiles(full.dir)).toEqual([]);
    } finally {
      full.cleanup();
    }
  });
});

describe('docs --out', () => {
  it('on a full disk: exit 2, no .tmp files, the earlier docs intact', async () => {
    const full = fullDiskDir('policies.md', (dir) => writeFileSync(join(dir, 'policies.md'), '# old docs\n'));
    try {
      const r = await nexus(['docs', '--out', join(full.dir, 'policies.md')], full.env);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/cannot write .*policies\.md: no space left on the device \(ENOSPC\)/);
      expect(readFileSync(join(full.dir, 'policies.md'), 'utf8')).toBe('# old docs\n');
      expect(tempFiles(full.dir)).toEqual([]);
    } finally {
      full.cleanup();
    }
  });

  it('into a read-only directory: exit 2 with a real message', async () => {
    const ro = readOnlyDir();
    try {
      const r = await nexus(['docs', '--out', join(ro.dir, 'policies.md')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/read-only \(EROFS\)|permission denied \(EACCES\)/);
      expect(r.stderr).not.toMatch(NO_TRACE);
    } finally {
      ro.cleanup();
    }
  });
});
