/**
 * OCI publishing against a real registry: Debian's docker-registry on 127.0.0.1 (temp storage,
 * stopped by PID), a signed chart pushed by `nexus publish --oci`, then read back with helm 4 and
 * helm 3. Also: idempotent re-publish, refusal of changed content under the same version, the
 * version check against OCI tags, credentials from env/file, and an unreachable registry.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageChart, type PackageResult } from '../../release/package.ts';
import { UMBRELLA_CHART_DIR } from '../../util/paths.ts';
import { locateHelm } from '../../validator/helm.ts';
import { copyChart, exec, freePort, helm, helmEnv, makeGpgKey, nexus, sha256File, startRegistry, tempDir, type GpgKey, type Registry } from './helpers.ts';

let work: string;
let key: GpgKey;
let registry: Registry;
let authRegistry: Registry | undefined;
let current: PackageResult;
let changedSameVersion: PackageResult;
let bumped: PackageResult;

async function build(destination: string, chartDir: string, sign: GpgKey): Promise<PackageResult> {
  return packageChart({ chartDir, destination, helm: await locateHelm(), sign: { key: sign.name, keyring: sign.secring, passphraseFile: sign.passphraseFile } });
}

beforeAll(async () => {
  work = tempDir('oci');
  key = await makeGpgKey(work);
  registry = await startRegistry(join(work, 'registry'));
  current = await build(join(work, 'dist'), UMBRELLA_CHART_DIR, key);
  changedSameVersion = await build(join(work, 'dist-changed'), copyChart(join(work, 'changed'), { appendToReadme: 'A change without a version bump.' }), key);
  const next = semver.inc(current.version, 'patch')!;
  bumped = await build(join(work, 'dist-next'), copyChart(join(work, 'next'), { version: next, appendToReadme: 'The next release.' }), key);
});

afterAll(async () => {
  await registry?.stop();
  await authRegistry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function manifestDigest(repo: string, tag: string): Promise<string | null> {
  const res = await fetch(`http://${registry.host}/v2/${repo}/manifests/${tag}`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
  return res.ok ? res.headers.get('docker-content-digest') : null;
}

function digestsPrinted(out: string): string[] {
  return [...out.matchAll(/^Digest: (sha256:[0-9a-f]{64})$/gm)].map((m) => m[1]!);
}

describe('nexus publish --oci', () => {
  it('pushes the signed chart; helm 4 and helm 3 pull (verified), show and template it with the same digest', async () => {
    const ref = `oci://${registry.host}/charts`;
    const r = await nexus(['publish', current.path, '--oci', ref, '--keyring', key.pubring]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`published: ${ref}`);
    expect(r.stdout).toContain(`sha256:${current.sha256}`);

    const digest = await manifestDigest('charts/nexus', current.version);
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const chartRef = `${ref}/nexus`;
    const shown: unknown[] = [];
    for (const flavour of ['helm4', 'helm3'] as const) {
      const env = helmEnv(join(work, `home-${flavour}`));
      const dest = join(work, `pulled-${flavour}`);
      mkdirSync(dest, { recursive: true });
      const pull = await helm(flavour, ['pull', chartRef, '--version', current.version, '--plain-http', '--verify', '--keyring', key.pubring, '--destination', dest], env, work);
      expect(pull.code, `${flavour} pull: ${pull.stderr}`).toBe(0);
      expect(pull.stdout).toContain(`Signed by: ${key.name}`);
      expect(sha256File(join(dest, `nexus-${current.version}.tgz`)), flavour).toBe(current.sha256);

      const show = await helm(flavour, ['show', 'chart', chartRef, '--version', current.version, '--plain-http'], env, work);
      expect(show.code, `${flavour} show: ${show.stderr}`).toBe(0);
      shown.push(parse(show.stdout));

      const template = await helm(flavour, ['template', 'nexus', chartRef, '--version', current.version, '--plain-http'], env, work);
      expect(template.code, `${flavour} template: ${template.stderr}`).toBe(0);

      const printed = [pull, show, template].flatMap((x) => digestsPrinted(`${x.stdout}\n${x.stderr}`));
      expect(printed.length, flavour).toBeGreaterThanOrEqual(3); // helm 4 template prints it twice
      expect(new Set(printed), flavour).toEqual(new Set([digest]));
    }
    expect(shown[0]).toEqual(shown[1]);
    expect((shown[0] as { version: string }).version).toBe(current.version);
  });

  it('re-publishing the byte-identical archive is a no-op', async () => {
    const before = await manifestDigest('charts/nexus', current.version);
    const r = await nexus(['publish', current.path, '--oci', `oci://${registry.host}/charts`, '--keyring', key.pubring]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^unchanged: .*byte-identical/m);
    expect(await manifestDigest('charts/nexus', current.version)).toBe(before);
  });

  it('refuses to re-publish the same version with different content', async () => {
    expect(changedSameVersion.version).toBe(current.version);
    expect(changedSameVersion.sha256).not.toBe(current.sha256);
    const before = await manifestDigest('charts/nexus', current.version);
    const r = await nexus(['publish', changedSameVersion.path, '--oci', `oci://${registry.host}/charts`, '--keyring', key.pubring]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already in oci:\/\/.* with different content/);
    expect(r.stderr).toContain('bump nexus.chartVersion');
    expect(await manifestDigest('charts/nexus', current.version)).toBe(before);
  });

  it('version-check against the OCI tags: unchanged passes, changed-without-bump fails, a bump passes', async () => {
    const ref = `oci://${registry.host}/charts`;
    const same = await nexus(['version-check', current.path, '--oci', ref]);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toContain('published and byte-identical');

    const changed = await nexus(['version-check', changedSameVersion.path, '--oci', ref]);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(/FAIL oci:\/\/.*content changed since .* was published, but the version was not bumped \(changed: nexus\/README\.md\)/);

    const next = await nexus(['version-check', bumped.path, '--oci', ref]);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stdout).toContain(`${bumped.version} is new (latest published: ${current.version})`);
  });

  it('an unreachable registry: clear error, exit 2, the HTTP repository index untouched', async () => {
    const repo = join(work, 'repo-unreachable');
    const seeded = await nexus(['publish', current.path, '--repo', repo, '--keyring', key.pubring]);
    expect(seeded.code, seeded.stderr).toBe(0);
    const indexBefore = readFileSync(join(repo, 'index.yaml'));
    const filesBefore = readdirSync(repo).sort();

    const closed = await freePort();
    const r = await nexus(['publish', bumped.path, '--repo', repo, '--oci', `oci://127.0.0.1:${closed}/charts`, '--keyring', key.pubring]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^error: OCI registry 127\\.0\\.0\\.1:${closed} is unreachable: ECONNREFUSED`, 'm'));
    expect(r.stderr).toContain('nothing was published');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(join(repo, 'index.yaml')).equals(indexBefore)).toBe(true);
    expect(readdirSync(repo).sort()).toEqual(filesBefore);
  });

  it('logs in with credentials from the environment or a file (never argv) to a registry that requires them', async () => {
    const dir = join(work, 'auth-registry');
    const htpasswd = join(work, 'htpasswd');
    const hash = await exec('python3', ['-W', 'ignore', '-c', 'import crypt,sys; print("releaser:" + crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))', 'pa55-w0rd']);
    expect(hash.code, `bcrypt for htpasswd needs python3 with crypt: ${hash.stderr}`).toBe(0);
    writeFileSync(htpasswd, hash.stdout);
    authRegistry = await startRegistry(dir, { htpasswd });
    const ref = `oci://${authRegistry.host}/charts`;

    const anonymous = await nexus(['publish', current.path, '--oci', ref, '--keyring', key.pubring], { NEXUS_OCI_USERNAME: '', NEXUS_OCI_PASSWORD: '' });
    expect(anonymous.code).toBe(2);
    expect(anonymous.stderr).toMatch(/HTTP 401/); // empty variables mean no credentials at all

    const passwordFile = join(work, 'oci-password');
    writeFileSync(passwordFile, 'pa55-w0rd\n');
    const viaFile = await nexus(['publish', current.path, '--oci', ref, '--keyring', key.pubring, '--oci-password-file', passwordFile], { NEXUS_OCI_USERNAME: 'releaser' });
    expect(viaFile.code, viaFile.stderr).toBe(0);
    expect(viaFile.stdout).toContain('published:');

    // helm 3 through a shim that records every argv helm receives.
    const argvLog = join(work, 'helm-argv.log');
    const shim = join(work, 'helm3-shim.sh');
    writeFileSync(shim, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${argvLog}'\nexec '${(await locateHelm(undefined, 'helm3')).bin}' "$@"\n`, { mode: 0o755 });
    const viaEnvHelm3 = await nexus(['publish', bumped.path, '--oci', ref, '--keyring', key.pubring, '--helm', shim], {
      NEXUS_OCI_USERNAME: 'releaser',
      NEXUS_OCI_PASSWORD: 'pa55-w0rd',
    });
    expect(viaEnvHelm3.code, viaEnvHelm3.stderr).toBe(0);
    const argv = readFileSync(argvLog, 'utf8');
    expect(argv).toMatch(/^registry login 127\.0\.0\.1:\d+ --username releaser --password-stdin/m);
    expect(argv).toMatch(/^push .*nexus-.*\.tgz oci:\/\/127\.0\.0\.1:\d+\/charts --plain-http$/m);
    expect(argv).not.toContain('pa55-w0rd');
    expect(viaEnvHelm3.stdout).toContain(`nexus:${bumped.version}`);
    expect(existsSync(join(work, 'home-helm4', 'config', 'registry', 'config.json'))).toBe(false);
  });
});
