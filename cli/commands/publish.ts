import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { PublishOutcome } from '../../release/publish.ts';
import type { CliIo } from '../io.ts';

export interface PublishFlags {
  repo?: string;
  url?: string;
  oci?: string;
  keyring?: string;
  requireSignature?: boolean;
  repoUsername?: string;
  repoPasswordFile?: string;
  ociUsername?: string;
  ociPasswordFile?: string;
  helm?: string;
}

export function addTargetOptions(cmd: Command): Command {
  return cmd
    .option('--repo <dir|url>', 'HTTP chart repository: a directory (e.g. a gh-pages checkout) or an http(s) URL accepting PUT')
    .option('--url <base>', 'absolute base URL for the chart URLs in index.yaml (default: relative URLs)')
    .option('--oci <ref>', 'OCI registry, oci://HOST[:PORT]/PATH (plain HTTP only for loopback hosts)')
    .option('--repo-username <name>', 'repository user (default $NEXUS_REPO_USERNAME); password from $NEXUS_REPO_PASSWORD or --repo-password-file')
    .option('--repo-password-file <file>', 'file whose first line is the repository password')
    .option('--oci-username <name>', 'registry user (default $NEXUS_OCI_USERNAME); password from $NEXUS_OCI_PASSWORD or --oci-password-file')
    .option('--oci-password-file <file>', 'file whose first line is the registry password or token');
}

/** `keyringFlag`: `--keyring` for publish; `release` uses `--public-keyring` (its --keyring signs). */
export function addPublishOptions(cmd: Command, keyringFlag = '--keyring <file>'): Command {
  return addTargetOptions(cmd)
    .option(keyringFlag, 'public keyring that verifies the .prov (required when the archive is signed)')
    .option('--require-signature', 'refuse an archive without a .prov');
}

export function printOutcomes(outcomes: PublishOutcome[], io: CliIo): void {
  for (const o of outcomes) io.out(`${o.status === 'published' ? 'published' : 'unchanged'}: ${o.target}: ${o.detail}\n`);
}

export async function runPublish(archive: string, flags: PublishFlags, io: CliIo): Promise<void> {
  // Loaded here, not at the top: other subcommands never pay for the release modules' imports.
  const [{ resolveCredentials }, { publishChart }, { locateHelm }] = await Promise.all([
    import('../../release/credentials.ts'),
    import('../../release/publish.ts'),
    import('../../validator/helm.ts'),
  ]);
  const helm = await locateHelm(flags.helm);
  const outcomes = await publishChart({
    archive: resolve(archive),
    repo: flags.repo,
    url: flags.url,
    oci: flags.oci,
    keyring: flags.keyring ? resolve(flags.keyring) : undefined,
    requireSignature: flags.requireSignature,
    repoCredentials: flags.repo ? resolveCredentials('REPO', { username: flags.repoUsername, passwordFile: flags.repoPasswordFile }) : undefined,
    ociCredentials: flags.oci ? resolveCredentials('OCI', { username: flags.ociUsername, passwordFile: flags.ociPasswordFile }) : undefined,
    helm,
  });
  printOutcomes(outcomes, io);
}

export function registerPublish(program: Command, io: CliIo, _setExit: (code: number) => void): void {
  addPublishOptions(
    program
      .command('publish')
      .description('publish a packaged chart to an HTTP chart repository (index.yaml) and/or an OCI registry; never overwrites a published version')
      .argument('<archive>', 'the .tgz written by `nexus package` (its .prov beside it is published too)')
      .option('--helm <path>', 'helm binary (default: $HELM_BIN, then the bundled helm 4.1.4)'),
  ).action(async (archive: string, flags: PublishFlags) => {
    await runPublish(archive, flags, io);
  });
}
