import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { CHARTS_DIR } from '../../util/paths.ts';
import type { CliIo } from '../io.ts';

export function registerGenerate(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('generate')
    .description('write charts/ from the schema and generator/templates (atomic, crash-safe); --check reports drift instead')
    .option('--check', 'exit 1 and list the files that differ instead of writing')
    .option('--out <dir>', 'output directory', CHARTS_DIR)
    .action(async (opts: { check?: boolean; out: string }) => {
      // Loaded here, not at the top: other subcommands never pay for the generator's imports.
      const [{ generateCharts }, { loadTemplateSources, loadVersions, renderReadmeFile }, { findDrift, recoverInterruptedWrites, writeOutputAtomically }, { writeFileAtomic }] = await Promise.all([
        import('../../generator/index.ts'),
        import('../../generator/sources.ts'),
        import('../../generator/write.ts'),
        import('../../util/atomic-write.ts'),
      ]);
      const outDir = resolve(opts.out);
      const shown = relative(process.cwd(), outDir) || '.';
      const files = generateCharts(loadTemplateSources(), loadVersions());
      // The README's install section is generated from the model and the overlays too.
      const readme = await renderReadmeFile();
      const readmeStale = !existsSync(readme.path) || readFileSync(readme.path, 'utf8') !== readme.text;
      // An interrupted earlier run is finished (or undone) before anything else.
      const recoveries = opts.check ? recoverInterruptedWrites(outDir, files) : [];
      const report = (rs: { top: string; action: string }[]) => {
        for (const r of rs) io.err(`note: an interrupted \`nexus generate\` left ${shown}/${r.top} mid-swap; ${r.action === 'completed' ? 'completed the swap' : 'restored the previous tree'}\n`);
      };
      if (opts.check) {
        report(recoveries);
        const drift = findDrift(outDir, files);
        const lines = [
          ...(readmeStale ? [`  changed: ${relative(process.cwd(), readme.path) || readme.path} (its generated install section)`] : []),
          ...drift.changed.map((p) => `  changed: ${p}`),
          ...drift.missing.map((p) => `  missing: ${p}`),
          ...drift.extra.map((p) => `  not generated: ${p}`),
        ];
        if (lines.length) {
          io.err(`charts are stale: ${lines.length} file(s) differ from a fresh generate\n${lines.join('\n')}\nrun \`npm run generate\` and commit the result (never edit charts/ by hand)\n`);
          setExit(1);
          return;
        }
        io.out(`charts are up to date (${files.length} files)\n`);
        return;
      }
      report(writeOutputAtomically(outDir, files));
      if (readmeStale) writeFileAtomic(readme.path, readme.text);
      io.out(`generated ${files.length} files in ${opts.out}${readmeStale ? ' and the README install section' : ''}\n`);
    });
}
