/**
 * Kubernetes resource quantities (`500m`, `1.5Gi`, `2e3`) as exact fractions, for the CEL quantity
 * library (`quantity()`, `isQuantity()`, compare, add, sub, asInteger…). Same grammar as
 * apimachinery's resource.ParseQuantity; BigInt fractions keep `0.1 + 0.2` exact, as the Go
 * implementation (inf.Dec) does.
 */
const GRAMMAR = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;
const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

export class Quantity {
  /** value = num / den, den > 0 */
  constructor(
    readonly num: bigint,
    readonly den: bigint,
    readonly text: string,
  ) {}

  static parse(s: string): Quantity | undefined {
    const m = GRAMMAR.exec(s.trim() === s ? s : '');
    if (!m) return undefined;
    const [, sign, digits, suffix = ''] = m;
    const [int = '', frac = ''] = digits!.split('.');
    let num = BigInt((int || '0') + frac);
    let den = 10n ** BigInt(frac.length);
    if (suffix in BINARY) num *= 1n << BigInt(BINARY[suffix]!);
    else if (suffix in DECIMAL) {
      const e = DECIMAL[suffix]!;
      if (e >= 0) num *= 10n ** BigInt(e);
      else den *= 10n ** BigInt(-e);
    } else if (suffix) {
      const e = Number(suffix.slice(1));
      if (Math.abs(e) > 400) return undefined;
      if (e >= 0) num *= 10n ** BigInt(e);
      else den *= 10n ** BigInt(-e);
    }
    if (sign === '-') num = -num;
    return new Quantity(num, den, s);
  }

  compareTo(o: Quantity): -1 | 0 | 1 {
    const a = this.num * o.den;
    const b = o.num * this.den;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  add(o: Quantity): Quantity {
    return new Quantity(this.num * o.den + o.num * this.den, this.den * o.den, '');
  }

  sub(o: Quantity): Quantity {
    return new Quantity(this.num * o.den - o.num * this.den, this.den * o.den, '');
  }

  static ofInt(n: bigint): Quantity {
    return new Quantity(n, 1n, String(n));
  }

  isInteger(): boolean {
    if (this.num % this.den !== 0n) return false;
    const v = this.num / this.den;
    return v >= INT64_MIN && v <= INT64_MAX;
  }

  /** The int64 value, or undefined when it is not a whole number or overflows. */
  asInteger(): bigint | undefined {
    return this.isInteger() ? this.num / this.den : undefined;
  }

  asApproximateFloat(): number {
    return Number(this.num) / Number(this.den);
  }

  sign(): -1 | 0 | 1 {
    return this.num < 0n ? -1 : this.num > 0n ? 1 : 0;
  }
}
