/** Strict UTF-8: agrees with the WHATWG fatal decoder on every byte string, and says where it breaks. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { NexusError } from '../../util/errors.ts';
import { decodeUtf8, firstInvalidUtf8, utf8FileChunks } from '../../util/utf8.ts';

const dir = mkdtempSync(join(tmpdir(), 'nexus-utf8-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function thrown(f: () => unknown): NexusError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(NexusError);
    return e as NexusError;
  }
  throw new Error('nothing was thrown');
}

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

describe('utf8FileChunks', () => {
  const texts = fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.constantFrom('\n', '\r\n', '---\n', 'é', '日本', '😀', '\ufeff')), { maxLength: 40 }).map((parts) => parts.join(''));

  it('pieces end at line breaks and join to decodeUtf8\'s text, whatever the buffer size (random files)', () => {
    const file = join(dir, 'random.yaml');
    let n = 0;
    fc.assert(
      fc.property(texts, fc.boolean(), fc.constantFrom(1, 2, 3, 5, 16, 4096), (text, bom, chunkBytes) => {
        const bytes = Buffer.from(bom ? `\ufeff${text}` : text);
        writeFileSync(file, bytes);
        const pieces = [...utf8FileChunks(file, 'random.yaml', chunkBytes)];
        expect(pieces.join('')).toBe(decodeUtf8(bytes, 'random.yaml'));
        pieces.slice(0, -1).forEach((p) => expect(p.endsWith('\n')).toBe(true));
        expect(pieces.every((p) => p.length > 0)).toBe(true);
        n++;
      }),
      { numRuns: 1500, seed: 20261206 },
    );
    expect(n).toBe(1500);
  });

  it('reads a file whose lines are longer than the buffer, and an empty file', () => {
    const file = join(dir, 'long.yaml');
    const text = `a: ${'x'.repeat(300_000)}\nb: ${'é'.repeat(100_000)}\nc: 1`;
    writeFileSync(file, text);
    expect([...utf8FileChunks(file, 'long.yaml')]).toEqual([`a: ${'x'.repeat(300_000)}\nb: ${'é'.repeat(100_000)}\n`, 'c: 1']);
    writeFileSync(file, '');
    expect([...utf8FileChunks(file, 'long.yaml')]).toEqual([]);
  });

  it('invalid UTF-8 far into a file: decodeUtf8\'s error, with the line and column in the whole file', () => {
    const file = join(dir, 'bad.yaml');
    const bytes = Buffer.concat([Buffer.from('a: 1\n'.repeat(50_000)), Buffer.from('name: "Zo'), Buffer.from([0xeb]), Buffer.from('"\nz: 2\n')]);
    writeFileSync(file, bytes);
    const err = thrown(() => [...utf8FileChunks(file, 'bad.yaml', 1024)]);
    expect(err).toEqual(thrown(() => decodeUtf8(readFileSync(file), 'bad.yaml')));
    expect(err.location).toEqual({ file: 'bad.yaml', line: 50_001, column: 10 });
  });

  it('invalid UTF-8 from a pipe (which cannot be read again): the offset, and the same hint', async () => {
    const fifo = join(dir, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status, 'mkfifo (coreutils) is needed').toBe(0);
    // A writer process: the read below blocks this thread until the pipe is written and closed.
    const writer = spawn('sh', ['-c', `printf 'a: 1\\nb: \\377\\n' > ${JSON.stringify(fifo)}`]);
    const err = thrown(() => [...utf8FileChunks(fifo, 'fifo')]);
    await new Promise((resolve) => writer.on('close', resolve));
    expect(err.message).toBe('invalid UTF-8 at offset 8');
    expect(err.location).toEqual({ file: 'fifo' });
    expect(err.hint).toMatch(/iconv/);
  });
});
