/**
 * A fast path in front of js-yaml for the YAML that helm and kubectl emit: block mappings and
 * sequences, plain and single-quoted scalars (also folded over lines, as go-yaml writes long strings),
 * double-quoted scalars on one line, `|` and `>` block scalars, comments, and flow sequences of scalars
 * on one line (`[]`, `{}`, `["a", b]`). It builds a document's value AND the node record of
 * yaml-positions.ts (three integers a node) in one pass over the text, with no tokens and no regex per
 * character.
 *
 * Why hand-written (the project prefers libraries): js-yaml is the floor of the parse stage. On the
 * 4,000-document bench corpus (5.6 MB) a bare js-yaml `loadAll` costs 264–367 ms and its position
 * listener another ~180 ms, out of a whole `nexus validate` of ~0.85 s wall, so the clean-input
 * target (2x kubeconform, ~0.58 s) could not be reached with js-yaml on the hot path. Measured on that
 * corpus (2 cores, Node 22, load 7–10): this reader 80 ms warm against js-yaml's 180 ms (without the
 * listener), and in a fresh process, values and records kept as a run keeps them, 310–490 ms CPU
 * against 600–860 ms for js-yaml with the listener (about half of either is the garbage collector
 * moving what the run keeps); the whole parse stage 650 → 400–490 ms CPU. This reader is not a YAML
 * parser: js-yaml stays the reference and the parser of everything else. Whatever this reader does
 * not handle exactly — anchors, aliases, tags, merge keys, explicit or flow keys, duplicate keys,
 * `__proto__`, tabs outside block scalar text, double-quoted scalars over several lines, a `: `, ` #`
 * or comment line inside a folded plain scalar, empty sequence items, non-empty flow mappings,
 * directives, unusual escapes, control or non-BMP characters, lone CRs, document markers, anything at
 * an indentation it does not expect — makes it decline the whole DOCUMENT (`undefined`), and
 * manifests.ts parses that document with js-yaml as before, so errors, messages and positions of
 * unusual or broken YAML are js-yaml's. Scalars resolve through the very js-yaml types of
 * MANIFEST_SCHEMA (yaml-schema.ts), block scalars and folded lines follow js-yaml's readBlockScalar,
 * readPlainScalar and readSingleQuotedScalar step by step, and test/validator/yaml-fast.test.ts holds
 * values, key order and every located pointer to js-yaml's on generated documents and on every YAML
 * file of the repository.
 */
import type jsyaml from 'js-yaml';
import { contentStart, FramePool, isIndexLike, MAPPING, NONE, SCALAR, SEQUENCE, type Frames } from './yaml-positions.ts';
import { MANIFEST_SCHEMA } from './yaml-schema.ts';

export interface FastDocument {
  /** The document's value: always a mapping (other roots are left to js-yaml). */
  value: Record<string, unknown>;
  /**
   * The node record for locating, text-less (yaml-positions.ts): each node's content start, its subtree
   * end and kind, as FrameRecorder records them, then the document's line starts.
   */
  frames: Frames;
  /**
   * The document with js-yaml's terminators (the offsets are into it), kept only when a key is
   * integer-like: JavaScript lists such keys first, so locating must parse the text again to know them.
   * Otherwise nothing of the document's text is kept: no string of the value is a slice of it.
   */
  text?: string;
}

/** The implicit types js-yaml resolves a plain scalar with, in its order. */
const IMPLICIT = (MANIFEST_SCHEMA as unknown as { compiledImplicit: jsyaml.Type[] }).compiledImplicit;

/**
 * First characters a non-string plain scalar can have under MANIFEST_SCHEMA (null `~`/`null`, YAML 1.1
 * booleans, ints, floats, `.inf`/`.nan`, the merge key `<<`): any other plain scalar, any longer than
 * five characters that starts with a letter, and a number-like one whose last character no int or
 * float can end with (`64Mi`, `50m`, `25%`: the quantities and percentages of every manifest) is a
 * string without asking the types (the test holds these shortcuts to the types themselves).
 */
const MAY_RESOLVE = new Uint8Array(128);
const ASK = 1;
const WORD = 2;
const NUMBER = 3;
for (const c of '<~') MAY_RESOLVE[c.charCodeAt(0)] = ASK;
// Words (null, booleans) are five characters at most.
for (const c of 'nNtTfFyYoO') MAY_RESOLVE[c.charCodeAt(0)] = WORD;
for (const c of '+-.0123456789') MAY_RESOLVE[c.charCodeAt(0)] = NUMBER;
/** Last characters of ints (decimal, octal, hex, binary, with `_`) and floats (`1.`, `1e3`, `.inf`, `.NaN`). */
const NUMBER_END = new Uint8Array(128);
for (const c of '0123456789_.abcdefABCDEFnN') NUMBER_END[c.charCodeAt(0)] = 1;

