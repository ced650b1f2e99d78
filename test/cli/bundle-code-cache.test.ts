/**
 * The CLI's V8 code cache (bin/chunk-loader.mjs): keyed by each chunk's code and by V8's version and
 * flags, written after a run only when missing or rejected, and never in the way of a run. Every load
 * runs in a fresh Node process: inside one process V8's own compilation cache would answer instead.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../util/paths.ts';

const tmp = mkdtempSync(join(tmpdir(), 'nexus-code-cache-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let seq = 0;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: Record<string, string> = {}, nodeFlags: string[] = []): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...nodeFlags, file, ...args], { cwd: PROJECT_ROOT, env: { ...process.env, NEXUS_NO_BUNDLE: '', ...env }, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

/** Chunks as the build writes them (CommonJS bodies + chunks.json), and a driver that loads them once. */
function fixture(chunks: Record<string, string>): { dir: string; cache: string; load: (nodeFlags?: string[], cache?: string) => Promise<{ result: unknown; written: string[] }> } {
  const dir = join(tmp, `chunks-${++seq}`);
  const cache = join(tmp, `cache-${seq}`);
  mkdirSync(dir);
  const hashes: Record<string, string> = {};
  for (const [name, code] of Object.entries(chunks)) {
    writeFileSync(join(dir, name), code);
    hashes[name] = createHash('sha256').update(code).digest('hex');
  }
  writeFileSync(join(dir, 'chunks.json'), JSON.stringify(hashes));
  const driver = join(tmp, `driver-${seq}.mjs`);
  writeFileSync(
    driver,
    `import { loadChunks } from ${JSON.stringify(join(PROJECT_ROOT, 'bin', 'chunk-loader.mjs'))};
const [dir, cache] = process.argv.slice(2);
const loaded = loadChunks(dir, cache === '-' ? undefined : cache);
const result = await loaded.main.run();
process.stdout.write(JSON.stringify({ result, written: loaded.saveCodeCache() }));
`,
  );
  return {
    dir,
    cache,
    load: async (nodeFlags = [], cacheDir = cache) => {
      const r = await run(driver, [dir, cacheDir], {}, nodeFlags);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout) as { result: unknown; written: string[] };
    },
  };
}

const MAIN = `"use strict";
const helper = require("./helper.mjs");
const { add } = helper;
exports.run = async () => {
  let s = 0;
  for (let i = 0; i < 1000; i++) s = add(s, i);
  const lazy = await Promise.resolve().then(() => require("./lazy.mjs"));
  return { sum: s, lazy: lazy.twice(21), url: __nexusImportMetaUrl.endsWith("/main.mjs") };
};
`;
const HELPER = `"use strict";
exports.add = (a, b) => a + b;
`;
const LAZY = `"use strict";
exports.twice = (n) => n * 2;
`;
const EXPECTED = { sum: 499500, lazy: 42, url: true };

