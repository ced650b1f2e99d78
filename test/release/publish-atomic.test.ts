/**
 * Publishing is all-or-nothing per run, or says exactly what it did: every target is checked
 * (writable, room, push permission, version) before anything is uploaded; the repository side is
 * staged and committed atomically; a failure after the OCI push names what was published where and
 * how to finish or undo. Real registry (Debian docker-registry), real read-only and full tmpfs mounts
 * where the machine allows them (test/helpers/fs-faults.ts). Also `version-check` reads a directory
 * repository locally, and a missing one is an error.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageChart, type PackageResult } from '../../release/package.ts';
import { UMBRELLA_CHART_DIR } from '../../util/paths.ts';
import { locateHelm } from '../../validator/helm.ts';
import { fullDiskDir, readOnlyDir } from '../helpers/fs-faults.ts';
import { copyChart, exec, freePort, makeGpgKey, nexus, startFileServer, startRegistry, tempDir, type GpgKey, type Registry } from './helpers.ts';

let work: string;
let key: GpgKey;
let registry: Registry;
let chart: PackageResult;
let changed: PackageResult;

beforeAll(async () => {
  work = tempDir('publish-atomic');
  key = await makeGpgKey(work);
  registry = await startRegistry(join(work, 'registry'));
  const helm = await locateHelm();
  const sign = { key: key.name, keyring: key.secring, passphraseFile: key.passphraseFile };
  chart = await packageChart({ chartDir: UMBRELLA_CHART_DIR, destination: join(work, 'dist'), helm, sign });
  changed = await packageChart({ chartDir: copyChart(join(work, 'changed'), { appendToReadme: 'Changed without a bump.' }), destination: join(work, 'dist-changed'), helm });
});

afterAll(async () => {
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

let refCount = 0;
/** A fresh OCI repository path per test, so one test's push cannot hide another's. */
const freshRef = () => `oci://${registry.host}/atomic${++refCount}`;