/** A plain scalar's value, as js-yaml's composeNode resolves it. */
export function resolvePlain(text: string): unknown {
  const c = text.charCodeAt(0);
  if (c < 128) {
    const may = MAY_RESOLVE[c];
    if (may === 0 || (may === WORD && text.length > 5)) return text;
    if (may === NUMBER) {
      const last = text.charCodeAt(text.length - 1);
      if (last >= 128 || NUMBER_END[last] === 0) return text;
    }
  }
  for (let i = 0; i < IMPLICIT.length; i++) {
    const type = IMPLICIT[i]!;
    if (type.resolve(text)) return type.construct(text);
  }
  return text;
}

/**
 * Characters that make the reader decline: C0 controls but tab/LF/CR, DEL and C1 controls (js-yaml
 * rejects most of them, and NEL is a line break in YAML 1.1), surrogates (non-BMP text is left to
 * js-yaml's checks), the byte-order mark and the non-characters.
 */
const UNSUPPORTED = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\uD800-\uDFFF\uFEFF\uFFFE\uFFFF]/;
/** A CR that is not part of a CRLF (a line break of its own in YAML); tested only when there is a CR at all. */
const LONE_CR = /\r(?!\n)/;

const TAB = 9;
const LF = 10;
const CR = 13;
const SP = 32;
const HASH = 35;
const COLON = 58;
const DASH = 45;

/**
 * A string that does not keep the document's text alive. V8 makes a substring of 13 or more characters
 * a view into its parent (and a concatenation a tree over its parts). The document's text can then go
 * once read — the position record needs none of it — which at 20,000 documents is ~28 MB less kept to
 * the end and promoted by the GC. (manifests.ts copies `# Source:` paths out of the stream with it too.)
 * A JSON round trip is the copy: it gives back exactly the same characters (JSON.stringify escapes lone
 * surrogates too) as one flat string. The copy that flattened `s + NUL` was a view again, into that
 * flat string, so each value kept a view's header besides its characters (80 bytes against 48 for 27
 * characters), and it took longer (221 against 131 ns).
 */
export function own(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

/**
 * Plain keys read recently, by first character, length and last character: a manifest repeats a few
 * dozen keys (apiVersion, metadata, name, labels, …) thousands of times, and a key found here is
 * compared in place instead of being cut out of the text as a new string that the property store then
 * looks up in V8's string table again. Only keys that are their own value (no `yes`, `1e3`, `~`), not
 * `__proto__`, `<<` nor integer-like are kept: a key found here is exactly what reading it again would give.
 */
const KEY_SLOTS = 512;
const keyCache: Array<string | undefined> = new Array<string | undefined>(KEY_SLOTS).fill(undefined);

/** Plain values read recently, as keyCache (texts and what they resolved to); only short ones. */
const VALUE_SLOTS = 1024;
const MAX_CACHED_VALUE = 64;
const valueTexts: Array<string | undefined> = new Array<string | undefined>(VALUE_SLOTS).fill(undefined);
const valueResults: unknown[] = new Array<unknown>(VALUE_SLOTS).fill(undefined);

/** Thrown (one shared object, never seen outside) when the document is not one this reader handles. */
const DECLINE = { declined: true };

/** js-yaml's simpleEscapeSequence. */
const ESCAPES: Array<string | undefined> = [];
for (const [c, v] of [
  ['0', '\x00'], ['a', '\x07'], ['b', '\x08'], ['t', '\x09'], ['\t', '\x09'], ['n', '\x0A'], ['v', '\x0B'], ['f', '\x0C'],
  ['r', '\x0D'], ['e', '\x1B'], [' ', ' '], ['"', '"'], ['/', '/'], ['\\', '\\'], ['N', '\x85'], ['_', '\xA0'],
  ['L', '\u2028'], ['P', '\u2029'],
] as const) ESCAPES[c.charCodeAt(0)] = v;

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lc = c | 0x20;
  return lc >= 97 && lc <= 102 ? lc - 87 : -1;
}

/** Space, tab, line break or end of input (js-yaml's is_WS_OR_EOL, plus its NUL terminator). */
function isBlankOrEnd(c: number): boolean {
  return c === SP || c === LF || c === CR || c === 0 || c === TAB;
}

/** `---` or `...` at `p`, followed by a space, tab, line break or the end. */
function isDocumentMarker(s: string, p: number): boolean {
  const c = s.charCodeAt(p);
  return (c === DASH || c === 46 /* . */) && s.charCodeAt(p + 1) === c && s.charCodeAt(p + 2) === c && isBlankOrEnd(s.charCodeAt(p + 3));
}

/** Characters that cannot start a plain scalar (js-yaml's readPlainScalar). */
function cannotStartPlain(c: number): boolean {
  return (
    c === SP || c === TAB || c === LF || c === CR || c === 0 ||
    c === 44 /* , */ || c === 91 /* [ */ || c === 93 /* ] */ || c === 123 /* { */ || c === 125 /* } */ ||
    c === HASH || c === 38 /* & */ || c === 42 /* * */ || c === 33 /* ! */ || c === 124 /* | */ || c === 62 /* > */ ||
    c === 39 /* ' */ || c === 34 /* " */ || c === 37 /* % */ || c === 64 /* @ */ || c === 96 /* ` */
  );
}

