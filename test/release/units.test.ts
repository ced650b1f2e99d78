/**
 * The pure parts of the release path: canonical archives, index.yaml merging, OCI references,
 * credentials and the subchart check. Archives are made by the system `tar`, not by hand.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANONICAL_MTIME, canonicalizeChartArchive, diffArchives, readChartArchive } from '../../release/archive.ts';
import { resolveCredentials } from '../../release/credentials.ts';
import { isLoopbackHost, parseOciRef } from '../../release/oci.ts';
import { checkSubcharts } from '../../release/package.ts';
import { chartUrl, mergeIndex, parseIndex, serializeIndex, type IndexEntry } from '../../release/repo-index.ts';
import { NexusError } from '../../util/errors.ts';
import { exec } from './helpers.ts';

let dir: string;
const LONG = `nexus/charts/monitoring/files/dashboards/${'very-long-directory-name/'.repeat(4)}platform-overview.json`;
const FILES: Record<string, string> = {
  'nexus/values.yaml': 'a: 1\n',
  'nexus/templates/z.yaml': 'kind: ConfigMap\n',
  'nexus/Chart.yaml': 'apiVersion: v2\nname: nexus\nversion: 1.2.3\n',
  'nexus/charts/b/Chart.yaml': 'name: b\n',
  [LONG]: '{}\n',
};

async function makeTgz(name: string, format: 'ustar' | 'gnu' | 'posix', order: string[]): Promise<Buffer> {
  const out = join(dir, name);
  const r = await exec('tar', [`--format=${format}`, '--mtime=2030-01-01 00:00:00', '-czf', out, '-C', join(dir, 'src'), ...order]);
  expect(r.code, r.stderr).toBe(0);
  return readFileSync(out);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nexus-units-'));
  for (const [p, content] of Object.entries(FILES)) {
    mkdirSync(join(dir, 'src', p, '..'), { recursive: true });
    writeFileSync(join(dir, 'src', p), content);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('canonical chart archives', () => {
  it.each(['ustar', 'gnu', 'posix'] as const)('%s tar: one order, one mtime, same contents, idempotent, readable by tar', async (format) => {
    const a = await makeTgz(`a-${format}.tgz`, format, Object.keys(FILES));
    const b = await makeTgz(`b-${format}.tgz`, format, Object.keys(FILES).reverse());
    const ca = canonicalizeChartArchive(a);
    const cb = canonicalizeChartArchive(b);
    expect(Buffer.from(ca).equals(Buffer.from(cb))).toBe(true);
    expect(Buffer.from(canonicalizeChartArchive(ca)).equals(Buffer.from(ca))).toBe(true);
    expect(diffArchives(a, ca)).toEqual([]);
    const paths = readChartArchive(ca).map((e) => e.path);
    expect(paths[0]).toBe('nexus/Chart.yaml');
    expect(paths.slice(1)).toEqual([...paths.slice(1)].sort());
    expect(paths).toContain(LONG);
    const out = join(dir, `c-${format}.tgz`);
    writeFileSync(out, ca);
    const listed = await exec('tar', ['--full-time', '-tvzf', out]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).not.toContain('2030-01-01');
    expect(listed.stdout.trim().split('\n').every((l) => l.includes(new Date(CANONICAL_MTIME * 1000).toISOString().slice(0, 10)))).toBe(true);
  });

  it('diffArchives names added, removed and changed files', async () => {
    const a = await makeTgz('d1.tgz', 'ustar', ['nexus/Chart.yaml', 'nexus/values.yaml']);
    const b = await makeTgz('d2.tgz', 'ustar', ['nexus/Chart.yaml', 'nexus/templates/z.yaml']);
    expect(diffArchives(a, b)).toEqual(['nexus/templates/z.yaml', 'nexus/values.yaml']);
  });

  it('rejects what is not a gzip stream', () => {
    expect(() => canonicalizeChartArchive(Buffer.from('not a chart'))).toThrow(NexusError);
  });
});

describe('index.yaml merging', () => {
  const now = new Date('2030-02-03T04:05:06Z');
  const entry = (version: string, digest = `d-${version}`): IndexEntry => ({ apiVersion: 'v2', name: 'nexus', version, digest, urls: [chartUrl(`nexus-${version}.tgz`)] });
  const existing = `apiVersion: v1
entries:
  other:
    - name: other
      version: 9.9.9
      digest: abc
      urls: [https://example.com/other-9.9.9.tgz]
  nexus:
    - name: nexus
      version: 0.1.0
      digest: d-0.1.0
      urls: [nexus-0.1.0.tgz]
      created: "2029-01-01T00:00:00Z"
generated: "2029-01-01T00:00:00Z"
serverInfo:
  contextPath: /charts
`;

  it('adds a version, newest first, and keeps every other entry and key as it was', () => {
    const before = parseIndex(existing, 'index.yaml');
    const { index, status } = mergeIndex(before, entry('0.10.0'), now);
    expect(status).toBe('added');
    expect(index.entries.nexus!.map((e) => e.version)).toEqual(['0.10.0', '0.1.0']);
    expect(index.entries.nexus![1]).toEqual(before.entries.nexus![0]);
    expect(index.entries.other).toEqual(before.entries.other);
    expect(index.entries.nexus![0]!.created).toBe(now.toISOString());
    const text = serializeIndex(index);
    expect(text.indexOf('apiVersion')).toBeLessThan(text.indexOf('entries'));
    expect(parseIndex(text, 'x')).toEqual({ ...index });
    expect(text).toContain('contextPath: /charts');
  });

  it('is unchanged for the same digest and refuses another digest under the same version', () => {
    const before = parseIndex(existing, 'index.yaml');
    expect(mergeIndex(before, entry('0.1.0'), now)).toEqual({ index: before, status: 'unchanged' });
    expect(() => mergeIndex(before, entry('0.1.0', 'other-digest'), now)).toThrow(/already published with different content/);
  });

  it('starts an empty index and reports a broken one with its position', () => {
    expect(mergeIndex(parseIndex(undefined, 'x'), entry('1.0.0'), now).index.entries.nexus).toHaveLength(1);
    try {
      parseIndex('entries:\n  nexus: [\n', 'repo/index.yaml');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(NexusError);
      expect((err as NexusError).location.file).toBe('repo/index.yaml');
      expect((err as NexusError).location.line).toBeGreaterThan(0);
    }
  });

  it('writes relative URLs by default and absolute ones under a base URL', () => {
    expect(chartUrl('nexus-1.0.0.tgz')).toBe('nexus-1.0.0.tgz');
    expect(chartUrl('nexus-1.0.0.tgz', 'https://org.github.io/charts/')).toBe('https://org.github.io/charts/nexus-1.0.0.tgz');
  });
});

describe('OCI references', () => {
  it('uses plain HTTP for loopback hosts only', () => {
    expect(parseOciRef('oci://127.0.0.1:5000/charts')).toMatchObject({ host: '127.0.0.1:5000', path: 'charts', plainHttp: true });
    expect(parseOciRef('oci://localhost:5000/a/b/').url).toBe('oci://localhost:5000/a/b');
    expect(parseOciRef('oci://ghcr.io/my-org/charts').plainHttp).toBe(false);
    expect(parseOciRef('oci://10.0.0.5:5000/charts').plainHttp).toBe(false);
    expect(isLoopbackHost('[::1]:5000')).toBe(true);
    expect(isLoopbackHost('127.evil.example.com')).toBe(false);
  });

  it('rejects what is not an oci:// reference or is not lowercase', () => {
    expect(() => parseOciRef('https://ghcr.io/x')).toThrow(/not an OCI reference/);
    expect(() => parseOciRef('oci://ghcr.io/My-Org/charts')).toThrow(/lowercase/);
  });
});

describe('credentials', () => {
  it('come from the environment or a file; empty means unset; half a pair is an error', () => {
    expect(resolveCredentials('OCI', {}, {})).toBeUndefined();
    expect(resolveCredentials('OCI', {}, { NEXUS_OCI_USERNAME: '', NEXUS_OCI_PASSWORD: '' })).toBeUndefined();
    expect(resolveCredentials('OCI', {}, { NEXUS_OCI_USERNAME: 'u', NEXUS_OCI_PASSWORD: 'p' })).toEqual({ username: 'u', password: 'p' });
    const file = join(dir, 'pw');
    writeFileSync(file, 'from-file\nignored\n');
    expect(resolveCredentials('REPO', { passwordFile: file }, { NEXUS_REPO_USERNAME: 'u' })).toEqual({ username: 'u', password: 'from-file' });
    expect(() => resolveCredentials('OCI', {}, { NEXUS_OCI_USERNAME: 'u' })).toThrow(/password is missing/);
    expect(() => resolveCredentials('OCI', { passwordFile: join(dir, 'missing') }, { NEXUS_OCI_USERNAME: 'u' })).toThrow(/password file not found/);
  });
});

describe('subchart layout check', () => {
  const meta = { name: 'nexus', version: '1.0.0', dependencies: [{ name: 'lib' }, { name: 'web' }] };
  it('accepts each dependency exactly once', () => {
    expect(checkSubcharts('nexus', meta, ['nexus/Chart.yaml', 'nexus/charts/lib/Chart.yaml', 'nexus/charts/web/Chart.yaml'])).toEqual({ lib: 1, web: 1 });
  });
  it('rejects a second nested copy, a missing dependency and packed archives', () => {
    const nested = ['nexus/charts/lib/Chart.yaml', 'nexus/charts/web/Chart.yaml', 'nexus/charts/web/charts/lib/Chart.yaml'];
    expect(() => checkSubcharts('nexus', meta, nested)).toThrow(/subchart lib is inside 2 times/);
    expect(() => checkSubcharts('nexus', meta, nested)).toThrow(/nested chart nexus\/charts\/web\/charts\/lib\/Chart\.yaml/);
    expect(() => checkSubcharts('nexus', meta, ['nexus/charts/lib/Chart.yaml'])).toThrow(/dependency web is missing/);
    expect(() => checkSubcharts('nexus', meta, ['nexus/charts/lib/Chart.yaml', 'nexus/charts/web/Chart.yaml', 'nexus/charts/web-1.0.0.tgz'])).toThrow(/packed subchart archive/);
  });
});
