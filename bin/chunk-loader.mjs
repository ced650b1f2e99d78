// Runs the CLI bundle's chunks as CommonJS functions compiled through vm.Script, with a V8 code cache
// written AFTER a run (the v8-compile-cache technique), so that it holds every function the run
// compiled. Node's own compile cache (module.enableCompileCache) serializes a module right after it
// is compiled, which holds only its top-level code: every function V8 compiles lazily on first call
// (most of the validator) was compiled again in every process, ~60 ms of a 4,000-document run.
//
// The cache of a chunk is .cache/code-cache/<sha-256 of the chunk's code>-<V8 fingerprint>-<command>.bin:
// - the chunk hash is computed when the bundle is built (chunks.json beside the chunks; a build
//   directory is never modified, a rebuild writes a new one), so changed code never meets an old cache;
// - the V8 fingerprint is the version and flag hashes V8 writes into every cache (read from a probe),
//   so another Node/V8 or other V8 flags use other files instead of rejecting each other's;
// - V8 checks the rest (`--verify-snapshot-checksum`, set before anything is compiled, makes it verify
//   each cache's checksum too; without it a corrupt cache of the right length would be deserialized).
//   A cache V8 rejects (truncated, corrupt, foreign) is rebuilt at the end of the run;
// - the command (`validate`, `generate`...): a cache holds what the run that wrote it compiled, so
//   `nexus --version` run first after a build must not decide what validate's shared chunks hold.
// A cache is written only when it was missing or rejected, to a temp file renamed into place (atomic;
// concurrent processes each write a complete file and the last rename wins), and never when the
// flags changed during the run (the next run would reject it). Nothing here can fail a run: a
// read-only or full disk only means no cache. NODE_DISABLE_COMPILE_CACHE=1 turns it off.
// Built-ins through process.getBuiltinModule: see bin/nexus.mjs (an ES module import of node:fs costs).
const { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } = process.getBuiltinModule('node:fs');
const { createRequire } = process.getBuiltinModule('node:module');
const { join } = process.getBuiltinModule('node:path');
const { fileURLToPath, pathToFileURL } = process.getBuiltinModule('node:url');
const { setFlagsFromString } = process.getBuiltinModule('node:v8');
const vm = process.getBuiltinModule('node:vm');

/** The manifest the build writes beside the CommonJS chunks: file name → SHA-256 of its code. */
export const CHUNK_MANIFEST = 'chunks.json';

/** What a chunk's code is wrapped in; the build defines `import.meta.url` as `__nexusImportMetaUrl`. */
const WRAPPER = ['(function (exports, require, module, __filename, __dirname, __nexusImportMetaUrl) {', '\n})'];

/** V8's version hash and flag hash, as it writes them into a code cache's header (bytes 4–8 and 12–16). */
export function v8Fingerprint() {
  const header = new vm.Script('', { filename: 'nexus-code-cache-probe' }).createCachedData().toString('hex', 0, 16);
  return header.slice(8, 16) + header.slice(24, 32);
}

/**
 * Loads the chunks in `dir` (main.mjs first) and returns main's exports and a function that writes
 * the code caches that were missing or rejected; `cacheDir` undefined = no code cache; `command`
 * (letters and dashes) keeps the caches of different commands apart.
 */
export function loadChunks(dir, cacheDir, command = 'none') {
  const hashes = JSON.parse(readFileSync(join(dir, CHUNK_MANIFEST), 'utf8'));
  // With --freeze-flags-after-init V8 aborts the process on setFlagsFromString, and without the checksum
  // flag a corrupt cache would be used: no code cache then.
  if (/freeze-flags/.test([...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' '))) cacheDir = undefined;
  let fingerprint = '';
  if (cacheDir !== undefined) {
    setFlagsFromString('--verify-snapshot-checksum');
    fingerprint = v8Fingerprint();
  }
  const nodeRequire = createRequire(join(dir, 'main.mjs'));
  /** @type {Map<string, { module: { exports: object }, done?: object }>} */
  const chunks = new Map();
  /** @type {{ script: vm.Script, file: string }[]} */
  const toWrite = [];

  // The chunks' `import`s became require() calls: `./x.mjs` is a sibling chunk; packages and Node's
  // built-ins go to Node; a dynamic import of a file: URL (the cached schema validators) is required
  // by path (Node requires ES modules without top-level await).
  const requireFromChunk = (specifier) => {
    if (specifier.startsWith('./')) return load(specifier.slice(2));
    return nodeRequire(specifier.startsWith('file:') ? fileURLToPath(specifier) : specifier);
  };

  function load(name) {
    const known = chunks.get(name);
    // While a chunk is still running (an import cycle), its importer gets the live exports.
    if (known) return known.done ?? known.module.exports;
    const entry = { module: { exports: {} } };
    chunks.set(name, entry);
    const file = join(dir, name);
    const hash = hashes[name];
    const cacheFile = cacheDir !== undefined && hash ? join(cacheDir, `${hash}-${fingerprint}-${command}.bin`) : undefined;
    let cachedData;
    if (cacheFile) {
      try {
        cachedData = readFileSync(cacheFile);
      } catch {}
    }
    const script = new vm.Script(WRAPPER[0] + readFileSync(file, 'utf8') + WRAPPER[1], { filename: file, cachedData });
    if (cacheFile && (cachedData === undefined || script.cachedDataRejected)) toWrite.push({ script, file: cacheFile });
    script.runInThisContext()(entry.module.exports, requireFromChunk, entry.module, file, dir, pathToFileURL(file).href);
    // esbuild's CommonJS exports are getters that read the live binding (two getter calls per use of
    // an imported function, thousands of times per document before TurboFan inlines them). Once the
    // chunk has run, its exports are final (no module exports a `let`/`var` it reassigns; checked by
    // test/cli/bundle.test.ts), so importers get plain properties.
    const live = entry.module.exports;
    const done = {};
    for (const key of Object.keys(live)) done[key] = live[key];
    if (live.__esModule) Object.defineProperty(done, '__esModule', { value: true });
    entry.done = done;
    return done;
  }

  const main = load('main.mjs');
  return {
    main,
    /** Writes the missing or rejected caches; returns the files written. */
    saveCodeCache() {
      const written = [];
      // If the run changed V8's flags (the policy stage switches TurboFan off and on and restores
      // them), caches written now would be rejected by the next run: none are written.
      if (toWrite.length === 0 || v8Fingerprint() !== fingerprint) return written;
      try {
        mkdirSync(cacheDir, { recursive: true });
      } catch {
        return written;
      }
      for (const { script, file } of toWrite) {
        const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
        try {
          writeFileSync(tmp, script.createCachedData());
          renameSync(tmp, file);
          written.push(file);
        } catch {
          try {
            rmSync(tmp, { force: true });
          } catch {}
        }
      }
      return written;
    },
  };
}
