#!/usr/bin/env node
// The one user-facing bin. It runs the TypeScript sources through a cached esbuild bundle
// (.cache/cli/nexus.mjs): loading tsx costs ~0.6 s per start, the bundle ~0.05 s. The bundle is
// rebuilt whenever any source is newer, so the command always runs the code you see.
import { mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_DIRS = ['cli', 'schema', 'generator', 'validator', 'policies', 'release', 'util'];
const bundle = join(root, '.cache', 'cli', 'nexus.mjs');

function newestSourceMtime() {
  let newest = statSync(join(root, 'package.json')).mtimeMs;
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'templates' && e.name !== 'fixtures' && e.name !== 'node_modules') walk(p);
      } else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of SOURCE_DIRS) walk(join(root, d));
  return newest;
}

async function ensureBundle() {
  let built = 0;
  try {
    built = statSync(bundle).mtimeMs;
  } catch {}
  if (built >= newestSourceMtime()) return true;
  try {
    const { build } = await import('esbuild');
    mkdirSync(dirname(bundle), { recursive: true });
    const tmp = `${bundle}.tmp-${process.pid}`;
    await build({
      entryPoints: [join(root, 'cli', 'main.ts')],
      outfile: tmp,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'silent',
      // Sources compute paths from import.meta.url one level below the root; the bundle sits two
      // levels down, so it is told the root explicitly.
      define: { 'process.env.NEXUS_BUNDLED_ROOT': JSON.stringify(root) },
    });
    renameSync(tmp, bundle); // atomic: concurrent starts never load a half-written bundle
    return true;
  } catch {
    return false;
  }
}

let main;
if (process.env.NEXUS_NO_BUNDLE !== '1' && (await ensureBundle())) {
  ({ main } = await import(pathToFileURL(bundle).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
