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