/**
 * A manifest stream prepared for reading its documents in place: the line starts (from the caller's
 * split, which walks every line anyway) and where the characters this reader declines are. A document
 * followed by another is read where it is (it ends at the next one's `---` or `...`, at column 0, which
 * every construct read here stops at, like the end of the input); only the stream's last document gets
 * js-yaml's terminators, on a copy. (Before, every document was copied with them: ~5.6 MB of copies and
 * 4,000 scans for unsupported characters per 4,000 documents.)
 */
export class FastStream {
  /** Offsets of the characters that make a document declined (see UNSUPPORTED); nearly always none. */
  readonly unsupported: number[] = [];

  /**
   * `lineStarts[0, lines)`: the offset of every line of `text` (0, and each one after a `\n`),
   * computed here when not given.
   */
  constructor(
    readonly text: string,
    readonly lineStarts: Int32Array = lineStartsOf(text),
    readonly lines = lineStarts.length,
  ) {
    const all = new RegExp(UNSUPPORTED.source, 'g');
    for (let m = all.exec(text); m; m = all.exec(text)) this.unsupported.push(m.index);
    if (text.includes('\r')) {
      const lone = new RegExp(LONE_CR.source, 'g');
      for (let m = lone.exec(text); m; m = lone.exec(text)) this.unsupported.push(m.index);
      this.unsupported.sort((a, b) => a - b);
    }
  }

  /** Whether `[start, end)` holds a character the reader declines. */
  declines(start: number, end: number): boolean {
    // The first offset at or after `start` (binary search: a stream may hold many, e.g. emoji everywhere).
    const bad = this.unsupported;
    let lo = 0;
    let hi = bad.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (bad[mid]! < start) lo = mid + 1;
      else hi = mid;
    }
    return lo < bad.length && bad[lo]! < end;
  }
}

/** The document `text` with js-yaml's terminators: a final line break if there is none, then a NUL. */
function withTerminators(text: string): string {
  const last = text.charCodeAt(text.length - 1);
  return text + (last === LF || last === CR ? '\0' : '\n\0');
}

function lineStartsOf(text: string): Int32Array {
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  const starts = new Int32Array(lines);
  let k = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts[k++] = i + 1;
  return starts;
}

/** Thrown when a 16-bit record turns out too small for a document (a sequence of 8,192+ items): read it again, 32-bit. */
const WIDEN = { widen: true };

class Reader {
  private s = '';
  private pos = 0;
  /** Where the document being read starts in `s` (the record's offsets are the document's) and ends. */
  private base = 0;
  private end = 0;
  /** Start of the line `pos` is on (for columns). */
  private lineStart = 0;
  /** Indentation of the content line `pos` stands on after nextContent(); -1 at the end of the document. */
  private indent = -1;
  /** Set by scanPlain: end of the scalar's text (trailing spaces dropped), and whether `: ` stopped it. */
  private plainEnd = 0;
  private plainIsKey = false;
  /** Set by singleQuoted and doubleQuoted: whether the scalar went over more than one line. */
  private folded = false;
  /**
   * The node record is written in place into the pool's buffer `rec`, from `at`: 16-bit when the
   * document is shorter than 64K (its offsets fit; a sequence longer than 8,191 items does not, see
   * WIDEN), else 32-bit. (It was built in a scratch buffer and copied: ~10–20 ms of a 4k-document run.)
   */
  private rec: Frames = new Uint16Array(0);
  private at = 0;
  private wide = false;
  private n = 0;
  /** The largest node code recorded (the record's other numbers are offsets and node indexes, which only grow). */
  private maxCode = 0;
  /** Whether a key is integer-like (then the text is kept: see FastDocument.text). */
  private indexLikeKey = false;
  /** The items of the sequences being read, `[0, top)` (see sequence()). */
  private readonly items: unknown[] = [];
  private top = 0;
  private readonly pool = new FramePool();

  /**
   * The document `[start, end)` of `stream`, whose first line is line `line` (0-based) of the stream's
   * line starts. `end` is where the next document marker or the stream's end is.
   */
  read(stream: FastStream, start: number, end: number, line: number): FastDocument | undefined {
    if (stream.unsupported.length > 0 && stream.declines(start, end)) return undefined;
    const last = end === stream.text.length;
    // `from`/`to`: the document in `s`, the stream itself, or for the last document a copy with terminators.
    this.s = last ? withTerminators(stream.text.slice(start)) : stream.text;
    const from = last ? 0 : start;
    const to = last ? end - start : end;
    try {
      try {
        return this.readRecord(stream, from, to, start, line, to - from + 2 > 0xffff);
      } catch (err) {
        if (err !== WIDEN) throw err;
        return this.readRecord(stream, from, to, start, line, true);
      }
    } finally {
      this.s = ''; // the reader must not keep the stream alive
    }
  }

