/**
 * The fast manifest reader (validator/yaml-fast.ts) against its reference, js-yaml with the position
 * recorder (what manifests.ts runs when the fast reader declines): for every document it accepts, js-yaml
 * must accept it too, the values must be equal (key order, -0 and NaN included) and every pointer into
 * the document, present or missing, must locate to the same line and column. Declining is always allowed;
 * the tests also check that the reader does take the shapes helm emits, so that the fast path is used.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import jsyaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { crdCorpus, deploymentCorpus, hugeDocument, mixedCorpus, schemaErrorCorpus, toStream } from '../../bench/corpus.ts';
import { escapePointerSegment } from '../../core/json-pointer.ts';
import { splitStream } from '../../validator/manifests.ts';
import { FastStream, own, readFastDocument, readFastDocumentIn, resolvePlain } from '../../validator/yaml-fast.ts';
import { FrameRecorder, recordedPositionIndex } from '../../validator/yaml-positions.ts';
import { MANIFEST_SCHEMA } from '../../validator/yaml-schema.ts';
import { repositoryYamlFiles, ROOT } from '../helpers/yaml-files.ts';


/** A canonical rendering that tells apart what deep equality glosses over: key order, -0, NaN, types. */
function canonical(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return Object.is(v, -0) ? 'n:-0' : `n:${String(v)}`;
  if (typeof v === 'string') return `s:${JSON.stringify(v)}`;
  if (typeof v === 'boolean') return `b:${v}`;
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return `{${Object.keys(v).map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return `?${typeof v}:${String(v)}`;
}

/** Every pointer into `value` (bounded), plus keys and items that are not there. */
function pointersOf(value: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown, p: string) => {
    if (out.length > 4000) return;
    out.push(p);
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${p}/${i}`));
      out.push(`${p}/${v.length}`, `${p}/x`);
    } else if (v && typeof v === 'object') {
      for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], `${p}/${escapePointerSegment(k)}`);
      out.push(`${p}/no-such-key`, `${p}/no-such-key/0`);
    } else out.push(`${p}/below-a-scalar`);
  };
  walk(value, '');
  return out;
}

const recorder = new FrameRecorder();

/**
 * 'declined' when the fast reader leaves the document to js-yaml, 'same' when it agrees with js-yaml in
 * value and positions; a description of the difference otherwise.
 */
function compare(text: string, baseLine = 1): 'declined' | 'same' | string {
  const fast = readFastDocument(text);
  if (!fast) return 'declined';
  let expected: unknown;
  try {
    recorder.start();
    expected = jsyaml.load(text, { schema: MANIFEST_SCHEMA, listener: recorder.listener });
  } catch (err) {
    return `fast reader accepted what js-yaml rejects: ${(err as Error).message.split('\n')[0]}`;
  }
  if (canonical(fast.value) !== canonical(expected)) return `values differ:\n fast   ${canonical(fast.value)}\n jsyaml ${canonical(expected)}`;
  const reference = recordedPositionIndex(recorder.parsedText(text), baseLine, recorder.frames(), expected);
  // As manifests.ts builds it: text-less, with the text only when a key is integer-like.
  const mine = recordedPositionIndex(undefined, baseLine, fast.frames, fast.value, fast.text);
  for (const p of pointersOf(expected)) {
    const want = JSON.stringify(reference.locate(p));
    const got = JSON.stringify(mine.locate(p));
    if (want !== got) return `position of ${JSON.stringify(p)}: js-yaml ${want}, fast ${got}`;
  }
  return 'same';
}

/**
 * Reads every document of `stream` in place, as manifests.ts does (the stream's text, line starts and
 * records written into pooled buffers), and holds each to the reader run on the document's own text:
 * both decline, or both give the same value, the same record and the same kept text. All documents are
 * read before any is compared, so a record that a later document overwrote would show.
 */
function inPlaceDifferences(stream: string, label: string): string[] {
  const split = splitStream(stream);
  const fast = new FastStream(split.text, split.lineStarts, split.lines);
  const inPlace = split.docs.map((d) => readFastDocumentIn(fast, d.start, d.end, d.line - 1));
  const out: string[] = [];
  split.docs.forEach((d, i) => {
    const a = inPlace[i];
    const b = readFastDocument(d.text);
    if (!a !== !b) out.push(`${label} document ${i}: in place ${a ? 'read' : 'declined'}, alone ${b ? 'read' : 'declined'}`);
    else if (a && b) {
      if (canonical(a.value) !== canonical(b.value)) out.push(`${label} document ${i}: values differ in place`);
      else if (a.frames.join() !== b.frames.join()) out.push(`${label} document ${i}: records differ in place:\n ${a.frames.join()}\n ${b.frames.join()}`);
      else if (a.text !== b.text) out.push(`${label} document ${i}: kept texts differ in place`);
    }
  });
  return out;
}

