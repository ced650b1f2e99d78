/**
 * Classic chart repositories with real helm against a node static server on 127.0.0.1: publish into
 * a directory it serves, then `helm repo add / search / pull --verify / install --dry-run=client`.
 * Also: a second version keeps the first, relative vs absolute URLs, a tampered archive, and an
 * upload-by-PUT repository whose failure mid-way leaves index.yaml unchanged.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageChart, type PackageResult } from '../../release/package.ts';
import { UMBRELLA_CHART_DIR } from '../../util/paths.ts';
import { locateHelm } from '../../validator/helm.ts';
import { copyChart, helm, helmEnv, makeGpgKey, nexus, sha256File, startFileServer, tempDir, type FileServer, type GpgKey } from './helpers.ts';

interface Index {
  entries: Record<string, { version: string; urls: string[]; digest: string; created: string }[]>;
}

let work: string;
let key: GpgKey;
let server: FileServer;
let served: string;
let first: PackageResult;
let second: PackageResult;
let changedSameVersion: PackageResult;

async function build(destination: string, chartDir: string): Promise<PackageResult> {
  return packageChart({ chartDir, destination, helm: await locateHelm(), sign: { key: key.name, keyring: key.secring, passphraseFile: key.passphraseFile } });
}

function readIndex(dir: string): Index {
  return parse(readFileSync(join(dir, 'index.yaml'), 'utf8')) as Index;
}

beforeAll(async () => {
  work = tempDir('http-repo');
  key = await makeGpgKey(work);
  served = join(work, 'www');
  mkdirSync(served);
  server = await startFileServer(served);
  first = await build(join(work, 'dist-1'), UMBRELLA_CHART_DIR);
  const next = semver.inc(first.version, 'minor')!;
  second = await build(join(work, 'dist-2'), copyChart(join(work, 'next'), { version: next }));
  changedSameVersion = await build(join(work, 'dist-changed'), copyChart(join(work, 'changed'), { appendToReadme: 'Edited after release.' }));
});

afterAll(async () => {
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('nexus publish --repo DIR (served over HTTP)', () => {
  const repoDir = () => join(served, 'charts');
  const repoUrl = () => `${server.url}/charts`;

  it('publishes the chart and its .prov with a relative URL; helm repo add, search, pull --verify and install --dry-run=client work', async () => {
    const r = await nexus(['publish', first.path, '--repo', repoDir(), '--keyring', key.pubring]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(repoDir()).sort()).toEqual(['index.yaml', `nexus-${first.version}.tgz`, `nexus-${first.version}.tgz.prov`]);
    const entry = readIndex(repoDir()).entries.nexus![0]!;
    expect(entry).toMatchObject({ version: first.version, urls: [`nexus-${first.version}.tgz`], digest: first.sha256 });

    const env = helmEnv(join(work, 'helm-a'));
    const add = await helm('helm4', ['repo', 'add', 'nexus-test', repoUrl()], env);
    expect(add.code, add.stderr).toBe(0);
    const search = await helm('helm4', ['search', 'repo', 'nexus-test/nexus', '--output', 'json'], env);
    expect(search.code, search.stderr).toBe(0);
    expect(JSON.parse(search.stdout)).toEqual([expect.objectContaining({ name: 'nexus-test/nexus', version: first.version })]);

    const dest = join(work, 'pulled');
    mkdirSync(dest);
    const pull = await helm('helm4', ['pull', 'nexus-test/nexus', '--version', first.version, '--verify', '--keyring', key.pubring, '--destination', dest], env);
    expect(pull.code, pull.stderr).toBe(0);
    expect(readFileSync(join(dest, `nexus-${first.version}.tgz`)).equals(readFileSync(first.path))).toBe(true);

    const install = await helm('helm4', ['install', 'nexus', 'nexus-test/nexus', '--version', first.version, '--dry-run=client', '--namespace', 'nexus-platform'], env);
    expect(install.code, install.stderr).toBe(0);
    expect(install.stdout).toMatch(/^NAME: nexus$/m);
    expect(install.stdout).toMatch(/^STATUS: pending-install$/m);
    // helm 3 reads the same repository.
    const env3 = helmEnv(join(work, 'helm3-a'));
    expect((await helm('helm3', ['repo', 'add', 'nexus-test', repoUrl()], env3)).code).toBe(0);
    const search3 = await helm('helm3', ['search', 'repo', 'nexus-test/nexus', '--output', 'json'], env3);
    expect(JSON.parse(search3.stdout)).toEqual([expect.objectContaining({ version: first.version })]);
    const dest3 = join(work, 'pulled3');
    mkdirSync(dest3);
    const pull3 = await helm('helm3', ['pull', 'nexus-test/nexus', '--version', first.version, '--verify', '--keyring', key.pubring, '--destination', dest3], env3);
    expect(pull3.code, pull3.stderr).toBe(0);
    expect(readFileSync(join(dest3, `nexus-${first.version}.tgz`)).equals(readFileSync(first.path))).toBe(true);
  });

  it('publishing a second version keeps the first in the index', async () => {
    const before = readIndex(repoDir()).entries.nexus![0]!;
    const r = await nexus(['publish', second.path, '--repo', repoDir(), '--keyring', key.pubring]);
    expect(r.code, r.stderr).toBe(0);
    const versions = readIndex(repoDir()).entries.nexus!;
    expect(versions.map((v) => v.version)).toEqual([second.version, first.version]);
    expect(versions[1]).toEqual(before);

    const env = helmEnv(join(work, 'helm-b'));
    expect((await helm('helm4', ['repo', 'add', 'nexus-test', repoUrl()], env)).code).toBe(0);
    const search = await helm('helm4', ['search', 'repo', 'nexus-test/nexus', '--versions', '--output', 'json'], env);
    expect((JSON.parse(search.stdout) as { version: string }[]).map((v) => v.version)).toEqual([second.version, first.version]);
  });

  it('refuses the same version with different content, and leaves the repository alone', async () => {
    const indexBefore = readFileSync(join(repoDir(), 'index.yaml'));
    const chartBefore = readFileSync(join(repoDir(), `nexus-${first.version}.tgz`));
    const r = await nexus(['publish', changedSameVersion.path, '--repo', repoDir(), '--keyring', key.pubring]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`nexus ${first.version.replace(/\./g, '\\.')} is already published with different content`));
    expect(readFileSync(join(repoDir(), 'index.yaml')).equals(indexBefore)).toBe(true);
    expect(readFileSync(join(repoDir(), `nexus-${first.version}.tgz`)).equals(chartBefore)).toBe(true);
    // Byte-identical re-publishing is fine (a re-run of a release job).
    const again = await nexus(['publish', first.path, '--repo', repoDir(), '--keyring', key.pubring]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^unchanged: /m);
    expect(readFileSync(join(repoDir(), 'index.yaml')).equals(indexBefore)).toBe(true);
  });

  it('refuses a tampered archive: helm verify fails and nothing is published', async () => {
    const dir = join(work, 'tampered');
    mkdirSync(dir);
    const tgz = join(dir, `nexus-${second.version}.tgz`);
    const bytes = readFileSync(second.path);
    bytes[bytes.length - 20] = bytes[bytes.length - 20]! ^ 0xff;
    writeFileSync(tgz, bytes);
    copyFileSync(`${second.path}.prov`, `${tgz}.prov`);
    const target = join(work, 'tamper-target');
    const r = await nexus(['publish', tgz, '--repo', target, '--keyring', key.pubring]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: provenance check of nexus-.*\.tgz failed: `helm verify` exited 1: .*sha256 sum does not match/);
    expect(existsSync(target)).toBe(false);
    // A signed archive needs a keyring to be checked at all.
    const noKeyring = await nexus(['publish', second.path, '--repo', target]);
    expect(noKeyring.code).toBe(2);
    expect(noKeyring.stderr).toContain('cannot be checked without a public keyring');
  });

  it('writes absolute URLs with --url, and helm pulls through them', async () => {
    const dir = join(served, 'absolute');
    const base = `${server.url}/absolute`;
    const r = await nexus(['publish', first.path, '--repo', dir, '--url', base, '--keyring', key.pubring]);
    expect(r.code, r.stderr).toBe(0);
    expect(readIndex(dir).entries.nexus![0]!.urls).toEqual([`${base}/nexus-${first.version}.tgz`]);
    const env = helmEnv(join(work, 'helm-c'));
    const dest = join(work, 'pulled-abs');
    mkdirSync(dest);
    const pull = await helm('helm4', ['pull', 'nexus', '--repo', base, '--version', first.version, '--verify', '--keyring', key.pubring, '--destination', dest], env);
    expect(pull.code, pull.stderr).toBe(0);
  });

  it('version-check against index.yaml: unchanged passes, changed-without-bump fails, an older version fails', async () => {
    const same = await nexus(['version-check', first.path, '--repo', repoDir()]);
    expect(same.code, same.stderr).toBe(0);
    const changed = await nexus(['version-check', changedSameVersion.path, '--repo', repoUrl()]);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(/content changed since .* was published, but the version was not bumped \(changed: nexus\/README\.md\)/);
    // first.version is published, so compare something that is lower than the newest one and unpublished.
    const lower = semver.inc(first.version, 'patch')!;
    const lowerPkg = await build(join(work, 'dist-lower'), copyChart(join(work, 'lower'), { version: lower }));
    const older = await nexus(['version-check', lowerPkg.path, '--repo', repoDir()]);
    expect(older.code).toBe(1);
    expect(older.stderr).toContain(`version ${lower} is not greater than the latest published version ${second.version}`);
  });
});

describe('nexus version-check and nexus release', () => {
  it('version-check without an archive packages the chart sources first (reproducibly: it matches the published bytes)', async () => {
    const repo = join(work, 'vc-repo');
    expect((await nexus(['publish', first.path, '--repo', repo, '--keyring', key.pubring])).code).toBe(0);
    const r = await nexus(['version-check', '--repo', repo]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`sha256:${first.sha256}`);
    expect(r.stdout).toContain(`${first.version} is published and byte-identical`);
    expect(r.stdout).toMatch(/ok {3}Chart\.yaml: artifacthub\.io\/changes lists the changes/);
  });

  it('release = gate + signed package + version check + publish (the committed staging values pass the gate)', async () => {
    const staging = join(UMBRELLA_CHART_DIR, '..', '..', 'values.staging.yaml');
    const validated = await nexus(['validate', '-f', staging]);
    expect(validated.code, `nexus validate -f values.staging.yaml must pass (CI keeps it green): ${validated.stdout}${validated.stderr}`).toBe(0);
    const target = join(work, 'released');
    mkdirSync(target); // a new repository: an empty directory (release refuses a missing one, likely a typo)
    const r = await nexus([
      'release', '-f', staging, '--destination', join(work, 'dist-release'),
      '--sign', '--key', key.name, '--keyring', key.secring, '--passphrase-file', key.passphraseFile,
      '--public-keyring', key.pubring, '--require-signature', '--repo', target,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/version check of nexus .*\n {2}ok {3}Chart\.yaml[\s\S]*ok {3}.*is new \(first release\)/);
    expect(r.stdout).toMatch(/^published: .*signed by Nexus Release Test/m);
    expect(readdirSync(target).sort()).toEqual(['index.yaml', `nexus-${first.version}.tgz`, `nexus-${first.version}.tgz.prov`]);
    expect(readIndex(target).entries.nexus![0]!.digest).toBe(sha256File(join(work, 'dist-release', `nexus-${first.version}.tgz`)));
  });

  it('release stops at the gate when validate finds errors, and publishes nothing', async () => {
    const bad = join(work, 'release-bad-values.yaml');
    writeFileSync(bad, 'frontend:\n  replicaz: 3\n');
    const target = join(work, 'release-refused');
    const r = await nexus(['release', '-f', bad, '--destination', join(work, 'dist-refused'), '--repo', target]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/refusing to package .*validate found \d+ error/);
    expect(existsSync(target)).toBe(false);
  });

  it('release refuses to publish an archive packaged with --force', async () => {
    const target = join(work, 'forced-release');
    const r = await nexus(['release', '-f', join(work, 'no-such-values.yaml'), '--force', '--destination', join(work, 'dist-forced'), '--repo', target]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--force: the validation gate is OFF');
    expect(r.stderr).toContain('refusing to publish an archive packaged with --force');
    expect(existsSync(target)).toBe(false);
  });
});

describe('nexus publish --repo URL (upload by PUT)', () => {
  it('uploads the chart, the .prov, then index.yaml; an upload failure leaves index.yaml unchanged', async () => {
    const root = join(work, 'put-root');
    mkdirSync(root);
    const ok = await startFileServer(root, { put: true });
    try {
      const r = await nexus(['publish', first.path, '--repo', ok.url, '--keyring', key.pubring]);
      expect(r.code, r.stderr).toBe(0);
      expect(ok.puts).toEqual([`nexus-${first.version}.tgz`, `nexus-${first.version}.tgz.prov`, 'index.yaml']);
    } finally {
      await ok.stop();
    }
    const indexBefore = readFileSync(join(root, 'index.yaml'));
    const failing = await startFileServer(root, { put: true, failPut: (name) => name.endsWith('.prov') });
    try {
      const r = await nexus(['publish', second.path, '--repo', failing.url, '--keyring', key.pubring]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/error: publishing nexus .* stopped: uploading nexus-.*\.tgz\.prov to http:\/\/127\.0\.0\.1:\d+ failed: HTTP 500/);
      expect(failing.puts).not.toContain('index.yaml');
      expect(readFileSync(join(root, 'index.yaml')).equals(indexBefore)).toBe(true);
    } finally {
      await failing.stop();
    }
  });
});