function cacheFiles(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

describe('the code cache of the bundled CLI (bin/chunk-loader.mjs)', () => {
  it('writes one cache per chunk after the first run and nothing after the next', async () => {
    const f = fixture({ 'main.mjs': MAIN, 'helper.mjs': HELPER, 'lazy.mjs': LAZY });
    const first = await f.load();
    expect(first.result).toEqual(EXPECTED);
    expect(first.written).toHaveLength(3);
    const files = cacheFiles(f.cache);
    expect(files).toHaveLength(3);
    // keyed by the chunk's content hash (from chunks.json)
    const hashes = Object.values(JSON.parse(readFileSync(join(f.dir, 'chunks.json'), 'utf8')) as Record<string, string>);
    expect(files.map((n) => n.split('-')[0]).sort()).toEqual([...hashes].sort());
    const mtimes = files.map((n) => statSync(join(f.cache, n)).mtimeMs);
    const second = await f.load();
    expect(second).toEqual({ result: EXPECTED, written: [] });
    expect(cacheFiles(f.cache)).toEqual(files);
    expect(files.map((n) => statSync(join(f.cache, n)).mtimeMs)).toEqual(mtimes);
  });

  it('rejects a truncated, corrupt or foreign cache, runs correctly and writes it again', async () => {
    const f = fixture({ 'main.mjs': MAIN, 'helper.mjs': HELPER, 'lazy.mjs': LAZY });
    await f.load();
    const [a, b, c] = cacheFiles(f.cache).map((n) => join(f.cache, n)) as [string, string, string];
    const bytesA = readFileSync(a);
    const bytesB = Buffer.from(readFileSync(b));
    writeFileSync(a, bytesA.subarray(0, bytesA.length >> 1)); // truncated
    const middle = bytesB.length >> 1;
    bytesB[middle] = bytesB[middle]! ^ 0xff; // one flipped byte in the middle: the same length, only the checksum tells
    writeFileSync(b, bytesB);
    writeFileSync(c, bytesA); // another chunk's (valid) cache
    const again = await f.load();
    expect(again.result).toEqual(EXPECTED);
    expect(again.written.sort()).toEqual([a, b, c].sort());
    expect(await f.load()).toEqual({ result: EXPECTED, written: [] });
  });

  it('keys the cache by V8 flags: a run with other flags uses files of its own', async () => {
    const f = fixture({ 'main.mjs': MAIN, 'helper.mjs': HELPER, 'lazy.mjs': LAZY });
    await f.load();
    const plain = cacheFiles(f.cache);
    const other = await f.load(['--no-flush-bytecode']);
    expect(other.result).toEqual(EXPECTED);
    expect(other.written).toHaveLength(3);
    expect(cacheFiles(f.cache)).toHaveLength(6);
    expect(await f.load()).toEqual({ result: EXPECTED, written: [] });
    expect(cacheFiles(f.cache).filter((n) => plain.includes(n))).toEqual(plain);
  });

  it('a chunk whose code changed gets a new cache file, the old one is never read for it', async () => {
    const f = fixture({ 'main.mjs': MAIN, 'helper.mjs': HELPER, 'lazy.mjs': LAZY });
    await f.load();
    // same length, different code: V8 alone would accept the old cache (its source check is the length)
    const changed = HELPER.replace('a + b', 'b + a');
    expect(changed.length).toBe(HELPER.length);
    writeFileSync(join(f.dir, 'helper.mjs'), changed);
    const hashes = JSON.parse(readFileSync(join(f.dir, 'chunks.json'), 'utf8')) as Record<string, string>;
    hashes['helper.mjs'] = createHash('sha256').update(changed).digest('hex');
    writeFileSync(join(f.dir, 'chunks.json'), JSON.stringify(hashes));
    const r = await f.load();
    expect(r.result).toEqual(EXPECTED);
    expect(r.written).toEqual([expect.stringContaining(hashes['helper.mjs']!)]);
  });

  it('never writes when the run changed V8 flags, and never fails a run it cannot write for', async () => {
    const flips = `"use strict";
exports.run = async () => { require("node:v8").setFlagsFromString("--no-flush-bytecode"); return 1; };
`;
    const f = fixture({ 'main.mjs': flips });
    expect(await f.load()).toEqual({ result: 1, written: [] });
    expect(cacheFiles(f.cache)).toEqual([]);

    const g = fixture({ 'main.mjs': MAIN, 'helper.mjs': HELPER, 'lazy.mjs': LAZY });
    const notADir = join(tmp, `file-${seq}`);
    writeFileSync(notADir, 'not a directory');
    expect(await g.load([], notADir)).toEqual({ result: EXPECTED, written: [] });
    expect(await g.load([], '-')).toEqual({ result: EXPECTED, written: [] }); // no cache directory: off
  });

  it('gives importers the exports of a finished chunk as plain values, and the live ones inside an import cycle', async () => {
    const f = fixture({
      'main.mjs': `"use strict";
const __defProp = Object.defineProperty;
let value = 1;
__defProp(exports, "value", { get: () => value, enumerable: true });
const b = require("./b.mjs");
value = 2;
exports.run = async () => ({ seenByB: b.seen(), plain: Object.getOwnPropertyDescriptor(require("./b.mjs"), "seen").value !== undefined });
`,
      'b.mjs': `"use strict";
const main = require("./main.mjs");
exports.seen = () => main.value;
`,
    });
    // b took main's exports while main was still running: it sees the final value through the getter
    expect((await f.load()).result).toEqual({ seenByB: 2, plain: true });
  });
});

describe('the sources, for the loader', () => {
  it('export no binding they could reassign (the loader hands importers the values a chunk ended with)', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) {
          if (e.name !== 'node_modules' && e.name !== 'fixtures' && e.name !== 'templates') walk(p);
          continue;
        }
        if (!e.name.endsWith('.ts') || e.name.endsWith('.test.ts')) continue;
        const text = readFileSync(p, 'utf8');
        for (const m of text.matchAll(/^export (?:let|var) (\w+)/gm)) offenders.push(`${p}: ${m[1]}`);
        const mutable = new Set([...text.matchAll(/^(?:let|var) (\w+)/gm)].map((m) => m[1]));
        for (const clause of text.matchAll(/^export \{([^}]*)\}/gm)) {
          for (const name of clause[1]!.split(',').map((n) => n.trim().split(/\s+as\s+/)[0]!)) if (mutable.has(name)) offenders.push(`${p}: ${name}`);
        }
      }
    };
    for (const d of ['core', 'cli', 'schema', 'generator', 'validator', 'policies', 'release', 'util']) walk(join(PROJECT_ROOT, d));
    expect(offenders).toEqual([]);
  });
});

