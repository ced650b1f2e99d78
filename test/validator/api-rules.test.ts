/** Every API-validation rule against its fixtures, and the conventions that keep rules, fixtures and docs in step. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_RULES } from '../../validator/api/rules.ts';
import { API_FIXTURES_DIR, fixtureDirOf, loadApiFixtures, runApiFixture } from './api-tester.ts';

describe.each(API_RULES.map((r) => [r.id]))('%s', (id) => {
  const fixtures = loadApiFixtures(id);
  it('has passing and failing fixtures, each failing one with its expected pointers', () => {
    expect(fixtures.filter((f) => f.kind === 'pass').length, `add ${relative(process.cwd(), fixtureDirOf(id))}/pass*.yaml`).toBeGreaterThan(0);
    expect(fixtures.filter((f) => f.kind === 'fail').length, `add ${relative(process.cwd(), fixtureDirOf(id))}/fail*.yaml`).toBeGreaterThan(0);
    for (const f of fixtures.filter((x) => x.kind === 'fail')) expect(f.expect.length, `${f.file} declares no "# expect:" pointer`).toBeGreaterThan(0);
  });
  for (const fx of fixtures) {
    it(`${fx.kind}: ${fx.file}`, () => {
      const findings = runApiFixture(fx);
      if (fx.kind === 'pass') {
        const noisy = findings.filter((f) => f.severity !== 'info');
        expect(noisy.map((f) => `${f.policyId} ${f.jsonPointer}: ${f.message}`)).toEqual([]);
      } else {
        const mine = findings.filter((f) => f.policyId === id);
        expect(mine.map((f) => f.jsonPointer).sort(), mine.map((f) => f.message).join('\n')).toEqual([...fx.expect].sort());
        for (const f of mine) expect(f.message.length).toBeGreaterThan(10);
      }
    });
  }
});

describe('API rule registry', () => {
  it('has unique ids of the form api/<area>/<rule> with complete documentation', () => {
    const ids = API_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of API_RULES) {
      expect(r.id).toMatch(/^api\/[a-z]+\/[a-z]+(-[a-z]+)*$/);
      expect(r.title.length).toBeGreaterThan(5);
      expect(r.description.length).toBeGreaterThan(60);
      expect((r.remediation ?? '').length).toBeGreaterThan(10);
      expect(r.helpUri).toMatch(/^https:\/\//);
    }
  });
  it('has no fixture folder without a rule', () => {
    const ids = new Set(API_RULES.map((r) => r.id));
    for (const area of readdirSync(API_FIXTURES_DIR)) {
      if (!statSync(join(API_FIXTURES_DIR, area)).isDirectory()) continue;
      for (const rule of readdirSync(join(API_FIXTURES_DIR, area))) expect(ids.has(`api/${area}/${rule}`), `api-fixtures/${area}/${rule} has no rule`).toBe(true);
    }
    expect(existsSync(API_FIXTURES_DIR)).toBe(true);
  });
});
