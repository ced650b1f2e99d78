/**
 * Manifest streams → K8sResource[]. The hot path splits the stream on document markers (a `---` or
 * `...` at column 0 always ends a document in YAML, so the split is exact) and reads each document
 * with the fast reader for helm-style YAML (yaml-fast.ts), or, for every document it declines, with
 * js-yaml (about 10x faster than `yaml`), whose event listener records where each node starts.
 * Either way the document gets a node record (yaml-positions.ts: three integers a node), and
 * `K8sResource.locate` resolves pointers from it, with no second parse. A stream read from a file
 * comes in pieces (util/utf8.ts's utf8FileChunks) and is split window by window (splitStreamChunks),
 * with the same documents, lines and positions as its whole text.
 *
 * Problems in one document (syntax, duplicate keys, alias bombs, a scalar where an object belongs,
 * a missing kind) become findings for that document; the rest of the stream is still checked.
 */
import jsyaml from 'js-yaml';
import type { Finding, K8sResource, Position } from '../core/types.ts';
import { FastStream, own, readFastDocumentIn } from './yaml-fast.ts';
import { duplicateKeyPointers } from './yaml-locate.ts';
import { FrameRecorder, PositionIndexCache, recordedPositionIndex, type Frames } from './yaml-positions.ts';
import { MANIFEST_SCHEMA as SCHEMA } from './yaml-schema.ts';

/** Expansion limit for documents with aliases: a document may not expand beyond this many nodes. */
const MAX_EXPANDED_NODES = 1_000_000;

/** NEXUS_YAML_FAST=0 reads every document with js-yaml (to compare, or to rule the fast reader out). */
const FAST_READER = process.env.NEXUS_YAML_FAST !== '0';

export interface StreamDocument {
  /** 0-based document index in the stream. */
  index: number;
  /** 1-based line of the document's first content line in the stream. */
  line: number;
  text: string;
  /** Where `text` is in the stream (after a leading byte-order mark): `[start, end)`. */
  start: number;
  end: number;
  templateFile?: string;
}

/** A stream split into documents, with the offset of each of its lines (`lineStarts[0, lines)`). */
export interface SplitStream {
  /** The stream without a leading byte-order mark (the documents' offsets are into it). */
  text: string;
  docs: StreamDocument[];
  lineStarts: Int32Array;
  lines: number;
}

/**
 * Whole documents of a stream read in pieces: `text` holds them (from a document marker's line, or the
 * stream's start, up to the next marker's line or the stream's end), the documents' offsets and
 * `lineStarts` are into it, and their indexes and lines are the stream's.
 */
export interface StreamWindow extends SplitStream {
  /** Lines of the stream before the window's first line. */
  lineBase: number;
}

export interface ParsedStream {
  resources: K8sResource[];
  /** Findings about documents that did not yield a resource (or yielded one with parse problems). */
  findings: Finding[];
  /** Per-document outcomes for documents that are not resources (for the report's status counts). */
  problems: Array<{ docIndex: number; status: 'error' | 'empty'; templateFile?: string; line: number }>;
}

function isDocMarker(text: string, i: number): boolean {
  // `---` or `...` at column 0, followed by end of line, space or tab.
  const c = text.charCodeAt(i);
  if (c !== 45 && c !== 46) return false;
  if (text.charCodeAt(i + 1) !== c || text.charCodeAt(i + 2) !== c) return false;
  const n = text.charCodeAt(i + 3);
  return Number.isNaN(n) || n === 10 || n === 13 || n === 32 || n === 9;
}

const SOURCE_RE = /^# Source: (.+?)\s*$/m;

/**
 * Splits a stream into documents, keeping each document's first line and its `# Source:` comment, and
 * the offset of every line of the stream (the walk visits each one anyway).
 */
export function splitStream(input: string): StreamWindow {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  return splitWindow(text, 0, text.length, { docs: 0, lineBase: 0, atMarker: false });
}

/** What a window's split needs to know of the stream around it. */
interface WindowPlace {
  /** Documents of the stream before the window. */
  docs: number;
  /** Lines of the stream before the window. */
  lineBase: number;
  /** The window starts at a marker's line, at which the window before it ended (and decided about the document before the marker). */
  atMarker: boolean;
  /** Whether the marker whose line follows the window is `---` (not `...`); undefined when the stream ends with the window. */
  nextIsStart?: boolean;
}