/** Compares every document of a stream (alone and read in place); returns the outcome counts and the differences. */
function compareStream(stream: string, label: string): { same: number; declined: number; bad: string[] } {
  const tally = { same: 0, declined: 0, bad: inPlaceDifferences(stream, label) };
  for (const doc of splitStream(stream).docs) {
    const r = compare(doc.text, doc.line);
    if (r === 'same') tally.same++;
    else if (r === 'declined') tally.declined++;
    else tally.bad.push(`${label} document ${doc.index} (line ${doc.line}): ${r}`);
  }
  return tally;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs `check` on `numRuns` seeded samples of `arb` and returns how many ran. It yields now and then: a
 * long synchronous property starves vitest's worker RPC under load.
 */
async function seededRuns<T>(arb: fc.Arbitrary<T>, check: (sample: T) => void, options: { numRuns: number; seed: number }): Promise<number> {
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(arb, async (sample) => {
      if (++runs % 25 === 0) await tick();
      check(sample);
    }),
    options,
  );
  return runs;
}

// ---------------------------------------------------------------------------------------------------
// Generated manifest-like YAML.

/** Plain scalars that resolve to something else, or nearly do, or look like syntax. */
const TRICKY_PLAIN = [
  'yes', 'Yes', 'YES', 'no', 'No', 'on', 'On', 'off', 'OFF', 'y', 'Y', 'n', 'N', 'true', 'True', 'TRUE', 'false', 'False',
  '0644', '-0644', '+0644', '0', '-0', '+0', '00', '08', '0o17', '0x1F', '0X1f', '0b101', '0x_1F', '1_000', '1__0', '_1', '1_',
  '1e3', '1E3', '1e+3', '-1.5e-3', '1.', '.5', '+.5', '-.5', '1.5_0', '.inf', '-.Inf', '+.INF', '.nan', '.NaN', '.NAN', 'inf',
  '~', 'null', 'Null', 'NULL', 'nULL', '<<', '<', '<<<', ':x', '::1', 'a:b', 'a:', 'a#b', 'a #b', '#x', '-x', '--flag=1', '-',
  '?x', '?', 'x?', 'http://x:80/p?q=1#frag', 'a  b', 'é', 'naïve', '10m', '0.5Gi', '500Mi', '2024-01-01', '2024-01-01T00:00:00Z',
  'a,b', 'a[0]', '{x}', '[x]', 'x]', 'x}', 'a b c', '1 2', '12:30', '1:2:3', '%x', '@x', '`x`', '!x', '&x', '*x', '|', '>',
  'x|y', "it's", 'say "hi"', 'a\\b', '\\', 'nginx', 'app.kubernetes.io/name', 'v1', 'apps/v1', '1.2.3', '+1', '-1', '+-1',
  '0.0.0.0', '127.0.0.1:8080', 'tcp://a:1', '3.14', '6.02e23', '9223372036854775808', '0xFFFFFFFFFFFFFFFFF', 'A_B', '__proto__',
];
/** The ones that are not plain scalars at all (or not on one line): rarer, or hardly a document would be read. */
const ODD_PLAIN = new Set(['a:', '#x', '-', '?', '%x', '@x', '`x`', '!x', '&x', '*x', '|', '>', '{x}', '[x]', 'a #b']);
const COMMON_PLAIN = TRICKY_PLAIN.filter((s) => !ODD_PLAIN.has(s));
const KEYS = [
  'name', 'image', 'apiVersion', 'kind', 'metadata', 'labels', 'spec', 'containers', 'env', 'value', 'ports', 'data', 'items',
  'yes', 'on', 'n', '0644', '1e3', '~', 'null', '1', '0', '01', '10', 'a b', 'a:b', 'x#y', '-dash', '?q', 'app.kubernetes.io/name',
  'ключ', '.inf', '1_000', '-0', 'True', 'constructor', 'toString', 'key ',
];
const ODD_KEYS = ['<<', '__proto__', '- x', '? x', '"', '#c', 'a #b', '&a x', '*a', '!t k', '[k]', '{k: v}', '%k', 'k\tx'];
const keyArb = (ctx: Ctx) => (ctx.odd ? fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: fc.constantFrom(...ODD_KEYS) }) : fc.constantFrom(...KEYS));

const ws = fc.constantFrom('', '', '', ' ', '  ');
const comment = fc.oneof(fc.constant(''), fc.constant(''), fc.constant(''), fc.constantFrom(' # note', ' #', '  # a: b', ' # - x', ' #"'));
const textChar = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a', 'b', 'Z', '0', '9', ' ', ' ', '-', '"', "'", '\\', 'é', '/', '.', ',') },
  { weight: 1, arbitrary: fc.constantFrom(':', '#', '[', ']', '{', '}', '\t', '|', '>', '*', '&', '!', '%') },
);
const shortText = fc.array(textChar, { maxLength: 12 }).map((a) => a.join(''));

