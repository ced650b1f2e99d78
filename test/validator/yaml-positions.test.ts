/**
 * The position index (validator/yaml-positions.ts) must put every finding where `yaml` (eemeli), a
 * YAML parser that keeps source ranges itself, puts it: for every pointer into every document of the
 * fixtures, for generated documents in every js-yaml dump style, and for the awkward corners of YAML.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import jsyaml from 'js-yaml';
import { LineCounter, parseDocument, type Node } from 'yaml';
import { describe, expect, it } from 'vitest';
import { escapePointerSegment, pointerSegments } from '../../core/json-pointer.ts';
import type { Position } from '../../core/types.ts';
import { splitStream } from '../../validator/manifests.ts';
import { offsetOfPath } from '../../validator/yaml-locate.ts';
import { FrameRecorder, PositionIndexCache, recordedPositionIndex, reparsedIndex, type PositionIndex } from '../../validator/yaml-positions.ts';
import { MANIFEST_SCHEMA } from '../../validator/yaml-schema.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** The reference: `yaml`'s own ranges, same conventions (a key pointer resolves to the key). */
function reference(text: string, baseLine: number): (pointer: string) => Position | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false, strict: false });
  return (pointer) => {
    const offset = offsetOfPath(doc.contents as Node | null, pointerSegments(pointer), true);
    if (offset === undefined) return undefined;
    const p = lineCounter.linePos(offset);
    return { line: baseLine + p.line - 1, column: p.col };
  };
}

