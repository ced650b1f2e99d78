/**
 * `nexus conformance`: replays the conformance corpora (`../shared/conformance/<corpus>`) through our
 * checks and prints each suite's agreement figure, e.g. `Pod Security Admission conformance: 148/148`
 * and `apiserver: 227/511`. The suites live in validator/conformance/ (registry.ts).
 *
 * Exit codes: 0 when every figure is at or above its committed baseline (validator/conformance/
 * baseline.json), 1 when one dropped below it, 2 when a corpus could not be read.
 */
import { existsSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { PROJECT_ROOT } from '../../util/paths.ts';
import { collectCsv } from '../flags.ts';
import type { CliIo } from '../io.ts';

export const DEFAULT_CONFORMANCE_ROOT = resolve(PROJECT_ROOT, '../shared/conformance');

interface ConformanceFlags {
  root: string;
  suite: string[];
  dir?: string;
  verbose?: boolean;
  quiet?: boolean;
  baseline?: string;
  updateBaseline?: boolean;
}

const rel = (p: string) => relative(process.cwd(), p) || '.';

export function registerConformance(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('conformance')
    .description('replay the conformance corpora (upstream Pod Security Admission fixtures, real kube-apiserver verdicts) and print how often we agree; fails when a figure drops below the committed baseline')
    .option('--root <dir>', 'conformance root holding one folder per corpus', rel(DEFAULT_CONFORMANCE_ROOT))
    .option('--suite <ids>', 'run only these suites (repeatable or comma-separated)', collectCsv, [] as string[])
    .option('--dir <dir>', "the corpus folder of the one suite selected with --suite (instead of <root>/<corpus>)")
    .option('-v, --verbose', 'list every case, and break each figure down (by verdict and kind for apiserver)')
    .option('-q, --quiet', 'print only the figures, not the disagreements')
    .option('--baseline <file>', 'baseline file', rel(resolve(PROJECT_ROOT, 'validator/conformance/baseline.json')))
    .option('--update-baseline', 'raise the baseline to the figures of this run (never lowers one)')
    .action(async (opts: ConformanceFlags) => {
      const [{ SUITES }, { breakdownBy }, baselineMod] = await Promise.all([import('../../validator/conformance/registry.ts'), import('../../validator/conformance/types.ts'), import('../../validator/conformance/baseline.ts')]);
      const known = SUITES.map((s) => s.id);
      const unknown = opts.suite.filter((s) => !known.includes(s));
      if (unknown.length) {
        io.err(`error: unknown suite ${unknown.map((s) => `\`${s}\``).join(', ')}\n  hint: suites: ${known.join(', ')}\n`);
        setExit(2);
        return;
      }
      const selected = opts.suite.length ? SUITES.filter((s) => opts.suite.includes(s.id)) : SUITES;
      if (opts.dir !== undefined && selected.length !== 1) {
        io.err(`error: --dir names the corpus of one suite\n  hint: add --suite ${known.join('|')}\n`);
        setExit(2);
        return;
      }
      let baseline;
      try {
        baseline = baselineMod.readBaseline(resolve(opts.baseline!));
      } catch (err) {
        io.err(`error: cannot read the baseline ${opts.baseline}: ${(err as Error).message}\n  hint: fix the JSON, or restore it with git\n`);
        setExit(2);
        return;
      }
      const figures = [];
      for (const suite of selected) {
        const dir = resolve(opts.dir ?? resolve(opts.root, suite.corpus));
        if (!existsSync(dir) || !statSync(dir).isDirectory()) {
          io.err(`error: ${suite.id}: corpus not found at ${rel(dir)}\n  hint: pass --root DIR (the folder holding ${SUITES.map((s) => `${s.corpus}/`).join(' and ')}), or --suite ${suite.id} --dir DIR\n`);
          setExit(2);
          continue;
        }
        let run;
        try {
          run = await suite.run(dir);
        } catch (err) {
          io.err(`error: ${suite.id}: cannot run the corpus at ${rel(dir)}: ${(err as Error).message}\n`);
          setExit(2);
          continue;
        }
        if (run.cases.length === 0) {
          io.err(`error: ${suite.id}: no cases under ${rel(dir)}\n  hint: is this the ${suite.corpus} corpus?\n`);
          setExit(2);
          continue;
        }
        if (!opts.quiet) for (const c of opts.verbose ? run.cases : run.cases.filter((x) => !x.ok)) io.out(`${c.ok ? 'ok  ' : 'FAIL'} ${suite.id} ${c.id} (${c.detail})\n`);
        for (const line of run.summary ?? []) io.out(`${line}\n`);
        for (const f of run.figures) {
          // With --update-baseline the run is judged against the raised baseline it is about to write.
          const v = baselineMod.compareWithBaseline(f, opts.updateBaseline ? baselineMod.raisedBaseline(baseline, [f]) : baseline);
          const notes = f.agreed < f.total ? [`${((100 * f.agreed) / f.total).toFixed(1)} %`] : [];
          if (v.baseline && v.status === 'pass') notes.push(`baseline ${v.baseline.agreed}/${v.baseline.total}${v.above ? ': above it, raise it with --update-baseline' : ''}`);
          io.out(`${f.label}: ${f.agreed}/${f.total}${notes.length ? ` (${notes.join(', ')})` : ''}${v.status === 'fail' ? ` FAILED: ${v.reason}` : ''}\n`);
          if (v.status === 'fail') setExit(1);
          figures.push(f);
        }
        if (opts.verbose) {
          for (const key of suite.breakdown) io.out(`  by ${key}: ${breakdownBy(run.cases, key).map((b) => `${b.value} ${b.agreed}/${b.total}`).join(', ')}\n`);
        }
      }
      if (opts.updateBaseline && figures.length) {
        const next = baselineMod.raisedBaseline(baseline, figures);
        if (baselineMod.formatBaseline(next) !== baselineMod.formatBaseline(baseline)) {
          baselineMod.writeBaseline(resolve(opts.baseline!), next);
          io.out(`baseline raised: ${opts.baseline}\n`);
        } else io.out('baseline unchanged\n');
      }
    });
}
