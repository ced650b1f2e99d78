/** RFC 6901 JSON pointers: the addresses findings use to point into an object. */

export function pointerSegments(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** RFC 6901 escaping of one reference token (`~` → `~0`, `/` → `~1`). */
export function escapePointerSegment(token: string | number): string {
  const t = String(token);
  return t.includes('~') || t.includes('/') ? t.replace(/~/g, '~0').replace(/\//g, '~1') : t;
}
