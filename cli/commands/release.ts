import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { LoadedArchive } from '../../release/publish.ts';
import type { VersionCheckResult } from '../../release/version-check.ts';
import { ENVIRONMENT_VALUES, PROJECT_ROOT, UMBRELLA_CHART_DIR } from '../../util/paths.ts';
import { collect, collectCsv } from '../flags.ts';
import type { CliIo } from '../io.ts';
import { addPackageOptions, runPackage, type PackageFlags } from './package.ts';
import { addPublishOptions, addTargetOptions, runPublish, type PublishFlags } from './publish.ts';

interface UpgradeFlags {
  values: string[];
  helm?: string;
  expandableStorageClass: string[];
  defaultStorageClass?: string;
}

async function umbrellaName(): Promise<string | undefined> {
  try {
    // Imported here: release/package.ts loads yaml and fflate, which every other command would pay for at start-up.
    return (await import('../../release/package.ts')).readChartMeta(UMBRELLA_CHART_DIR).name;
  } catch {
    return undefined;
  }
}

/** Options of the upgrade check that version-check and release share. */
function addUpgradeOptions(cmd: Command, withValues: boolean): Command {
  if (withValues) cmd.option('-f, --values <file>', 'values file the upgrade check renders both versions with (repeatable); default: values.staging.yaml and values.production.yaml for the NEXUS chart', collect, [] as string[]);
  return cmd
    .option('--expandable-storage-class <name>', 'StorageClass that allows volume expansion on the target clusters, for PVC resizes (repeatable or comma-separated)', collectCsv, [] as string[])
    .option('--default-storage-class <name>', "the target clusters' default StorageClass");
}

async function versionChecks(archive: LoadedArchive, flags: PublishFlags & UpgradeFlags): Promise<VersionCheckResult[]> {
  const [{ resolveCredentials }, { checkAgainstOci, checkAgainstRepo, checkChangelog }, { checkUpgradeFrom }, { locateHelm }] = await Promise.all([
    import('../../release/credentials.ts'),
    import('../../release/version-check.ts'),
    import('../../release/upgrade-check.ts'),
    import('../../validator/helm.ts'),
  ]);
  const results = [checkChangelog(archive)];
  const repoCredentials = flags.repo ? resolveCredentials('REPO', { username: flags.repoUsername, passwordFile: flags.repoPasswordFile }) : undefined;
  const ociCredentials = flags.oci ? resolveCredentials('OCI', { username: flags.ociUsername, passwordFile: flags.ociPasswordFile }) : undefined;
  if (flags.repo) results.push(await checkAgainstRepo(archive, flags.repo, repoCredentials));
  if (flags.oci) results.push(await checkAgainstOci(archive, flags.oci, ociCredentials));
  if (!flags.repo && !flags.oci) return results;
  // Upgrade safety: the previous published version must upgrade to this one (or the change is declared breaking).
  const gate = {
    valuesFiles: flags.values.length ? flags.values.map((f) => resolve(f)) : archive.meta.name === (await umbrellaName()) ? ENVIRONMENT_VALUES.map((f) => resolve(PROJECT_ROOT, f)) : [],
    helm: await locateHelm(flags.helm),
    stage: { expandableStorageClasses: flags.expandableStorageClass, ...(flags.defaultStorageClass ? { defaultStorageClass: flags.defaultStorageClass } : {}) },
  };
  if (flags.repo) results.push(await checkUpgradeFrom(archive, { kind: 'repo', repo: flags.repo }, flags.repo, { ...gate, ...(repoCredentials ? { credentials: repoCredentials } : {}) }));
  if (flags.oci) results.push(await checkUpgradeFrom(archive, { kind: 'oci', registry: flags.oci }, flags.oci, { ...gate, ...(ociCredentials ? { credentials: ociCredentials } : {}) }));
  return results;
}

function printChecks(archive: LoadedArchive, results: VersionCheckResult[], io: CliIo): boolean {
  const ok = results.every((r) => r.ok);
  const lines = results.map((r) => `  ${r.ok ? 'ok  ' : 'FAIL'} ${r.target}: ${r.message}`);
  (ok ? io.out : io.err)(`version check of ${archive.meta.name} ${archive.meta.version} (sha256:${archive.sha256}):\n${lines.join('\n')}\n`);
  return ok;
}

/** Loaded on first use, not at the top: other subcommands never pay for the release modules' imports. */
const releaseModules = () => Promise.all([import('../../release/package.ts'), import('../../release/publish.ts'), import('../../validator/helm.ts')]);

export function registerRelease(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addUpgradeOptions(
    addTargetOptions(
      program
        .command('version-check')
        .description(
          'fail when the chart content changed since its version was published (index.yaml or OCI tags), when the version does not increase, when it has no changelog entry, or when the API server would refuse the upgrade from the previous published version (unless the changelog declares it breaking and the major version increases)',
        )
        .argument('[archive]', 'a packaged chart; default: package --chart into a temp dir first (no gate)')
        .option('--chart <dir>', 'chart directory (default charts/nexus)')
        .option('--helm <path>', 'helm binary (default: $HELM_BIN, then the bundled helm 4.1.4)'),
    ),
    true,
  ).action(async (archivePath: string | undefined, flags: PublishFlags & UpgradeFlags & { chart?: string }) => {
    const [{ packageChart }, { loadArchive }, { locateHelm }] = await releaseModules();
    let tmp: string | undefined;
    try {
      let path = archivePath ? resolve(archivePath) : undefined;
      if (!path) {
        tmp = mkdtempSync(join(tmpdir(), 'nexus-version-check-'));
        path = (await packageChart({ chartDir: resolve(flags.chart ?? UMBRELLA_CHART_DIR), destination: tmp, helm: await locateHelm(flags.helm) })).path;
      }
      const archive = loadArchive(path);
      if (!printChecks(archive, await versionChecks(archive, flags), io)) setExit(1);
    } finally {
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
  });

  addUpgradeOptions(
    addPublishOptions(
      addPackageOptions(
        program.command('release').description('validate → package (reproducible, optionally signed) → version check (including the upgrade from the previous published version) → publish to --repo and/or --oci'),
      ),
      '--public-keyring <file>',
    ),
    false,
  ).action(async (flags: PackageFlags & Omit<PublishFlags, 'keyring'> & UpgradeFlags & { publicKeyring?: string }) => {
    const packaged = await runPackage(flags, io, setExit);
    if (!packaged) return;
    const [, { loadArchive }] = await releaseModules();
    if (flags.force) {
      io.err('refusing to publish an archive packaged with --force; it stays in the destination directory\n');
      setExit(1);
      return;
    }
    const archive = loadArchive(packaged.path);
    if (!printChecks(archive, await versionChecks(archive, flags), io)) {
      setExit(1);
      return;
    }
    if (!flags.repo && !flags.oci) {
      io.out('no --repo or --oci given: packaged only\n');
      return;
    }
    await runPublish(packaged.path, { ...flags, keyring: flags.publicKeyring }, io);
  });
}
