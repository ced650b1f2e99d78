/**
 * Conventions of the library chart: every named template is documented right above its definition
 * (its arguments, for the other tiers' authors), and names are namespaced under `nexus.`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../util/paths.ts';

const LIB = join(PROJECT_ROOT, 'generator', 'templates', 'nexus-lib', 'templates');
const OWN = ['_names.tpl', '_labels.tpl', '_images.tpl', '_security.tpl', '_resources.tpl', '_probes.tpl', '_autoscaling.tpl', '_serviceaccount.tpl', '_monitoring.tpl', '_scheduling.tpl', '_networkpolicy.tpl', '_service.tpl', '_stateless.tpl', '_gateway.tpl'];

describe('nexus-lib templates', () => {
  it('contains the files of this contract', () => {
    const files = readdirSync(LIB);
    for (const f of OWN) expect(files).toContain(f);
  });

  it.each(OWN)('%s: every define is namespaced and documented', (file) => {
    const text = readFileSync(join(LIB, file), 'utf8');
    const defines = [...text.matchAll(/\{\{-? define "([^"]+)" -?\}\}/g)];
    expect(defines.length).toBeGreaterThan(0);
    const undocumented: string[] = [];
    for (const d of defines) {
      const name = d[1]!;
      expect(name).toMatch(/^nexus\./);
      const before = text.slice(0, d.index).trimEnd();
      // Documented = the definition follows a comment, or it is an internal part of the template defined just before it.
      if (!before.endsWith('*/}}') && !before.endsWith('-}}')) undocumented.push(name);
      else if (before.endsWith('-}}') && !before.slice(-400).includes('{{/*')) undocumented.push(name);
    }
    expect(undocumented).toEqual([]);
  });

  it('defines each template name once across the library and the template sets', () => {
    const root = join(PROJECT_ROOT, 'generator', 'templates');
    const seen = new Map<string, string[]>();
    const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
    for (const file of walk(root)) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\{\{-? define "([^"]+)"/g)) seen.set(m[1]!, [...(seen.get(m[1]!) ?? []), file.slice(root.length + 1)]);
    }
    // Named templates are global to the chart tree: two different definitions of one name would silently shadow each other.
    const dupes = [...seen].filter(([, files]) => files.length > 1).map(([name, files]) => `${name}: ${files.join(', ')}`);
    expect(dupes).toEqual([]);
  });
});
