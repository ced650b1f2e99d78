/**
 * Strict UTF-8 decoding for inputs a person wrote (values files, manifests, stdin). Node's 'utf8'
 * decoding silently replaces bad bytes with U+FFFD, which would let a corrupted file "pass"; helm
 * and the API server reject it. The position of the first bad byte is reported as line:column.
 */
import { isUtf8 } from 'node:buffer';
import { NexusError } from './errors.ts';

/** Byte offset of the first byte that does not start a valid UTF-8 sequence, or -1 (RFC 3629). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i; // a continuation byte out of place, an overlong lead (C0, C1) or beyond U+10FFFF
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i; // truncated, or not a continuation byte
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i; // overlong, too large, surrogate
    i += need + 1;
  }
  return -1;
}

/** 1-based line and column (in characters) of byte `offset`. */
function positionOf(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  const before = Buffer.from(bytes.subarray(lineStart, offset)).toString('utf8');
  return { line, column: [...before].length + 1 };
}

/** The text of `bytes`, or a NexusError at the first invalid byte. A leading BOM is dropped. */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  // node:buffer's isUtf8 (simdutf) checks the same RFC 3629 rules natively, ~50x faster than the scan
  // below, which then runs only for a file that is invalid, to say where.
  const bad = isUtf8(bytes) ? -1 : firstInvalidUtf8(bytes);
  if (bad >= 0) {
    const { line, column } = positionOf(bytes, bad);
    const shown = [...bytes.subarray(bad, bad + 4)].map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(' ');
    throw new NexusError(`invalid UTF-8 (byte ${shown} at offset ${bad})`, {
      location: { file, line, column },
      hint: 'save the file as UTF-8 (it may be Latin-1 or Windows-1252 encoded: `iconv -f latin1 -t utf-8`)',
    });
  }
  // A view, not a copy (Buffer.from(Uint8Array) copies every byte).
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
