/**
 * Where each node of a manifest document starts, kept from the document's one js-yaml parse: the
 * parser's event listener records, for every node in document order, where it opened, where its
 * subtree ends and what it became — three integers a node, no objects, so that keeping them for every
 * document costs little memory and no garbage. A pointer into the document is then resolved in
 * O(depth), walking the recorded nodes and the parsed value side by side (a mapping's keys are its
 * value's keys, in order), so locating k findings costs O(k) and never a second parse.
 *
 * Why not `yaml` (eemeli), which keeps ranges itself: its full parse measured 7–8x slower than js-yaml
 * here, and even its bare CST parse 5x (4,000 documents: 1.8 s and 1.2 s of CPU against 0.22 s), and
 * nearly every document of a real run has a finding. The offsets come from a real YAML parser, not
 * from a line scan; validator/yaml-positions.test.ts holds them to `yaml`'s ranges.
 *
 * A mapping whose value cannot stand for its keys (merge keys, duplicate keys, integer-like keys,
 * which JavaScript objects reorder) makes the index parse that one document again, recording its keys.
 */
import jsyaml from 'js-yaml';
import { pointerSegments } from '../core/json-pointer.ts';
import type { Position } from '../core/types.ts';
import { MANIFEST_SCHEMA } from './yaml-schema.ts';

export interface PositionIndex {
  /**
   * Line/column in the stream of the node at `pointer` (RFC 6901). A pointer whose last segment is a
   * mapping key resolves to the key (so an unknown field points at its name); a missing key or index
   * resolves to its nearest existing parent. Undefined only if the document does not parse.
   */
  locate(pointer: string): Position | undefined;
}

// Node kinds as recorded (low 3 bits of a node's third integer; a sequence's length above them).
const NONE = 0;
const SCALAR = 1;
const MAPPING = 2;
const SEQUENCE = 3;
const ALIAS = 4;

/**
 * Records the nodes of one js-yaml parse through its `listener` option. Reused across documents:
 * `start()` before each parse, `frames()` after it.
 */
export class FrameRecorder {
  private buf = new Int32Array(3 * 4096);
  private stack = new Int32Array(256);
  private n = 0;
  private sp = 0;
  /** Scalar values by node (only when asked for: the keys of a document its value cannot stand for). */
  private scalars: unknown[] | undefined;

  start(recordScalars = false): void {
    this.n = 0;
    this.sp = 0;
    this.scalars = recordScalars ? [] : undefined;
  }

  readonly listener = (event: jsyaml.EventType, state: jsyaml.State): void => {
    if (event === 'open') {
      const i = this.n++;
      if (3 * this.n > this.buf.length) {
        const bigger = new Int32Array(this.buf.length * 2);
        bigger.set(this.buf);
        this.buf = bigger;
      }
      if (this.sp === this.stack.length) {
        const bigger = new Int32Array(this.stack.length * 2);
        bigger.set(this.stack);
        this.stack = bigger;
      }
      this.buf[3 * i] = state.position;
      this.stack[this.sp++] = i;
      return;
    }
    const i = this.stack[--this.sp]!;
    this.buf[3 * i + 1] = this.n - 1;
    const kind = state.kind as string | null;
    const result: unknown = state.result;
    let code: number;
    if (kind === 'mapping') code = MAPPING;
    else if (kind === 'sequence') code = SEQUENCE | ((result as unknown[]).length << 3);
    else if (kind === 'scalar') {
      code = SCALAR;
      if (this.scalars) this.scalars[i] = result;
    } else code = result === null || result === undefined ? NONE : ALIAS;
    this.buf[3 * i + 2] = code;
  };

  /** The nodes recorded since `start()` (a copy sized to fit). */
  frames(): Int32Array {
    return this.buf.slice(0, 3 * this.n);
  }

  recordedScalars(): unknown[] | undefined {
    return this.scalars;
  }
}

/** Why navigation stopped trusting the value for a mapping's keys: parse again with keys recorded. */
const NEEDS_KEYS = -1;

class RecordedIndex implements PositionIndex {
  private lineStarts: number[] | undefined;
  private readonly children = new Map<number, number[]>();
  private readonly keyMaps = new Map<number, Map<string, number> | null>();
  private withKeys: PositionIndex | undefined;

  constructor(
    private readonly text: string,
    private readonly baseLine: number,
    private readonly frames: Int32Array,
    /** The parsed document (when keys come from it), or undefined when `scalars` holds them. */
    private readonly root: unknown,
    private readonly scalars?: unknown[],
  ) {}

  locate(pointer: string): Position | undefined {
    if (this.frames.length === 0) return undefined;
    const offset = this.offsetOf(pointerSegments(pointer));
    if (offset === NEEDS_KEYS) {
      this.withKeys ??= reparsedIndex(this.text, this.baseLine);
      return this.withKeys.locate(pointer);
    }
    return this.toPosition(offset);
  }

  private kind(i: number): number {
    return this.frames[3 * i + 2]! & 7;
  }

  private childrenOf(i: number): number[] {
    let list = this.children.get(i);
    if (!list) {
      list = [];
      const end = this.frames[3 * i + 1]!;
      for (let j = i + 1; j <= end; j = this.frames[3 * j + 1]! + 1) list.push(j);
      this.children.set(i, list);
    }
    return list;
  }