async function tags(ref: string): Promise<string[]> {
  const path = ref.replace(/^oci:\/\/[^/]+\//, '');
  const res = await fetch(`http://${registry.host}/v2/${path}/nexus/tags/list`);
  if (res.status === 404) return [];
  return ((await res.json()) as { tags?: string[] | null }).tags ?? [];
}

const listing = (dir: string) => readdirSync(dir).filter((n) => n !== '.filler').sort();

describe('preflight: nothing is uploaded unless every target can take it', () => {
  it('--oci with a read-only --repo: refused before the push; the registry does not get the version', async () => {
    const ro = readOnlyDir((dir) => writeFileSync(join(dir, 'index.yaml'), 'apiVersion: v1\nentries: {}\n'));
    try {
      const ref = freshRef();
      const r = await nexus(['publish', chart.path, '--keyring', key.pubring, '--oci', ref, '--repo', ro.dir]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(ro.kind === 'tmpfs' ? /cannot write into the repository directory .*: the file system is read-only \(EROFS\)/ : /permission denied \(EACCES\)/);
      expect(r.stderr).toContain('nothing was published');
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(await tags(ref)).toEqual([]);
      expect(listing(ro.dir)).toEqual(['index.yaml']);
    } finally {
      ro.cleanup();
    }
  });

  it('a repository on a full disk: refused up front (no .tgz, .prov or temp file left); the registry untouched', async () => {
    const full = fullDiskDir('index.yaml', (dir) => writeFileSync(join(dir, 'index.yaml'), 'apiVersion: v1\nentries: {}\n'), 512, 64);
    try {
      const ref = freshRef();
      const r = await nexus(['publish', chart.path, '--keyring', key.pubring, '--oci', ref, '--repo', full.dir], full.env);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(full.kind === 'tmpfs' ? /not enough space in .*: publishing needs about \d+ KiB, \d+ KiB are free/ : /no space left on the device \(ENOSPC\)/);
      expect(r.stderr).toContain('nothing was published');
      expect(listing(full.dir)).toEqual(['index.yaml']);
      expect(readFileSync(join(full.dir, 'index.yaml'), 'utf8')).toBe('apiVersion: v1\nentries: {}\n');
      expect(await tags(ref)).toEqual([]);
    } finally {
      full.cleanup();
    }
  });

  it('a registry that refuses the push (wrong credentials): refused before the repository is touched', async () => {
    const htpasswd = join(work, 'htpasswd');
    const hash = await exec('python3', ['-W', 'ignore', '-c', 'import crypt,sys; print("releaser:" + crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))', 'right-password']);
    expect(hash.code, `bcrypt for htpasswd needs python3 with crypt: ${hash.stderr}`).toBe(0);
    writeFileSync(htpasswd, hash.stdout);
    const auth = await startRegistry(join(work, 'auth-registry'), { htpasswd });
    try {
      const repo = join(work, 'repo-auth');
      const r = await nexus(['publish', chart.path, '--keyring', key.pubring, '--oci', `oci://${auth.host}/charts`, '--repo', repo], { NEXUS_OCI_USERNAME: 'releaser', NEXUS_OCI_PASSWORD: 'wrong' });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/HTTP 401/);
      expect(existsSync(join(repo, 'index.yaml'))).toBe(false);
      expect(existsSync(repo) ? readdirSync(repo) : []).toEqual([]);
    } finally {
      await auth.stop();
    }
  });
});

describe('a failure after the OCI push', () => {
  it('says what was published where and how to finish or undo; the repository is as before; a re-run finishes', async () => {
    const ref = freshRef();
    const repo = join(work, 'repo-late');
    mkdirSync(repo);
    writeFileSync(join(repo, 'index.yaml'), 'apiVersion: v1\nentries: {}\n');
    // The index write fails like a disk that filled up after the preflight (injected at that write).
    const r = await nexus(['publish', chart.path, '--keyring', key.pubring, '--oci', ref, '--repo', repo], { NEXUS_FAULT: 'write:index.yaml=ENOSPC' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`publishing nexus ${chart.version.replace(/\./g, '\\.')} stopped: cannot write .*index\\.yaml: no space left on the device \\(ENOSPC\\)`));
    expect(r.stderr).toMatch(new RegExp(`published: ${ref.replace(/[./]/g, '\\$&')}/nexus:${chart.version.replace(/\./g, '\\.')} \\(chart sha256:${chart.sha256}, manifest sha256:[0-9a-f]{64}\\)`));
    expect(r.stderr).toContain(`not published: ${repo} (index.yaml unchanged; the uploaded files were removed again)`);
    expect(r.stderr).toMatch(/hint: to finish: fix the cause and run the same command again/);
    expect(r.stderr).toMatch(/to undo the OCI push instead, delete the manifest: `curl -X DELETE http:\/\/127\.0\.0\.1:\d+\/v2\/atomic\d+\/nexus\/manifests\/sha256:[0-9a-f]{64}`/);
    expect(listing(repo)).toEqual(['index.yaml']);
    expect(await tags(ref)).toEqual([chart.version]);

    const again = await nexus(['publish', chart.path, '--keyring', key.pubring, '--oci', ref, '--repo', repo]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^unchanged: ${ref.replace(/[./]/g, '\\$&')}: `, 'm'));
    expect(again.stdout).toMatch(new RegExp(`^published: ${repo.replace(/[./]/g, '\\$&')}: `, 'm'));
    expect(listing(repo)).toEqual(['index.yaml', `nexus-${chart.version}.tgz`, `nexus-${chart.version}.tgz.prov`]);
  });

  it('a failure before the push removes the staged chart files again: nothing was published', async () => {
    const ref = freshRef();
    const repo = join(work, 'repo-early');
    const r = await nexus(['publish', chart.path, '--keyring', key.pubring, '--oci', ref, '--repo', repo], { NEXUS_FAULT: 'publish:staged=throw' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/stopped: injected fault at publish:staged\n {2}nothing was published\n {2}not published: .*repo-early \(index\.yaml unchanged; the uploaded files were removed again\)/);
    expect(existsSync(repo) ? listing(repo) : []).toEqual([]);
    expect(await tags(ref)).toEqual([]);
  });

  it('an upload-by-PUT repository gets a DELETE for a staged file when a later upload fails', async () => {
    const root = join(work, 'put-root');
    mkdirSync(root);
    const server = await startFileServer(root, { put: true, failPut: (name) => name.endsWith('.prov') });
    try {
      const r = await nexus(['publish', chart.path, '--keyring', key.pubring, '--repo', server.url]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/stopped: uploading nexus-.*\.tgz\.prov to http:\/\/127\.0\.0\.1:\d+ failed: HTTP 500/);
      expect(server.puts).toEqual([`nexus-${chart.version}.tgz`, `nexus-${chart.version}.tgz.prov`]);
      expect(server.deletes).toEqual([`nexus-${chart.version}.tgz`]); // the .prov never arrived
      expect(readdirSync(root)).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});

describe('version-check against a directory repository', () => {
  it('reads the published archive from the directory, not from the --url it was published under', async () => {
    const repo = join(work, 'repo-vc');
    // Published with absolute URLs on a host that does not answer: only a local read can succeed.
    const closed = await freePort();
    const published = await nexus(['publish', chart.path, '--keyring', key.pubring, '--repo', repo, '--url', `http://127.0.0.1:${closed}/charts`]);
    expect(published.code, published.stderr).toBe(0);
    expect((parse(readFileSync(join(repo, 'index.yaml'), 'utf8')) as { entries: { nexus: { urls: string[] }[] } }).entries.nexus[0]!.urls[0]).toContain(`127.0.0.1:${closed}`);
    const r = await nexus(['version-check', changed.path, '--repo', repo]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/content changed since .* was published, but the version was not bumped \(changed: nexus\/README\.md\)/);
    expect(r.stderr).not.toMatch(/ECONNREFUSED|cannot download/);
  });

  it('a missing repository directory is an error (exit 2), not a first release', async () => {
    const r = await nexus(['version-check', chart.path, '--repo', join(work, 'no-such-repo')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/repository directory not found: .*no-such-repo/);
    expect(r.stderr).toContain('a mistyped directory is not a first release');
    expect(r.stdout).not.toContain('first release');
  });

  it('an index that lists a file the directory does not have is an error naming it', async () => {
    const repo = join(work, 'repo-missing-file');
    cpSync(join(work, 'repo-vc'), repo, { recursive: true });
    rmSync(join(repo, `nexus-${chart.version}.tgz`));
    const r = await nexus(['version-check', changed.path, '--repo', repo]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`index\\.yaml lists http://127\\.0\\.0\\.1:\\d+/charts/nexus-${chart.version.replace(/\./g, '\\.')}\\.tgz, but .*repo-missing-file has no such file`));
  });
});
