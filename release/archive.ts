/**
 * Chart archives (.tgz) as data: read the entries of a gzip'd tar, and rewrite one canonically.
 *
 * Why a canonical form: `helm package` is not reproducible for an umbrella chart. Helm 4 and 3 both
 * load `charts/` through a Go map, so subcharts land in the tarball in a random rotation (12 runs
 * of helm 4 on our 7 subcharts gave 6 different archives). Helm 4 also stamps each file's mtime,
 * Helm 3 the current time. We keep every byte helm wrote (headers, contents, its gzip header) and
 * change only three things: entries are sorted (the root Chart.yaml first, then by path), every
 * mtime is one fixed epoch, and the gzip stream is compressed by pinned fflate. Same sources →
 * same bytes, whatever the clock or map order.
 *
 * Pure: Buffers in, Buffers out.
 */
import { deflateSync, gunzipSync } from 'fflate';
import { NexusError } from '../util/errors.ts';

const BLOCK = 512;
/** 1980-01-01T00:00:00Z: the reproducible-builds convention (ZIP's epoch); far from "now" on purpose. */
export const CANONICAL_MTIME = 315532800;

export interface ArchiveEntry {
  /** Full path inside the archive, e.g. `nexus/charts/backend/Chart.yaml`. */
  path: string;
  type: string;
  data: Uint8Array;
  /** Raw header blocks (extended headers first, the entry's own header last), then padded data. */
  raw: Uint8Array[];
}

function readString(block: Uint8Array, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const nul = field.indexOf(0);
  return Buffer.from(nul === -1 ? field : field.subarray(0, nul)).toString('utf8');
}

function readOctal(block: Uint8Array, start: number, length: number, what: string): number {
  if ((block[start]! & 0x80) !== 0) throw new NexusError(`chart archive: base-256 ${what} fields are not supported`);
  const text = readString(block, start, length).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function writeOctal(block: Uint8Array, start: number, length: number, value: number): void {
  const digits = value.toString(8).padStart(length - 1, '0');
  if (digits.length > length - 1) throw new NexusError(`chart archive: value ${value} does not fit a ${length}-byte tar field`);
  block.set(Buffer.from(`${digits}\0`, 'ascii'), start);
}

function checksum(block: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  return sum;
}

function paxPath(data: Uint8Array): string | undefined {
  // Records are "<len> <key>=<value>\n", <len> counting the whole record in bytes.
  const buf = Buffer.from(data);
  let pos = 0;
  while (pos < buf.length) {
    const space = buf.indexOf(0x20, pos);
    const len = space < 0 ? NaN : parseInt(buf.toString('ascii', pos, space), 10);
    if (!(len > 0)) break;
    const record = buf.toString('utf8', space + 1, pos + len - 1);
    const eq = record.indexOf('=');
    if (record.slice(0, eq) === 'path') return record.slice(eq + 1);
    pos += len;
  }
  return undefined;
}

/** Splits an uncompressed tar into entries (extended headers are kept with the entry they describe). */
export function readTar(tar: Uint8Array): ArchiveEntry[] {
  const entries: ArchiveEntry[] = [];
  let pending: Uint8Array[] = [];
  let longName: string | undefined;
  let offset = 0;
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break;
    if (readOctal(header, 148, 8, 'checksum') !== checksum(header)) throw new NexusError(`chart archive: bad tar header checksum at byte ${offset}`);
    const size = readOctal(header, 124, 12, 'size');
    const type = String.fromCharCode(header[156] || 0x30);
    const dataEnd = offset + BLOCK + size;
    const padded = offset + BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (dataEnd > tar.length) throw new NexusError('chart archive: truncated tar stream');
    const data = tar.subarray(offset + BLOCK, dataEnd);
    const raw = tar.subarray(offset, padded);
    offset = padded;
    if (type === 'x' || type === 'L' || type === 'g') {
      pending.push(raw);
      if (type === 'x') longName = paxPath(data) ?? longName;
      if (type === 'L') longName = readString(data, 0, data.length);
      continue;
    }
    const prefix = readString(header, 345, 155);
    const name = readString(header, 0, 100);
    const path = longName ?? (prefix ? `${prefix}/${name}` : name);
    entries.push({ path, type, data, raw: [...pending, raw] });
    pending = [];
    longName = undefined;
  }
  return entries;
}

