/**
 * `--crd` schemas are compiled once to standalone code and cached (validator/kube/validator-bundle.ts
 * cachedSchemaValidator): the cached validator must say exactly what ajv's own compilation says, and
 * schemas whose formats need checking are left to ajv.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crdCorpus, toStream, WIDGET_CRD } from '../../bench/corpus.ts';
import { formatJson } from '../../validator/formatters/json.ts';
import { loadCrdFile } from '../../validator/kube/crd.ts';
import { compileJsonSchema } from '../../validator/kube/json-schema.ts';
import { cachedSchemaValidator } from '../../validator/kube/validator-bundle.ts';
import { validate } from '../../validator/run.ts';

let dir: string;
let crdFile: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nexus-crd-cache-'));
  crdFile = join(dir, 'widget-crd.yaml');
  writeFileSync(crdFile, WIDGET_CRD);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Widgets with values of every kind in every field (and unknown fields): each keyword gets to fail. */
const widget = fc.record(
  {
    apiVersion: fc.constantFrom('bench.example.com/v1', 3),
    kind: fc.constant('Widget'),
    metadata: fc.oneof(fc.record({ name: fc.string() }), fc.string()),
    spec: fc.record(
      {
        size: fc.oneof(fc.integer({ min: -5, max: 120 }), fc.double(), fc.string()),
        image: fc.oneof(fc.string({ maxLength: 3 }), fc.string({ unit: 'grapheme', maxLength: 3 }), fc.integer()),
        mode: fc.oneof(fc.constantFrom('fast', 'safe', 'slow', 'turbo'), fc.integer()),
        ports: fc.oneof(
          fc.array(fc.record({ name: fc.string({ unit: 'grapheme', maxLength: 20 }), port: fc.integer({ min: -1, max: 70000 }), protocol: fc.constantFrom('TCP', 'UDP', 'SCTP', 'ICMP'), extra: fc.boolean() }, { requiredKeys: [] }), { maxLength: 3 }),
          fc.string(),
        ),
        resources: fc.record({ cpu: fc.oneof(fc.string(), fc.integer(), fc.boolean()), memory: fc.string() }, { requiredKeys: [] }),
        selector: fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.string(), fc.integer()), { maxKeys: 3 }),
        colour: fc.string(),
      },
      { requiredKeys: [] },
    ),
    status: fc.anything({ maxDepth: 2 }),
  },
  { requiredKeys: ['apiVersion', 'kind'] },
);

describe('cached standalone validators for --crd schemas', () => {
  it('report exactly the errors ajv reports for the same schema', async () => {
    for (const strict of [true, false]) {
      const [crd] = loadCrdFile(crdFile, strict);
      const cached = await cachedSchemaValidator(crd!.schema);
      expect(cached, 'the Widget schema has no checked formats: it is cached').toBeTypeOf('function');
      const compiled = await compileJsonSchema(crd!.schema);
      fc.assert(
        fc.property(widget, (w) => {
          const a = cached!(structuredClone(w));
          const b = compiled(structuredClone(w));
          expect(a).toBe(b);
          expect(cached!.errors ?? null).toEqual(compiled.errors ?? null);
        }),
        { numRuns: 400 },
      );
    }
  }, 120_000);

  it('leave schemas with checked formats to ajv', async () => {
    expect(await cachedSchemaValidator({ type: 'object', properties: { at: { type: 'string', format: 'date-time' } } })).toBeUndefined();
    expect(await cachedSchemaValidator({ type: 'object', properties: { n: { type: 'string', format: 'int-or-string' } } })).toBeTypeOf('function');
  }, 60_000);

  it('leave the report of a --crd run unchanged, byte for byte', async () => {
    const file = join(dir, 'widgets.yaml');
    writeFileSync(file, toStream([...crdCorpus(30), 'apiVersion: bench.example.com/v1\nkind: Widget\nmetadata: {name: bad}\nspec:\n  size: 0\n  image: ""\n  mode: turbo\n  ports: [{name: a-name-far-too-long-for-a-port, port: 70000, protocol: ICMP}]\n']));
    const run = async () => formatJson(await validate({ version: '0.1.0', manifests: [file], crdFiles: [crdFile] }));
    const cached = await run();
    process.env.NEXUS_NO_VALIDATOR_BUNDLE = '1';
    let compiled: string;
    try {
      compiled = await run();
    } finally {
      delete process.env.NEXUS_NO_VALIDATOR_BUNDLE;
    }
    expect(JSON.parse(cached).findings.length).toBeGreaterThan(30);
    expect(cached).toBe(compiled);
  }, 120_000);
});
