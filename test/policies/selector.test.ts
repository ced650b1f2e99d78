import { describe, expect, it } from 'vitest';
import { isEmptySelector, isSatisfiable, matches, parseLabelSelector, parseLabelSet } from '../../policies/util/selector.ts';

const labels = { app: 'web', tier: 'front' };

describe('label selectors (Kubernetes semantics)', () => {
  it('treats an empty selector as everything and a null one as absent', () => {
    const empty = parseLabelSelector({})!;
    expect(isEmptySelector(empty)).toBe(true);
    expect(matches(empty, {})).toBe(true);
    expect(matches(empty, labels)).toBe(true);
    expect(parseLabelSelector(null)).toBeNull();
    expect(parseLabelSelector(undefined)).toBeNull();
  });
  it('ANDs matchLabels and matchExpressions', () => {
    expect(matches(parseLabelSelector({ matchLabels: { app: 'web' } })!, labels)).toBe(true);
    expect(matches(parseLabelSelector({ matchLabels: { app: 'web', tier: 'back' } })!, labels)).toBe(false);
    expect(matches(parseLabelSelector({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['back'] }] })!, labels)).toBe(false);
  });
  it.each([
    ['In', ['front', 'edge'], true],
    ['In', ['back'], false],
    ['NotIn', ['back'], true],
    ['NotIn', ['front'], false],
  ] as const)('%s %j on tier=front → %s', (operator, values, want) => {
    expect(matches(parseLabelSelector({ matchExpressions: [{ key: 'tier', operator, values }] })!, labels)).toBe(want);
  });
  it('NotIn matches objects without the key; In does not', () => {
    expect(matches(parseLabelSelector({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] })!, labels)).toBe(true);
    expect(matches(parseLabelSelector({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] })!, labels)).toBe(false);
  });
  it('Exists and DoesNotExist look at the key only', () => {
    expect(matches(parseLabelSelector({ matchExpressions: [{ key: 'app', operator: 'Exists' }] })!, labels)).toBe(true);
    expect(matches(parseLabelSelector({ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] })!, labels)).toBe(false);
    expect(matches(parseLabelSelector({ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] })!, labels)).toBe(true);
    expect(matches(parseLabelSelector({ matchExpressions: [{ key: 'app', operator: 'Exists' }] })!, { app: '' })).toBe(true);
  });
  it('an invalid requirement (unknown operator, In without values) matches nothing', () => {
    expect(matches(parseLabelSelector({ matchExpressions: [{ key: 'app', operator: 'Equals', values: ['web'] }] })!, labels)).toBe(false);
    expect(matches(parseLabelSelector({ matchExpressions: [{ key: 'app', operator: 'In', values: [] }] })!, labels)).toBe(false);
  });
});

describe('selector satisfiability and label-set declarations', () => {
  const sat = (s: unknown) => isSatisfiable(parseLabelSelector(s)!);
  it.each([
    [{}, true],
    [{ matchLabels: { app: 'web' } }, true],
    [{ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }, { key: 'app', operator: 'DoesNotExist' }] }, true],
    [{ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'app', operator: 'In', values: ['api'] }] }, false],
    [{ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }, false],
    [{ matchExpressions: [{ key: 'app', operator: 'In', values: ['a'] }, { key: 'app', operator: 'In', values: ['b'] }] }, false],
    [{ matchExpressions: [{ key: 'app', operator: 'Exists' }, { key: 'app', operator: 'DoesNotExist' }] }, false],
    [{ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
    [{ matchExpressions: [{ key: 'app', operator: 'In', values: [] }] }, false],
  ])('%j satisfiable: %s', (s, want) => expect(sat(s)).toBe(want));

  it('parses key=value lists and rejects malformed ones', () => {
    expect(parseLabelSet('app.kubernetes.io/name=gateway, tier=edge')).toEqual({ 'app.kubernetes.io/name': 'gateway', tier: 'edge' });
    expect(parseLabelSet('gateway')).toBeUndefined();
    expect(parseLabelSet(' ')).toBeUndefined();
  });
});
