/**
 * Where each node of a manifest document starts: one index per document, from one js-yaml parse with
 * its event listener, built only for documents that have findings. Every pointer into the document is
 * then resolved in O(depth) with a hash lookup per mapping level, so locating k findings costs one
 * parse plus O(k): linear, however many findings one document has.
 *
 * Why not `yaml` (eemeli), which keeps ranges itself: its full parse measured 7–8x slower than js-yaml
 * here, and even its bare CST parse 5x (4,000 documents: 1.8 s and 1.2 s of CPU against 0.22 s), and
 * nearly every document of a real run has a finding. js-yaml reports where each node opens; the tree of
 * open/close events mirrors the value (a mapping's children are its keys and values in turn, a
 * sequence's are its items), so the offsets come from a real YAML parser, not from a line scan.
 */
import jsyaml from 'js-yaml';
import type { Position } from '../core/types.ts';
import { pointerSegments } from '../core/json-pointer.ts';
import { MANIFEST_SCHEMA } from './yaml-schema.ts';

/** One composed node: where it opened, what it became, and its children in document order. */
interface Frame {
  open: number;
  kind: string | null;
  /** What the node became: a key's text, a sequence's array (to check item alignment), a mapping's object. */
  value: unknown;
  children: Frame[] | undefined;
  /** Mapping frames: key → index of the key frame in `children` (built on first lookup; the last duplicate wins). */
  keys?: Map<string, number>;
}

export interface PositionIndex {
  /**
   * Line/column in the stream of the node at `pointer` (RFC 6901). A pointer whose last segment is a
   * mapping key resolves to the key (so an unknown field points at its name); a missing key or index
   * resolves to its nearest existing parent. Undefined only if the document does not parse.
   */
  locate(pointer: string): Position | undefined;
}

const NOT_PARSED: PositionIndex = { locate: () => undefined };

/** Builds the index of `text`, whose first line is line `baseLine` of the stream. */
export function positionIndex(text: string, baseLine: number): PositionIndex {
  const top: Frame = { open: 0, kind: null, value: undefined, children: undefined };
  const stack: Frame[] = [top];
  try {
    jsyaml.load(text, {
      schema: MANIFEST_SCHEMA,
      // Duplicate keys were reported by the first parse; here, as there, the last one wins.
      json: true,
      listener(event, state) {
        if (event === 'open') {
          stack.push({ open: state.position, kind: null, value: undefined, children: undefined });
          return;
        }
        const frame = stack.pop()!;
        frame.kind = state.kind;
        frame.value = state.result;
        const parent = stack[stack.length - 1]!;
        (parent.children ??= []).push(frame);
      },
    });
  } catch {
    return NOT_PARSED;
  }
  const root = top.children?.[0];
  if (!root) return NOT_PARSED;
  let lineStarts: number[] | undefined;
  const toPosition = (offset: number): Position => {
    lineStarts ??= lineStartsOf(text);
    // Last line start <= offset (binary search).
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: baseLine + lo, column: offset - lineStarts[lo]! + 1 };
  };
  return {
    locate(pointer) {
      return toPosition(offsetOf(text, root, pointerSegments(pointer)));
    },
  };
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/**
 * A node opens where its parent's reader stood: for a mapping value that is just after the `:`, so
 * the node itself starts at the first character that is not a space, a line break, a comment or one
 * of its properties (`&anchor`, `!tag`), as in `yaml`'s ranges.
 */
function startOf(text: string, frame: Frame): number {
  let i = frame.open;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) i++;
    else if (c === 35 /* # */ || ((c === 38 /* & */ || c === 33) /* ! */ && frame.kind !== null)) {
      // A comment runs to the end of the line; a property to the next space or line break.
      const stop = c === 35 ? /\n/g : /[ \t\r\n]/g;
      stop.lastIndex = i;
      const m = stop.exec(text);
      if (!m) return frame.open;
      i = m.index;
    } else return Number.isNaN(c) ? frame.open : i;
  }
}

function keysOf(frame: Frame): Map<string, number> {
  if (frame.keys) return frame.keys;
  const keys = new Map<string, number>();
  const children = frame.children ?? [];
  // Children alternate key, value. A trailing key frame without a value is the reader's failed attempt
  // at one more key (or an explicit `? key` without a value); a non-scalar key ends what can be trusted.
  for (let i = 0; i + 1 < children.length; i += 2) {
    const key = children[i]!;
    if (key.kind !== 'scalar') break;
    keys.set(String(key.value), i);
  }
  frame.keys = keys;
  return keys;
}

/**
 * A collection read where a block mapping could have started (a sequence item, a flow collection as a
 * value) is composed inside a frame that gives up and keeps its only child's result: skip such wrappers.
 */
function unwrap(frame: Frame): Frame {
  let f = frame;
  while (f.kind !== 'scalar' && f.children?.length === 1 && f.children[0]!.value === f.value && f.children[0]!.kind === f.kind) f = f.children[0]!;
  return f;
}

function offsetOf(text: string, root: Frame, path: readonly string[]): number {
  let node = unwrap(root);
  let offset = startOf(text, root);
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    if (node.kind === 'mapping') {
      const k = keysOf(node).get(seg);
      if (k === undefined) return offset;
      const key = node.children![k]!;
      if (i === path.length - 1) return startOf(text, key);
      const value = node.children![k + 1]!;
      if (value.kind === null) {
        // An alias (`*name`): its own position, not the anchor's node. An empty value (`key:`): its key.
        return value.value !== null && value.value !== undefined ? startOf(text, value) : startOf(text, key);
      }
      offset = startOf(text, value);
      node = unwrap(value);
    } else if (node.kind === 'sequence') {
      const items = node.children ?? [];
      // Empty items (`-` alone) open no node: then the frames do not line up with the items.
      if (!Array.isArray(node.value) || items.length !== node.value.length || !/^\d+$/.test(seg)) return offset;
      const item = items[Number(seg)];
      if (!item) return offset;
      offset = startOf(text, item);
      node = unwrap(item);
    } else return offset;
  }
  return offset;
}

/**
 * A small most-recently-used cache of indexes, so that findings located document by document (each
 * stage's in turn) index each document once, while memory holds only a few indexes at a time.
 */
export class PositionIndexCache<K> {
  private readonly entries = new Map<K, PositionIndex>();
  constructor(private readonly capacity = 8) {}

  get(key: K, build: () => PositionIndex): PositionIndex {
    let index = this.entries.get(key);
    if (index) {
      this.entries.delete(key);
    } else {
      index = build();
      if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as K);
    }
    this.entries.set(key, index);
    return index;
  }
}
