/**
 * IP addresses and CIDR prefixes for the Kubernetes CEL `ip`/`cidr` libraries, parsed as strictly as
 * the API server does (netip: no IPv4 leading zeros, no IPv6 zones), as 128-bit BigInts so that
 * containment and masking are plain arithmetic.
 */
import { isIP } from 'node:net';

export class IP {
  constructor(
    readonly family: 4 | 6,
    readonly value: bigint,
    readonly text: string,
  ) {}

  static parse(s: string): IP | undefined {
    if (s.includes('%')) return undefined; // zones are refused
    const fam = isIP(s);
    if (fam === 4) {
      const parts = s.split('.');
      if (parts.some((p) => p.length > 1 && p.startsWith('0'))) return undefined;
      return new IP(4, parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n), s);
    }
    if (fam === 6) {
      if (/\d+\.\d+\.\d+\.\d+$/.test(s)) {
        // IPv4-mapped/embedded forms: parse the tail as IPv4
        const tail = s.slice(s.lastIndexOf(':') + 1);
        const v4 = IP.parse(tail);
        if (!v4) return undefined;
        const head = IP.parse(`${s.slice(0, s.lastIndexOf(':') + 1)}0:0`);
        return head ? new IP(6, head.value | v4.value, s) : undefined;
      }
      const [left, right] = s.includes('::') ? s.split('::') : [s, undefined];
      const l = left ? left.split(':') : [];
      const r = right ? right.split(':') : [];
      const groups = right === undefined ? l : [...l, ...Array(8 - l.length - r.length).fill('0'), ...r];
      return new IP(6, groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n), s);
    }
    return undefined;
  }

  get bits(): number {
    return this.family === 4 ? 32 : 128;
  }

  /** Canonical text (RFC 5952 for IPv6). */
  toString(): string {
    if (this.family === 4) return [24n, 16n, 8n, 0n].map((sh) => String((this.value >> sh) & 255n)).join('.');
    const groups = Array.from({ length: 8 }, (_, i) => Number((this.value >> BigInt(112 - 16 * i)) & 0xffffn));
    let best = -1;
    let bestLen = 1;
    for (let i = 0; i < 8; ) {
      if (groups[i] !== 0) {
        i++;
        continue;
      }
      let j = i;
      while (j < 8 && groups[j] === 0) j++;
      if (j - i > bestLen) {
        best = i;
        bestLen = j - i;
      }
      i = j;
    }
    const hex = groups.map((g) => g.toString(16));
    if (best < 0) return hex.join(':');
    return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
  }

  isUnspecified(): boolean {
    return this.value === 0n;
  }

  isLoopback(): boolean {
    return this.family === 4 ? this.value >> 24n === 127n : this.value === 1n;
  }

  isLinkLocalMulticast(): boolean {
    return this.family === 4 ? this.value >> 8n === 0xe00000n : this.value >> 112n === 0xff02n;
  }

  isLinkLocalUnicast(): boolean {
    return this.family === 4 ? this.value >> 16n === 0xa9fen : this.value >> 118n === 0x3fan;
  }

  isGlobalUnicast(): boolean {
    if (this.isUnspecified() || this.isLoopback() || this.isLinkLocalUnicast() || this.isLinkLocalMulticast()) return false;
    if (this.family === 4) return this.value !== 0xffffffffn && this.value >> 28n !== 0xen;
    return this.value >> 120n !== 0xffn;
  }
}

export class CIDR {
  constructor(
    readonly ip: IP,
    readonly prefix: number,
    readonly text: string,
  ) {}

  static parse(s: string): CIDR | undefined {
    const slash = s.indexOf('/');
    if (slash < 0) return undefined;
    const ip = IP.parse(s.slice(0, slash));
    const p = s.slice(slash + 1);
    if (!ip || !/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > ip.bits) return undefined;
    return new CIDR(ip, Number(p), s);
  }

  private mask(): bigint {
    const bits = BigInt(this.ip.bits);
    return ((1n << bits) - 1n) ^ ((1n << (bits - BigInt(this.prefix))) - 1n);
  }

  masked(): CIDR {
    const ip = new IP(this.ip.family, this.ip.value & this.mask(), '');
    return new CIDR(ip, this.prefix, `${ip.toString()}/${this.prefix}`);
  }

  containsIP(ip: IP): boolean {
    return ip.family === this.ip.family && (ip.value & this.mask()) === (this.ip.value & this.mask());
  }

  containsCIDR(o: CIDR): boolean {
    return o.ip.family === this.ip.family && o.prefix >= this.prefix && this.containsIP(o.ip);
  }

  toString(): string {
    return `${this.ip.toString()}/${this.prefix}`;
  }
}
