/**
 * A pure function of a string, with its results kept per string: for the short strings that repeat
 * across a render (env names and values, resource names), checked by many objects with the same answer.
 * Bounded: strings longer than `maxLength` are computed every time, and the memo starts over when it
 * holds `maxEntries` answers. Callers must not mutate an answer (freeze arrays before returning them).
 */
export function memoizedPerString<T>(fn: (s: string) => T, { maxLength = 256, maxEntries = 4096 } = {}): (s: string) => T {
  const memo = new Map<string, T>();
  return (s) => {
    if (s.length > maxLength) return fn(s);
    const hit = memo.get(s);
    if (hit !== undefined || memo.has(s)) return hit as T;
    if (memo.size >= maxEntries) memo.clear();
    const value = fn(s);
    memo.set(s, value);
    return value;
  };
}