  /** Reads `s[from, to)`, which is the document at `start` in the stream, its first line being `line`. */
  private readRecord(stream: FastStream, from: number, to: number, start: number, line: number, wide: boolean): FastDocument | undefined {
    const s = this.s;
    this.pos = from;
    this.base = from;
    this.end = to;
    this.lineStart = from;
    this.n = 0;
    this.maxCode = 0;
    this.indexLikeKey = false;
    this.top = 0;
    this.wide = wide;
    this.rec = this.pool.block(wide, 3 * 256);
    this.at = this.pool.start(wide);
    try {
      const indent = this.nextContent();
      if (indent < 0 || this.isDashItem()) return undefined;
      const value = this.mapping(indent);
      if (this.indent !== -1) return undefined;
      const n = this.n;
      if (!wide && (this.maxCode > 0xffff || n > 0xffff)) throw WIDEN;
      // The line starts follow the nodes: the document's first line starts at 0 (it may begin after a
      // `---` on its line), the others where the stream's do, up to the end (the next document's line).
      const starts = stream.lineStarts;
      const end = start + (to - from);
      let lastLine = line + 1;
      while (lastLine < stream.lines && starts[lastLine]! <= end) lastLine++;
      // The last document of a stream without a final line break: js-yaml's added one starts another line.
      const added = s.charCodeAt(to) === LF;
      const length = 3 * n + 1 + (lastLine - line - 1) + (added ? 1 : 0);
      this.room(length);
      const rec = this.rec;
      let k = this.at + 3 * n;
      rec[k++] = 0;
      for (let l = line + 1; l < lastLine; l++) rec[k++] = starts[l]! - start;
      if (added) rec[k] = to + 1 - from;
      const frames = this.pool.commit(wide, length);
      if (!this.indexLikeKey) return { value, frames };
      // The document as js-yaml parses it, with its terminators, as a string of its own (see own()).
      return { value, frames, text: own(withTerminators(s.slice(from, to))) };
    } catch (err) {
      // A document nested deeper than the stack is js-yaml's to report, like everything else declined.
      if (err === DECLINE || err instanceof RangeError) return undefined;
      throw err;
    }
  }

  // ---- the node record ----

  /** `at` is where the node's content starts in `s` (what yaml-positions.ts's startOf computes from the text). */
  private open(at: number): number {
    const i = this.n++;
    if (this.at + 3 * this.n > this.rec.length) this.room(3 * this.n);
    this.rec[this.at + 3 * i] = at - this.base;
    return i;
  }

  /** Makes room for `length` numbers of the record being written, moving what it holds so far to a new buffer. */
  private room(length: number): void {
    if (this.at + length <= this.rec.length) return;
    const old = this.rec;
    const from = this.at;
    // The record is not committed, so the pool's buffer has less room than this after it: a new one.
    const next = this.pool.block(this.wide, 2 * length);
    const to = this.pool.start(this.wide);
    const written = Math.min(length, old.length - from);
    for (let i = 0; i < written; i++) next[to + i] = old[from + i]!;
    this.rec = next;
    this.at = to;
  }

  private close(i: number, code: number): void {
    const k = this.at + 3 * i;
    this.rec[k + 1] = this.n - 1;
    this.rec[k + 2] = code;
    if (code > this.maxCode) this.maxCode = code;
  }

  /** A node without children (a scalar or an empty value): open and close in one, a call per node less. */
  private leaf(at: number, code: number): void {
    const i = this.n++;
    if (this.at + 3 * this.n > this.rec.length) this.room(3 * this.n);
    const k = this.at + 3 * i;
    const rec = this.rec;
    rec[k] = at - this.base;
    rec[k + 1] = i;
    rec[k + 2] = code; // (SCALAR or NONE: no need to update maxCode)
  }

  // ---- lines ----

  /**
   * From the start of a line: skips blank and comment lines, and the indentation of the next content
   * line. Leaves `pos` on its first character and returns (and keeps in `indent`) its indentation, or
   * -1 at the end of the input.
   */
  private nextContent(): number {
    const s = this.s;
    let p = this.pos;
    for (;;) {
      const start = p;
      if (start >= this.end) {
        // The next document's marker (or the end of the stream): the end of this document.
        this.pos = start;
        this.lineStart = start;
        return (this.indent = -1);
      }
      while (s.charCodeAt(p) === SP) p++;
      const c = s.charCodeAt(p);
      if (c === LF) {
        p++;
      } else if (c === CR) {
        p += 2; // CR is always followed by LF here (UNSUPPORTED)
      } else if (c === HASH) {
        p = s.indexOf('\n', p) + 1;
      } else if (c === 0) {
        this.pos = p;
        this.lineStart = start;
        return (this.indent = -1);
      } else if (c === TAB || (p === start && isDocumentMarker(s, p))) {
        // (splitStream cuts streams at markers: one inside a document's text is js-yaml's to judge)
        throw DECLINE;
      } else {
        this.pos = p;
        this.lineStart = start;
        return (this.indent = p - start);
      }
    }
  }

  /** After a value on its line: spaces and a comment may follow, then the line must end. */
  private endLine(from: number): void {
    const s = this.s;
    let p = from;
    while (s.charCodeAt(p) === SP) p++;
    let c = s.charCodeAt(p);
    if (c === HASH && p > from) {
      p = s.indexOf('\n', p);
      c = LF;
    }
    if (c === LF) this.pos = p + 1;
    else if (c === CR) this.pos = p + 2;
    else if (c === 0) this.pos = p;
    else throw DECLINE;
  }

