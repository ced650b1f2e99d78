#!/usr/bin/env node
// The one user-facing bin. It runs the TypeScript sources through a cached esbuild bundle
// (.cache/cli/nexus.mjs): loading tsx costs ~0.6 s per start, the bundle ~0.05 s. The bundle is
// rebuilt whenever any source is newer, so the command always runs the code you see.
// The bundle is code-split: each command's `await import(...)` becomes its own chunk, and the npm
// packages a chunk needs (zod, yaml, handlebars...) load only when that chunk does. In a single-file
// bundle esbuild hoists every external import to the top, so `nexus --version` would load them all.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_DIRS = ['core', 'cli', 'schema', 'generator', 'validator', 'policies', 'release', 'util'];
const bundle = join(root, '.cache', 'cli', 'nexus.mjs');
const compileCache = join(root, '.cache', 'node-compile');

function newestSourceMtime() {
  // This file counts too: a change to the build options below must rebuild the bundle.
  let newest = Math.max(statSync(join(root, 'package.json')).mtimeMs, statSync(fileURLToPath(import.meta.url)).mtimeMs);
  // Runs on every start (~330 files): plain string paths, no path.join per entry.
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const name = e.name;
      if (e.isDirectory()) {
        if (name !== 'templates' && name !== 'fixtures' && name !== 'node_modules') walk(`${dir}/${name}`);
      } else if (name.endsWith('.ts')) {
        const m = statSync(`${dir}/${name}`).mtimeMs;
        if (m > newest) newest = m;
      }
    }
  };
  for (const d of SOURCE_DIRS) walk(`${root}/${d}`);
  return newest;
}

const BUNDLED_PACKAGES = new Set(['@marcbachmann/cel-js', 'commander', 'fastest-levenshtein', 'js-yaml', 'picocolors']);

/** esbuild's `packages: 'external'`, with exceptions: bare specifiers are external unless their package is listed. */
function externalPackagesExcept(bundled) {
  return {
    name: 'external-packages-except',
    setup(b) {
      // commander requires node:child_process at load time, for stand-alone executable subcommands that
      // nexus does not have; child_process brings net, dgram and the socket code (~7 ms of every start).
      // It gets a stand-in that loads the real module on first use.
      b.onResolve({ filter: /^node:child_process$/ }, (args) =>
        /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy-builtin' } : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, () => ({
        contents: "module.exports = { spawn: (...args) => process.getBuiltinModule('node:child_process').spawn(...args) };",
        loader: 'js',
      }));
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith('node:')) return { path: args.path, external: true };
        const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
        return bundled.has(name) ? undefined : { path: args.path, external: true };
      });
    },
  };
}

/**
 * Removes build directories superseded more than an hour ago (best effort): a process started from an
 * older build may still be loading its chunks lazily. The build being replaced is touched first, so
 * its age counts from the moment it stopped being current, not from when it was built.
 */
function removeOldBuilds(current, previous) {
  const dir = dirname(bundle);
  if (previous) {
    try {
      utimesSync(join(dir, previous), new Date(), new Date());
    } catch {}
  }
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory() || !e.name.startsWith('build-') || e.name === current) continue;
    const p = join(dir, e.name);
    try {
      if (Date.now() - statSync(p).mtimeMs > 3_600_000) rmSync(p, { recursive: true, force: true });
    } catch {}
  }
}

async function ensureBundle() {
  let built = 0;
  try {
    built = statSync(bundle).mtimeMs;
  } catch {}
  if (built >= newestSourceMtime()) return true;
  try {
    const { build } = await import('esbuild');
    // Each build gets its own directory of chunks; the small entry file that points at it is renamed
    // into place atomically, so concurrent starts never load a half-written or mixed bundle.
    const buildName = `build-${Date.now()}-${process.pid}`;
    const outdir = join(dirname(bundle), buildName);
    mkdirSync(outdir, { recursive: true });
    await build({
      entryPoints: { main: join(root, 'cli', 'main.ts') },
      outdir,
      bundle: true,
      splitting: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outExtension: { '.js': '.mjs' },
      // npm packages stay external (loaded from node_modules when a chunk needs them), except a few small
      // CommonJS ones every validate run loads: importing CommonJS from ESM makes Node lex each file for
      // its exports and resolve it on disk; bundled, they are plain code in the chunk that uses them.
      plugins: [externalPackagesExcept(BUNDLED_PACKAGES)],
      // Bundled CommonJS calls require() for Node's built-ins, which ES modules lack.
      banner: { js: "import { createRequire as __nexusCreateRequire } from 'node:module';\nconst require = __nexusCreateRequire(import.meta.url);" },
      logLevel: 'silent',
      // Sources compute paths from import.meta.url one level below the root; the bundle sits deeper,
      // so it is told the root explicitly.
      define: { 'process.env.NEXUS_BUNDLED_ROOT': JSON.stringify(root) },
    });
    let previous;
    try {
      previous = /build-[\w-]+/.exec(readFileSync(bundle, 'utf8'))?.[0];
    } catch {}
    const tmp = `${bundle}.tmp-${process.pid}`;
    writeFileSync(tmp, `export * from './${buildName}/main.mjs';\n`);
    renameSync(tmp, bundle);
    removeOldBuilds(buildName, previous);
    // The compiled code of superseded chunks would otherwise pile up (each entry is checked against its
    // file's content, so this is housekeeping, not correctness); a process still using it loses nothing.
    try {
      rmSync(compileCache, { recursive: true, force: true });
    } catch {}
    return true;
  } catch {
    return false;
  }
}

/** Before `npm ci` the packages are missing: say so, instead of a Node stack trace (exit 2: could not run). */
function dependenciesMissing(err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' && err?.code !== 'MODULE_NOT_FOUND') throw err;
  const what = /Cannot find (?:package|module) '([^']+)'/.exec(err.message)?.[1];
  process.stderr.write(`error: the dependencies are not installed${what ? ` (${what} is missing)` : ''}\n  hint: run \`npm ci\` in ${root}\n`);
  process.exit(2);
}

let main;
try {
  if (process.env.NEXUS_NO_BUNDLE !== '1' && existsSync(join(root, 'node_modules')) && (await ensureBundle())) {
    // V8's compiled code for the bundle's chunks and the npm packages they load is cached on disk (Node
    // ≥ 22.1; each entry is checked against its file's content, so a rebuilt bundle never runs stale
    // code): compiling them was the largest part of start-up. NODE_COMPILE_CACHE and
    // NODE_DISABLE_COMPILE_CACHE still take precedence.
    module.enableCompileCache?.(compileCache);
    ({ main } = await import(pathToFileURL(bundle).href));
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    ({ main } = await import('../cli/main.ts'));
  }
} catch (err) {
  dependenciesMissing(err);
}
process.exitCode = await main(process.argv.slice(2));
