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
import { unescapePointerSegment } from '../core/json-pointer.ts';
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
export const NONE = 0;
export const SCALAR = 1;
export const MAPPING = 2;
export const SEQUENCE = 3;
const ALIAS = 4;

/** The recorded nodes of one document: 16-bit when every number fits (nearly every manifest), else 32-bit. */
export type Frames = Uint16Array | Int32Array;

/**
 * Recorded nodes of many documents share a few large buffers (each document gets a view), instead of
 * one small ArrayBuffer each: 20,000 documents would otherwise mean 20,000 allocations outside the heap.
 * A record is either copied in (`copy`, js-yaml's recorder) or written in place (`block` … `commit`, the
 * fast reader: no scratch buffer and no copy).
 */
export class FramePool {
  private u16 = new Uint16Array(0);
  private u16Used = 0;
  private i32 = new Int32Array(0);
  private i32Used = 0;

  /** A view holding `buf[0, length)`; `max`, when the caller knows it, is the largest of those numbers. */
  copy(buf: Int32Array, length: number, max = -1): Frames {
    if (max < 0) for (let i = 0; i < length; i++) if (buf[i]! > max) max = buf[i]!;
    const wide = max > 0xffff;
    const to = this.block(wide, length);
    const at = this.start(wide);
    // Copied by a loop: TypedArray#set between element types (Int32 → Uint16) measured ~5x slower, and
    // the loop needs no source view.
    for (let i = 0; i < length; i++) to[at + i] = buf[i]!;
    return this.commit(wide, length);
  }

  /**
   * The buffer to write the next record into, from `start(wide)`, with room for `length` numbers: a new
   * one when the current one has less room left (the caller copies what it wrote so far).
   */
  block(wide: boolean, length: number): Frames {
    if (wide) {
      if (this.i32Used + length > this.i32.length) {
        this.i32 = new Int32Array(Math.max(1 << 16, length));
        this.i32Used = 0;
      }
      return this.i32;
    }
    if (this.u16Used + length > this.u16.length) {
      this.u16 = new Uint16Array(Math.max(1 << 18, length));
      this.u16Used = 0;
    }
    return this.u16;
  }

  /** Where the next record starts in `block(wide, …)`. */
  start(wide: boolean): number {
    return wide ? this.i32Used : this.u16Used;
  }

