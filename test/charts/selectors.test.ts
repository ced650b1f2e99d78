/** The label-selector matcher the chart assertions rely on follows metav1.LabelSelector semantics exactly. */
import { describe, expect, it } from 'vitest';
import { selectorMatches, type LabelSelector } from './helpers.ts';

const pod = { 'app.kubernetes.io/instance': 'nexus', 'app.kubernetes.io/component': 'backend', tier: 'api' };

describe('selectorMatches', () => {
  it.each<[string, LabelSelector | null | undefined, boolean]>([
    ['empty selector matches everything', {}, true],
    ['null selector matches nothing', null, false],
    ['absent selector matches nothing', undefined, false],
    ['matchLabels subset', { matchLabels: { 'app.kubernetes.io/instance': 'nexus' } }, true],
    ['matchLabels wrong value', { matchLabels: { 'app.kubernetes.io/component': 'frontend' } }, false],
    ['matchLabels missing key', { matchLabels: { other: 'x' } }, false],
    ['In with value present', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }] }, true],
    ['In with other values', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }] }, false],
    ['In on a missing key', { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }, false],
    ['NotIn with value present', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['api'] }] }, false],
    ['NotIn with other values', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }] }, true],
    ['NotIn on a missing key matches', { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, true],
    ['Exists', { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, true],
    ['Exists on a missing key', { matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, false],
    ['DoesNotExist', { matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, true],
    ['DoesNotExist on a present key', { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, false],
    [
      'matchLabels AND matchExpressions: both must hold',
      { matchLabels: { 'app.kubernetes.io/instance': 'nexus' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }] },
      false,
    ],
    [
      'every expression must hold',
      { matchExpressions: [{ key: 'tier', operator: 'Exists' }, { key: 'app.kubernetes.io/component', operator: 'In', values: ['backend'] }] },
      true,
    ],
  ])('%s', (_name, selector, expected) => {
    expect(selectorMatches(selector, pod)).toBe(expected);
  });

  it('rejects malformed requirements as the API server would', () => {
    expect(() => selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: [] }] }, pod)).toThrow(/needs values/);
    expect(() => selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'Exists', values: ['x'] }] }, pod)).toThrow(/takes no values/);
    expect(() => selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'Gt' as never, values: ['1'] }] }, pod)).toThrow(/unknown/);
  });
});