export function readChartArchive(tgz: Uint8Array): ArchiveEntry[] {
  let tar: Uint8Array;
  try {
    tar = gunzipSync(tgz);
  } catch (err) {
    throw new NexusError(`not a gzip'd chart archive: ${(err as Error).message}`, { cause: err });
  }
  return readTar(tar);
}

/** Sets the mtime of every header block in an entry's raw bytes and fixes the checksums (copies). */
function restamp(raw: Uint8Array[], mtime: number): Uint8Array[] {
  return raw.map((chunk) => {
    const copy = Uint8Array.from(chunk);
    const header = copy.subarray(0, BLOCK);
    writeOctal(header, 136, 12, mtime);
    const sum = checksum(header).toString(8).padStart(6, '0');
    header.set(Buffer.from(`${sum}\0 `, 'ascii'), 148);
    return copy;
  });
}

/** The gzip header helm wrote (its FEXTRA/FCOMMENT kept), with MTIME zeroed and no header CRC. */
function gzipHeaderOf(tgz: Uint8Array): Uint8Array {
  if (tgz[0] !== 0x1f || tgz[1] !== 0x8b || tgz[2] !== 8) throw new NexusError('chart archive: not a gzip stream');
  const flags = tgz[3]!;
  let end = 10;
  if (flags & 0x04) end += 2 + (tgz[end]! | (tgz[end + 1]! << 8));
  if (flags & 0x08) end = tgz.indexOf(0, end) + 1;
  if (flags & 0x10) end = tgz.indexOf(0, end) + 1;
  const header = Uint8Array.from(tgz.subarray(0, end));
  header[3] = flags & ~0x02;
  header.fill(0, 4, 8);
  return header;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function canonicalOrder(root: string) {
  const first = `${root}/Chart.yaml`;
  return (a: ArchiveEntry, b: ArchiveEntry) => {
    if (a.path === first || b.path === first) return a.path === first ? -1 : 1;
    return Buffer.compare(Buffer.from(a.path), Buffer.from(b.path));
  };
}

/** Rewrites a helm-made chart archive canonically (see the module comment). */
export function canonicalizeChartArchive(tgz: Uint8Array, mtime = CANONICAL_MTIME): Uint8Array {
  const entries = readChartArchive(tgz);
  const root = entries[0]?.path.split('/')[0];
  if (!root) throw new NexusError('chart archive is empty');
  const blocks = [...entries].sort(canonicalOrder(root)).flatMap((e) => restamp(e.raw, mtime));
  const tar = Buffer.concat([...blocks, new Uint8Array(2 * BLOCK)]);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(tar), 0);
  trailer.writeUInt32LE(tar.length >>> 0, 4);
  return Buffer.concat([gzipHeaderOf(tgz), deflateSync(tar, { level: 9 }), trailer]);
}

/** path → contents, for comparing what two archives carry regardless of order and timestamps. */
export function archiveContents(tgz: Uint8Array): Map<string, Buffer> {
  return new Map(readChartArchive(tgz).filter((e) => e.type === '0').map((e) => [e.path, Buffer.from(e.data)]));
}

/** Paths whose contents differ between two archives (added, removed or changed), sorted. */
export function diffArchives(a: Uint8Array, b: Uint8Array): string[] {
  const ca = archiveContents(a);
  const cb = archiveContents(b);
  const paths = new Set([...ca.keys(), ...cb.keys()]);
  return [...paths].filter((p) => !ca.get(p)?.equals(cb.get(p) ?? Buffer.alloc(0)) || !cb.has(p) || !ca.has(p)).sort();
}
