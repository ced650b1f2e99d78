import { describe, expect, it } from 'vitest';
import { memoizedPerString } from '../../core/string-memo.ts';

describe('memoizedPerString', () => {
  it('answers per string (undefined answers too), computing each short string once', () => {
    const calls: string[] = [];
    const f = memoizedPerString((s) => {
      calls.push(s);
      return s.startsWith('x') ? undefined : s.length;
    });
    for (let i = 0; i < 3; i++) {
      expect(f('abc')).toBe(3);
      expect(f('xy')).toBeUndefined();
      expect(f('de')).toBe(2);
    }
    expect(calls).toEqual(['abc', 'xy', 'de']);
  });

  it('computes strings over maxLength every time, and starts over when maxEntries answers are held', () => {
    const calls: string[] = [];
    const f = memoizedPerString((s) => (calls.push(s), s.toUpperCase()), { maxLength: 3, maxEntries: 2 });
    expect([f('long'), f('long')]).toEqual(['LONG', 'LONG']);
    expect([f('a'), f('b'), f('a')]).toEqual(['A', 'B', 'A']);
    expect(f('c')).toBe('C'); // the memo held 2: it starts over with c
    expect(f('a')).toBe('A');
    expect(calls).toEqual(['long', 'long', 'a', 'b', 'c', 'a']);
  });
});
