/**
 * The validate pipeline. v1: each values file against the Zod model (with positions), then
 * `helm lint --strict` of the umbrella chart with that file.
 */
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { NexusError } from '../util/errors.ts';
import { ENVIRONMENT_VALUES, PROJECT_ROOT, UMBRELLA_CHART_DIR } from '../util/paths.ts';
import { locateHelm } from './helm.ts';
import { helmLint } from './lint.ts';
import { buildReport, type Report } from './report.ts';
import type { Finding } from './types.ts';
import { checkValues, readValuesFile } from './values-check.ts';

export interface ValidateOptions {
  /** Values files to check; default: the environment overlays at the project root. */
  valuesFiles?: string[];
  chartDir?: string;
  helmPath?: string;
  version: string;
}

export async function validate(options: ValidateOptions): Promise<Report> {
  const chartDir = resolve(options.chartDir ?? UMBRELLA_CHART_DIR);
  if (!existsSync(join(chartDir, 'Chart.yaml'))) {
    throw new NexusError(`no chart at ${chartDir} (Chart.yaml is missing)`, { location: { file: chartDir }, hint: 'run `npm run generate`, or pass --chart DIR' });
  }
  const valuesFiles = (options.valuesFiles?.length ? options.valuesFiles : ENVIRONMENT_VALUES.map((f) => join(PROJECT_ROOT, f))).map((f) => resolve(f));
  const display = (f: string) => relative(process.cwd(), f) || f;

  // Parse every file first: a file we cannot read stops the run (exit 2) before helm is spawned.
  const located = valuesFiles.map((f) => readValuesFile(display(f)));
  const helm = await locateHelm(options.helmPath);

  const findings: Finding[] = [];
  const lints = await Promise.all(valuesFiles.map((f) => helmLint(helm, chartDir, [f])));
  located.forEach((l, i) => {
    findings.push(...checkValues(l));
    findings.push(...lints[i]!.map((f) => ({ ...f, source: display(valuesFiles[i]!) })));
  });
  return buildReport({ version: options.version, inputs: valuesFiles.map(display), findings });
}