/** Every pointer into `value` (bounded), plus pointers to keys and items that are not there. */
function pointersOf(value: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown, p: string) => {
    if (out.length > 5000) return;
    out.push(p);
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${p}/${i}`));
      out.push(`${p}/${v.length}`);
    } else if (v && typeof v === 'object') {
      for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], `${p}/${escapePointerSegment(k)}`);
      out.push(`${p}/no-such-key`, `${p}/no-such-key/deeper`);
    }
  };
  walk(value, '');
  return out;
}

/** The index as manifests.ts builds it: nodes recorded during the one parse, keys from the parsed value. */
function recorded(text: string, baseLine: number): PositionIndex {
  const recorder = new FrameRecorder();
  recorder.start();
  const value = jsyaml.load(text, { schema: MANIFEST_SCHEMA, json: true, listener: recorder.listener });
  return recordedPositionIndex(text, baseLine, recorder.frames(), value);
}

/** Pointers where either way of building the index disagrees with yaml. */
function mismatches(text: string, baseLine = 1): string[] {
  const value = jsyaml.load(text, { schema: MANIFEST_SCHEMA, json: true });
  const expected = reference(text, baseLine);
  const indexes: Array<[string, PositionIndex]> = [
    ['recorded', recorded(text, baseLine)],
    ['reparsed', reparsedIndex(text, baseLine)],
  ];
  const bad: string[] = [];
  for (const p of pointersOf(value)) {
    const want = expected(p);
    for (const [how, index] of indexes) {
      const got = index.locate(p);
      if (JSON.stringify(want) !== JSON.stringify(got)) bad.push(`${p}: yaml ${JSON.stringify(want)}, ${how} ${JSON.stringify(got)}`);
    }
  }
  return bad;
}

function loads(text: string): boolean {
  try {
    jsyaml.load(text, { schema: MANIFEST_SCHEMA, json: true });
    return true;
  } catch {
    return false;
  }
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(f) ? [p] : [];
  });
}

describe('position index', () => {
  it('agrees with yaml on every pointer of every fixture document', () => {
    let documents = 0;
    for (const file of [...yamlFiles(join(ROOT, 'test', 'validator', 'fixtures')), ...yamlFiles(join(ROOT, 'test', 'policies', 'fixtures'))]) {
      for (const doc of splitStream(readFileSync(file, 'utf8')).docs) {
        let value: unknown;
        try {
          value = jsyaml.load(doc.text, { schema: MANIFEST_SCHEMA, json: true });
        } catch {
          continue; // malformed on purpose: never indexed (no resource)
        }
        // Aliases are compared below on small documents; alias bombs would expand here.
        if (!value || typeof value !== 'object' || /[&*]/.test(doc.text)) continue;
        documents++;
        expect(mismatches(doc.text, doc.line), `${file} document ${doc.index}`).toEqual([]);
      }
    }
    expect(documents).toBeGreaterThan(100);
  });

  it('agrees with yaml on generated documents in every dump style', () => {
    const key = fc.oneof(fc.constantFrom('name', 'spec', 'a b', 'x:y', '#c', '"q"', "it's", '~/', '1', 'yes', 'null', ''), fc.string({ maxLength: 6 }));
    const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom('multi\nline\n', ' lead', 'trail ', '- dash', '{x}', '#hash'));
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('tree'), { maxLength: 4 }), fc.dictionary(key, tie('tree'), { maxKeys: 4 })),
    }));
    fc.assert(
      fc.property(fc.dictionary(key, tree, { minKeys: 1, maxKeys: 5 }), fc.integer({ min: -1, max: 3 }), fc.boolean(), fc.constantFrom("'", '"') as fc.Arbitrary<"'" | '"'>, (value, flowLevel, noArrayIndent, quotingType) => {
        const text = jsyaml.dump(value, { flowLevel, noArrayIndent, quotingType, forceQuotes: quotingType === '"' && flowLevel === 0, lineWidth: 40 });
        // js-yaml's dumper writes a few odd keys in flow style that its own loader rejects; those prove nothing here.
        fc.pre(loads(text));
        expect(mismatches(text), text).toEqual([]);
      }),
      // Seeded: an unseeded run found the known gap below (seed 24387355); the seed keeps CI deterministic.
      { numRuns: 300, seed: 20261206 },
    );
  });

  // KNOWN GAP (found by the property above with seed 24387355): a compact single-pair mapping inside a
  // flow sequence (`[a: b]`, here `[.:,]` = `[{".": null}]`) is located at its `[`, one column before the
  // pair's key where `yaml` puts it. It.fails keeps the gap visible: this turns red once it is fixed.
  it.fails('KNOWN GAP: a compact pair in a flow sequence is located at the key, as yaml does', () => {
    const text = "{'': [[[[.:,]]]], name: null}\n";
    expect(mismatches(text)).toEqual([]);
  });

  // KNOWN GAP (seen while reviewing the key-node walk; the same before it): an explicit `? key` with no
  // value, last in its mapping, records a key node without a value node, so the key is not matched and
  // its pointer is located at the mapping, where `yaml` puts it at the key.
  it.fails('KNOWN GAP: a trailing `? key` without a value is located at its key, as yaml does', () => {
    expect(mismatches('m:\n  a: 1\n  ? trailing\nafter: 1\n', 3)).toEqual([]);
  });

  it.each([
    ['flow collections as items and values', 'spec:\n  rules:\n    - { path: /, backend: { port: { number: 80 } } }\n    - [a, b, [c, d]]\n  drop: [ALL]\n'],
    ['comments between keys and values', 'a: # why\n  # more\n  b: 1 # trailing\nc:\n  - # item\n    d: 2\n'],
    ['quoted and odd keys', '"quoted key": 1\n\'single\': 2\n? explicit\n: 3\nplain key with spaces: 4\n"a/b~c": 5\n'],
    ['block scalars', 'script: |\n  echo "a: b"\n  - not a list\nfolded: >-\n  x\n  y\nafter: 1\n'],
    ['nested sequences', 'm:\n- - a\n  - - b\n    - c\n- d\n'],
    ['empty values', 'a:\nb: ~\nc: {}\nd: []\ne:\n  f:\n'],
    ['anchors, aliases and merge keys', 'base: &b\n  x: 1\n  w: [1, 2]\nuse:\n  <<: *b\n  z: *b\n'],
    ['duplicate and integer-like keys (their order is not the value\'s)', 'a: 1\nb: 2\na: 3\nlabels:\n  z: 1\n  "10": 2\n  "2": 3\n'],
    ['CRLF line ends', 'a:\r\n  b: 1\r\n  c:\r\n    - d\r\n'],
    ['multi-line plain and quoted scalars', 'a: this is\n  one scalar\nb: "two\n  lines"\nc: 1\n'],
    ['a List document', 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: { name: a }\n  - apiVersion: v1\n    kind: Secret\n    metadata:\n      name: b\n'],
  ])('agrees with yaml: %s', (_label, text) => {
    expect(mismatches(text, 7)).toEqual([]);
  });

  // Up to SMALL (16) keys a mapping's key nodes are walked beside its value's keys; past it they are
  // looked up in a map built once. Either way a duplicate key (the nodes do not line up) is told.
  it.each([15, 16, 17, 20])('agrees with yaml: a mapping of %i keys, plain and with a duplicate key', (n) => {
    const keys = Array.from({ length: n }, (_, i) => `  k${i}: ${i}`);
    for (const body of [keys, [...keys.slice(0, 3), '  k9: early', ...keys.slice(3)], [...keys, '  k0: last']]) {
      expect(mismatches(`m:\n${body.join('\n')}\nafter: 1\n`, 3)).toEqual([]);
    }
  });

  it('points an unknown field at its key, a missing one at its nearest parent, and counts lines from the stream', () => {
    const text = 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  replica: 2\n  template:\n    spec:\n      containers:\n        - name: app\n          image: x\n';
    const index = reparsedIndex(text, 10);
    expect(index.locate('/spec/replica')).toEqual({ line: 13, column: 3 });
    expect(index.locate('/spec/template/spec/containers/0/resources/limits')).toEqual({ line: 17, column: 11 });
    expect(index.locate('/spec/template/spec/containers/0/image')).toEqual({ line: 18, column: 11 });
    expect(index.locate('/spec/template/spec/containers/3')).toEqual({ line: 17, column: 9 });
    expect(index.locate('')).toEqual({ line: 10, column: 1 });
  });

  it('resolves an item among empty list items to the list (the items do not line up), never to a wrong item', () => {
    const index = reparsedIndex('l:\n  -\n  - b: 1\n', 1);
    expect(index.locate('/l/1/b')).toEqual({ line: 2, column: 3 });
  });

  it('last duplicate key wins, as in the parsed value', () => {
    expect(reparsedIndex('a: 1\nb: 2\na: 3\n', 1).locate('/a')).toEqual({ line: 3, column: 1 });
  });

  it('reads escaped and odd pointers segment by segment, as pointerSegments splits them', () => {
    const text = 'a/b:\n  ~x: 1\n  "~1": 2\n"": \n  "": 3\nl:\n- 0\n- 1\n- x: 2\n';
    const index = recorded(text, 1);
    const ref = reference(text, 1);
    for (const pointer of ['', '/', '/a~1b', '/a~1b/~0x', '/a~1b/~01', '/a~1b/~1', '/a~1b/', '//', '///', 'a~1b', '/l/2/x', '/l/02', '/l/9', '/l/-', '/l/2/x/y', '/a~1b/~0x/deeper']) {
      expect(index.locate(pointer), pointer).toEqual(ref(pointer));
    }
    expect(index.locate('/a~1b/~01')).toEqual({ line: 3, column: 3 });
  });

  it('the index asked for last is there without building it again', () => {
    const cache = new PositionIndexCache<string>(2);
    const index = reparsedIndex('a: 1\n', 1);
    expect(cache.recent('x')).toBeUndefined();
    cache.get('x', () => index);
    expect(cache.recent('x')).toBe(index);
    cache.get('y', () => reparsedIndex('b: 1\n', 1));
    expect(cache.recent('x')).toBeUndefined();
  });

  it('a document that does not parse locates nothing', () => {
    expect(reparsedIndex('a: [unclosed\n', 1).locate('/a')).toBeUndefined();
  });

  it('the cache builds each document once while it is among the most recent, and forgets the oldest', () => {
    const cache = new PositionIndexCache<string>(2);
    let builds = 0;
    const build = () => {
      builds++;
      return reparsedIndex('a: 1\n', 1);
    };
    cache.get('x', build);
    cache.get('y', build);
    cache.get('x', build);
    expect(builds).toBe(2);
    cache.get('z', build); // evicts y, the least recently used
    cache.get('x', build);
    expect(builds).toBe(3);
    cache.get('y', build);
    expect(builds).toBe(4);
  });
});
