/**
 * Compiles schema/expr.ts expressions into Go-template expressions, for the chart that evaluates them.
 * In the umbrella a path `cache.replicas` reads `$.Values.cache.replicas`; in the `cache` subchart it
 * reads `$.Values.replicas` (and `global.x` reads `$.Values.global.x` in both). The Go side keeps the
 * evaluator's semantics (schema/expr.ts): Go truthiness, numbers compared as float64 (values files
 * give float64, `--set` gives int64), messages formatted by `nexus.rules.format`.
 */
import type { Expr, Message, Path } from '../schema/expr.ts';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A Go string literal (JSON's escapes are a subset of Go's). */
export function goString(s: string): string {
  return JSON.stringify(s);
}

function fieldChain(base: string, path: Path): string {
  if (path.length === 0) return base;
  if (path.every((p) => IDENT.test(p))) return `${base}.${path.join('.')}`;
  return `(index ${base} ${path.map(goString).join(' ')})`;
}

/** `$.Values…` for a values path, as seen from `chart` (`nexus` = the umbrella). */
export function valuesRef(path: Path, chart: string): string {
  if (chart === 'nexus' || path[0] === 'global') return fieldChain('$.Values', path);
  if (path[0] !== chart) throw new Error(`the ${chart} chart cannot read \`${path.join('.')}\`: a check reading several tiers belongs in the umbrella`);
  return fieldChain('$.Values', path.slice(1));
}

export function compileExpr(e: Expr, chart: string): string {
  const c = (x: Expr) => compileExpr(x, chart);
  switch (e.op) {
    case 'value':
      return valuesRef(e.path, chart);
    case 'lit':
      return e.value === null ? 'nil' : typeof e.value === 'string' ? goString(e.value) : String(e.value);
    case 'and':
    case 'or': {
      // and(a, and(b, c)) reads as `and a b c`: the same short-circuit, one level.
      const flat = (x: Expr): Expr[] => (x.op === e.op ? x.args.flatMap(flat) : [x]);
      const args = e.args.flatMap(flat);
      return `(${e.op} ${args.map(c).join(' ')})`;
    }
    case 'not':
      return `(not ${c(e.arg)})`;
    case 'eq':
    case 'ne':
      return `(${e.op} ${c(e.a)} ${c(e.b)})`;
    case 'gt':
      return `(gt (float64 ${c(e.a)}) (float64 ${c(e.b)}))`;
    case 'mul':
      // Sprig's mulf: float64 like gt (an absent value is nil, which float64 reads as 0).
      return `(mulf (float64 ${c(e.a)}) (float64 ${c(e.b)}))`;
    case 'isSet':
      return `(not (kindIs "invalid" ${c(e.arg)}))`;
    case 'oneOf':
      return `(has ${c(e.arg)} (list ${e.values.map(goString).join(' ')}))`;
    case 'has':
      return `(has ${goString(e.item)} ${c(e.list)})`;
    case 'hasSuffix':
      return `(hasSuffix ${goString(e.suffix)} (toString (default "" ${c(e.arg)})))`;
    case 'cond':
      // ternary wants a bool; `not (not x)` is x's Go truth.
      return `(ternary ${c(e.then)} ${c(e.else)} (not (not ${c(e.test)})))`;
    case 'orDefault':
      return `(default ${c(e.fallback)} ${c(e.arg)})`;
    case 'compactList':
      return `(compact (list ${e.items.map(c).join(' ')}))`;
    case 'join':
      return `(join ${goString(e.sep)} ${c(e.list)})`;
    case 'imageRegistry':
      return `(include "nexus.image.registry" (default (dict) ${valuesRef(e.image, chart)}))`;
  }
}

/** Drops the outer parentheses of a compiled expression (for `if`, where they are noise). */
export function bare(compiled: string): string {
  return compiled.startsWith('(') && compiled.endsWith(')') ? compiled.slice(1, -1) : compiled;
}

/** A message (after a fixed `prefix`) as one Go-template string expression. */
export function compileMessage(m: Message, chart: string, prefix = ''): string {
  const args = m.filter((p) => typeof p !== 'string').map((p) => `(include "nexus.rules.format" ${compileExpr(p as Expr, chart)})`);
  const text = prefix + m.map((p) => (typeof p === 'string' ? p : '\u0000')).join('');
  if (!args.length) return goString(text);
  // printf's format: literal % doubled, each expression a %s.
  const format = text.replace(/%/g, '%%').replace(/\u0000/g, '%s');
  return `(printf ${goString(format)} ${args.join(' ')})`;
}
