import { Option, type Command } from 'commander';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { formatLocation } from '../../util/errors.ts';
import type { K8sResource } from '../../core/types.ts';
import { addChartRenderOptions, chartRenderOptions, type ChartRenderFlags } from '../flags.ts';
import type { CliIo } from '../io.ts';

interface ImagesFlags extends ChartRenderFlags {
  format: 'text' | 'json';
  output?: string;
}

/**
 * `nexus images`: the images of the renders (default: the umbrella chart with both environment
 * overlays; hooks and test Pods included, as `helm template` prints them) or of manifest inputs,
 * sorted and de-duplicated, one reference a line or as JSON with the objects that use each one.
 */
export function registerImages(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addChartRenderOptions(
    program
      .command('images')
      .description('list every container image the renders use (default: the umbrella chart with values.staging.yaml and values.production.yaml, hooks and tests included), sorted and de-duplicated: the input for image scanning and for mirroring into another registry')
      .argument('[inputs...]', 'manifest files, directories or - (stdin) to read instead of rendering a chart'),
    'helm --api-versions (repeatable or comma-separated; default for the umbrella chart: the CRD APIs it gates on)',
  )
    .addOption(new Option('--format <format>', 'output format: one reference a line, or JSON with registry, repository, tag, digest and the objects using each image').choices(['text', 'json']).default('text'))
    .option('-o, --output <file>', 'write the list to a file instead of stdout')
    .action(async (inputs: string[], opts: ImagesFlags) => {
      const { parseManifests } = await import('../../validator/manifests.ts');
      const { collectImages, formatImagesJson, formatImagesText } = await import('../../validator/images.ts');
      const resources: K8sResource[] = [];
      if (inputs.length) {
        const { readManifestInputs, readProcessStdin } = await import('../../validator/inputs.ts');
        for (const m of await readManifestInputs(inputs, readProcessStdin)) resources.push(...parseManifests(m.text, { source: m.source }).resources);
      } else {
        const { renderOnly } = await import('../../validator/run.ts');
        // Every render's images, merged: by default one render per environment (staging and production).
        const renders = await renderOnly(chartRenderOptions(opts));
        let failed = false;
        for (const r of renders) {
          for (const f of r.failed ?? []) {
            const where = formatLocation(f);
            io.err(`${where ? `${where}: ` : ''}error: ${f.message}\n`);
            failed = true;
          }
          if (!r.failed) resources.push(...parseManifests(r.manifests, { source: r.source }).resources);
        }
        if (failed) {
          // An image list without one of the renders would send an incomplete list to the scanner.
          if (opts.output) io.err(`nothing written to ${opts.output}\n`);
          setExit(1);
          return;
        }
      }
      const images = collectImages(resources);
      const text = opts.format === 'json' ? formatImagesJson(images) : formatImagesText(images);
      if (opts.output) writeFileAtomic(opts.output, text, { what: 'the image list' });
      else io.out(text);
    });
}