  /** `- ` (or `-` at the end of its line) at `pos`. */
  private isDashItem(): boolean {
    return this.s.charCodeAt(this.pos) === DASH && isBlankOrEnd(this.s.charCodeAt(this.pos + 1));
  }

  // ---- collections ----

  /** A block mapping whose first key is at `pos`, at column `indent`. */
  private mapping(indent: number): Record<string, unknown> {
    const s = this.s;
    const node = this.open(this.pos);
    const result: Record<string, unknown> = {};
    for (;;) {
      const keyStart = this.pos;
      const key = this.key();
      if (key === '__proto__' || Object.prototype.hasOwnProperty.call(result, key)) throw DECLINE;
      if (!this.indexLikeKey && isIndexLike(key)) this.indexLikeKey = true;
      this.leaf(keyStart, SCALAR);
      result[key] = this.value(indent, false);
      if (this.indent === indent) {
        if (s.charCodeAt(this.pos) === DASH && isBlankOrEnd(s.charCodeAt(this.pos + 1))) throw DECLINE;
        continue;
      }
      if (this.indent > indent) throw DECLINE;
      break;
    }
    this.close(node, MAPPING);
    return result;
  }

  /** A block sequence whose first `-` is at `pos`, at column `indent`. */
  private sequence(indent: number): unknown[] {
    const node = this.open(this.pos);
    // The items are gathered on a stack shared by all sequences (nested ones use it above these) and
    // copied into an array of their exact length: `push` onto `[]` gives even a one-item array room for
    // 17, and every such array lives to the end of the run, copied by the garbage collector.
    const items = this.items;
    const from = this.top;
    for (;;) {
      this.pos++; // the `-`
      const item = this.value(indent, true);
      items[this.top++] = item;
      if (this.indent === indent && this.isDashItem()) continue;
      if (this.indent > indent) throw DECLINE;
      break;
    }
    const result = items.slice(from, this.top);
    this.top = from;
    this.close(node, SEQUENCE | (result.length << 3));
    return result;
  }

  /**
   * The value after a key's `:` or an item's `-` (`pos` just after it), in a collection at column
   * `indent`. Leaves `pos` on the next content line (see nextContent).
   */
  private value(indent: number, item: boolean): unknown {
    const s = this.s;
    let p = this.pos;
    let c = s.charCodeAt(p);
    if (c === SP) {
      do c = s.charCodeAt(++p);
      while (c === SP);
      if (c === HASH) c = LF; // a comment: nothing more on this line
    }
    if (c === LF || c === CR || c === 0) {
      this.endLine(this.pos);
      const next = this.nextContent();
      if (next > indent || (next === indent && !item && this.isDashItem())) {
        if (this.isDashItem()) return this.sequence(next);
        if (next === indent) throw DECLINE;
        return this.mapping(next);
      }
      // An empty item (`-` alone) pushes null without a node in js-yaml: the record would not line up.
      if (item) throw DECLINE;
      this.leaf(contentStart(s, p, false, this.end), NONE);
      return null;
    }
    if (c === TAB || p === this.pos) throw DECLINE;
    this.pos = p;
    return this.inline(indent, item);
  }

  /** A value that starts on the line of its key or `-`, at `pos`. */
  private inline(indent: number, item: boolean): unknown {
    const s = this.s;
    const start = this.pos;
    const c = s.charCodeAt(start);
    if (c === 124 /* | */ || c === 62 /* > */) {
      this.leaf(start, SCALAR);
      const text = own(this.blockScalar(indent + 1));
      this.nextContent();
      return text;
    }
    if (c === 34 /* " */ || c === 39 /* ' */) {
      const text = c === 34 ? this.doubleQuoted() : this.singleQuoted(true);
      if (item && this.keyColonAt(this.pos)) {
        if (this.folded) throw DECLINE; // a key over several lines
        this.pos = start;
        return this.mapping(start - this.lineStart);
      }
      this.leaf(start, SCALAR);
      this.endLine(this.pos);
      this.nextContent();
      return own(text);
    }
    if (c === 91 /* [ */ || c === 123 /* { */) {
      const value = this.flow();
      this.endLine(this.pos);
      this.nextContent();
      return value;
    }
    if (cannotStartPlain(c) || ((c === DASH || c === 63 /* ? */ || c === COLON) && isBlankOrEnd(s.charCodeAt(start + 1)))) throw DECLINE;
    this.scanPlain(start);
    if (this.plainIsKey) {
      if (!item) throw DECLINE;
      return this.mapping(start - this.lineStart);
    }
    this.leaf(start, SCALAR);
    const end = this.plainEnd;
    // go-yaml (helm's toYaml) folds long strings over lines: more-indented lines continue the scalar.
    const folded = this.atLineBreak(end) ? this.foldPlain(start, indent + 1) : undefined;
    let value: unknown;
    if (folded === undefined) value = this.plainValue(start, end);
    else {
      value = resolvePlain(folded);
      if (typeof value === 'string') value = own(value);
    }
    this.endLine(this.plainEnd);
    this.nextContent();
    return value;
  }

