/**
 * `nexus package` end to end with real helm and GnuPG: the validation gate, the archive layout,
 * reproducibility (helm 4 and helm 3) and signing.
 */
import { existsSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageChart, type PackageResult } from '../../release/package.ts';
import { NexusError } from '../../util/errors.ts';
import { PROJECT_ROOT, UMBRELLA_CHART_DIR } from '../../util/paths.ts';
import { locateHelm } from '../../validator/helm.ts';
import { copyChart, exec, helm, helmEnv, makeGpgKey, nexus, sha256File, tempDir, type GpgKey } from './helpers.ts';

const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { nexus: { chartVersion: string; appVersion: string } };
const VERSION = pkg.nexus.chartVersion;
const ARCHIVE = `nexus-${VERSION}.tgz`;
const STAGING = join(PROJECT_ROOT, 'values.staging.yaml');

/** The packaging step without the gate (the gate has its own tests): real helm, real gpg. */
async function build(destination: string, options: { chartDir?: string; flavour?: 'helm4' | 'helm3'; sign?: GpgKey } = {}): Promise<PackageResult> {
  const h = await locateHelm(undefined, options.flavour ?? 'helm4');
  const sign = options.sign ? { key: options.sign.name, keyring: options.sign.secring, passphraseFile: options.sign.passphraseFile } : undefined;
  return packageChart({ chartDir: options.chartDir ?? UMBRELLA_CHART_DIR, destination, helm: h, sign });
}

let work: string;
let key: GpgKey;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  work = tempDir('package');
  key = await makeGpgKey(work);
  env = helmEnv(join(work, 'helm'));
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function listTarball(path: string): Promise<string[]> {
  return exec('tar', ['-tzf', path]).then((r) => {
    expect(r.code, r.stderr).toBe(0);
    return r.stdout.split('\n').filter(Boolean);
  });
}

