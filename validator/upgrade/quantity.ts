/**
 * Kubernetes resource quantities as exact rationals, so that `1Gi`, `1024Mi` and `1073741824` compare
 * equal, as the API server's semantic equality does (`resource.Quantity.Cmp`). Hand-written because
 * no maintained npm package implements the quantity grammar exactly (binary and decimal suffixes,
 * exponents, signs) with arbitrary precision; the grammar is small.
 */

const BINARY: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/** `[numerator, denominator]` with a positive denominator, or undefined when `text` is not a quantity. */
export function parseQuantity(text: string): [bigint, bigint] | undefined {
  const m = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m || text.trim() !== text) return undefined;
  const [, sign, digits, suffix, exponent] = m as unknown as [string, string, string, string | undefined, string | undefined];
  const [whole, frac = ''] = digits.split('.');
  let num = BigInt(`${whole || '0'}${frac}`);
  let den = 10n ** BigInt(frac.length);
  if (suffix && BINARY[suffix] !== undefined) num *= BINARY[suffix]!;
  else {
    const e = suffix !== undefined ? DECIMAL[suffix]! : exponent !== undefined ? Number(exponent) : 0;
    if (Math.abs(e) > 100) return undefined;
    if (e >= 0) num *= 10n ** BigInt(e);
    else den *= 10n ** BigInt(-e);
  }
  if (sign === '-') num = -num;
  return [num, den];
}

/** Quantity comparison: negative, 0 or positive; undefined when either side is not a quantity. */
export function compareQuantities(a: unknown, b: unknown): number | undefined {
  const qa = typeof a === 'number' ? parseQuantity(String(a)) : typeof a === 'string' ? parseQuantity(a) : undefined;
  const qb = typeof b === 'number' ? parseQuantity(String(b)) : typeof b === 'string' ? parseQuantity(b) : undefined;
  if (!qa || !qb) return undefined;
  const left = qa[0] * qb[1];
  const right = qb[0] * qa[1];
  return left === right ? 0 : left < right ? -1 : 1;
}
