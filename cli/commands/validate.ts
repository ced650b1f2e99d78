import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { exitCodeFor } from '../../validator/report.ts';
import { formatJson } from '../../validator/formatters/json.ts';
import { formatText } from '../../validator/formatters/text.ts';
import { validate } from '../../validator/run.ts';
import type { Severity } from '../../validator/types.ts';
import type { CliIo } from '../io.ts';
import { TOOL_VERSION } from '../version.ts';

interface ValidateFlags {
  values: string[];
  chart?: string;
  helm?: string;
  format: 'text' | 'json';
  output?: string;
  failOn: Severity;
}

export function registerValidate(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('validate')
    .description('check values files against the model, then lint the chart with real helm (exit 0 clean, 1 findings, 2 could not run)')
    .option('-f, --values <file>', 'values file to check (repeatable); default: values.staging.yaml and values.production.yaml', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--chart <dir>', 'chart directory (default charts/nexus)')
    .option('--helm <path>', 'helm binary (default: $HELM_BIN, then the bundled helm 4.1.4)')
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <severity>', 'lowest severity that fails the run').choices(['error', 'warning', 'info']).default('warning'))
    .action(async (opts: ValidateFlags) => {
      const report = await validate({ valuesFiles: opts.values, chartDir: opts.chart, helmPath: opts.helm, version: TOOL_VERSION });
      const text = opts.format === 'json' ? formatJson(report) : formatText(report, { color: io.color && !opts.output });
      if (opts.output) writeFileSync(opts.output, text);
      else io.out(text);
      setExit(exitCodeFor(report, opts.failOn));
    });
}
