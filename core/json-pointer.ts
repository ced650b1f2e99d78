/** RFC 6901 JSON pointers: the addresses findings use to point into an object. */

export function pointerSegments(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  const segments = pointer.slice(1).split('/');
  // Escapes are rare: unescape only when there is one (the validator resolves a pointer per finding).
  if (pointer.includes('~')) for (let i = 0; i < segments.length; i++) segments[i] = unescapePointerSegment(segments[i]!);
  return segments;
}

/** RFC 6901 unescaping of one reference token (`~1` → `/`, then `~0` → `~`). */
export function unescapePointerSegment(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** RFC 6901 escaping of one reference token (`~` → `~0`, `/` → `~1`). */
export function escapePointerSegment(token: string | number): string {
  if (typeof token === 'number') return String(token);
  return token.includes('~') || token.includes('/') ? token.replace(/~/g, '~0').replace(/\//g, '~1') : token;
}
