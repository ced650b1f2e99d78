#!/usr/bin/env node
// The one user-facing bin. It runs the TypeScript sources through a cached esbuild bundle
// (.cache/cli/nexus.mjs): loading tsx costs ~0.6 s per start, the bundle ~0.05 s. The bundle is
// rebuilt whenever any source is newer, so the command always runs the code you see.
// The bundle is code-split: each command's `await import(...)` becomes its own chunk, and the npm
// packages a chunk needs (zod, yaml, handlebars...) load only when that chunk does. In a single-file
// bundle esbuild hoists every external import to the top, so `nexus --version` would load them all.
//
// Compiled code is cached on disk. The chunks run as CommonJS copies (<build>/cjs, converted by esbuild
// at build time) through bin/chunk-loader.mjs, which compiles each with vm.Script and a V8 code cache
// written AFTER the first run that loaded it, so it holds the functions V8 compiled lazily during the
// run too (Node's module compile cache holds a module's top-level code only; the validator's functions
// were compiled again in every process: measured ~5 % of the CPU of one-document and 4k-document runs).
// .cache/code-cache/<sha-256 of the chunk>-<V8 version and flag hashes>-<command>.bin: a chunk's cache
// is used only with its exact code, Node/V8 version and V8 flags, and each command (validate, generate,
// none for --version) has its own, so the first command after a build does not decide what validate's
// shared chunks hold. V8 verifies the checksum; a truncated, corrupt or foreign cache is rejected and
// written again after the run; otherwise nothing is written (not on every run). Writes go to a temp
// file renamed into place, so concurrent runs are safe; a read-only or full disk only means running
// without it. NODE_DISABLE_COMPILE_CACHE=1 turns it off, NEXUS_CODE_CACHE=dir moves it. Bounded: at
// most one file per chunk, V8 fingerprint and command; files of chunks a new build no longer has are
// removed at the rebuild.
// Node's module compile cache (.cache/node-compile) still serves the npm packages the chunks require.

import { keepNurserySmall } from './nursery.mjs';

// Built-ins through process.getBuiltinModule, not `import`: importing node:fs as an ES module builds a
// facade of all its exports, and reading `fs.promises` for it loads fs/promises, readline and the file
// streams (8 internal modules, a few ms of every start) that nothing here uses. Same in bin/chunk-loader.mjs.
const { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } = process.getBuiltinModule('node:fs');
const module = process.getBuiltinModule('node:module');
const { dirname, join } = process.getBuiltinModule('node:path');
const { fileURLToPath, pathToFileURL } = process.getBuiltinModule('node:url');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// A small young generation: see bin/nursery.mjs. Set before the code cache reads V8's flag hash
// (bin/chunk-loader.mjs), so that the caches a run reads and writes carry the same hash.
keepNurserySmall();
const SOURCE_DIRS = ['core', 'cli', 'schema', 'generator', 'validator', 'policies', 'release', 'util'];
const bundle = join(root, '.cache', 'cli', 'nexus.mjs');
const compileCache = join(root, '.cache', 'node-compile');
// V8 code cache of the chunks (bin/chunk-loader.mjs); NEXUS_CODE_CACHE names another directory.
const codeCache = process.env.NEXUS_CODE_CACHE || join(root, '.cache', 'code-cache');

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
      } else if (name.endsWith('.ts') || name.endsWith('.json')) {
        // .json too: generated data is bundled (policies/secrets/generated/secret-patterns.json).
        const m = statSync(`${dir}/${name}`).mtimeMs;
        if (m > newest) newest = m;
      }
    }
  };
  for (const d of SOURCE_DIRS) walk(`${root}/${d}`);
  return newest;
}

const ESM_BANNER = "import { createRequire as __nexusCreateRequire } from 'node:module';\nconst require = __nexusCreateRequire(import.meta.url);\n";

/**
 * Writes a CommonJS copy of every chunk to <build>/cjs (for bin/chunk-loader.mjs and its code cache)
 * with the manifest: the SHA-256 of each. esbuild converts each chunk's imports to require() calls,
 * dynamic imports included, and `import.meta.url` to a parameter of the loader's wrapper. If any chunk
 * cannot be converted cleanly, no manifest is written (undefined) and the CLI runs the ES module chunks.
 */