  /** The record of `length` numbers written from `start(wide)`, as a view; the space after it is free again. */
  commit(wide: boolean, length: number): Frames {
    if (wide) {
      const at = this.i32Used;
      this.i32Used += length;
      return this.i32.subarray(at, at + length);
    }
    const at = this.u16Used;
    this.u16Used += length;
    return this.u16.subarray(at, at + length);
  }
}

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
  private input: string | undefined;
  private readonly pool = new FramePool();

  start(recordScalars = false): void {
    this.n = 0;
    this.sp = 0;
    this.scalars = recordScalars ? [] : undefined;
    this.input = undefined;
  }

  readonly listener = (event: jsyaml.EventType, state: jsyaml.State): void => {
    if (event === 'open') {
      if (this.n === 0) this.input = state.input;
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
  frames(): Frames {
    return this.pool.copy(this.buf, 3 * this.n);
  }

  /**
   * The text js-yaml parsed, when its offsets are `text`'s (no byte-order mark dropped): its own copy
   * of the document (it appends a NUL, so it never parses the caller's string), which the parsed
   * strings of 13 characters or more are slices of. Keeping that copy for locating, instead of
   * `text` (a slice of the whole stream), lets the stream go once it is parsed: the document texts are
   * then held once, not twice.
   */
  parsedText(text: string): string {
    const input = this.input;
    return input !== undefined && text.charCodeAt(0) !== 0xfeff && input.length > text.length ? input : text;
  }

  recordedScalars(): unknown[] | undefined {
    return this.scalars;
  }
}

/** Why navigation stopped trusting the value for a mapping's keys: parse again with keys recorded. */
const NEEDS_KEYS = -1;

/**
 * Collections with more children than this get their child list (and a mapping its key map) built once
 * and kept while the index lives; smaller ones are walked again per pointer, which allocates nothing.
 * Nearly every collection of a manifest is small, and a run locates a few pointers in each of
 * thousands of documents: building a map per mapping visited made locating 48,000 findings allocate
 * ~80 MB (promoted to the old generation before it died) and cost more than the walks it saved. Large
 * collections (a list of 20,000 env entries) keep lookups O(1), so one document with many findings
 * stays linear.
 */
const SMALL = 16;
/** Texts longer than this keep their line starts; shorter ones count line breaks per lookup. */
const SMALL_TEXT = 8192;
const MISSING = -2;

/**
 * Where a node's content starts, from where it opened (`open`): the first character that is not a
 * space, a line break, a comment or (when the node has content) one of its properties (`&anchor`,
 * `!tag`), as in `yaml`'s ranges. A node opens where its parent's reader stood: for a mapping value
 * that is just after the `:`.
 */
export function contentStart(text: string, open: number, hasContent: boolean, end = text.length): number {
  let p = open;
  for (;;) {
    // (`end`: where the document ends when `text` is a whole stream, as the fast reader reads it.)
    const c = p < end ? text.charCodeAt(p) : 0;
    if (c === 32 || c === 9 || c === 10 || c === 13) p++;
    else if (c === 35 /* # */ || ((c === 38 /* & */ || c === 33) /* ! */ && hasContent)) {
      // A comment runs to the end of the line; a property to the next space or line break.
      const stop = c === 35 ? /\n/g : /[ \t\r\n]/g;
      stop.lastIndex = p;
      const m = stop.exec(text);
      if (!m) return open;
      p = m.index;
    } else return Number.isNaN(c) || c === 0 /* js-yaml's end-of-input NUL (see parsedText) */ ? open : p;
  }
}

/**
 * Two kinds of record: js-yaml's (nodes where they opened, with the document's text, which locating
 * reads), and the fast reader's "text-less" record (yaml-fast.ts), which holds each node's content
 * start (what startOf computes from the text) and, after the nodes, the document's line starts — so
 * that a document read by the fast reader keeps no text at all once parsed (its strings are copies).
 */
class RecordedIndex implements PositionIndex {
  private lineStarts: number[] | undefined;
  private children: Map<number, number[]> | undefined;
  private keyMaps: Map<number, Map<string, number> | null> | undefined;
  private withKeys: PositionIndex | undefined;
  /**
   * The key keyNode looked up last, as the value's own key when it scanned them: reading the value with
   * that string needs no lookup of the pointer's segment (a new string) in V8's string table.
   */
  private matchedKey = '';
  /** Text-less records: where the line starts begin in `frames` (after the nodes); -1 otherwise. */
  private readonly linesAt: number;

  constructor(
    /** The document's text, or undefined for a text-less record (see above). */
    private readonly text: string | undefined,
    private readonly baseLine: number,
    private readonly frames: Frames,
    /** The parsed document (when keys come from it), or undefined when `scalars` holds them. */
    private readonly root: unknown,
    private readonly scalars?: unknown[],
    /** For a text-less record that has it: the text, only to parse again when the value cannot stand for the keys. */
    private readonly keysText?: string,
  ) {
    // The root is node 0 and closes last: its subtree end is the last node.
    this.linesAt = text === undefined && frames.length > 0 ? 3 * (frames[1]! + 1) : -1;
  }

  locate(pointer: string): Position | undefined {
    if (this.frames.length === 0) return undefined;
    const offset = this.offsetOf(pointer);
    if (offset === NEEDS_KEYS) {
      const text = this.text ?? this.keysText;
      // Text-less records keep their text when a key is integer-like (yaml-fast.ts), the one case where
      // a value they were read into cannot stand for its keys.
      if (text === undefined) return undefined;
      this.withKeys ??= reparsedIndex(text, this.baseLine);
      return this.withKeys.locate(pointer);
    }
    return this.toPosition(offset);
  }

  private kind(i: number): number {
    return this.frames[3 * i + 2]! & 7;
  }

  /**
   * The children of a large collection (more than SMALL), in order, listed once. Small ones are walked
   * in place (childCount, childAt): a locate visits a few nodes on each level of its path, and listing
   * them allocated ~2.5 KB per locate (an array grown from empty each time: setting an array's length to
   * 0 drops its storage), a quarter of the positions stage's time in collecting it.
   */
  private listed(i: number, count: number): readonly number[] | undefined {
    if (count <= SMALL) return undefined;
    let list = this.children?.get(i);
    if (!list) {
      const frames = this.frames;
      const end = frames[3 * i + 1]!;
      list = [];
      for (let j = i + 1; j <= end; j = frames[3 * j + 1]! + 1) list.push(j);
      (this.children ??= new Map()).set(i, list);
    }
    return list;
  }

  /** How many children node `i` has. */
  private childCount(i: number): number {
    const memo = this.children?.get(i);
    if (memo) return memo.length;
    const frames = this.frames;
    const end = frames[3 * i + 1]!;
    let n = 0;
    for (let j = i + 1; j <= end; j = frames[3 * j + 1]! + 1) n++;
    return n;
  }

  /** Child `n` of node `i` (of `count`, which is in range): its first child is the next node, each next one follows the subtree before it. */
  private childAt(i: number, n: number, count: number): number {
    const list = this.listed(i, count);
    if (list) return list[n]!;
    const frames = this.frames;
    let j = i + 1;
    for (let c = 0; c < n; c++) j = frames[3 * j + 1]! + 1;
    return j;
  }

  /** Where node `i`'s content starts (see contentStart); text-less records hold it. */
  private startOf(i: number): number {
    const open = this.frames[3 * i]!;
    return this.text === undefined ? open : contentStart(this.text, open, this.kind(i) !== NONE);
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
      // One child: the first child's subtree ends where the node's does (no walk over the children).
      const end = this.frames[3 * f + 1]!;
      const only = f + 1;
      if (end === f || this.frames[3 * only + 1]! !== end) return f;
      if (this.kind(only) !== k || this.frames[3 * only]! !== this.startOf(f)) return f;
      f = only;
    }
  }

  /**
   * The key node of `key` in mapping `i`, MISSING, or NEEDS_KEYS when the value cannot say which key
   * node is which. Sets matchedKey.
   */
  private keyNode(i: number, value: unknown, key: string): number {
    const memo = this.keyMaps?.get(i);
    this.matchedKey = key;
    if (memo !== undefined) return memo === null ? NEEDS_KEYS : (memo.get(key) ?? MISSING);
    if (this.scalars) {
      const keys = new Map<string, number>();
      for (const k of this.pairKeys(i)) {
        if (this.kind(k) !== SCALAR) break;
        keys.set(String(this.scalars[k]), k);
      }
      (this.keyMaps ??= new Map()).set(i, keys);
      return keys.get(key) ?? MISSING;
    }
    // A small mapping is scanned in place: for-in over a plain object lists its own keys in
    // Object.keys order without allocating an array (a run locates tens of thousands of pointers), and
    // the key nodes are walked alongside, a key and its value at a time. One pass over the children
    // counts them, checks them and finds the key: counting, then finding the key node were a walk
    // each, on every level of every pointer.
    const isMap = value !== null && typeof value === 'object' && !Array.isArray(value);
    const frames = this.frames;
    const end = frames[3 * i + 1]!;
    let keyNode = i + 1;
    let found = MISSING;
    let lineUp = true;
    if (isMap) {
      let count = 0;
      for (const name in value as Record<string, unknown>) {
        if (++count > SMALL) return this.keyNodeInLarge(i, value as object, key);
        // One key node per own key, in order: not so with duplicate or merge keys, nor with
        // integer-like keys (JavaScript lists them first).
        if (keyNode > end || isIndexLike(name)) {
          lineUp = false;
          break;
        }
        const valueNode = frames[3 * keyNode + 1]! + 1;
        if (valueNode > end) {
          lineUp = false;
          break;
        }
        if (found === MISSING && name === key) {
          found = keyNode;
          this.matchedKey = name;
        }
        keyNode = frames[3 * valueNode + 1]! + 1;
      }
    }
    // Left over, at most a trailing key node without a value: the reader's failed attempt at one more
    // key (or an explicit `? key` without a value).
    if (!lineUp || (keyNode <= end && frames[3 * keyNode + 1]! < end)) {
      (this.keyMaps ??= new Map()).set(i, null);
      return NEEDS_KEYS;
    }
    return found;
  }

  /** keyNode for a mapping with more than SMALL keys: its key map is built once. */
  private keyNodeInLarge(i: number, value: object, key: string): number {
    const keyNodes = this.pairKeys(i);
    const names = Object.keys(value);
    if (!trustedKeys(names, keyNodes.length)) {
      (this.keyMaps ??= new Map()).set(i, null);
      return NEEDS_KEYS;
    }
    const keys = new Map<string, number>();
    for (let p = 0; p < keyNodes.length; p++) keys.set(names[p]!, keyNodes[p]!);
    (this.keyMaps ??= new Map()).set(i, keys);
    return keys.get(key) ?? MISSING;
  }

  /** The key nodes of mapping `i` that have a value node (children alternate key, value). */
  private pairKeys(i: number): number[] {
    const frames = this.frames;
    const end = frames[3 * i + 1]!;
    const out: number[] = [];
    for (let k = i + 1; k <= end; ) {
      const v = frames[3 * k + 1]! + 1;
      if (v > end) break;
      out.push(k);
      k = frames[3 * v + 1]! + 1;
    }
    return out;
  }

  /**
   * Where `pointer` leads. Its segments are cut out one at a time (pointerSegments's split made an
   * array and a string per segment for every finding; most pointers need no unescaping at all).
   */
  private offsetOf(pointer: string): number {
    let node = this.unwrap(0);
    let value = this.root;
    let offset = this.startOf(node);
    if (pointer === '' || pointer === '/') return offset;
    const escaped = pointer.includes('~');
    for (let from = 1; ; ) {
      const slash = pointer.indexOf('/', from);
      const to = slash < 0 ? pointer.length : slash;
      const raw = pointer.slice(from, to);
      const seg = escaped ? unescapePointerSegment(raw) : raw;
      const last = slash < 0;
      from = to + 1;
      const kind = this.kind(node);
      if (kind === MAPPING) {
        const key = this.keyNode(node, value, seg);
        if (key === NEEDS_KEYS) return NEEDS_KEYS;
        if (key === MISSING) return offset;
        // The value node follows its key's subtree.
        const child = this.frames[3 * key + 1]! + 1;
        if (last) return this.startOf(key);
        const childKind = this.kind(child);
        // An alias (`*name`): its own position, not the anchor's node. An empty value (`key:`): its key.
        if (childKind === ALIAS) return this.startOf(child);
        if (childKind === NONE) return this.startOf(key);
        offset = this.startOf(child);
        node = this.unwrap(child);
        value = (value as Record<string, unknown> | undefined)?.[this.matchedKey];
      } else if (kind === SEQUENCE) {
        const count = this.childCount(node);
        // Empty items (`-` alone) open no node: then the nodes do not line up with the items.
        if (count !== this.frames[3 * node + 2]! >> 3 || !isDigits(seg)) return offset;
        const n = Number(seg);
        if (n >= count) return offset;
        const item = this.childAt(node, n, count);
        offset = this.startOf(item);
        if (this.kind(item) === ALIAS) return offset;
        node = this.unwrap(item);
        value = Array.isArray(value) ? value[n] : undefined;
      } else return offset;
      if (last) return offset;
    }
  }

  private toPosition(offset: number): Position {
    const text = this.text;
    if (text === undefined) return this.fromLineStarts(offset);
    if (text.length <= SMALL_TEXT && this.lineStarts === undefined) {
      // Counting the line breaks before the offset beats building a table for a few lookups.
      let line = 0;
      let lineStart = 0;
      for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
        line++;
        lineStart = i + 1;
      }
      return { line: this.baseLine + line, column: offset - lineStart + 1 };
    }
    const starts = (this.lineStarts ??= lineStartsOf(text));
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

  /** A text-less record's position of `offset`: its line starts follow the nodes in `frames`. */
  private fromLineStarts(offset: number): Position {
    const frames = this.frames;
    let lo = this.linesAt;
    let hi = frames.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (frames[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: this.baseLine + lo - this.linesAt, column: offset - frames[lo]! + 1 };
  }
}

/** Whether `names` (a mapping's keys, from its value) stand for its `pairs` key nodes, in order. */
function trustedKeys(names: readonly string[], pairs: number): boolean {
  if (names.length !== pairs) return false;
  for (let p = 0; p < names.length; p++) if (isIndexLike(names[p]!)) return false;
  return true;
}

/** `0` or a digit string without a leading zero (`/^(?:0|[1-9]\d*)$/` without the regex): keys JavaScript lists first. */
export function isIndexLike(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  const c0 = s.charCodeAt(0);
  if (c0 < 48 || c0 > 57 || (c0 === 48 && n > 1)) return false;
  for (let i = 1; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

const NOT_PARSED: PositionIndex = { locate: () => undefined };

/**
 * The index of a document from the nodes recorded during its parse (`frames`) and its parsed value.
 * `text`'s first line is line `baseLine` of the stream. `text` undefined: a text-less record (yaml-fast.ts),
 * with `keysText` when the fast reader kept the text for integer-like keys.
 */
export function recordedPositionIndex(text: string | undefined, baseLine: number, frames: Frames, value: unknown, keysText?: string): PositionIndex {
  return new RecordedIndex(text, baseLine, frames, value, undefined, keysText);
}

const ownRecorder = new FrameRecorder();

/** The index of `text` from a parse of its own, with every key recorded (no parsed value needed). */
export function reparsedIndex(text: string, baseLine: number): PositionIndex {
  // The kept text is a parser's copy that ends in its end-of-input NUL (FrameRecorder.parsedText), which
  // js-yaml refuses as input ("null byte is not allowed"): parse it without. Offsets are unchanged.
  const source = text.charCodeAt(text.length - 1) === 0 ? text.slice(0, -1) : text;
  ownRecorder.start(true);
  try {
    // Duplicate keys were reported by the first parse; here, as there, the last one wins.
    jsyaml.load(source, { schema: MANIFEST_SCHEMA, json: true, listener: ownRecorder.listener });
  } catch {
    return NOT_PARSED;
  }
  return new RecordedIndex(source, baseLine, ownRecorder.frames(), undefined, ownRecorder.recordedScalars());
}

/**
 * A small most-recently-used cache of indexes, so that findings located document by document (each
 * stage's in turn) reuse one index, while memory holds only a few at a time.
 */
export class PositionIndexCache<K> {
  private readonly entries = new Map<K, PositionIndex>();
  constructor(private readonly capacity = 8) {}

  private lastKey: K | undefined;
  private last: PositionIndex | undefined;

  /** The index of `key` if it is the one asked for last (no `build` closure to make: the usual case). */
  recent(key: K): PositionIndex | undefined {
    return key === this.lastKey ? this.last : undefined;
  }

  get(key: K, build: () => PositionIndex): PositionIndex {
    // Findings come grouped by document: the same one as last time needs no reordering.
    if (key === this.lastKey && this.last) return this.last;
    let index = this.entries.get(key);
    if (index) {
      this.entries.delete(key);
    } else {
      index = build();
      if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as K);
    }
    this.entries.set(key, index);
    this.lastKey = key;
    this.last = index;
    return index;
  }
}
