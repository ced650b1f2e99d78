/** Reads the hand-written chart sources under generator/templates/ (the generator's input edge). */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../util/paths.ts';
import type { TemplateSources } from './types.ts';

export const TEMPLATE_SOURCES_DIR = join(PROJECT_ROOT, 'generator', 'templates');

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

export function loadTemplateSources(root = TEMPLATE_SOURCES_DIR): TemplateSources {
  const sources: TemplateSources = {};
  for (const set of readdirSync(root, { withFileTypes: true })) {
    if (!set.isDirectory()) continue;
    const dir = join(root, set.name);
    sources[set.name] = Object.fromEntries(walk(dir).map((f) => [relative(dir, f).split('\\').join('/'), readFileSync(f, 'utf8')]));
  }
  return sources;
}

export function loadVersions(): { chartVersion: string; appVersion: string } {
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { nexus: { chartVersion: string; appVersion: string } };
  return { chartVersion: pkg.nexus.chartVersion, appVersion: pkg.nexus.appVersion };
}

/** The environment overlays as parsed configs, for the README's install section (generator/install-docs.ts). */
export async function loadInstallations(): Promise<import('./install-docs.ts').Installation[]> {
  const [{ parse }, { PlatformConfigBase }, { INSTALLATIONS }] = await Promise.all([import('yaml'), import('../schema/index.ts'), import('./install-docs.ts')]);
  return INSTALLATIONS.map((i) => ({ ...i, config: PlatformConfigBase.parse(parse(readFileSync(join(PROJECT_ROOT, i.valuesFile), 'utf8'), { version: '1.1' })) }));
}

export const README_FILE = join(PROJECT_ROOT, 'README.md');

/** README.md with its generated install section brought up to date. */
export async function renderReadmeFile(): Promise<{ path: string; text: string }> {
  const [{ installSection, spliceInstallSection }, { ruleModelOf }] = await Promise.all([import('./install-docs.ts'), import('../schema/index.ts')]);
  const section = installSection(await loadInstallations(), ruleModelOf().applicationImages.map((p) => [...p]));
  return { path: README_FILE, text: spliceInstallSection(readFileSync(README_FILE, 'utf8'), section) };
}