  /**
   * The value of the plain scalar `s[start, end)` on one line. Values repeat as keys do (names, labels,
   * `TCP`, `50m`, `true`), so the last one read per slot is kept as well (see keyCache): a value found
   * there is the string (or number, boolean, null) reading it again would give, shared instead of copied.
   */
  private plainValue(start: number, end: number): unknown {
    const s = this.s;
    const length = end - start;
    const slot = (s.charCodeAt(start) * 31 + length * 7 + s.charCodeAt(end - 1)) & (VALUE_SLOTS - 1);
    const seen = valueTexts[slot];
    if (seen !== undefined && seen.length === length && s.startsWith(seen, start)) return valueResults[slot];
    let value = resolvePlain(s.slice(start, end));
    if (typeof value === 'string') value = own(value);
    if (length <= MAX_CACHED_VALUE) {
      valueTexts[slot] = typeof value === 'string' ? value : own(s.slice(start, end));
      valueResults[slot] = value;
    }
    return value;
  }

  /** A mapping key at `pos` and its `:`; leaves `pos` just after the `:`. */
  private key(): string {
    const s = this.s;
    const start = this.pos;
    const c = s.charCodeAt(start);
    if (c === 34 || c === 39) {
      const text = c === 34 ? this.doubleQuoted() : this.singleQuoted(false);
      let p = this.pos;
      while (s.charCodeAt(p) === SP) p++;
      if (!this.keyColonAt(p)) throw DECLINE;
      this.pos = p + 1;
      return text;
    }
    if (cannotStartPlain(c) || ((c === DASH || c === 63 || c === COLON) && isBlankOrEnd(s.charCodeAt(start + 1)))) throw DECLINE;
    this.scanPlain(start);
    if (!this.plainIsKey) throw DECLINE;
    const end = this.plainEnd;
    this.pos = end;
    while (s.charCodeAt(this.pos) === SP) this.pos++;
    this.pos++; // the `:`
    const length = end - start;
    const slot = (c * 31 + length * 7 + s.charCodeAt(end - 1)) & (KEY_SLOTS - 1);
    const seen = keyCache[slot];
    if (seen !== undefined && seen.length === length && s.startsWith(seen, start)) return seen;
    const text = s.slice(start, end);
    if (text === '<<') throw DECLINE; // a merge key
    const key = resolvePlain(text);
    if (key === text && text !== '__proto__' && !isIndexLike(text)) keyCache[slot] = text;
    return typeof key === 'string' ? key : String(key);
  }

  /** Whether only spaces stand between `from` and a line break. */
  private atLineBreak(from: number): boolean {
    const s = this.s;
    let p = from;
    while (s.charCodeAt(p) === SP) p++;
    const c = s.charCodeAt(p);
    return c === LF || c === CR;
  }

  /**
   * The continuation lines of a plain scalar whose first line (from `first`) ended at `plainEnd`, as js-yaml's
   * readPlainScalar reads them: lines indented `flowIndent` or more continue it, one line break folds
   * into a space and k > 1 (blank lines between) into k - 1 newlines, leading and trailing spaces go.
   * Sets `plainEnd` after the last line's text; undefined when no line continues it. A `: ` or ` #`
   * inside a continuation line, a comment line or a tab is js-yaml's to read (decline).
   */
  private foldPlain(first: number, flowIndent: number): string | undefined {
    const s = this.s;
    const firstEnd = this.plainEnd;
    let result: string | undefined;
    let p = firstEnd;
    while (s.charCodeAt(p) === SP) p++;
    for (;;) {
      // At a line break: skip it and any blank lines, then the next line's indentation.
      let breaks = 0;
      let lineStart = p;
      let c = s.charCodeAt(p);
      while (c === LF || c === CR) {
        p += c === CR ? 2 : 1; // CR is always followed by LF here (UNSUPPORTED)
        breaks++;
        lineStart = p;
        while (s.charCodeAt(p) === SP) p++;
        c = s.charCodeAt(p);
      }
      if (c === TAB) throw DECLINE;
      // Less indented (or the end): the scalar ended with the last line read.
      if (c === 0 || p - lineStart < flowIndent) return result;
      if (c === HASH) throw DECLINE;
      const from = p;
      let end = p;
      for (; ; p++) {
        const d = s.charCodeAt(p);
        if (d === LF || d === CR || d === 0) break;
        if (d === TAB || (d === COLON && isBlankOrEnd(s.charCodeAt(p + 1))) || (d === HASH && s.charCodeAt(p - 1) === SP)) throw DECLINE;
        if (d !== SP) end = p + 1;
      }
      result ??= s.slice(first, firstEnd);
      result += breaks === 1 ? ' ' : '\n'.repeat(breaks - 1);
      result += s.slice(from, end);
      this.plainEnd = end;
      if (s.charCodeAt(p) === 0) return result;
    }
  }

  /** Whether `p` (after optional spaces) is a key's `:` (followed by a space, tab, line break or the end). */
  private keyColonAt(from: number): boolean {
    const s = this.s;
    let p = from;
    while (s.charCodeAt(p) === SP) p++;
    return s.charCodeAt(p) === COLON && isBlankOrEnd(s.charCodeAt(p + 1));
  }

