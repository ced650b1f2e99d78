/**
 * `nexus`: the one user-facing command. This module (with cli/io.ts) is the only place that knows
 * about argv, stdout and exit codes: 0 clean, 1 findings, 2 could not run.
 */
import { Command, CommanderError } from 'commander';
import { describeUnknownError } from '../util/errors.ts';
import { showProgressOn } from '../util/progress.ts';
import { registerCompletion } from './commands/completion.ts';
import { registerConformance } from './commands/conformance.ts';
import { registerDocs } from './commands/docs.ts';
import { registerGenerate } from './commands/generate.ts';
import { registerImages } from './commands/images.ts';
import { registerPackage } from './commands/package.ts';
import { registerPolicies } from './commands/policies.ts';
import { registerPublish } from './commands/publish.ts';
import { registerRelease } from './commands/release.ts';
import { registerRender } from './commands/render.ts';
import { registerValidate } from './commands/validate.ts';
import { processIo, type CliIo } from './io.ts';
import { TOOL_VERSION } from './version.ts';

/**
 * kubeconform's single-dash long flags, for muscle memory (`-output json`, `-summary`, `-strict`).
 * Without this, commander would read `-output json` as `-o utput` and write a file named "utput".
 */
const KUBECONFORM_FLAGS: Record<string, string | null> = {
  '-output': '--format',
  '-summary': null, // the summary line is always printed
  '-strict': '--strict',
  '-skip': '--skip',
  '-reject': '--reject',
  '-kubernetes-version': '--kube-version',
  '-ignore-missing-schemas': '--ignore-missing-schemas',
  '-schema-location': '--schema-location',
  '-verbose': null,
};

export function normalizeArgv(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const [name, value] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (!(name in KUBECONFORM_FLAGS)) {
      out.push(arg);
      continue;
    }
    const long = KUBECONFORM_FLAGS[name];
    if (long === null) continue;
    if (name === '-output') {
      // kubeconform's `pretty` is our text report
      const v = value ?? argv[++i];
      out.push(long!, v === 'pretty' ? 'text' : (v ?? ''));
      continue;
    }
    out.push(value === undefined ? long! : `${long}=${value}`);
  }
  return out;
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  argv = normalizeArgv(argv);
  let exitCode = 0;
  const setExit = (code: number) => {
    exitCode = Math.max(exitCode, code);
  };
  const program = new Command('nexus')
    .description('Generate, validate and release the NEXUS platform Helm charts.')
    .version(TOOL_VERSION)
    .option('--timeout <duration>', 'how long one helm command may run before it is stopped with everything it started (like helm: 90s, 5m; default 5m)')
    .hook('preAction', async () => {
      const timeout = program.opts<{ timeout?: string }>().timeout;
      if (timeout !== undefined) {
        const { parseDuration, setHelmTimeout } = await import('../validator/helm.ts');
        setHelmTimeout(parseDuration(timeout));
      }
    })
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  registerGenerate(program, io, setExit);
  registerValidate(program, io, setExit);
  registerRender(program, io, setExit);
  registerImages(program, io, setExit);
  registerPackage(program, io, setExit);
  registerPublish(program, io, setExit);
  registerRelease(program, io, setExit);
  registerConformance(program, io, setExit);
  registerDocs(program, io, setExit);
  registerPolicies(program, io);
  registerCompletion(program, io);
  for (const cmd of program.commands) cmd.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });

  // Progress of long work (helm, deep checks), on a TTY only and only after a few seconds.
  const stopProgress = io.progress ? showProgressOn(process.stderr) : undefined;
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end with exit code 0; usage mistakes are "could not run".
      return err.exitCode === 0 ? 0 : 2;
    }
    io.err(`${describeUnknownError(err)}\n`);
    return 2;
  } finally {
    stopProgress?.();
  }
}
