/**
 * Kubernetes resource quantities as exact rationals (BigInt numerator/denominator), so that
 * comparisons such as requests ≤ limits and the server's "fractional byte" test are exact for any
 * suffix mix (`1.5Gi` vs `1536Mi`, `100m` vs `0.1`). Only valid quantities parse; the schema stage
 * reports the invalid ones.
 */

export interface Quantity {
  /** value = n / d, d > 0 */
  readonly n: bigint;
  readonly d: bigint;
  /** As written (numbers from YAML are turned into their decimal text). */
  readonly text: string;
}

/** Parsed quantities by text: the same few (`100m`, `128Mi`) repeat in every object; bounded. */
const parsed = new Map<string, Quantity | undefined>();

const QUANTITY_RE = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

const pow10 = (e: number) => 10n ** BigInt(e);

export function parseQuantity(value: unknown): Quantity | undefined {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : typeof value === 'string' ? value : '';
  if (parsed.has(text)) return parsed.get(text);
  const q = parseText(text);
  if (parsed.size >= 4096) parsed.clear();
  parsed.set(text, q);
  return q;
}

function parseText(text: string): Quantity | undefined {
  const m = QUANTITY_RE.exec(text);
  if (!m) return undefined;
  const num = m[1]!;
  const suffix = m[2] ?? '';
  const negative = num.startsWith('-');
  const digits = num.replace(/^[+-]/, '');
  const dot = digits.indexOf('.');
  const intPart = dot < 0 ? digits : digits.slice(0, dot);
  const frac = dot < 0 ? '' : digits.slice(dot + 1);
  let n = BigInt(`${intPart || '0'}${frac}` || '0');
  let d = pow10(frac.length);
  if (suffix in BINARY) n *= 1n << BigInt(BINARY[suffix]!);
  else {
    const e = suffix in DECIMAL ? DECIMAL[suffix]! : suffix ? Number(suffix.slice(1)) : 0;
    if (Math.abs(e) > 1000) return undefined;
    if (e >= 0) n *= pow10(e);
    else d *= pow10(-e);
  }
  if (negative) n = -n;
  return { n, d, text };
}

/** -1, 0 or 1 as a < b, a = b, a > b. */
export function compareQuantity(a: Quantity, b: Quantity): number {
  const l = a.n * b.d;
  const r = b.n * a.d;
  return l < r ? -1 : l > r ? 1 : 0;
}

export const isNegative = (q: Quantity) => q.n < 0n;
export const isZero = (q: Quantity) => q.n === 0n;

/**
 * The server's `value.MilliValue() % 1000 != 0`: the value in thousandths, rounded up, is not a whole
 * number of units. This is its test for "fractional byte value" and "must be an integer".
 */
export function hasFractionalUnits(q: Quantity): boolean {
  const scaled = q.n * 1000n;
  let milli = scaled / q.d;
  if (scaled % q.d !== 0n && scaled > 0n) milli += 1n; // ceiling for positive values (BigInt division truncates)
  return milli % 1000n !== 0n;
}

/**
 * How the server prints a value in its "fractional byte value" warning: rounded up to thousandths and
 * written in milli-units (`20.5` → `20500m`, `0.0005` → `1m`, `1.3Ki` → `1331200m`), the form it tests.
 */
export function formatMilli(q: Quantity): string {
  const scaled = q.n * 1000n;
  let milli = scaled / q.d;
  if (scaled % q.d !== 0n && scaled > 0n) milli += 1n;
  return `${milli}m`;
}
