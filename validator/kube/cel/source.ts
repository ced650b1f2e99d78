/**
 * Lexical helpers over CEL source text: find identifiers outside string literals and comments.
 * Used to route `matches()` to RE2 semantics (the CEL library's own `matches` uses JavaScript regular
 * expressions, which read RE2 syntax differently or not at all) and to tell transition rules
 * (those that use `oldSelf`) from the others.
 */

interface Token {
  start: number;
  end: number;
  text: string;
}

/** Where each string literal or comment of `expr` ends, by start offset (so scanners can jump over them). */
function skips(expr: string): Map<number, number> {
  const out = new Map<number, number>();
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (c === '/' && expr[i + 1] === '/') {
      const start = i;
      while (i < expr.length && expr[i] !== '\n') i++;
      out.set(start, i);
      continue;
    }
    let j = i;
    let raw = false;
    while (j < i + 2 && /[rRbB]/.test(expr[j] ?? '')) {
      if (/[rR]/.test(expr[j]!)) raw = true;
      j++;
    }
    const q = expr[j];
    if ((q === '"' || q === "'") && !/[A-Za-z0-9_]/.test(expr[i - 1] ?? '')) {
      const triple = expr.startsWith(q.repeat(3), j);
      const close = triple ? q.repeat(3) : q;
      let k = j + close.length;
      while (k < expr.length && !expr.startsWith(close, k)) k += !raw && expr[k] === '\\' ? 2 : 1;
      out.set(i, k + close.length);
      i = k + close.length;
      continue;
    }
    if (/[A-Za-z0-9_]/.test(c)) {
      while (i < expr.length && /[A-Za-z0-9_]/.test(expr[i]!)) i++;
      continue;
    }
    i++;
  }
  return out;
}

/**
 * `has(<expression>.field)` where the expression is more than a chain of names (`has(self.items[0].x)`,
 * valid CEL) → `hasField(<expression>, 'field')`: the library's `has` accepts only name chains.
 */
export function rewriteHasOfExpressions(expr: string): string {
  const skip = skips(expr);
  let out = '';
  let i = 0;
  while (i < expr.length) {
    const end = skip.get(i);
    if (end !== undefined) {
      out += expr.slice(i, end);
      i = end;
      continue;
    }
    const m = /^has\s*\(/.exec(expr.slice(i));
    if (m && !/[A-Za-z0-9_.]/.test(expr[i - 1] ?? '')) {
      // find the matching parenthesis
      let depth = 0;
      let k = i + m[0].length - 1;
      for (; k < expr.length; k++) {
        const e = skip.get(k);
        if (e !== undefined) {
          k = e - 1;
          continue;
        }
        if ('([{'.includes(expr[k]!)) depth++;
        else if (')]}'.includes(expr[k]!) && --depth === 0) break;
      }
      const inner = expr.slice(i + m[0].length, k).trim();
      const field = /^(.*)\.\s*([A-Za-z_][A-Za-z0-9_]*)$/s.exec(inner);
      if (field && !/^[A-Za-z_][A-Za-z0-9_]*(\s*\.\s*[A-Za-z_][A-Za-z0-9_]*)*$/.test(field[1]!.trim())) {
        out += `hasField(${rewriteHasOfExpressions(field[1]!)}, '${field[2]}')`;
        i = k + 1;
        continue;
      }
    }
    out += expr[i];
    i++;
  }
  return out;
}

/** Identifiers of `expr`, skipping string and bytes literals (all quote and raw forms) and `//` comments. */
function identifiers(expr: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (c === '/' && expr[i + 1] === '/') {
      while (i < expr.length && expr[i] !== '\n') i++;
      continue;
    }
    // string literal, possibly prefixed r/R (raw) and/or b/B (bytes)
    let j = i;
    let raw = false;
    while (j < i + 2 && /[rRbB]/.test(expr[j] ?? '')) {
      if (/[rR]/.test(expr[j]!)) raw = true;
      j++;
    }
    const q = expr[j];
    if ((q === '"' || q === "'") && (j === i || !/[A-Za-z0-9_]/.test(expr[i - 1] ?? ''))) {
      const triple = expr.startsWith(q.repeat(3), j);
      const close = triple ? q.repeat(3) : q;
      let k = j + close.length;
      while (k < expr.length && !expr.startsWith(close, k)) k += !raw && expr[k] === '\\' ? 2 : 1;
      i = k + close.length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let k = i + 1;
      while (k < expr.length && /[A-Za-z0-9_]/.test(expr[k]!)) k++;
      out.push({ start: i, end: k, text: expr.slice(i, k) });
      i = k;
      continue;
    }
    i++;
  }
  return out;
}

/** Whether the rule reads `oldSelf` (a transition rule: evaluated only on update). */
export function usesOldSelf(expr: string): boolean {
  return identifiers(expr).some((t) => t.text === 'oldSelf');
}

/** `x.matches(p)` and `matches(x, p)` → the RE2-backed `re2Matches`, nothing else touched. */
export function routeMatchesToRe2(expr: string): string {
  let out = '';
  let last = 0;
  for (const t of identifiers(expr)) {
    if (t.text !== 'matches' || !/^\s*\(/.test(expr.slice(t.end))) continue;
    out += `${expr.slice(last, t.start)}re2Matches`;
    last = t.end;
  }
  return out + expr.slice(last);
}
