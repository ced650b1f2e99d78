/**
 * Fuzzing the parse → schema → policies → report path with fast-check: random bytes, random YAML-ish text,
 * mutated valid manifests, deeply nested maps and huge strings. Every input must end in a report
 * (findings, never a crash) or a clean NexusError (exit 2).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SchemaStage } from '../../validator/kube/schema-stage.ts';
import { parseManifests } from '../../validator/manifests.ts';
import { buildReport } from '../../validator/report.ts';
import { formatJunit } from '../../validator/formatters/junit.ts';
import { formatSarif } from '../../validator/formatters/sarif.ts';
import { formatText } from '../../validator/formatters/text.ts';
import { NexusError } from '../../util/errors.ts';
import { evaluatePolicies } from '../../policies/engine.ts';

const VALID = readFileSync(join(import.meta.dirname, 'fixtures', 'valid', 'workloads.yaml'), 'utf8');
const stage = new SchemaStage({ kubeVersion: '1.30' });
let runs = 0;

async function mustReport(text: string): Promise<void> {
  runs++;
  try {
    const parsed = parseManifests(text, { source: 'fuzz.yaml' });
    const schema = await stage.check(parsed.resources);
    const findings = [...parsed.findings, ...schema.findings, ...evaluatePolicies(parsed.resources, { namespace: 'fuzz' })];
    for (const f of findings) {
      if (f.jsonPointer === undefined) continue;
      const r = parsed.resources.find((x) => x.docIndex === f.docIndex && x.kind === f.kind && x.name === f.name);
      r?.locate?.(f.jsonPointer);
    }
    const report = buildReport({ version: 'fuzz', inputs: ['fuzz.yaml'], findings });
    formatText(report, { color: false });
    formatSarif(report);
    formatJunit(report);
  } catch (err) {
    if (err instanceof NexusError) return;
    throw err;
  }
}

function mutate(text: string, ops: Array<{ at: number; kind: number; s: string }>): string {
  let t = text;
  for (const op of ops) {
    const i = op.at % (t.length + 1);
    if (op.kind === 0) t = t.slice(0, i) + op.s + t.slice(i);
    else if (op.kind === 1) t = t.slice(0, i) + t.slice(i + op.s.length + 1);
    else t = t.slice(0, i) + op.s + t.slice(i + op.s.length);
  }
  return t;
}

const nested = (depth: number) => 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n' + Array.from({ length: depth }, (_, i) => `${' '.repeat(2 * (i + 1))}k${i}:`).join('\n') + ' x\n';

describe('fuzz: every input ends in a report or a clean exit-2 error', () => {
  it('random bytes (600 cases)', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), (bytes) => mustReport(Buffer.from(bytes).toString('utf8'))), { numRuns: 600, seed: 42 });
  });

  it('random YAML-ish text (600 cases)', async () => {
    const token = fc.constantFrom('---\n', '...\n', ': ', '- ', '\n', '  ', '{', '}', '[', ']', ',', '&a ', '*a', '<<: *a', '!!str ', '"', "'", '#', '|', '>', 'apiVersion: v1', 'kind: Pod', 'kind: List', 'items:', 'metadata:', 'spec:', 'name: x', '\t', '%YAML 1.2', '? ', '\u0000', '\ufeff', '0x1F', '1e999', 'null', '~');
    await fc.assert(fc.asyncProperty(fc.array(token, { maxLength: 80 }), (parts) => mustReport(parts.join(''))), { numRuns: 600, seed: 7 });
  });

  it('mutated valid manifests (700 cases)', async () => {
    const op = fc.record({ at: fc.nat(), kind: fc.integer({ min: 0, max: 2 }), s: fc.string({ maxLength: 12, unit: fc.constantFrom(' ', '\n', ':', '-', '{', '}', '[', ']', 'a', '1', '"', '*', '&', '#', '---', 'x: y') }) });
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), (ops) => mustReport(mutate(VALID, ops))), { numRuns: 700, seed: 1 });
  });

  it('deep nesting and huge strings (50 × 4 cases)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 0, max: 300_000 }), async (depth, size) => {
        await mustReport(nested(depth));
        await mustReport(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  blob: "${'x'.repeat(size)}"\n  ${'k'.repeat(Math.min(size, 100_000))}: 1\n`);
        await mustReport(`${'['.repeat(depth)}${']'.repeat(depth)}`);
        await mustReport(`a: ${'{b: '.repeat(depth)}1${'}'.repeat(depth)}`);
      }),
      { numRuns: 50, seed: 3 },
    );
    expect(runs).toBeGreaterThanOrEqual(2000);
  });
});
