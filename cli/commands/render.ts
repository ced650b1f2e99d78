import type { Command } from 'commander';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { formatLocation } from '../../util/errors.ts';
import { addChartRenderOptions, chartRenderOptions, type ChartRenderFlags } from '../flags.ts';
import type { CliIo } from '../io.ts';

interface RenderFlags extends ChartRenderFlags {
  output?: string;
}

/** `nexus render`: the manifests `nexus validate` checks, exactly as helm renders them (one values file). */
export function registerRender(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addChartRenderOptions(
    program.command('render').description('print the manifests helm renders, as `nexus validate` sees them (default: values.production.yaml on the umbrella chart)'),
  )
    .option('-o, --output <file>', 'write the manifests to a file instead of stdout')
    .action(async (opts: RenderFlags) => {
      const { renderOnly } = await import('../../validator/run.ts');
      const renders = await renderOnly({
        ...chartRenderOptions(opts),
        // One render by default: production (the umbrella chart), or the chart's defaults.
        ...(!opts.values.length && !opts.env.length && !opts.chart ? { environments: ['production'] } : {}),
      });
      let text = '';
      let failed = false;
      for (const r of renders) {
        if (r.failed) {
          for (const f of r.failed) {
            const where = formatLocation(f);
            io.err(`${where ? `${where}: ` : ''}error: ${f.message}\n`);
          }
          failed = true;
          continue;
        }
        text += renders.length > 1 ? `# nexus render: ${r.source}\n${r.manifests}` : r.manifests;
      }
      if (failed) {
        // A failed render writes nothing: an earlier good render in --output stays as it was.
        if (opts.output) io.err(`nothing written to ${opts.output}\n`);
        setExit(1);
        return;
      }
      if (opts.output) writeFileAtomic(opts.output, text, { what: 'the manifests' });
      else io.out(text);
    });
}
