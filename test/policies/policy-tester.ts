/**
 * PolicyTester: runs one policy over its fixture folder `test/policies/fixtures/<policy-id>/` and
 * checks `pass*.yaml` give no finding of that policy and `fail*.yaml` give exactly the expected ones.
 *
 * A fixture is a YAML stream (several documents for cross-resource policies) with header comments:
 *   # expect: /spec/template/spec/containers/0/image          (pointer in the only/first resource)
 *   # expect: Service/web /spec/ports/0/targetPort            (pointer in a named resource)
 *   # options: {"environment": "production", "config": {...}} (PolicyRunOptions as JSON)
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { evaluatePolicies, type PolicyRunOptions } from '../../policies/engine.ts';
import type { Finding, K8sResource } from '../../core/types.ts';

export const FIXTURES_DIR = join(import.meta.dirname, 'fixtures');

export interface Fixture {
  file: string;
  kind: 'pass' | 'fail';
  resources: K8sResource[];
  expect: string[];
  options: PolicyRunOptions;
}

export function toResources(text: string, source: string): K8sResource[] {
  const docs = loadAll(text).filter((d): d is Record<string, unknown> => typeof d === 'object' && d !== null);
  return docs.map((object, docIndex) => {
    const meta = (object.metadata ?? {}) as { name?: string; namespace?: string };
    const r: K8sResource = { source, docIndex, line: 1, apiVersion: String(object.apiVersion ?? ''), kind: String(object.kind ?? ''), name: meta.name ?? '', object };
    if (meta.namespace) r.namespace = meta.namespace;
    return r;
  });
}

export function loadFixtures(policyId: string): Fixture[] {
  const dir = join(FIXTURES_DIR, policyId);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^(pass|fail).*\.yaml$/.test(f))
    .sort()
    .map((f) => {
      const text = readFileSync(join(dir, f), 'utf8');
      const expect = [...text.matchAll(/^# expect: (.+)$/gm)].map((m) => m[1]!.trim());
      const opt = /^# options: (.+)$/m.exec(text);
      return { file: join(policyId, f), kind: f.startsWith('pass') ? 'pass' : 'fail', resources: toResources(text, f), expect, options: opt ? (JSON.parse(opt[1]!) as PolicyRunOptions) : {} };
    });
}

/** The policy's unexempted findings, as `Kind/name pointer` (or just the pointer for the first resource). */
export function runFixture(policyId: string, fx: Fixture): { findings: Finding[]; got: string[]; want: string[] } {
  const findings = evaluatePolicies(fx.resources, { ...fx.options, only: [policyId] }).filter((f) => f.policyId === policyId && !f.exemption);
  const first = fx.resources[0];
  const label = (f: Finding) => (first && f.kind === first.kind && f.name === first.name ? f.jsonPointer! : `${f.kind}/${f.name} ${f.jsonPointer}`);
  const norm = (e: string) => (first && e.startsWith(`${first.kind}/${first.name} `) ? e.slice(first.kind.length + first.name.length + 2) : e);
  return { findings, got: findings.map(label).sort(), want: fx.expect.map(norm).sort() };
}
