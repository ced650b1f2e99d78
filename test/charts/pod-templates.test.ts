/**
 * A release restarts only what must change. Bumping the chart version and the app version (every
 * Chart.yaml of the tree) leaves every pod template of every Deployment, StatefulSet and CronJob
 * byte-identical: no version label, no checksum over metadata. (An image tag that changes with the app
 * version is a values change, and restarts what runs it.)
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UMBRELLA_CHART_DIR } from '../../util/paths.ts';
import { HELM_FLAVOURS } from '../helpers/helm.ts';
import { CRD_API_VERSIONS, ENV_FILES, renderChart, type RenderedDoc } from './helpers.ts';

type Any = Record<string, any>;

/** A copy of the chart tree with every Chart.yaml's version, appVersion and dependency versions bumped. */
function bumpedChart(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'nexus-bumped-')), 'nexus');
  cpSync(UMBRELLA_CHART_DIR, dir, { recursive: true });
  const visit = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) visit(p);
      else if (e === 'Chart.yaml') {
        const text = readFileSync(p, 'utf8');
        const bumped = text.replace(/^(\s*-?\s*version:\s*)(\S+)$/gm, '$19.8.7').replace(/^appVersion:\s*\S+$/m, 'appVersion: 42.0.0');
        if (bumped === text) throw new Error(`nothing to bump in ${p}`);
        writeFileSync(p, bumped);
      }
    }
  };
  visit(dir);
  return dir;
}

function podTemplates(docs: RenderedDoc[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const { object } of docs) {
    const spec = object.spec as Any | undefined;
    const template = object.kind === 'CronJob' ? spec?.jobTemplate?.spec?.template : ['Deployment', 'StatefulSet'].includes(object.kind) ? spec?.template : undefined;
    if (template) out.set(`${object.kind}/${object.metadata.name}`, JSON.stringify(template));
  }
  return out;
}

describe.each(HELM_FLAVOURS)('a chart and app version bump restarts nothing (%s)', (helm) => {
  const bumped = bumpedChart();

  it.each(ENV_FILES)('%s: every pod template renders byte-identical', async (file) => {
    const before = await renderChart({ helm, valuesFiles: [file], apiVersions: CRD_API_VERSIONS });
    const after = await renderChart({ helm, chartDir: bumped, valuesFiles: [file], apiVersions: CRD_API_VERSIONS });
    // The bump is real: the objects' own labels carry the new versions.
    const label = (docs: RenderedDoc[]) => docs.find((d) => d.object.kind === 'StatefulSet')!.object.metadata.labels!;
    expect(label(after)['helm.sh/chart']).toMatch(/-9\.8\.7$/);
    expect(label(after)['app.kubernetes.io/version']).toBe('42.0.0');
    const a = podTemplates(before);
    const b = podTemplates(after);
    expect([...a.keys()].filter((k) => k.startsWith('StatefulSet/')).length).toBeGreaterThanOrEqual(3);
    expect([...a.keys()].filter((k) => k.startsWith('Deployment/')).length).toBeGreaterThanOrEqual(3);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [name, template] of a) expect(b.get(name), name).toBe(template);
  });
});
