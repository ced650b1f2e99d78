/** Strict UTF-8: agrees with the WHATWG fatal decoder on every byte string, and says where it breaks. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NexusError } from '../../util/errors.ts';
import { decodeUtf8, firstInvalidUtf8 } from '../../util/utf8.ts';

describe('firstInvalidUtf8', () => {
  it('accepts exactly what a fatal TextDecoder accepts (random bytes)', () => {
    const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (bytes) => {
        let valid = true;
        try {
          fatal.decode(bytes);
        } catch {
          valid = false;
        }
        return (firstInvalidUtf8(bytes) === -1) === valid;
      }),
      { numRuns: 50_000 },
    );
  });
  it('accepts every well-formed string', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => firstInvalidUtf8(Buffer.from(s)) === -1), { numRuns: 5_000 });
  });
});

describe('decodeUtf8', () => {
  it('reports the line and column (in characters) of the first bad byte', () => {
    const bytes = Buffer.concat([Buffer.from('global:\n  name: "Zoë '), Buffer.from([0xe9]), Buffer.from('"\n')]);
    const err = (() => {
      try {
        decodeUtf8(bytes, 'values.yaml');
      } catch (e) {
        return e;
      }
    })() as NexusError;
    expect(err).toBeInstanceOf(NexusError);
    expect(err.message).toBe('invalid UTF-8 (byte 0xe9 0x22 0x0a at offset 22)');
    expect(err.location).toEqual({ file: 'values.yaml', line: 2, column: 14 });
    expect(err.hint).toMatch(/iconv/);
  });
  it('accepts and decodes exactly what a fatal TextDecoder does (random bytes, the native fast path)', () => {
    const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (bytes) => {
        let expected: string | undefined;
        try {
          expected = fatal.decode(bytes).replace(/^\ufeff/, '');
        } catch {
          expected = undefined;
        }
        let actual: string | undefined;
        try {
          actual = decodeUtf8(bytes, 'x');
        } catch (e) {
          expect(e).toBeInstanceOf(NexusError);
          actual = undefined;
        }
        return actual === expected;
      }),
      { numRuns: 20_000 },
    );
  });
  it('decodes a view into a larger buffer without reading outside it', () => {
    const whole = Buffer.from('xxa: é\nyy');
    expect(decodeUtf8(whole.subarray(2, whole.length - 2), 'x')).toBe('a: é\n');
  });
  it('drops a byte-order mark', () => {
    expect(decodeUtf8(Buffer.from('\ufeffa: 1\n'), 'x')).toBe('a: 1\n');
  });
});
