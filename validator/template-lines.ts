/**
 * Maps a finding in a rendered document back to a line of its template (`# Source:` file), so that
 * SARIF annotations land on the template a person edits. Helm keeps no source map, so this follows the
 * pointer's keys through the template in order: the line of the deepest key found is the answer (for
 * a value that comes from `toYaml .Values…`, that is the line that includes it).
 */
import { readFileSync } from 'node:fs';
import { pointerSegments } from '../core/json-pointer.ts';

const cache = new Map<string, string[] | null>();
const segmentCache = new Map<string, Array<{ from: number; to: number; kind?: string }>>();
const keyPatterns = new Map<string, RegExp>();

/** The pattern of a template line that writes key `seg` (compiled once per key: findings repeat keys). */
function keyPattern(seg: string): RegExp {
  let re = keyPatterns.get(seg);
  if (!re) keyPatterns.set(seg, (re = new RegExp(`^\\s*(?:-\\s+)?["']?${escapeRe(seg)}["']?\\s*:`)));
  return re;
}

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

/** Whether the template file can be read (read once and kept, as templateLine reads it). */
export function templateReadable(file: string): boolean {
  return linesOf(file) !== null;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** 1-based line in `lines` (from index `from` to `to`) for `pointer`, or undefined when no key of the pointer appears. */
export function templateLineIn(lines: readonly string[], pointer: string, from = 0, to = lines.length): number | undefined {
  let found: number | undefined;
  for (const seg of pointerSegments(pointer)) {
    if (/^\d+$/.test(seg)) continue;
    const re = keyPattern(seg);
    for (let i = from; i < to; i++) {
      if (re.test(lines[i]!)) {
        found = i + 1;
        from = i + 1;
        break;
      }
    }
  }
  return found;
}

const TOP_KEY = /^["']?[A-Za-z][\w./-]*["']?\s*:/;

/** Line ranges of the documents a template writes literally (split at `---`), with their literal `kind:`. */
function segmentsOf(lines: readonly string[]): Array<{ from: number; to: number; kind?: string }> {
  const out: Array<{ from: number; to: number; kind?: string }> = [];
  let from = 0;
  const close = (to: number) => {
    let kind: string | undefined;
    for (let i = from; i < to; i++) {
      const m = /^kind:\s*["']?([A-Za-z]+)["']?\s*$/.exec(lines[i]!);
      if (m) {
        kind = m[1];
        break;
      }
    }
    out.push({ from, to, ...(kind ? { kind } : {}) });
  };
  lines.forEach((l, i) => {
    if (/^---\s*$/.test(l)) {
      close(i);
      from = i + 1;
    }
  });
  close(lines.length);
  return out;
}

export interface TemplateDoc {
  kind: string;
  /** 0-based index among the documents of this kind rendered from this template (in stream order). */
  ordinal: number;
}

/**
 * The template line for a pointer in a template file on disk. When the template writes several
 * documents, the search is narrowed to the one with the same literal `kind:` (the n-th of that kind);
 * when no key of the pointer is in the file (it comes from an include), the document's first top-level key.
 */
export function templateLine(file: string, pointer: string, doc?: TemplateDoc): number | undefined {
  const lines = linesOf(file);
  if (!lines) return undefined;
  let from = 0;
  let to = lines.length;
  if (doc) {
    let segments = segmentCache.get(file);
    if (!segments) segmentCache.set(file, (segments = segmentsOf(lines)));
    const same = segments.filter((s) => s.kind === doc.kind);
    const seg = same[Math.min(doc.ordinal, same.length - 1)];
    if (seg) ({ from, to } = seg);
  }
  const hit = templateLineIn(lines, pointer, from, to);
  if (hit !== undefined) return hit;
  for (let i = from; i < to; i++) if (TOP_KEY.test(lines[i]!)) return i + 1;
  return from + 1;
}