/**
 * splitStream's walk over the window `[from, to)` of `text` (a whole stream is one window): `from` is
 * the stream's start or a marker's line, `to` the stream's end or the next marker's line. The window's
 * `lineStarts` are offsets into `text`, from the line at `from` to the one at `to`.
 */
function splitWindow(text: string, from: number, to: number, place: WindowPlace): StreamWindow {
  const docs: StreamDocument[] = [];
  let lineStarts = new Int32Array(1024);
  let start = from;
  let startLine = 1;
  let line = 1;
  let pos = from;
  const push = (end: number) => {
    const body = text.slice(start, end);
    const src = body.length < 4096 || body.startsWith('#') || body.includes('\n# Source: ') ? SOURCE_RE.exec(body.slice(0, 2048)) : null;
    // (Not a spread of `{ templateFile }`: copying properties into a literal is a runtime call per document.)
    docs.push({ index: place.docs + docs.length, line: place.lineBase + startLine, text: body, start, end, templateFile: src ? own(src[1]!) : undefined });
  };
  // At a marker: whether the text since the last one is a document (comments before the first `---` are
  // the stream's prefix, not a document).
  const endsDocument = (isStart: boolean, end: number) => place.docs + docs.length > 0 || !isStart || !isBlank(text.slice(start, end));
  for (;;) {
    if (line > lineStarts.length) {
      const bigger = new Int32Array(2 * lineStarts.length);
      bigger.set(lineStarts);
      lineStarts = bigger;
    }
    lineStarts[line - 1] = pos;
    // (The marker at `to` is the next window's.)
    if (pos < to && isDocMarker(text, pos)) {
      const isStart = text.charCodeAt(pos) === 45;
      if (!(pos === from && place.atMarker) && endsDocument(isStart, pos)) push(pos);
      // Content after `--- ` on the same line belongs to the next document.
      start = isStart ? pos + 3 : text.indexOf('\n', pos) + 1 || to;
      startLine = line;
      if (!isStart) {
        // after `...` the next document starts on the next line
        startLine = line + 1;
      }
    }
    const nl = text.indexOf('\n', pos);
    if (nl < 0 || nl >= to) break;
    pos = nl + 1;
    line++;
  }
  if (place.nextIsStart !== undefined) {
    // The window ends at the next marker's line: the walk decides there as it does at any marker.
    if (endsDocument(place.nextIsStart, to)) push(to);
  } else if (place.docs + docs.length === 0 || text.slice(start, to).trim() !== '') {
    // A trailing marker (`---\n` at the end) opens no document.
    push(to);
  }
  return { text, docs, lineStarts, lines: line, lineBase: place.lineBase };
}

/** Whether a line starts at `i` of `chunk` (which starts at a line's start) and is a document marker. */
function isMarkerLine(chunk: string, i: number): boolean {
  return (i === 0 || chunk.charCodeAt(i - 1) === 10) && isDocMarker(chunk, i);
}

/** Offsets of the first and the last document marker lines of `chunk` (which starts at a line's start); -1 if none. */
function markerLines(chunk: string): [first: number, last: number] {
  let first = -1;
  let last = -1;
  for (const marker of ['---', '...']) {
    // A hit not at a line start, or one followed by more than blanks (`----`, `...x`), is no marker.
    for (let i = chunk.indexOf(marker); i >= 0 && (first < 0 || i < first); i = chunk.indexOf(marker, i + 1)) {
      if (isMarkerLine(chunk, i)) {
        first = i;
        break;
      }
    }
    for (let i = chunk.lastIndexOf(marker); i > last; i = i > 0 ? chunk.lastIndexOf(marker, i - 1) : -1) {
      if (isMarkerLine(chunk, i)) {
        last = i;
        break;
      }
    }
  }
  return [first, last];
}

/**
 * splitStream for a stream read in pieces: windows with the very documents, lines and line offsets
 * splitStream gives the joined text. The documents between a piece's first and last marker lines are a
 * window into the piece itself (no copy); the text around a piece boundary, from one piece's last marker
 * line to the next one's first (usually one document), is joined into a window of its own. A piece that
 * does not end at a line break has its last line carried into the next. Only the pieces being read are
 * alive: a stream read from a file is never one string.
 */
