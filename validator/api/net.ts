/**
 * IP addresses and CIDRs the way the API server reads them. Two parsers matter:
 *  - the "sloppy" one (k8s.io/utils/net, Go's pre-1.17 net.ParseIP): IPv4 octets may carry leading
 *    zeros (read as decimal), which is what most fields still accept;
 *  - the strict one (Go's net/netip): no leading zeros. Values that only the sloppy parser accepts
 *    draw a warning, and are rejected where strict validation applies.
 * Addresses are 16-byte arrays (IPv4 as IPv4-mapped IPv6, like Go's net.IP).
 */

export interface ParsedIP {
  bytes: Uint8Array;
  /** Written as IPv4 (dotted quad, no colon). */
  v4: boolean;
}

function parseV4(s: string, strict: boolean): Uint8Array | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^[0-9]{1,3}$/.test(p) && !(!strict && /^[0-9]+$/.test(p))) return undefined;
    if (strict && p.length > 1 && p.startsWith('0')) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

function parseV6(s: string, strict: boolean): Uint8Array | undefined {
  if (s.length === 0) return undefined;
  const out = new Uint8Array(16);
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return undefined;
  const head = dbl >= 0 ? s.slice(0, dbl) : s;
  const tail = dbl >= 0 ? s.slice(dbl + 2) : '';
  const groups = (part: string, allowV4Last: boolean): number[] | undefined => {
    if (part === '') return [];
    const fields = part.split(':');
    const words: number[] = [];
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      if (allowV4Last && i === fields.length - 1 && f.includes('.')) {
        const v4 = parseV4(f, strict);
        if (!v4) return undefined;
        words.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(f)) return undefined;
      words.push(parseInt(f, 16));
    }
    return words;
  };
  const h = groups(head, dbl < 0);
  const t = groups(tail, true);
  if (!h || !t) return undefined;
  if (dbl < 0 ? h.length !== 8 : h.length + t.length > 7) return undefined;
  const words = [...h, ...new Array(8 - h.length - t.length).fill(0), ...t];
  for (let i = 0; i < 8; i++) {
    out[2 * i] = words[i]! >> 8;
    out[2 * i + 1] = words[i]! & 0xff;
  }
  return out;
}

const V4_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

function mapped(v4: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  out.set(V4_PREFIX);
  out.set(v4, 12);
  return out;
}

/** Go's (pre-1.17) net.ParseIP, as k8s.io/utils/net.ParseIPSloppy. */
export function parseIPSloppy(s: string): ParsedIP | undefined {
  if (s.includes(':')) {
    const b = parseV6(s, false);
    return b ? { bytes: b, v4: false } : undefined;
  }
  const b = parseV4(s, false);
  return b ? { bytes: mapped(b), v4: true } : undefined;
}

/** Go's net/netip.ParseAddr (no zones handled: Kubernetes fields never carry them). */
export function parseIPStrict(s: string): ParsedIP | undefined {
  if (s.includes(':')) {
    const b = parseV6(s, true);
    return b ? { bytes: b, v4: false } : undefined;
  }
  const b = parseV4(s, true);
  return b ? { bytes: mapped(b), v4: true } : undefined;
}

export function isIPv4(ip: ParsedIP): boolean {
  for (let i = 0; i < 12; i++) if (ip.bytes[i] !== V4_PREFIX[i]) return false;
  return true;
}

/** Written as IPv6 but is an IPv4-mapped address (`::ffff:1.2.3.4`). */
export const is4In6 = (ip: ParsedIP) => !ip.v4 && isIPv4(ip);

/** RFC 5952 text of an IPv6 address (lower case, no leading zeros, the longest zero run as `::`). */
export function canonicalIPv6(bytes: Uint8Array): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((bytes[2 * i]! << 8) | bytes[2 * i + 1]!);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (ws: number[]) => ws.map((w) => w.toString(16)).join(':');
  if (bestStart < 0) return hex(words);
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLen))}`;
}

/** The IP as Go's net.IP.String() prints it (IPv4-mapped addresses as dotted quads). */
export function formatIP(ip: ParsedIP): string {
  if (isIPv4(ip)) return [...ip.bytes.slice(12)].join('.');
  return canonicalIPv6(ip.bytes);
}

export interface ParsedCIDR {
  ip: ParsedIP;
  /** Prefix length in the address's own family (0–32 for IPv4, 0–128 for IPv6). */
  bits: number;
  /** The network address (host bits cleared), 16 bytes. */
  network: Uint8Array;
}

function parseCIDRWith(s: string, parseIP: (x: string) => ParsedIP | undefined, strict: boolean): ParsedCIDR | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIP(s.slice(0, slash));
  const len = s.slice(slash + 1);
  if (!ip || !/^[0-9]+$/.test(len) || (strict && len.length > 1 && len.startsWith('0'))) return undefined;
  const bits = Number(len);
  const family = isIPv4(ip) && ip.v4 ? 32 : 128;
  if (bits > family) return undefined;
  const total = family === 32 ? bits + 96 : bits;
  const network = new Uint8Array(ip.bytes);
  for (let i = 0; i < 128; i++) if (i >= total) network[i >> 3] = network[i >> 3]! & ~(0x80 >> (i & 7));
  return { ip, bits, network };
}

/** Go's net.ParseCIDR as k8s.io/utils/net.ParseCIDRSloppy (leading zeros allowed). */
export const parseCIDRSloppy = (s: string) => parseCIDRWith(s, parseIPSloppy, false);
/** Go's net/netip.ParsePrefix. */
export const parseCIDRStrict = (s: string) => parseCIDRWith(s, parseIPStrict, true);

export const isV4CIDR = (c: ParsedCIDR) => isIPv4(c.ip) && c.ip.v4;

/** `inner` lies inside `outer` (same family, outer's prefix covers inner's network address). */
export function cidrContains(outer: ParsedCIDR, inner: ParsedCIDR): boolean {
  if (isV4CIDR(outer) !== isV4CIDR(inner)) return false;
  const total = isV4CIDR(outer) ? outer.bits + 96 : outer.bits;
  for (let i = 0; i < total; i++) {
    const mask = 0x80 >> (i & 7);
    if ((outer.network[i >> 3]! & mask) !== (inner.ip.bytes[i >> 3]! & mask)) return false;
  }
  return true;
}

export const sameBytes = (a: Uint8Array, b: Uint8Array) => a.every((x, i) => x === b[i]);
