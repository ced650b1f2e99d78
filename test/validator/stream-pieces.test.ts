/**
 * A manifest stream read in pieces (validator/manifests.ts's splitStreamChunks, as files are read by
 * util/utf8.ts's utf8FileChunks) must parse exactly as the whole text does: the same resources with the
 * same lines, document indexes and positions of every node, the same findings and the same problems,
 * wherever the pieces are cut.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crdCorpus, hugeDocument, mixedCorpus, schemaErrorCorpus, toStream } from '../../bench/corpus.ts';
import { escapePointerSegment } from '../../core/json-pointer.ts';
import { parseManifests, splitStream, splitStreamChunks } from '../../validator/manifests.ts';
import { repositoryYamlFiles, ROOT } from '../helpers/yaml-files.ts';

function pointers(value: unknown, at = '', out: string[] = []): string[] {
  out.push(at);
  if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) pointers(v, `${at}/${escapePointerSegment(k)}`, out);
  return out;
}

/** Everything parseManifests says of a stream, each resource's position of every node (and of a missing one) included. */
function outcome(input: string | string[]): string {
  const parsed = parseManifests(input, { source: 'in.yaml' });
  return JSON.stringify({
    resources: parsed.resources.map(({ locate, ...r }) => ({ ...r, at: [...pointers(r.object), '/no/such/node'].map((p) => [p, locate?.(p)]) })),
    findings: parsed.findings,
    problems: parsed.problems,
  });
}

/** `text` cut at `cuts` (offsets, any order, duplicates allowed). */
function cutAt(text: string, cuts: number[]): string[] {
  const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  return [0, ...at].map((from, i) => text.slice(from, at[i] ?? text.length));
}

/** Documents (and what stands between them) that exercise the split: markers, prefixes, blanks, Lists, broken ones. */
const PARTS = [
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n',
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: x:1\n',
  '# Source: chart/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: 80\n',
  'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: s\n- 3\n',
  'kind: A\nx: &a 1\ny: *a\n',
  'apiVersion: v1\nkind: X\nmetadata: {name: f}\nnote: |\n  ---- not a marker\n  ... nor this\n',
  'a: [unclosed\n',
  'apiVersion: v1\nkind: K\nmetadata:\n  name: k\ndup: 1\ndup: 2\n',
  '# only a comment\n',
  '\n',
  '',
  '- a list\n',
  'just a scalar\n',
  'apiVersion: v1\r\nkind: Crlf\r\nmetadata:\r\n  name: r\r\n',
  'apiVersion: v1\nkind: Long\nmetadata:\n  name: l\ndata:\n  v: ' + 'x'.repeat(3000) + '\n',
];
const MARKERS = ['---\n', '--- \n', '---\t# c\n', '--- # comment\n', '--- apiVersion: v1\n', '...\n', '...\n---\n', '---\r\n', '----\n', '---'];

const streamArb = fc
  .tuple(fc.boolean(), fc.array(fc.tuple(fc.constantFrom(...MARKERS), fc.constantFrom(...PARTS)), { maxLength: 8 }), fc.constantFrom('', '---\n', '...\n', '\n'), fc.boolean())
  .map(([bom, parts, tail, cut]) => {
    const body = parts.map(([m, p]) => m + p).join('') + tail;
    return (bom ? '\ufeff' : '') + (cut ? body.replace(/\n$/, '') : body);
  });

describe('a stream read in pieces', () => {
  it('parses as the whole text, wherever the pieces are cut (seeded)', () => {
    let runs = 0;
    fc.assert(
      fc.property(streamArb, fc.array(fc.nat(), { maxLength: 12 }), (stream, cuts) => {
        const pieces = cutAt(stream, cuts);
        expect(outcome(pieces)).toBe(outcome(stream));
        runs++;
      }),
      { numRuns: 3000, seed: 20261206 },
    );
    expect(runs).toBe(3000);
  }, 120_000);

  it('splits into the documents splitStream finds, with the same lines and indexes', () => {
    const stream = PARTS.map((p, i) => MARKERS[i % MARKERS.length] + p).join('');
    const whole = splitStream(stream).docs.map(({ index, line, text, templateFile }) => ({ index, line, text, templateFile }));
    for (const size of [1, 7, 64, 1000]) {
      const pieces = cutAt(stream, Array.from({ length: Math.ceil(stream.length / size) }, (_, i) => i * size));
      const windows = [...splitStreamChunks(pieces)];
      expect(windows.flatMap((w) => w.docs.map(({ index, line, text, templateFile }) => ({ index, line, text, templateFile })))).toEqual(whole);
    }
    // No pieces at all is an empty stream.
    expect(outcome([])).toBe(outcome(''));
    // A blank first document counts as empty only if the stream has others, known once it is all read.
    const problems = (input: string | string[]) => parseManifests(input, { source: 'in.yaml' }).problems;
    expect(problems(['\n', '\n'])).toEqual([]);
    expect(problems(['\n', '...\n', 'kind: A\n'])).toEqual([{ docIndex: 0, status: 'empty', line: 1 }, { docIndex: 1, status: 'error', line: 3 }]);
    expect(problems('\n...\nkind: A\n')).toEqual(problems(['\n', '...\n', 'kind: A\n']));
  });

  it('parses the bench corpora and every YAML file of the repository (and of ../shared/conformance) as the whole text', () => {
    const files = repositoryYamlFiles();
    expect(files.length).toBeGreaterThan(100);
    const streams: Array<[string, string]> = [
      ['mixed', toStream(mixedCorpus(400))],
      ['schema-error', toStream(schemaErrorCorpus(200))],
      ['crd', toStream(crdCorpus(200))],
      ['huge', toStream([hugeDocument(500)])],
      ...files.map((f): [string, string] => [relative(ROOT, f), readFileSync(f, 'utf8')]),
    ];
    const bad: string[] = [];
    for (const [label, text] of streams) {
      const whole = outcome(text);
      // Pieces of whole lines (as files are read), and cut anywhere.
      const lines = text.split(/(?<=\n)/);
      const byLines = Array.from({ length: Math.ceil(lines.length / 40) }, (_, i) => lines.slice(i * 40, i * 40 + 40).join(''));
      const anywhere = cutAt(text, Array.from({ length: 20 }, (_, i) => Math.floor(((i + 1) * text.length) / 21) + (i % 3)));
      if (outcome(byLines) !== whole) bad.push(`${label} (pieces of 40 lines)`);
      if (outcome(anywhere) !== whole) bad.push(`${label} (cut anywhere)`);
    }
    expect(bad).toEqual([]);
  }, 300_000);
});