  /**
   * A plain scalar in block context from `start` to the end of its line, a ` #` comment, or a `: `
   * (then it is a key: `plainIsKey`). Sets `plainEnd` past its last non-space character.
   */
  private scanPlain(start: number): void {
    const s = this.s;
    let end = start;
    for (let p = start; ; p++) {
      const c = s.charCodeAt(p);
      if (c === COLON) {
        if (isBlankOrEnd(s.charCodeAt(p + 1))) {
          this.plainIsKey = true;
          break;
        }
      } else if (c === HASH) {
        if (s.charCodeAt(p - 1) === SP) {
          this.plainIsKey = false;
          break;
        }
      } else if (c === LF || c === CR || c === 0) {
        this.plainIsKey = false;
        break;
      } else if (c === TAB) {
        throw DECLINE;
      }
      if (c !== SP) end = p + 1;
    }
    this.plainEnd = end;
  }

  // ---- scalars ----

  private doubleQuoted(): string {
    const s = this.s;
    this.folded = false; // (one line only; `folded` is read after either kind of quoted scalar)
    let p = this.pos + 1;
    let start = p;
    let result = '';
    for (;;) {
      const c = s.charCodeAt(p);
      if (c === 34) {
        this.pos = p + 1;
        return result + s.slice(start, p);
      }
      if (c === 92 /* \ */) {
        result += s.slice(start, p);
        const e = s.charCodeAt(p + 1);
        const simple = e < 128 ? ESCAPES[e] : undefined;
        if (simple !== undefined) {
          result += simple;
          p += 2;
        } else {
          const digits = e === 120 /* x */ ? 2 : e === 117 /* u */ ? 4 : e === 85 /* U */ ? 8 : 0;
          if (digits === 0) throw DECLINE;
          let code = 0;
          for (let k = 0; k < digits; k++) {
            const h = hexValue(s.charCodeAt(p + 2 + k));
            if (h < 0) throw DECLINE;
            code = code * 16 + h;
          }
          // js-yaml's charFromCodepoint (its shift arithmetic is 32-bit: leave code points beyond 0x10FFFF to it).
          if (code > 0x10ffff) throw DECLINE;
          result += code <= 0xffff ? String.fromCharCode(code) : String.fromCharCode(((code - 0x10000) >> 10) + 0xd800, ((code - 0x10000) & 0x3ff) + 0xdc00);
          p += 2 + digits;
        }
        start = p;
        continue;
      }
      if (c === LF || c === CR || c === 0) throw DECLINE; // multi-line: folding is js-yaml's
      p++;
    }
  }

  /**
   * A single-quoted scalar at `pos`; over several lines only when `multiLine` (a value), folded as
   * js-yaml's readSingleQuotedScalar folds it: a line keeps its trailing spaces, the next line's leading
   * ones go, one line break becomes a space and k > 1 become k - 1 newlines. Sets `folded`.
   */
  private singleQuoted(multiLine: boolean): string {
    const s = this.s;
    let p = this.pos + 1;
    let start = p;
    let result = '';
    this.folded = false;
    for (;;) {
      const c = s.charCodeAt(p);
      if (c === 39) {
        if (s.charCodeAt(p + 1) !== 39) {
          this.pos = p + 1;
          return result + s.slice(start, p);
        }
        result += s.slice(start, p + 1);
        p += 2;
        start = p;
        continue;
      }
      if (c === LF || c === CR) {
        if (!multiLine) throw DECLINE;
        result += s.slice(start, p);
        let breaks = 0;
        let lineStart = p;
        let d = c;
        while (d === LF || d === CR) {
          p += d === CR ? 2 : 1;
          breaks++;
          lineStart = p;
          while (s.charCodeAt(p) === SP) p++;
          d = s.charCodeAt(p);
        }
        // js-yaml accepts any indentation here (with a warning) and skips tabs too: leave tabs to it, and
        // a document marker at column 0 (an error inside a quoted scalar).
        if (d === TAB || (p === lineStart && isDocumentMarker(s, p))) throw DECLINE;
        result += breaks === 1 ? ' ' : '\n'.repeat(breaks - 1);
        start = p;
        this.folded = true;
        continue;
      }
      if (c === 0) throw DECLINE;
      p++;
    }
  }