describe('the validation gate', () => {
  it('refuses to package while validate finds errors, says why, and writes nothing', async () => {
    const bad = join(work, 'bad-values.yaml');
    writeFileSync(bad, 'frontend:\n  autoscaling:\n    enabled: true\n    minReplicas: 9\n    maxReplicas: 2\n  replicaz: 3\n');
    const out = join(work, 'refused');
    const r = await nexus(['package', '-f', bad, '--destination', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/refusing to package .*validate found \d+ error/);
    expect(r.stderr).toContain('bad-values.yaml:');
    expect(r.stderr).toMatch(/minReplicas \(9\) must be <= maxReplicas \(2\)/);
    expect(r.stderr).toContain('--force');
    expect(existsSync(out)).toBe(false);
  });

  it('packages when validate passes (CI keeps the committed staging values valid)', async () => {
    const validated = await nexus(['validate', '-f', STAGING]);
    expect(validated.code, `nexus validate -f values.staging.yaml must pass: ${validated.stdout}${validated.stderr}`).toBe(0);
    const out = join(work, 'gated');
    const r = await nexus(['package', '-f', STAGING, '--destination', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`packaged .*${ARCHIVE}\\n  sha256:[0-9a-f]{64}`));
    expect(readdirSync(out)).toEqual([ARCHIVE]);
  });

  it('--force packages anyway, and says so loudly', async () => {
    const bad = join(work, 'bad-values-force.yaml');
    writeFileSync(bad, 'frontend:\n  replicaz: 3\n');
    const out = join(work, 'forced');
    const r = await nexus(['package', '-f', bad, '--destination', out, '--force']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/!!+\n!! --force: the validation gate is OFF/);
    expect(r.stderr).toContain('replicaz');
    expect(r.stderr).toContain('Do not publish this archive');
    expect(readdirSync(out)).toEqual([ARCHIVE]);
  });
});

describe('the archive', () => {
  let first: string;

  beforeAll(async () => {
    first = (await build(join(work, 'a'))).path;
  });

  it(`is ${ARCHIVE}: version and appVersion from package.json, every subchart and the library inside exactly once`, async () => {
    const entries = await listTarball(first);
    const chart = parse(readFileSync(join(UMBRELLA_CHART_DIR, 'Chart.yaml'), 'utf8')) as { dependencies: { name: string }[] };
    expect(chart.dependencies.map((d) => d.name)).toContain('nexus-lib');
    for (const dep of chart.dependencies) {
      expect(entries.filter((e) => e === `nexus/charts/${dep.name}/Chart.yaml`), dep.name).toHaveLength(1);
      expect(entries.filter((e) => e.endsWith(`/${dep.name}/Chart.yaml`)), `${dep.name} elsewhere`).toHaveLength(1);
    }
    expect(entries.filter((e) => /^nexus\/charts\/[^/]+\/charts\//.test(e))).toEqual([]);
    expect(entries.filter((e) => e.endsWith('.tgz'))).toEqual([]);
    expect(new Set(entries).size).toBe(entries.length);
    expect(entries[0]).toBe('nexus/Chart.yaml');

    const shown = await helm('helm4', ['show', 'chart', first], env);
    const meta = parse(shown.stdout) as { version: string; appVersion: string; annotations: Record<string, string> };
    expect(meta.version).toBe(pkg.nexus.chartVersion);
    expect(meta.appVersion).toBe(pkg.nexus.appVersion);
    const changes = parse(meta.annotations['artifacthub.io/changes']!) as { kind: string; description: string }[];
    expect(changes.length).toBeGreaterThan(0);
    expect(parse(meta.annotations['artifacthub.io/images']!)).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'frontend' })]));
    expect(meta.annotations['artifacthub.io/license']).toBe('Apache-2.0');
  });

  it('is reproducible with helm 4: the same sources give the same sha256, whatever the file times', async () => {
    // A snapshot of the chart, so that a concurrent regeneration of charts/ cannot interfere.
    const copy = copyChart(join(work, 'copy'));
    const once = await build(join(work, 'b'), { chartDir: copy });
    const twice = await build(join(work, 'b2'), { chartDir: copy });
    // Different mtimes on every source file.
    const t = new Date('2031-05-06T07:08:09Z');
    const touch = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) touch(p);
        else utimesSync(p, t, t);
      }
    };
    touch(copy);
    const touched = await build(join(work, 'c'), { chartDir: copy });
    expect(sha256File(once.path)).toBe(once.sha256);
    expect(twice.sha256).toBe(once.sha256);
    expect(touched.sha256).toBe(once.sha256);

    // What helm 4 itself does: its archives stamp file mtimes and order subcharts by Go map iteration.
    const raw = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const dir = join(work, `raw4-${i}`);
      const r = await helm('helm4', ['package', copy, '--destination', dir], env);
      expect(r.code, r.stderr).toBe(0);
      raw.add(sha256File(join(dir, ARCHIVE)));
    }
    const tv = await exec('tar', ['-tvzf', join(work, 'raw4-0', ARCHIVE)]);
    expect(tv.stdout).toContain('2031-05-06');
    console.info(`helm 4 raw: ${raw.size} distinct sha256 in 3 runs of the same sources (subchart order varies); nexus package: 1`);
  });

  it('helm 3 stamps the current time into its archives; nexus package with helm 3 is reproducible too', async () => {
    const before = Math.floor(Date.now() / 1000);
    const dir = join(work, 'raw3');
    const snapshot = copyChart(join(work, 'copy3'));
    const r = await helm('helm3', ['package', snapshot, '--destination', dir], env);
    expect(r.code, r.stderr).toBe(0);
    const py = await exec('python3', ['-c', 'import sys,tarfile; print(max(m.mtime for m in tarfile.open(sys.argv[1])))', join(dir, ARCHIVE)]);
    expect(py.code, `python3 reads the archive's mtimes: ${py.stderr}`).toBe(0);
    expect(Number(py.stdout.trim())).toBeGreaterThanOrEqual(before - 1);

    const h3a = await build(join(work, 'h3a'), { flavour: 'helm3', chartDir: snapshot });
    await new Promise((r) => setTimeout(r, 1100)); // a new second: helm 3's raw archive would differ
    const h3b = await build(join(work, 'h3b'), { flavour: 'helm3', chartDir: snapshot });
    expect(h3a.sha256).toBe(h3b.sha256);
    const h4 = await build(join(work, 'h4'), { chartDir: snapshot });
    console.info(`helm 3 canonical archive ${h3a.sha256 === h4.sha256 ? 'equals' : 'differs from'} the helm 4 one`);
  });
});

describe('signing', () => {
  it('writes a .prov that helm 4 and helm 3 verify with the public keyring', async () => {
    const out = join(work, 'signed');
    const result = await build(out, { sign: key });
    expect(result.provPath).toBe(join(out, `${ARCHIVE}.prov`));
    expect(readdirSync(out).sort()).toEqual([ARCHIVE, `${ARCHIVE}.prov`]);
    const prov = readFileSync(join(out, `${ARCHIVE}.prov`), 'utf8');
    expect(prov).toMatch(/^-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n/);
    expect(prov).toContain(`${ARCHIVE}: sha256:${sha256File(join(out, ARCHIVE))}`);
    for (const flavour of ['helm4', 'helm3'] as const) {
      const v = await helm(flavour, ['verify', join(out, ARCHIVE), '--keyring', key.pubring], env);
      expect(v.code, `${flavour}: ${v.stderr}`).toBe(0);
      expect(v.stdout).toContain(`Signed by: ${key.name}`);
    }
  });

  it('a wrong passphrase is a clear error (exit 2) and leaves no .prov', async () => {
    const wrong = join(work, 'wrong-pass');
    writeFileSync(wrong, 'not the passphrase\n');
    const out = join(work, 'signed-wrong');
    await expect(build(out, { sign: { ...key, passphraseFile: wrong } })).rejects.toBeInstanceOf(NexusError);
    expect(existsSync(join(out, `${ARCHIVE}.prov`))).toBe(false);
    // Through the CLI (--force: this test is about signing, not the gate).
    const r = await nexus(['package', '-f', STAGING, '--force', '--destination', out, '--sign', '--key', key.name, '--keyring', key.secring, '--passphrase-file', wrong]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: (cannot import the signing keyring|signing with key)/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(join(out, `${ARCHIVE}.prov`))).toBe(false);
  });
});