async function writeCommonJsChunks(outdir) {
  try {
    const { transform } = await import('esbuild');
    const { createHash } = await import('node:crypto');
    const { CHUNK_MANIFEST } = await import('./chunk-loader.mjs');
    const cjsDir = join(outdir, 'cjs');
    mkdirSync(cjsDir);
    const hashes = {};
    for (const name of readdirSync(outdir)) {
      if (!name.endsWith('.mjs')) continue;
      const esm = readFileSync(join(outdir, name), 'utf8');
      // The loader's wrapper provides `require`; ES module code is strict.
      if (!esm.startsWith(ESM_BANNER)) return undefined;
      const out = await transform(esm.slice(ESM_BANNER.length), {
        format: 'cjs',
        loader: 'js',
        target: 'node20',
        supported: { 'dynamic-import': false },
        define: { 'import.meta.url': '__nexusImportMetaUrl' },
        minifyWhitespace: true,
        logLevel: 'silent',
      });
      if (out.warnings.length > 0) return undefined;
      const code = `"use strict";\n${out.code}`;
      writeFileSync(join(cjsDir, name), code);
      hashes[name] = createHash('sha256').update(code).digest('hex');
    }
    writeFileSync(join(cjsDir, CHUNK_MANIFEST), JSON.stringify(hashes));
    return hashes;
  } catch {
    return undefined;
  }
}

/** Removes the code caches of chunks the new build no longer has (best effort; see bin/chunk-loader.mjs). */
function pruneCodeCache(hashes) {
  try {
    const current = new Set(Object.values(hashes));
    for (const name of readdirSync(codeCache)) {
      if (!current.has(name.split('-')[0])) rmSync(join(codeCache, name), { force: true });
    }
  } catch {}
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
      banner: { js: ESM_BANNER },
      // Whitespace and comments only (names and syntax stay as written, for stack traces and messages):
      // every start reads and decodes the chunks it loads, and V8 keeps their text. 2.0 → 1.7 MB of
      // CommonJS chunks; a one-document validate run 0.93× the wall time (21 interleaved pairs).
      minifyWhitespace: true,
      logLevel: 'silent',
      // Sources compute paths from import.meta.url one level below the root; the bundle sits deeper,
      // so it is told the root explicitly.
      define: { 'process.env.NEXUS_BUNDLED_ROOT': JSON.stringify(root) },
    });
    const chunkHashes = await writeCommonJsChunks(outdir);
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
    if (chunkHashes) pruneCodeCache(chunkHashes);
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

/** The current build's CommonJS chunks, if it has them (a build by an older bin/nexus.mjs does not). */
function commonJsChunks() {
  try {
    const dir = join(dirname(bundle), /build-[\w-]+/.exec(readFileSync(bundle, 'utf8'))[0], 'cjs');
    return existsSync(join(dir, 'chunks.json')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

let main;
let saveCodeCache = () => {};
try {
  if (process.env.NEXUS_NO_BUNDLE !== '1' && existsSync(join(root, 'node_modules')) && (await ensureBundle())) {
    // Node's compile cache: for the npm packages the chunks load, and the ES module chunks when there are
    // no CommonJS ones (each entry is checked against its file's content). NODE_COMPILE_CACHE and
    // NODE_DISABLE_COMPILE_CACHE take precedence.
    module.enableCompileCache?.(compileCache);
    const chunks = commonJsChunks();
    if (chunks) {
      const { loadChunks } = await import('./chunk-loader.mjs');
      // The command's name keeps each command's caches apart (see bin/chunk-loader.mjs); options and
      // their values are skipped, a guess that is wrong only costs a cache of its own. `validate` with
      // and without policies are apart too: a cache is written once, by the first run that misses it, and
      // a --no-policies run compiles none of the policy stage's functions in the chunks both share.
      const name = process.argv.slice(2).find((a) => /^[a-z][a-z-]*$/.test(a)) ?? 'none';
      const command = name === 'validate' && process.argv.includes('--no-policies') ? 'validate-no-policies' : name;
      const loaded = loadChunks(chunks, process.env.NODE_DISABLE_COMPILE_CACHE === '1' ? undefined : codeCache, command);
      main = loaded.main.main;
      saveCodeCache = loaded.saveCodeCache;
    } else {
      ({ main } = await import(pathToFileURL(bundle).href));
    }
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    ({ main } = await import('../cli/main.ts'));
  }
} catch (err) {
  dependenciesMissing(err);
}
process.exitCode = await main(process.argv.slice(2));
saveCodeCache();
