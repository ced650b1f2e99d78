import { describe, expect, it } from 'vitest';
import { POLICIES } from '../../policies/index.ts';
import { loadFixtures, runFixture } from './policy-tester.ts';

describe.each(POLICIES.map((p) => [p.meta.id]))('policy %s', (id) => {
  const fixtures = loadFixtures(id);
  it('has at least one passing and one failing fixture', () => {
    expect(fixtures.filter((f) => f.kind === 'pass').length).toBeGreaterThan(0);
    expect(fixtures.filter((f) => f.kind === 'fail').length).toBeGreaterThan(0);
    for (const f of fixtures.filter((x) => x.kind === 'fail')) expect(f.expect.length, `${f.file} declares no "# expect:" pointer`).toBeGreaterThan(0);
  });
  for (const fx of fixtures) {
    it(`${fx.kind}: ${fx.file}`, () => {
      const { got, want, findings } = runFixture(id, fx);
      if (fx.kind === 'pass') expect(got, findings.map((f) => f.message).join('\n')).toEqual([]);
      else {
        expect(got).toEqual(want);
        // (runFixture keeps only this policy's findings, so their id needs no check here.)
        for (const f of findings) expect(f.message, 'every placeholder of the message is filled').not.toMatch(/\{\{/);
      }
    });
  }
});