  /**
   * A node opens where its parent's reader stood: for a mapping value that is just after the `:`, so
   * the node itself starts at the first character that is not a space, a line break, a comment or one
   * of its properties (`&anchor`, `!tag`), as in `yaml`'s ranges.
   */
  private startOf(i: number): number {
    const text = this.text;
    const open = this.frames[3 * i]!;
    const hasContent = this.kind(i) !== NONE;
    let p = open;
    for (;;) {
      const c = text.charCodeAt(p);
      if (c === 32 || c === 9 || c === 10 || c === 13) p++;
      else if (c === 35 /* # */ || ((c === 38 /* & */ || c === 33) /* ! */ && hasContent)) {
        // A comment runs to the end of the line; a property to the next space or line break.
        const stop = c === 35 ? /\n/g : /[ \t\r\n]/g;
        stop.lastIndex = p;
        const m = stop.exec(text);
        if (!m) return open;
        p = m.index;
      } else return Number.isNaN(c) ? open : p;
    }
  }

  /**
   * A collection read where a block mapping could have started (a sequence item, a flow collection as
   * an item) is composed inside a node that gives up and keeps its only child's result, which starts
   * where it does: skip such wrappers.
   */
  private unwrap(i: number): number {
    let f = i;
    for (;;) {
      const k = this.kind(f);
      if (k !== MAPPING && k !== SEQUENCE) return f;
      const kids = this.childrenOf(f);
      if (kids.length !== 1 || this.kind(kids[0]!) !== k || this.frames[3 * kids[0]!]! !== this.startOf(f)) return f;
      f = kids[0]!;
    }
  }

  /** Key → index (in the mapping's children) of its key node; null when the value cannot say. */
  private keysOf(i: number, value: unknown): Map<string, number> | null {
    const hit = this.keyMaps.get(i);
    if (hit !== undefined) return hit;
    const kids = this.childrenOf(i);
    // Children alternate key, value. A trailing key node without a value is the reader's failed attempt
    // at one more key (or an explicit `? key` without a value).
    const pairs = kids.length >> 1;
    let keys: Map<string, number> | null = new Map();
    if (this.scalars) {
      for (let p = 0; p < pairs; p++) {
        if (this.kind(kids[2 * p]!) !== SCALAR) break;
        keys.set(String(this.scalars[kids[2 * p]!]), 2 * p);
      }
    } else {
      const names = value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
      // One key node per own key, in order: not so with duplicate or merge keys, nor with integer-like
      // keys (JavaScript lists them first).
      if (names.length !== pairs || names.some((n) => /^(?:0|[1-9]\d*)$/.test(n))) keys = null;
      else for (let p = 0; p < pairs; p++) keys.set(names[p]!, 2 * p);
    }
    this.keyMaps.set(i, keys);
    return keys;
  }

  private offsetOf(path: readonly string[]): number {
    let node = this.unwrap(0);
    let value = this.root;
    let offset = this.startOf(node);
    for (let s = 0; s < path.length; s++) {
      const seg = path[s]!;
      const kind = this.kind(node);
      if (kind === MAPPING) {
        const keys = this.keysOf(node, value);
        if (keys === null) return NEEDS_KEYS;
        const k = keys.get(seg);
        if (k === undefined) return offset;
        const kids = this.childrenOf(node);
        const key = kids[k]!;
        if (s === path.length - 1) return this.startOf(key);
        const child = kids[k + 1]!;
        const childKind = this.kind(child);
        // An alias (`*name`): its own position, not the anchor's node. An empty value (`key:`): its key.
        if (childKind === ALIAS) return this.startOf(child);
        if (childKind === NONE) return this.startOf(key);
        offset = this.startOf(child);
        node = this.unwrap(child);
        value = (value as Record<string, unknown> | undefined)?.[seg];
      } else if (kind === SEQUENCE) {
        const items = this.childrenOf(node);
        // Empty items (`-` alone) open no node: then the nodes do not line up with the items.
        if (items.length !== this.frames[3 * node + 2]! >> 3 || !/^\d+$/.test(seg)) return offset;
        const item = items[Number(seg)];
        if (item === undefined) return offset;
        offset = this.startOf(item);
        if (this.kind(item) === ALIAS) return offset;
        node = this.unwrap(item);
        value = Array.isArray(value) ? value[Number(seg)] : undefined;
      } else return offset;
    }
    return offset;
  }

  private toPosition(offset: number): Position {
    const starts = (this.lineStarts ??= lineStartsOf(this.text));
    // Last line start <= offset (binary search).
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: this.baseLine + lo, column: offset - starts[lo]! + 1 };
  }
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

const NOT_PARSED: PositionIndex = { locate: () => undefined };

/**
 * The index of a document from the nodes recorded during its parse (`frames`) and its parsed value.
 * `text`'s first line is line `baseLine` of the stream.
 */
export function recordedPositionIndex(text: string, baseLine: number, frames: Int32Array, value: unknown): PositionIndex {
  return new RecordedIndex(text, baseLine, frames, value);
}

const ownRecorder = new FrameRecorder();

/** The index of `text` from a parse of its own, with every key recorded (no parsed value needed). */
export function reparsedIndex(text: string, baseLine: number): PositionIndex {
  ownRecorder.start(true);
  try {
    // Duplicate keys were reported by the first parse; here, as there, the last one wins.
    jsyaml.load(text, { schema: MANIFEST_SCHEMA, json: true, listener: ownRecorder.listener });
  } catch {
    return NOT_PARSED;
  }
  return new RecordedIndex(text, baseLine, ownRecorder.frames(), undefined, ownRecorder.recordedScalars());
}

/**
 * A small most-recently-used cache of indexes, so that findings located document by document (each
 * stage's in turn) reuse one index, while memory holds only a few at a time.
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
