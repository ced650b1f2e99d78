import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { PackageResult } from '../../release/package.ts';
import type { SignOptions } from '../../release/sign.ts';
import { NexusError } from '../../util/errors.ts';
import { UMBRELLA_CHART_DIR } from '../../util/paths.ts';
import { addValuesOptions, valuesOptions, type ValuesFlags } from '../flags.ts';
import type { CliIo } from '../io.ts';
import { TOOL_VERSION } from '../version.ts';

export interface PackageFlags extends ValuesFlags {
  chart?: string;
  destination: string;
  helm?: string;
  sign?: boolean;
  key?: string;
  keyring?: string;
  passphraseFile?: string;
  force?: boolean;
}

export function addPackageOptions(cmd: Command): Command {
  return addValuesOptions(cmd, 'gate check')
    .option('--chart <dir>', 'chart directory (default charts/nexus)')
    .option('-d, --destination <dir>', 'where to write the archive', 'dist')
    .option('--helm <path>', 'helm binary (default: $HELM_BIN, then the bundled helm 4.1.4)')
    .option('--sign', 'write a .prov signed with GnuPG (RSA key; helm 3 rejects ed25519)')
    .option('--key <name>', 'signing key name, e-mail or fingerprint (default $NEXUS_SIGN_KEY)')
    .option('--keyring <file>', 'secret keyring, e.g. a legacy secring.gpg (default $NEXUS_SIGN_KEYRING)')
    .option('--passphrase-file <file>', 'file whose first line is the key passphrase (default $NEXUS_SIGN_PASSPHRASE_FILE)')
    .option('--force', 'package even though validation fails (loud; never use for a release)');
}

export function signOptionsFrom(flags: PackageFlags): SignOptions | undefined {
  if (!flags.sign) return undefined;
  const key = flags.key ?? process.env.NEXUS_SIGN_KEY;
  const keyring = flags.keyring ?? process.env.NEXUS_SIGN_KEYRING;
  if (!key || !keyring) throw new NexusError('--sign needs a key and a keyring', { hint: 'pass --key NAME --keyring FILE (or set NEXUS_SIGN_KEY and NEXUS_SIGN_KEYRING)' });
  return { key, keyring: resolve(keyring), passphraseFile: flags.passphraseFile ?? process.env.NEXUS_SIGN_PASSPHRASE_FILE };
}

const LOUD = '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!';

/** Gate + package. Returns undefined (exit code already set) when the gate refuses. */
export async function runPackage(flags: PackageFlags, io: CliIo, setExit: (code: number) => void): Promise<PackageResult | undefined> {
  const chartDir = resolve(flags.chart ?? UMBRELLA_CHART_DIR);
  const sign = signOptionsFrom(flags);
  // Loaded here, not at the top: other subcommands never pay for the release modules' imports.
  const [{ describeBlocking, releaseGate }, { packageChart }, { locateHelm }] = await Promise.all([
    import('../../release/gate.ts'),
    import('../../release/package.ts'),
    import('../../validator/helm.ts'),
  ]);
  let gateProblem: string | undefined;
  try {
    const gate = await releaseGate({ chartDir, ...valuesOptions(flags), helmPath: flags.helm, version: TOOL_VERSION });
    if (!gate.passed) gateProblem = `validate found ${gate.blocking.length} error(s):\n${describeBlocking(gate.blocking)}`;
  } catch (err) {
    if (!flags.force) throw err;
    gateProblem = `validate could not run: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (gateProblem && !flags.force) {
    io.err(`refusing to package ${chartDir}: ${gateProblem}\nfix the findings (run \`nexus validate\` for the full report); --force overrides this for local experiments only\n`);
    setExit(1);
    return undefined;
  }
  if (flags.force) {
    io.err(
      `${LOUD}\n!! --force: the validation gate is OFF.\n!! ${gateProblem ? gateProblem.split('\n').join('\n!! ') : 'validate passed, but --force was given'}\n!! Do not publish this archive.\n${LOUD}\n`,
    );
  }
  const helm = await locateHelm(flags.helm);
  const result = await packageChart({ chartDir, destination: resolve(flags.destination), helm, sign });
  const subcharts = Object.entries(result.subcharts).map(([n, c]) => `${n}×${c}`).join(' ');
  io.out(`packaged ${result.path}\n  sha256:${result.sha256}\n  ${result.entries.length} files; subcharts: ${subcharts}\n`);
  if (result.provPath) io.out(`  signed by "${sign!.key}": ${result.provPath}\n`);
  return result;
}

export function registerPackage(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addPackageOptions(program.command('package').description('validate, then build a reproducible <name>-<version>.tgz (optionally signed .prov); refuses while validation finds errors')).action(
    async (flags: PackageFlags) => {
      await runPackage(flags, io, setExit);
    },
  );
}
