/**
 * Dependencies point one way: core/ (the shared vocabulary) at the bottom, policies/ above it, and the
 * validator above both. A policy that imports from validator/ would make the layer that runs policies
 * a dependency of the policies themselves.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../util/paths.ts';

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Top-level directories a file's relative imports reach (`import … from '../x'` and `import('../x')`). */
function importedTopDirs(file: string): Set<string> {
  const text = readFileSync(file, 'utf8');
  const dirs = new Set<string>();
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)'/g)) {
    const target = relative(PROJECT_ROOT, resolve(dirname(file), m[1]!));
    dirs.add(target.split('/')[0]!);
  }
  return dirs;
}

const LAYERS: Record<string, readonly string[]> = {
  // layer → the top-level directories it may import from
  core: ['core'],
  policies: ['core', 'policies', 'util'],
};

describe('layering', () => {
  for (const [layer, allowed] of Object.entries(LAYERS)) {
    it(`${layer}/ imports only from ${allowed.join(', ')}`, () => {
      const files = sourceFiles(join(PROJECT_ROOT, layer));
      expect(files.length).toBeGreaterThan(0);
      const violations: string[] = [];
      const seen = new Set<string>();
      for (const f of files) {
        for (const d of importedTopDirs(f)) {
          seen.add(d);
          if (!allowed.includes(d)) violations.push(`${relative(PROJECT_ROOT, f)} imports from ${d}/`);
        }
      }
      expect(violations).toEqual([]);
      // The scan itself works: every layer above core/ imports the vocabulary from it.
      if (layer !== 'core') expect(seen).toContain('core');
    });
  }

  it('validator/types.ts is gone (the vocabulary lives in core/types.ts)', () => {
    expect(() => readFileSync(join(PROJECT_ROOT, 'validator', 'types.ts'))).toThrow();
  });
});