interface Ctx {
  width: number;
  /** Whether odd, broken or unsupported pieces may appear (else the document is one the reader should take). */
  odd: boolean;
  /** Block sequences at the key's indentation (helm/kubectl style) or indented under it. */
  flushSeq: boolean;
}

function doubleQuote(s: string, fancy: boolean): string {
  let out = '"';
  for (const ch of s) {
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\t') out += fancy ? '\\t' : '\t';
    else if (ch === 'é' && fancy) out += '\\u00e9';
    else if (ch === 'a' && fancy) out += '\\x61';
    else if (ch === '/' && fancy) out += '\\/';
    else out += ch;
  }
  return `${out}"`;
}

/** A scalar in some style, on the value's line (block scalars continue on the next lines at `indent`). */
const scalarArb = (indent: number, ctx: Ctx): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 5, arbitrary: fc.tuple(fc.constantFrom(...COMMON_PLAIN), ws, comment).map(([s, w, c]) => `${s}${w}${c}`) },
    { weight: ctx.odd ? 1 : 0, arbitrary: fc.tuple(fc.constantFrom(...ODD_PLAIN), ws, comment).map(([s, w, c]) => `${s}${w}${c}`) },
    { weight: ctx.odd ? 2 : 0, arbitrary: fc.tuple(shortText, comment).map(([s, c]) => `${s}${c}`) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...TRICKY_PLAIN, ''), shortText, fc.boolean(), comment).map(([a, b, fancy, c]) => `${doubleQuote(a + b, fancy)}${c}`) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...TRICKY_PLAIN, ''), shortText, comment).map(([a, b, c]) => `'${(a + b).replace(/'/g, "''")}'${c}`) },
    { weight: ctx.odd ? 1 : 0, arbitrary: fc.constantFrom('"\\U0001F600"', '"\\x4"', '"\\q"', '"\\N\\_\\L\\P\\e\\0\\ "', '"a\\\n b"', "'a''''b'", '"\\uD83D"', '"tab\there"') },
    { weight: 2, arbitrary: flowArb(ctx) },
    { weight: 3, arbitrary: blockScalarArb(indent, ctx) },
    { weight: 3, arbitrary: foldedArb(indent, ctx) },
  );

/**
 * A long string folded over lines as go-yaml (helm's toYaml) writes it, plain or single-quoted, its
 * continuation lines at `indent` or deeper; with blank and whitespace-only lines, trailing spaces, words
 * that look like syntax, and (odd documents) lines indented too little, `: ` and ` #` inside, tabs.
 */
function foldedArb(indent: number, ctx: Ctx): fc.Arbitrary<string> {
  const word = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('Grafana', 'keeps', 'its', 'state', 'in', 'SQLite;', 'one', 'replica', 'a:b', 'http://x:80/p?q=1', 'x#y', "it's", 'é', 'a,b') },
    { weight: 1, arbitrary: fc.constantFrom('1', '2.5', 'yes', 'no', '~', 'null', '0644', '.inf', '-x', '-', '?', "''", '"q"', '[x]', '{y}', '>', '|', '*', '&', '!', '::') },
    { weight: ctx.odd ? 1 : 0, arbitrary: fc.constantFrom('a: b', 'c #d', '#e', 'f:', '\tt', '---', '...') },
  );
  const words = fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => w.join(' '));
  const line = fc.tuple(
    fc.oneof({ weight: 5, arbitrary: words }, { weight: 1, arbitrary: fc.constantFrom('', '   ') }),
    fc.constantFrom(0, 0, 0, 1, 2, ...(ctx.odd ? [-1, -2, -4] : [])),
    fc.constantFrom('', '', ' ', '  '),
  );
  return fc
    .tuple(fc.constantFrom('plain', 'plain', 'sq'), words, fc.array(line, { minLength: 1, maxLength: 4 }), comment)
    .map(([style, first, rest, c]) => {
      const lines = rest.map(([text, extra, trail]) => (text.trim() === '' ? text : `${' '.repeat(Math.max(0, indent + extra))}${text}${trail}`));
      if (style === 'plain') return `${first}${lines.map((l) => `\n${l}`).join('')}${c}`;
      const q = (t: string) => t.replace(/'/g, "''");
      return `'${q(first)}${lines.map((l) => `\n${q(l)}`).join('')}'${c}`;
    });
}

