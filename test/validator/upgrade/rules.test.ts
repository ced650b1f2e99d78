/**
 * Every upgrade rule against its fixtures (test/validator/upgrade/fixtures/<rule>/<pass|fail|warn>-*.yaml):
 * a `pass` pair must produce no finding at all, a `fail` (or `warn`) pair must produce this rule's
 * finding at exactly the expected pointers, with that severity. Meta: every rule has fixtures of both
 * kinds, docs (description, remediation, upstream, a reference) and a registry entry.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../../validator/manifests.ts';
import type { K8sResource } from '../../../core/types.ts';
import { UPGRADE_RULES } from '../../../validator/upgrade/rules/index.ts';
import { checkUpgrade, type UpgradeStageOptions } from '../../../validator/upgrade/stage.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');

interface Fixture {
  expect?: string[];
  severity?: 'error' | 'warning';
  options?: Partial<UpgradeStageOptions>;
  before: unknown;
  after: unknown;
}

function resources(value: unknown, source: string): K8sResource[] {
  const docs = Array.isArray(value) ? value : [value];
  const text = docs.map((d) => JSON.stringify(d)).join('\n---\n');
  return parseManifests(text, { source, file: source }).resources;
}

export function runFixture(file: string) {
  const fx = parse(readFileSync(file, 'utf8')) as Fixture;
  const result = checkUpgrade(resources(fx.before, 'before.yaml'), resources(fx.after, 'after.yaml'), { namespace: 'default', kubeVersion: '1.32', ...fx.options });
  return { fx, result };
}

const ruleDirs = readdirSync(FIXTURES).sort();

describe('upgrade rules: fixtures', () => {
  for (const dir of ruleDirs) {
    const id = `upgrade/${dir}`;
    for (const name of readdirSync(join(FIXTURES, dir)).filter((f) => f.endsWith('.yaml')).sort()) {
      it(`${dir}/${name}`, () => {
        const { fx, result } = runFixture(join(FIXTURES, dir, name));
        expect(result.updated, 'every fixture pairs at least one object').toBeGreaterThan(0);
        if (name.startsWith('pass-')) {
          expect(result.findings.map((f) => `${f.policyId} ${f.jsonPointer}: ${f.message}`)).toEqual([]);
          return;
        }
        const mine = result.findings.filter((f) => f.policyId === id);
        expect(fx.expect, 'fail fixtures name their pointers').toBeDefined();
        expect([...new Set(mine.map((f) => f.jsonPointer))].sort(), result.findings.map((f) => `${f.policyId} ${f.jsonPointer}: ${f.message}`).join('\n')).toEqual([...fx.expect!].sort());
        const severity = fx.severity ?? (name.startsWith('warn-') ? 'warning' : 'error');
        for (const f of mine) {
          expect(f.severity).toBe(severity);
          expect(f.hint?.length ?? 0, 'every finding says what to do instead').toBeGreaterThan(20);
          expect(f.kind).toBeTruthy();
        }
      });
    }
  }
});

describe('upgrade rules: meta', () => {
  it('every rule has fixtures that pass and fail, and every fixture folder is a rule', () => {
    const ids = UPGRADE_RULES.map((r) => r.meta.id).sort();
    expect(ruleDirs.map((d) => `upgrade/${d}`)).toEqual(ids);
    for (const dir of ruleDirs) {
      const files = readdirSync(join(FIXTURES, dir));
      expect(files.some((f) => f.startsWith('pass-')), `${dir} has a pass fixture`).toBe(true);
      expect(files.some((f) => /^(fail|warn)-/.test(f)), `${dir} has a fail fixture`).toBe(true);
    }
  });
  it('every rule is documented and names the upstream function it follows', () => {
    for (const r of UPGRADE_RULES) {
      expect(r.meta.id).toMatch(/^upgrade\/[a-z0-9-]+$/);
      expect(r.meta.description.length, r.meta.id).toBeGreaterThan(60);
      expect(r.meta.remediation.length, r.meta.id).toBeGreaterThan(30);
      expect(r.meta.upstream, r.meta.id).toMatch(/\(pkg\/|plugin\//);
      expect(r.meta.references.length, r.meta.id).toBeGreaterThan(0);
      expect(r.meta.kinds.length, r.meta.id).toBeGreaterThan(0);
    }
    expect(new Set(UPGRADE_RULES.map((r) => r.meta.id)).size).toBe(UPGRADE_RULES.length);
  });
});

describe('upgrade rules: README', () => {
  it('lists every upgrade rule', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Upgrade safety'), readme.indexOf('## Policies'));
    expect(UPGRADE_RULES.map((r) => r.meta.id).filter((id) => !section.includes(`\`${id}\``))).toEqual([]);
  });
});