export function* splitStreamChunks(chunks: Iterable<string>): Generator<StreamWindow, void, undefined> {
  const place: WindowPlace = { docs: 0, lineBase: 0, atMarker: false };
  /** The text since the last marker line that a window ended at, in pieces. */
  let carried: string[] = [];
  let partialLine = '';
  let first = true;
  const emit = (text: string, from: number, to: number, nextIsStart: boolean | undefined): StreamWindow => {
    const window = splitWindow(text, from, to, nextIsStart === undefined ? place : { ...place, nextIsStart });
    place.docs += window.docs.length;
    place.lineBase += window.lines - 1; // the window's last line is the next one's first
    place.atMarker = true;
    return window;
  };
  const joined = () => (carried.length === 1 ? carried[0]! : carried.join(''));
  for (const piece of chunks) {
    if (piece.length === 0) continue;
    let chunk = partialLine + (first && piece.charCodeAt(0) === 0xfeff ? piece.slice(1) : piece);
    first = false;
    const lastBreak = chunk.lastIndexOf('\n');
    partialLine = chunk.slice(lastBreak + 1);
    chunk = chunk.slice(0, lastBreak + 1);
    if (chunk.length === 0) continue;
    const [firstMarker, lastMarker] = markerLines(chunk);
    if (firstMarker < 0) {
      carried.push(chunk);
      continue;
    }
    if (firstMarker > 0 || carried.length > 0) {
      if (firstMarker > 0) carried.push(chunk.slice(0, firstMarker));
      const text = joined();
      yield emit(text, 0, text.length, chunk.charCodeAt(firstMarker) === 45);
    }
    if (lastMarker > firstMarker) yield emit(chunk, firstMarker, lastMarker, chunk.charCodeAt(lastMarker) === 45);
    carried = [lastMarker === 0 ? chunk : chunk.slice(lastMarker)];
  }
  if (partialLine) carried.push(partialLine);
  const text = joined();
  yield emit(text, 0, text.length, undefined);
}