function flowArb(ctx: Ctx): fc.Arbitrary<string> {
  const item = fc.oneof(
    fc.constantFrom(...COMMON_PLAIN.filter((s) => !/[,[\]{}#:]/.test(s))),
    fc.constantFrom('"a, b"', "'x'", '""', 'a b', ' a ', "'it''s'", '"\\"x\\""'),
    ...(ctx.odd ? [fc.constantFrom('a:b', '[a]', '{a: 1}', '&a x', '*a', '-', '? x')] : []),
  );
  return fc.oneof(
    fc.constantFrom('[]', '{}', '[ ]', '{ }', '[ ]  # empty', ...(ctx.odd ? ['[,]', '[a,]', '{a: 1}', '[a', '[]x'] : [])),
    fc.tuple(fc.array(item, { minLength: 1, maxLength: 4 }), fc.constantFrom(',', ', ', ' , '), comment).map(([items, sep, c]) => `[${items.join(sep)}]${c}`),
  );
}

function blockScalarArb(indent: number, ctx: Ctx): fc.Arbitrary<string> {
  const line = fc.oneof(
    { weight: 4, arbitrary: shortText.map((t) => t.replace(/^\s+/, '') || 'x') },
    { weight: 1, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: fc.constantFrom('   ', '  more indented', '\tleading tab', '# not a comment', 'trailing  ', 'a: b', '- x', '---x') },
  );
  return fc
    .tuple(fc.constantFrom('|', '>', '|-', '>-', '|+', '>+', '|2', '>1-', '|-2', ...(ctx.odd ? ['| # head', '|x', '|0', '|--'] : [])), fc.constantFrom(0, 1, 2, 2, 4), fc.array(line, { minLength: 0, maxLength: 5 }))
    .map(([head, extra, lines]) => {
      const pad = ' '.repeat(indent + extra);
      return `${head}${lines.map((l) => `\n${l === '' ? '' : pad + l}`).join('')}`;
    });
}

const separatorArb = fc.constantFrom('', '   ', '# between', '  # indented', '      # deeper', ' #');

/** A block node at `indent` (a mapping or a sequence), as lines without the final line break. */
function blockArb(depth: number, indent: number, ctx: Ctx): fc.Arbitrary<string> {
  const mapping = fc
    .array(fc.tuple(keyArb(ctx), fc.constantFrom('plain', 'plain', 'plain', 'dq', 'sq'), fc.integer({ min: 0, max: 9 }), ws, comment), { minLength: 1, maxLength: 5 })
    .chain((entries) =>
      fc.tuple(...entries.map(([key, keyStyle, pick, w, c]) => {
        const k = keyStyle === 'dq' ? doubleQuote(key, false) : keyStyle === 'sq' ? `'${key.replace(/'/g, "''")}'` : key;
        const head = `${' '.repeat(indent)}${k}${w}:`;
        if (depth > 0 && pick < 3) {
          const nestedIndent = indent + ctx.width;
          const child = pick === 0 ? seqArb(depth - 1, ctx.flushSeq ? indent : nestedIndent, ctx) : blockArb(depth - 1, nestedIndent, ctx);
          return child.map((body) => `${head}${c}\n${body}`);
        }
        if (pick === 3) return fc.constant(`${head}${c}`); // empty value
        return scalarArb(indent + ctx.width, ctx).map((v) => `${head} ${v}`);
      }), fc.array(fc.tuple(fc.nat(), separatorArb), { maxLength: 2 })),
    )
    .map((parts) => {
      // Comment and blank lines between entries (at any indentation), as helm's templates leave them.
      const lines = parts.slice(0, -1) as string[];
      for (const [at, sep] of parts[parts.length - 1] as Array<[number, string]>) lines.splice(at % (lines.length + 1), 0, sep);
      return lines.join('\n');
    });
  return depth > 0 && ctx.odd ? fc.oneof({ weight: 4, arbitrary: mapping }, { weight: 1, arbitrary: seqArb(depth - 1, indent, ctx) }) : mapping;
}

/** A block sequence at `indent`: scalars, compact mappings (`- key: v`) and nested blocks. */
function seqArb(depth: number, indent: number, ctx: Ctx): fc.Arbitrary<string> {
  const pad = ' '.repeat(indent);
  const item = fc.oneof(
    { weight: 3, arbitrary: scalarArb(indent + 2, ctx).map((v) => `${pad}- ${v}`) },
    // A compact mapping: its first line after `- `, the others at the key's column.
    { weight: depth > 0 ? 3 : 0, arbitrary: blockArb(Math.max(0, depth - 1), indent + 2, ctx).filter((b) => !b.trimStart().startsWith('-')).map((b) => `${pad}- ${b.slice(indent + 2)}`) },
    { weight: depth > 0 ? 1 : 0, arbitrary: blockArb(Math.max(0, depth - 1), indent + ctx.width, ctx).map((b) => `${pad}-\n${b}`) },
    { weight: 1, arbitrary: fc.constantFrom(`${pad}-   spaced`, `${pad}-  "spaced"`, ...(ctx.odd ? [`${pad}-`, `${pad}- # c`, `${pad}- - nested`, `${pad}- &a x`, `${pad}- *a`, `${pad}- !!str 1`] : [])) },
  );
  return fc.array(item, { minLength: 1, maxLength: 4 }).map((items) => items.join('\n'));
}

/** Whole documents: the generated body, dressed with the stream's odd corners, sometimes broken on purpose. */
const documentArb = fc
  .record({
    width: fc.constantFrom(1, 2, 2, 2, 3, 4),
    flushSeq: fc.boolean(),
    depth: fc.integer({ min: 0, max: 4 }),
    rootIndent: fc.constantFrom(0, 0, 0, 0, 1, 2),
    odd: fc.boolean(),
  })
  .chain(({ width, flushSeq, depth, rootIndent, odd }) =>
    fc.record({
      body: blockArb(depth, rootIndent, { width, flushSeq, odd }),
      prefix: fc.constantFrom('', '', '\n', '# Source: chart/templates/x.yaml\n', ' # after ---\n', '\n\n  # indented comment\n', ...(odd ? ['%YAML 1.1\n', ' !!map\n'] : [])),
      crlf: fc.boolean(),
      trailing: fc.constantFrom('\n', '\n', '', '\n\n', '\n# end\n', '\n   \n', '\n  # deeper end'),
      mutation: odd ? fc.option(fc.tuple(fc.nat(), fc.constantFrom('\t', ' ', '', ':', '#', '\n', '- ', '"', '\r', '\u0085', '\uFEFF', '&a ', '*a', '\u0001')), { freq: 3 }) : fc.constant(null),
    }),
  )
  .map(({ body, prefix, crlf, trailing, mutation }) => {
    let text = `${prefix}${body}${trailing}`;
    if (mutation) {
      const [at, what] = mutation;
      const i = at % (text.length + 1);
      text = what === '' ? text.slice(0, i) + text.slice(i + 1) : text.slice(0, i) + what + text.slice(i);
    }
    return crlf ? text.replace(/\r?\n/g, '\r\n') : text;
  });

// ---------------------------------------------------------------------------------------------------

describe('fast manifest reader', () => {
  it('resolves plain scalars exactly as MANIFEST_SCHEMA does (and its first- and last-character shortcuts are sound)', () => {
    const candidates = new Set<string>(TRICKY_PLAIN);
    // Every printable ASCII character as the first of a few suffixes: the shortcut may only skip
    // first characters none of the schema's types resolves.
    for (let c = 33; c < 127; c++) for (const rest of ['', 'es', 'ull', '1', '.5', 'x1F', '<', 'o17', 'rue', 'ff', 'n', 'inf', 'e3', '_0', 'alse', 'ALSE', 'alsey', 'ulls', 'ES']) candidates.add(String.fromCharCode(c) + rest);
    // Every printable last character after number-like beginnings: the last-character shortcut may only
    // skip endings no int or float has.
    for (const head of ['1', '-1', '+1', '0', '01', '0x1', '0o1', '0b1', '1_0', '1.', '1.5', '.5', '1e', '1e+', '.in', '.na', '-.In', '.NA', '+.IN', '12:3']) {
      for (let c = 33; c < 127; c++) candidates.add(head + String.fromCharCode(c));
      candidates.add(`${head}é`);
    }
    for (const text of candidates) {
      let expected: unknown;
      try {
        expected = (jsyaml.load(`k: ${text}`, { schema: MANIFEST_SCHEMA }) as { k: unknown } | undefined)?.k;
      } catch {
        continue; // not a plain scalar at all
      }
      if (/^[#&*!|>'"%@`,[\]{}]/.test(text)) continue; // not a plain scalar
      if (typeof expected === 'string' && expected !== text) continue; // a comment or something else cut it
      expect(canonical(resolvePlain(text)), text).toBe(canonical(expected));
    }
  });

  it('reads the shapes helm and kubectl emit, and agrees with js-yaml on them', () => {
    const doc = [
      '# Source: nexus/templates/deployment.yaml',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: "nexus-api"',
      "  annotations: {checksum/config: 'abc'}",
      '  labels:',
      '    app.kubernetes.io/name: api',
      '    helm.sh/chart: nexus-0.1.0',
      'spec:',
      '  replicas: 2',
      '  template:',
      '    spec:',
      '      containers:',
      '      - name: api',
      '        image: "registry.example/api:1.2.3"',
      '        args: ["--port", "8080", --verbose]',
      '        command:',
      '          - /bin/sh',
      '          - -c',
      '          - |',
      '            set -e',
      '            exec api',
      '        env:',
      '        - name: FLAG',
      '          value: "yes"',
      '        - name: MODE',
      '          value: 0644',
      '        resources: {}',
      '        securityContext:',
      '          readOnlyRootFilesystem: true   # hardened',
      '      volumes: []',
      '',
    ].join('\n');
    // The flow mapping in the annotations is left to js-yaml; without it the document is the reader's.
    expect(compare(doc)).toBe('declined');
    const plain = doc.replace("{checksum/config: 'abc'}", '\n    checksum/config: abc');
    expect(compare(plain)).toBe('same');
    expect(compare(plain.replace(/\n/g, '\r\n'))).toBe('same');
    const fast = readFastDocument(plain)!;
    expect(fast.value).toMatchObject({ spec: { template: { spec: { containers: [{ args: ['--port', '8080', '--verbose'], command: ['/bin/sh', '-c', 'set -e\nexec api\n'], env: [{ value: 'yes' }, { value: 420 }] }] } } } });
  });

  it('copies a string exactly: every character, lone surrogates and escapes included (seeded)', () => {
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constantFrom('\ud800 lone', 'lone \udfff end', '"quoted" \\ back\nslash\t', '\u0000\u001f\u2028\u2029 controls'));
    fc.assert(
      fc.property(text, fc.nat(20), (s, cut) => {
        // A view into a longer string, as the reader cuts values out of a document.
        const view = `${'x'.repeat(cut)}${s}${'y'.repeat(cut)}`.slice(cut, cut + s.length);
        expect(own(view)).toBe(s);
      }),
      { numRuns: 500, seed: 20261207 },
    );
  });

  it('keeps no text of a document, but for integer-like keys, which locating must parse again', () => {
    const doc = 'kind: ConfigMap\nmetadata:\n  name: a-name-longer-than-thirteen\ndata:\n  text: |\n    one line of a block scalar\n    and another\n';
    const fast = readFastDocument(doc)!;
    expect(fast.text).toBeUndefined();
    const index = recordedPositionIndex(undefined, 5, fast.frames, fast.value);
    expect(index.locate('/metadata/name')).toEqual({ line: 7, column: 3 });
    expect(index.locate('/data/text')).toEqual({ line: 9, column: 3 });
    expect(index.locate('/data/nope')).toEqual({ line: 9, column: 3 });
    expect(fast.value).toEqual({ kind: 'ConfigMap', metadata: { name: 'a-name-longer-than-thirteen' }, data: { text: 'one line of a block scalar\nand another\n' } });
    // JavaScript lists `80` before `name`: the value cannot say which key node is which, so the text is
    // kept for locating (compare() holds those positions to js-yaml's).
    const ports = 'kind: X\nspec:\n  name: a\n  "80": http\n';
    const kept = readFastDocument(ports)!;
    expect(kept.text).toBe(`${ports}\0`);
    expect(compare(ports)).toBe('same');
  });

  it('leaves to js-yaml what it does not read exactly', () => {
    for (const text of [
      'a: &x 1\nb: *x\n', 'a: !!str 1\n', '<<: {a: 1}\n', 'a: 1\na: 2\n', '? a\n: b\n', 'a:\n\t- x\n', 'a: "b\n  c"\n',
      'a:\n- \n', '__proto__: 1\n', '%YAML 1.2\n---\na: 1\n', 'a: {b: 1}\n', '[a]: 1\n', '- a\n', 'plain\n', '', '# only\n', 'a: b: c\n',
      'a: x\u0085y\n', 'a: "\\q"\n', 'a: |0\n  x\n', 'a:\tb\n', 'a: 1\r2\n', 'a: [b,\n  c]\n',
    ]) expect(compare(text), JSON.stringify(text)).toBe('declined');
  });

  it('agrees with js-yaml on generated manifest-like documents (seeded)', async () => {
    let same = 0;
    let declined = 0;
    const runs = await seededRuns(
      documentArb,
      (text) => {
        const r = compare(text);
        if (r === 'same') same++;
        else if (r === 'declined') declined++;
        else expect.fail(`${r}\n--- document ${JSON.stringify(text)}`);
      },
      { numRuns: 4000, seed: 20261206 },
    );
    // The generator must exercise the reader, not only its refusals.
    expect(same).toBeGreaterThan(runs / 3);
    expect(declined).toBeGreaterThan(0);
  }, 300_000);

  it('reads the documents of generated streams in place exactly as each one alone (seeded)', async () => {
    let read = 0;
    const separator = fc.constantFrom('---\n', '--- \n', '---\n# c\n', '...\n---\n', '---\n\n', '--- # c\n', '...\n', '---\r\n');
    const streamArb = fc.tuple(fc.array(fc.tuple(separator, documentArb), { minLength: 1, maxLength: 5 }), fc.boolean()).map(([parts, cut]) => {
      const stream = parts.map(([sep, doc]) => sep + (doc.endsWith('\n') ? doc : `${doc}\n`)).join('');
      // The last document without its final line break: js-yaml adds one.
      return cut ? stream.replace(/\r?\n$/, '') : stream;
    });
    const runs = await seededRuns(
      streamArb,
      (stream) => {
        const t = compareStream(stream, 'generated');
        read += t.same;
        if (t.bad.length > 0) expect.fail(`${t.bad.join('\n')}\n--- stream ${JSON.stringify(stream)}`);
      },
      { numRuns: 1500, seed: 20261208 },
    );
    expect(read).toBeGreaterThan(runs);
  }, 300_000);

  it('ends a document read in place at the next one\'s marker, as at the end of its own text', () => {
    // Each document's last node is one that reads on to the next lines, or whose position is looked for past it.
    const docs = [
      'kind: A\nempty:\n',
      'kind: B\nempty:\n# a comment\n',
      'kind: C\nkeep: |+\n  text\n\n',
      'kind: D\nfolded: >\n  one\n  two\n',
      'kind: E\nplain: long text\n  folded over lines\n',
      "kind: F\nquoted: 'a quote\n  over lines'\n",
      "kind: G\nopen: 'a quote that never ends\n",
      'kind: H\nlist:\n- a\n- b\n',
    ];
    for (const marker of ['---', '...', '--- ', '---\t#']) {
      const stream = docs.map((d) => `${d}${marker}\n`).join('');
      expect(compareStream(stream, JSON.stringify(marker)).bad).toEqual([]);
    }
    const split = splitStream(`${docs[0]}---\n${docs[1]}`);
    const read = readFastDocumentIn(new FastStream(split.text, split.lineStarts, split.lines), split.docs[0]!.start, split.docs[0]!.end, 0)!;
    expect(read.value).toEqual({ kind: 'A', empty: null });
    // The empty value is at its key (js-yaml's node opens after the colon and finds nothing): not at the marker.
    expect(recordedPositionIndex(undefined, 1, read.frames, read.value).locate('/empty')).toEqual({ line: 2, column: 1 });
  });

  it('reuses the keys and values it has read only for the same text', () => {
    // Same first character, length and last character (one cache slot), different in between; keys that
    // are not their own text; and an integer-like key, which must still keep the text.
    for (const doc of ['name: a\nnave: b\n', 'nave: c\nname: d\n', 'yes: 1\nyes_: 2\n', 'on: 1\n', 'n: 1\nnn: 2\n', '~: 1\n', '80: a\n8: b\n']) expect(compare(doc), doc).toBe('same');
    expect(readFastDocument('nave: c\nname: d\n')!.value).toEqual({ nave: 'c', name: 'd' });
    expect(Object.keys(readFastDocument('yes: 1\nyes_: 2\n')!.value)).toEqual(['true', 'yes_']);
    expect(readFastDocument('name: 1\nname: 2\n')).toBeUndefined();
    expect(readFastDocument('80: a\nname: b\n')!.text).toBe('80: a\nname: b\n\0');
    // Values: one slot, different middles; texts that resolve to numbers, booleans, null, -0; the same
    // text as a value after it was read as something else (a folded line, a quoted scalar); long ones.
    const values = ['abc', 'axc', 'yes', 'yxs', '0644', '0x44', '-0', '+0', '~', 'null', 'nul', '.nan', '1e3', '1_3', '9223372036854775808', '9223372036854775809', 'x'.repeat(64), 'x'.repeat(65)];
    for (const order of [values, [...values].reverse()]) {
      const doc = `a:\n${order.map((v) => `- ${v}\n`).join('')}b: yes\nc: 'abc'\nd: abc\n  def\ne: abc\n`;
      expect(compare(doc), doc).toBe('same');
      const again = readFastDocument(doc)!.value;
      expect(canonical(again.a)).toBe(canonical(order.map((v) => jsyaml.load(v, { schema: MANIFEST_SCHEMA }))));
      expect(again).toMatchObject({ b: true, c: 'abc', d: 'abc def', e: 'abc' });
    }
  });

  it('records long sequences and long documents in 32 bits, also across the pool\'s buffers', () => {
    // 8,191 items fit a 16-bit record's sequence code, 8,192 do not (the document is then read again);
    // 30,000 items outgrow a 32-bit pool buffer while being written.
    for (const items of [8191, 8192, 30000]) {
      const doc = `kind: List\nitems:\n${'- x\n'.repeat(items)}last: 1\n`;
      const fast = readFastDocument(doc)!;
      expect((fast.value.items as unknown[]).length).toBe(items);
      expect(fast.frames instanceof Int32Array).toBe(items > 8191);
      const index = recordedPositionIndex(undefined, 1, fast.frames, fast.value);
      expect(index.locate(`/items/${items - 1}`)).toEqual({ line: items + 2, column: 3 });
      expect(index.locate('/last')).toEqual({ line: items + 3, column: 1 });
      expect(compare(doc)).toBe('same');
    }
    const long = `kind: X\ndata:\n${Array.from({ length: 3000 }, (_, i) => `  key${i}: ${'v'.repeat(20)}\n`).join('')}`;
    expect(long.length).toBeGreaterThan(0xffff);
    expect(readFastDocument(long)!.frames instanceof Int32Array).toBe(true);
    expect(compare(long)).toBe('same');
  });

  it('agrees with js-yaml on strings folded over lines (seeded), and reads them', async () => {
    let same = 0;
    const folded = fc
      .record({ indent: fc.constantFrom(0, 2, 4), width: fc.constantFrom(1, 2, 4), odd: fc.boolean(), item: fc.boolean(), crlf: fc.boolean() })
      .chain(({ indent, width, odd, item, crlf }) =>
        fc.tuple(foldedArb(indent + width, { width, flushSeq: false, odd }), foldedArb(indent + width, { width, flushSeq: false, odd })).map(([a, b]) => {
          const pad = ' '.repeat(indent);
          const body = item ? `${pad}list:\n${pad}- ${a}\n${pad}- x\n${pad}next: ${b}\n` : `${pad}key: ${a}\n${pad}next: ${b}\n${pad}last: 1\n`;
          return crlf ? body.replace(/\n/g, '\r\n') : body;
        }),
      );
    const runs = await seededRuns(
      folded,
      (text) => {
        const r = compare(text);
        if (r === 'same') same++;
        else if (r !== 'declined') expect.fail(`${r}\n--- document ${JSON.stringify(text)}`);
      },
      { numRuns: 2000, seed: 20261207 },
    );
    expect(same).toBeGreaterThan(runs / 3);
  }, 300_000);

  it('reads strings helm folds over lines as js-yaml does', () => {
    const doc = [
      'metadata:',
      '  annotations:',
      '    nexus.dev/reason: Grafana keeps its dashboards in SQLite, which two replicas cannot',
      '      share; one replica until the database moves to PostgreSQL',
      "    nexus.dev/quoted: 'a quoted text with ''quotes'' that go-yaml folds   ",
      "      over two lines'",
      '    nexus.dev/gaps: first',
      '',
      '      after a blank line',
      '  name: x',
      'items:',
      '- one long item',
      '  continued',
      '- two',
      '',
    ].join('\n');
    expect(compare(doc)).toBe('same');
    expect(readFastDocument(doc)!.value).toEqual({
      metadata: {
        annotations: {
          'nexus.dev/reason': 'Grafana keeps its dashboards in SQLite, which two replicas cannot share; one replica until the database moves to PostgreSQL',
          'nexus.dev/quoted': "a quoted text with 'quotes' that go-yaml folds    over two lines",
          'nexus.dev/gaps': 'first\nafter a blank line',
        },
        name: 'x',
      },
      items: ['one long item continued', 'two'],
    });
    // A `: ` or ` #` inside a continuation line, or a comment line within the scalar, is js-yaml's.
    for (const text of ['a: b\n  c: d\n', 'a: b\n  c #d\n', 'a: b\n  # c\n  d\n', "- 'a\n  b': c\n", "a: ['b\n  c']\n"]) expect(compare(text), JSON.stringify(text)).toBe('declined');
  });

  it('reads every document of the golden chart renders', () => {
    for (const name of readdirSync(join(ROOT, 'test', 'golden')).filter((n) => n.endsWith('.yaml'))) {
      const tally = compareStream(readFileSync(join(ROOT, 'test', 'golden', name), 'utf8'), name);
      expect(tally.bad).toEqual([]);
      expect({ name, declined: tally.declined }).toEqual({ name, declined: 0 });
    }
  });

  it('agrees with js-yaml on the bench corpora, and reads every document of them', () => {
    for (const [label, docs] of [
      ['mixed', mixedCorpus(300)],
      ['deployments', deploymentCorpus(200)],
      ['schema-error', schemaErrorCorpus(200)],
      ['crd', crdCorpus(200)],
      ['huge', [hugeDocument(2000)]],
    ] as const) {
      const t = compareStream(toStream([...docs]), label);
      expect(t.bad).toEqual([]);
      expect(t.declined, `${label}: documents the fast reader declined`).toBe(0);
    }
  });

  it('agrees with js-yaml on every YAML file of the repository (and of ../shared/conformance when present)', async () => {
    const files = repositoryYamlFiles();
    expect(files.length).toBeGreaterThan(100);
    let same = 0;
    const bad: string[] = [];
    for (const [i, file] of files.entries()) {
      if (i % 50 === 0) await tick();
      const t = compareStream(readFileSync(file, 'utf8'), relative(ROOT, file));
      same += t.same;
      bad.push(...t.bad);
    }
    expect(bad).toEqual([]);
    expect(same).toBeGreaterThan(500);
  }, 300_000);
});