  /**
   * A `|` or `>` block scalar at `pos`, read as js-yaml's readBlockScalar reads it (`nodeIndent` is
   * its parent's indentation + 1). Leaves `pos` at the start of the line that ended it.
   */
  private blockScalar(nodeIndent: number): string {
    const s = this.s;
    let p = this.pos;
    const folding = s.charCodeAt(p) === 62;
    let chomping = 1; // 1 clip, 2 strip, 3 keep
    let detectedIndent = false;
    let textIndent = nodeIndent;
    let emptyLines = 0;
    let atMoreIndented = false;
    let didReadContent = false;
    let result = '';
    let ch = 0;
    for (;;) {
      ch = s.charCodeAt(++p);
      if (ch === 43 /* + */ || ch === DASH) {
        if (chomping !== 1) throw DECLINE;
        chomping = ch === 43 ? 3 : 2;
      } else if (ch >= 48 && ch <= 57) {
        if (ch === 48 || detectedIndent) throw DECLINE;
        textIndent = nodeIndent + (ch - 48) - 1;
        detectedIndent = true;
      } else break;
    }
    if (ch === SP || ch === TAB) {
      do ch = s.charCodeAt(++p);
      while (ch === SP || ch === TAB);
      if (ch === HASH) {
        p = s.indexOf('\n', p);
        ch = LF;
      }
    }
    let lineStart = p;
    while (ch !== 0) {
      // readLineBreak
      if (ch === LF) p++;
      else if (ch === CR) p += s.charCodeAt(p + 1) === LF ? 2 : 1;
      else throw DECLINE;
      lineStart = p;
      let lineIndent = 0;
      ch = s.charCodeAt(p);
      while ((!detectedIndent || lineIndent < textIndent) && ch === SP) {
        lineIndent++;
        ch = s.charCodeAt(++p);
      }
      if (!detectedIndent && lineIndent > textIndent) textIndent = lineIndent;
      if (ch === LF || ch === CR) {
        emptyLines++;
        continue;
      }
      if (lineIndent < textIndent) {
        if (chomping === 3) result += '\n'.repeat(didReadContent ? 1 + emptyLines : emptyLines);
        else if (chomping === 1 && didReadContent) result += '\n';
        break;
      }
      if (folding) {
        if (ch === SP || ch === TAB) {
          atMoreIndented = true;
          result += '\n'.repeat(didReadContent ? 1 + emptyLines : emptyLines);
        } else if (atMoreIndented) {
          atMoreIndented = false;
          result += '\n'.repeat(emptyLines + 1);
        } else if (emptyLines === 0) {
          if (didReadContent) result += ' ';
        } else {
          result += '\n'.repeat(emptyLines);
        }
      } else {
        result += '\n'.repeat(didReadContent ? 1 + emptyLines : emptyLines);
      }
      didReadContent = true;
      detectedIndent = true;
      emptyLines = 0;
      const captureStart = p;
      while (ch !== LF && ch !== CR && ch !== 0) ch = s.charCodeAt(++p);
      result += s.slice(captureStart, p);
    }
    this.pos = lineStart;
    return result;
  }

  /** `[]`, `{}`, or a flow sequence of scalars on one line, at `pos`; leaves `pos` after its closing bracket. */
  private flow(): unknown {
    const s = this.s;
    const start = this.pos;
    const node = this.open(start);
    let p = start + 1;
    while (s.charCodeAt(p) === SP) p++;
    if (s.charCodeAt(start) === 123) {
      if (s.charCodeAt(p) !== 125) throw DECLINE;
      this.pos = p + 1;
      this.close(node, MAPPING);
      return {};
    }
    const result: unknown[] = [];
    if (s.charCodeAt(p) !== 93) {
      for (;;) {
        const c = s.charCodeAt(p);
        if (c === 34 || c === 39) {
          this.pos = p;
          result.push(own(c === 34 ? this.doubleQuoted() : this.singleQuoted(false)));
          this.leaf(p, SCALAR);
          p = this.pos;
        } else {
          if (cannotStartPlain(c) || ((c === DASH || c === 63 || c === COLON) && (isBlankOrEnd(s.charCodeAt(p + 1)) || s.charCodeAt(p + 1) === 44 || s.charCodeAt(p + 1) === 93))) throw DECLINE;
          let end = p;
          let q = p;
          for (;; q++) {
            const d = s.charCodeAt(q);
            if (d === 44 || d === 93) break;
            // Pairs, nested collections, comments and line breaks are js-yaml's.
            if (d === COLON || d === HASH || d === 91 || d === 123 || d === 125 || d === TAB || d === LF || d === CR || d === 0) throw DECLINE;
            if (d !== SP) end = q + 1;
          }
          this.leaf(p, SCALAR);
          const item = resolvePlain(s.slice(p, end));
          result.push(typeof item === 'string' ? own(item) : item);
          p = q;
        }
        while (s.charCodeAt(p) === SP) p++;
        const d = s.charCodeAt(p);
        if (d === 93) break;
        if (d !== 44) throw DECLINE;
        p++;
        while (s.charCodeAt(p) === SP) p++;
        const e = s.charCodeAt(p);
        if (e === 93 || e === 44) throw DECLINE; // a trailing or doubled comma
      }
    }
    this.pos = p + 1;
    this.close(node, SEQUENCE | (result.length << 3));
    return result;
  }
}

const reader = new Reader();

/**
 * The value and node record of one manifest document, or undefined when the document is not one this
 * reader handles exactly (then js-yaml reads it).
 */
export function readFastDocument(text: string): FastDocument | undefined {
  return reader.read(new FastStream(text), 0, text.length, 0);
}

/**
 * The document `[start, end)` of a stream (see FastStream), read in place; `line` is the 0-based line
 * of the stream that `start` is on. Undefined when the reader declines it, as readFastDocument.
 */
export function readFastDocumentIn(stream: FastStream, start: number, end: number, line: number): FastDocument | undefined {
  return reader.read(stream, start, end, line);
}