function isBlank(text: string): boolean {
  return !/^[ \t]*[^#\s]/m.test(text);
}

function mightHaveAliases(text: string): boolean {
  return text.includes('*') && /(^|[\s[{,:-])\*[^\s,[\]{}]/.test(text);
}

/** Counts nodes of a parsed value as if aliases were expanded; stops at `limit`. */
function expandedSize(value: unknown, limit: number): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (++count > limit) return count;
    if (v && typeof v === 'object') {
      if (Array.isArray(v)) for (let i = 0; i < v.length; i++) stack.push(v[i]);
      else for (const k in v as Record<string, unknown>) stack.push((v as Record<string, unknown>)[k]);
    }
  }
  return count;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

export interface ParseOptions {
  /** Label of the input: a file path, `-`, or a render label. */
  source: string;
  /** File reported for findings when a document has no `# Source:` comment (default: source). */
  file?: string;
  /** Maps a `# Source:` path to a file on disk (for template line lookup); identity if absent. */
  templatePath?: (templateFile: string) => string;
}

/**
 * Parses one manifest stream: its text, or its text in pieces (see splitStreamChunks; the same result,
 * without the stream ever being one string). Never throws for bad YAML: problems become findings.
 */
export function parseManifests(input: string | Iterable<string>, options: ParseOptions): ParsedStream {
  const resources: K8sResource[] = [];
  const findings: Finding[] = [];
  const problems: ParsedStream['problems'] = [];
  const fileOf = (d: StreamDocument) => (d.templateFile ? (options.templatePath?.(d.templateFile) ?? d.templateFile) : (options.file ?? options.source));
  /** A first document that is blank: counted only if the stream has others (known at its end). */
  let blankFirst: ParsedStream['problems'][number] | undefined;
  let documents = 0;

  for (const split of typeof input === 'string' ? [splitStream(input)] : splitStreamChunks(input)) {
    documents += split.docs.length;
    // The fast reader reads each document in place in the window.
    const stream = FAST_READER ? new FastStream(split.text, split.lineStarts, split.lines) : undefined;
    for (const doc of split.docs) {
      // A document the fast reader reads has a mapping at its root, so it is not blank: no need to look.
      const fast = stream ? readFastDocumentIn(stream, doc.start, doc.end, doc.line - 1 - split.lineBase) : undefined;
      if (!fast && isBlank(doc.text)) {
        // Empty documents (only comments or whitespace between markers) are skipped and counted.
        const problem = { docIndex: doc.index, status: 'empty' as const, line: doc.line, ...(doc.templateFile ? { templateFile: doc.templateFile } : {}) };
        if (doc.index > 0 || doc.text.trim() !== '') problems.push(problem);
        else blankFirst = problem;
        continue;
      }
      const base = { source: options.source, file: fileOf(doc), docIndex: doc.index };
      const fail = (policyId: string, message: string, pos: Position | undefined, extra: Partial<Finding> = {}) => {
        const streamLine = pos?.line ?? doc.line;
        // In a render the stream is not a file: the template is reported, and the rendered line beside it.
        const at = doc.templateFile ? {} : { line: streamLine, ...(pos ? { column: pos.column } : {}) };
        findings.push({ policyId, severity: 'error', message, ...base, ...at, streamLine, ...extra });
      };
      let value: unknown;
      const before = findings.length;
      if (fast) value = fast.value;
      else {
        try {
          recorder.start();
          value = jsyaml.load(doc.text, { schema: SCHEMA, listener: recorder.listener });
        } catch (err) {
          const e = err as { reason?: string; mark?: { line: number; column: number }; message?: string };
          const pos = e.mark ? { line: doc.line + e.mark.line, column: e.mark.column + 1 } : undefined;
          if (e.reason && /duplicated mapping key/.test(e.reason)) {
            // Report every duplicate with its pointer, then continue with last-wins semantics.
            for (const dup of duplicateKeyPointers(doc.text)) {
              fail('yaml/duplicate-key', `duplicate key \`${dup.key}\`: YAML keeps only one of them and silently drops the other`, { line: doc.line + dup.line - 1, column: dup.column }, {
                jsonPointer: dup.pointer,
                hint: 'remove one of the duplicate keys',
              });
            }
            try {
              recorder.start();
              value = jsyaml.load(doc.text, { schema: SCHEMA, json: true, listener: recorder.listener });
            } catch {
              problems.push({ docIndex: doc.index, status: 'error', line: doc.line });
              continue;
            }
          } else if (err instanceof RangeError) {
            fail('yaml/syntax', 'document is nested too deeply to parse', { line: doc.line, column: 1 });
            problems.push({ docIndex: doc.index, status: 'error', line: doc.line });
            continue;
          } else {
            fail('yaml/syntax', `malformed YAML: ${e.reason ?? e.message ?? String(err)}`, pos, { hint: 'fix the YAML syntax at that position (indentation, a missing colon or quote)' });
            problems.push({ docIndex: doc.index, status: 'error', line: doc.line });
            continue;
          }
        }
      }
      if (value === null || value === undefined) {
        problems.push({ docIndex: doc.index, status: 'empty', line: doc.line });
        continue;
      }
      // js-yaml shares aliased nodes instead of copying them, so a bomb costs nothing until something
      // walks the value; count its expanded size first (only when the text can contain an alias at all).
      const expansionLimit = Math.min(MAX_EXPANDED_NODES, 1000 + doc.text.length * 20);
      if (!fast && mightHaveAliases(doc.text) && expandedSize(value, expansionLimit) > expansionLimit) {
        fail('yaml/alias-bomb', 'aliases expand this document far beyond its size (a YAML "billion laughs" bomb?); it was not expanded', { line: doc.line, column: 1 }, { hint: 'write the values out instead of nesting aliases' });
        problems.push({ docIndex: doc.index, status: 'error', line: doc.line });
        continue;
      }
      if (typeof value !== 'object' || Array.isArray(value)) {
        fail('yaml/not-a-mapping', `document is ${describe(value)}, not a Kubernetes object (a mapping with apiVersion and kind)`, { line: doc.line, column: 1 });
        problems.push({ docIndex: doc.index, status: 'error', line: doc.line });
        continue;
      }
      const locateDoc = fast ? lazyLocator(undefined, doc.line, fast.frames, value, fast.text) : lazyLocator(recorder.parsedText(doc.text), doc.line, recorder.frames(), value);
      const obj = value as Record<string, unknown>;
      if (obj.kind === 'List' && Array.isArray(obj.items) && (obj.apiVersion === 'v1' || obj.apiVersion === undefined)) {
        obj.items.forEach((item, i) => {
          if (!item || typeof item !== 'object' || Array.isArray(item)) {
            fail('yaml/not-a-mapping', `List item ${i} is ${describe(item)}, not a Kubernetes object`, locateDoc(`/items/${i}`), { jsonPointer: `/items/${i}` });
            return;
          }
          const r = toResource(item as Record<string, unknown>, doc, options, fileOf(doc), itemLocator(locateDoc, i), fail, i);
          if (r) resources.push(r);
          else problems.push({ docIndex: doc.index, status: 'error', line: doc.line });
        });
        continue;
      }
      const r = toResource(obj, doc, options, fileOf(doc), locateDoc, fail);
      if (r) {
        resources.push(r);
        // Findings from parsing this document (duplicate keys) belong to the resource.
        for (let i = before; i < findings.length; i++) Object.assign(findings[i]!, { apiVersion: r.apiVersion, kind: r.kind, name: r.name, ...(r.namespace !== undefined ? { namespace: r.namespace } : {}) });
      } else problems.push({ docIndex: doc.index, status: 'error', line: doc.line });
    }
  }
  if (blankFirst && documents > 1) problems.unshift(blankFirst);
  return { resources, findings, problems };
}

/** Indexes of the documents located most recently (findings are located document by document). */
const recentIndexes = new PositionIndexCache<Frames>();
/** Where each node of the document being parsed starts (kept compactly for every document). */
const recorder = new FrameRecorder();

/**
 * Captures neither the document nor the stream: for js-yaml's documents only its parsed copy of the text
 * (see FrameRecorder.parsedText), for the fast reader's no text at all (a text-less record; `keysText`
 * only when a key is integer-like, see FastDocument.text).
 */
function lazyLocator(text: string | undefined, line: number, frames: Frames, value: unknown, keysText?: string): (pointer: string) => Position | undefined {
  // The frames are the document's own view: they key the cache.
  return (pointer) => (recentIndexes.recent(frames) ?? recentIndexes.get(frames, () => recordedPositionIndex(text, line, frames, value, keysText))).locate(pointer);
}

/**
 * The locator of a List's item `i`. Made outside parseManifests's loop: a closure made in it would keep
 * the loop's scope alive with the resource, and with it the document's text, a slice of the whole stream.
 */
function itemLocator(locateDoc: (pointer: string) => Position | undefined, i: number): (pointer: string) => Position | undefined {
  return (p) => locateDoc(`/items/${i}${p}`);
}

function toResource(
  obj: Record<string, unknown>,
  doc: StreamDocument,
  options: ParseOptions,
  file: string,
  locate: (p: string) => Position | undefined,
  fail: (policyId: string, message: string, pos: Position | undefined, extra?: Partial<Finding>) => void,
  itemIndex?: number,
): K8sResource | undefined {
  const prefix = itemIndex === undefined ? '' : `/items/${itemIndex}`;
  const meta = obj.metadata && typeof obj.metadata === 'object' && !Array.isArray(obj.metadata) ? (obj.metadata as Record<string, unknown>) : {};
  const name = typeof meta.name === 'string' ? meta.name : typeof meta.generateName === 'string' ? `${meta.generateName}*` : '';
  const namespace = typeof meta.namespace === 'string' ? meta.namespace : undefined;
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  if (!kind || !apiVersion) {
    const missing = !apiVersion && !kind ? 'apiVersion and kind' : !kind ? 'kind' : 'apiVersion';
    const ptr = !kind ? '/kind' : '/apiVersion';
    fail('kube-schema/missing-type', `missing ${missing}: every Kubernetes object needs both`, locate(''), {
      jsonPointer: `${prefix}${ptr}`,
      ...(kind ? { kind } : {}),
      ...(name ? { name } : {}),
      hint: 'add `apiVersion:` and `kind:` at the top of the document',
    });
    return undefined;
  }
  return {
    source: options.source,
    docIndex: doc.index,
    ...(doc.templateFile ? { templateFile: doc.templateFile } : {}),
    ...(itemIndex !== undefined ? { itemIndex } : {}),
    file,
    line: doc.line,
    apiVersion,
    kind,
    name,
    ...(namespace !== undefined ? { namespace } : {}),
    object: obj,
    locate,
  };
}
