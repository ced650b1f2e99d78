/**
 * Maps a finding in a rendered document back to a line of its template (`# Source:` file), so that
 * SARIF annotations land on the template a person edits. Helm keeps no source map, so this follows the
 * pointer's keys through the template in order: the line of the deepest key found is the answer (for
 * a value that comes from `toYaml .Values…`, that is the line that includes it).
 */
import { readFileSync } from 'node:fs';
import { pointerSegments } from './yaml-locate.ts';

const cache = new Map<string, string[] | null>();

function linesOf(file: string): string[] | null {
  let lines = cache.get(file);
  if (lines === undefined) {
    try {
      lines = readFileSync(file, 'utf8').split('\n');
    } catch {
      lines = null;
    }
    cache.set(file, lines);
  }
  return lines;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** 1-based line in `lines` for `pointer`, or undefined when no key of the pointer appears. */
export function templateLineIn(lines: readonly string[], pointer: string): number | undefined {
  let from = 0;
  let found: number | undefined;
  for (const seg of pointerSegments(pointer)) {
    if (/^\d+$/.test(seg)) continue;
    const re = new RegExp(`^\\s*(?:-\\s+)?["']?${escapeRe(seg)}["']?\\s*:`);
    for (let i = from; i < lines.length; i++) {
      if (re.test(lines[i]!)) {
        found = i + 1;
        from = i + 1;
        break;
      }
    }
  }
  return found;
}

/** The template line for a pointer in a template file on disk (its first top-level key if no key matches). */
export function templateLine(file: string, pointer: string): number | undefined {
  const lines = linesOf(file);
  if (!lines) return undefined;
  const hit = templateLineIn(lines, pointer);
  if (hit !== undefined) return hit;
  // No key of the pointer is in this file (it comes from an include): point at the first YAML key.
  const first = lines.findIndex((l) => /^["']?[A-Za-z][\w./-]*["']?\s*:/.test(l));
  return first >= 0 ? first + 1 : 1;
}