describe('the bundled CLI with its code cache (bin/nexus.mjs)', () => {
  const manifest = (name: string, text: string) => {
    const p = join(tmp, name);
    writeFileSync(p, text);
    return p;
  };
  const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
`;

  it('writes the cache on the first validate run, nothing on the next (policies on and off), and prints the same', async () => {
    const cache = join(tmp, 'cli-cache');
    const m = manifest('deployment.yaml', DEPLOYMENT);
    const env = { NEXUS_CODE_CACHE: cache };
    const cold = await run('bin/nexus.mjs', ['validate', '--format', 'json', m], env);
    const files = cacheFiles(cache);
    expect(files.length).toBeGreaterThan(5);
    const mtimes = files.map((n) => statSync(join(cache, n)).mtimeMs);
    const warm = await run('bin/nexus.mjs', ['validate', '--format', 'json', m], env);
    expect(warm).toEqual(cold);
    await run('bin/nexus.mjs', ['validate', '--no-policies', m], env);
    const after = cacheFiles(cache);
    // the strict run may add chunks the policy run did not load, but rewrites none
    expect(after.filter((n) => files.includes(n))).toEqual(files);
    expect(files.map((n) => statSync(join(cache, n)).mtimeMs)).toEqual(mtimes);
    const again = await run('bin/nexus.mjs', ['validate', '--format', 'json', m], env);
    expect(again).toEqual(cold);
    expect(cacheFiles(cache)).toEqual(after);
  });

  it('keeps each command\'s caches apart: --version run first does not decide what validate gets', async () => {
    const cache = join(tmp, 'cli-cache-commands');
    const m = manifest('deployment-cmd.yaml', DEPLOYMENT);
    const env = { NEXUS_CODE_CACHE: cache };
    expect((await run('bin/nexus.mjs', ['--version'], env)).code).toBe(0);
    const byVersion = cacheFiles(cache);
    expect(byVersion.length).toBeGreaterThan(0);
    expect(byVersion.every((n) => n.endsWith('-none.bin'))).toBe(true);
    expect((await run('bin/nexus.mjs', ['validate', '--no-policies', m], env)).code).toBe(0);
    const byValidate = cacheFiles(cache).filter((n) => n.endsWith('-validate-no-policies.bin'));
    // every chunk --version loaded is loaded by validate too, and validate's cache of it holds more functions
    const chunkOf = (n: string) => n.split('-')[0];
    for (const v of byVersion) {
      const same = byValidate.find((n) => chunkOf(n) === chunkOf(v));
      expect(same, v).toBeDefined();
    }
    const size = (n: string) => statSync(join(cache, n)).size;
    const mainVersion = byVersion.reduce((a, b) => (size(a) > size(b) ? a : b));
    expect(size(byValidate.find((n) => chunkOf(n) === chunkOf(mainVersion))!)).toBeGreaterThan(size(mainVersion));
    const before = cacheFiles(cache);
    expect((await run('bin/nexus.mjs', ['validate', '--no-policies', m], env)).code).toBe(0);
    expect(cacheFiles(cache)).toEqual(before);
  });

  it('keeps validate with and without policies apart: the policy run gets caches of its own that hold more', async () => {
    const cache = join(tmp, 'cli-cache-policies');
    const m = manifest('deployment-pol.yaml', DEPLOYMENT);
    const env = { NEXUS_CODE_CACHE: cache };
    expect((await run('bin/nexus.mjs', ['validate', '--no-policies', m], env)).code).toBe(0);
    const strict = cacheFiles(cache);
    expect(strict.length).toBeGreaterThan(0);
    expect(strict.every((n) => n.endsWith('-validate-no-policies.bin'))).toBe(true);
    expect((await run('bin/nexus.mjs', ['validate', m], env)).code).toBe(1);
    const withPolicies = cacheFiles(cache).filter((n) => n.endsWith('-validate.bin'));
    const chunkOf = (n: string) => n.split('-')[0];
    const size = (n: string) => statSync(join(cache, n)).size;
    // the policy run loads every chunk the strict run loaded (and the policy chunks)...
    for (const s of strict) expect(withPolicies.some((n) => chunkOf(n) === chunkOf(s)), s).toBe(true);
    expect(withPolicies.length).toBeGreaterThan(strict.length);
    // ...and in a chunk both load it compiled functions the strict run did not
    expect(strict.some((s) => size(withPolicies.find((n) => chunkOf(n) === chunkOf(s))!) > size(s))).toBe(true);
  });

  it('runs without the code cache when V8 flags are frozen (setting the checksum flag would abort)', async () => {
    const cache = join(tmp, 'cli-cache-frozen');
    const m = manifest('deployment-frozen.yaml', DEPLOYMENT);
    const r = await run('bin/nexus.mjs', ['validate', '--no-policies', m], { NEXUS_CODE_CACHE: cache }, ['--freeze-flags-after-init']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(cacheFiles(cache)).toEqual([]);
  });

  it('NODE_DISABLE_COMPILE_CACHE=1 turns the code cache off', async () => {
    const cache = join(tmp, 'cli-cache-off');
    const m = manifest('deployment-off.yaml', DEPLOYMENT);
    const r = await run('bin/nexus.mjs', ['validate', '--no-policies', m], { NEXUS_CODE_CACHE: cache, NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(r.code).toBe(0);
    expect(cacheFiles(cache)).toEqual([]);
  });
});
