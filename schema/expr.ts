/**
 * A small expression language for the model's cross-field rules and prerequisites. An expression is
 * data: `evaluate()` runs it on a parsed config (the Zod refinement, the README), and
 * generator/go-template.ts compiles the same data into a Go-template expression (the Helm guards,
 * NOTES.txt). One source, two enforcers.
 *
 * Semantics are Go template semantics, so both sides agree by construction:
 *  - truthiness: false, 0, "", null/absent, empty list and empty map are false; everything else true;
 *  - `eq`/`ne` compare strings, booleans or null; `gt` compares numbers (Helm reads values files as
 *    float64 and `--set` as int64, so the compiler converts both sides);
 *  - `isSet` is "not null/absent" (0 and "" are set); `orDefault(a, b)` is `a` when truthy, else `b`;
 *  - `mul` multiplies numbers (absent counts as 0), as float64 like `gt`.
 */

export type Path = readonly string[];
export type Literal = string | number | boolean | null;

export type Expr =
  | { op: 'value'; path: Path }
  | { op: 'lit'; value: Literal }
  | { op: 'and' | 'or'; args: Expr[] }
  | { op: 'not'; arg: Expr }
  | { op: 'eq' | 'ne'; a: Expr; b: Expr }
  | { op: 'gt'; a: Expr; b: Expr }
  | { op: 'mul'; a: Expr; b: Expr }
  | { op: 'isSet'; arg: Expr }
  | { op: 'oneOf'; arg: Expr; values: readonly string[] }
  | { op: 'has'; list: Expr; item: string }
  | { op: 'hasSuffix'; arg: Expr; suffix: string }
  | { op: 'cond'; test: Expr; then: Expr; else: Expr }
  | { op: 'orDefault'; arg: Expr; fallback: Expr }
  | { op: 'compactList'; items: Expr[] }
  | { op: 'join'; list: Expr; sep: string }
  | { op: 'imageRegistry'; image: Path };

/** A message: text with expressions spliced in (strings as they are, numbers in plain decimal). */
export type Message = readonly (string | Expr)[];

// ---------------------------------------------------------------------------------------------
// Builders (what rules.ts and prerequisites.ts are written with).

export const value = (...path: string[]): Expr => ({ op: 'value', path });
export const lit = (v: Literal): Expr => ({ op: 'lit', value: v });
const wrap = (x: Expr | Literal): Expr => (x !== null && typeof x === 'object' ? x : lit(x));
export const and = (...args: Expr[]): Expr => ({ op: 'and', args });
export const or = (...args: Expr[]): Expr => ({ op: 'or', args });
export const not = (arg: Expr): Expr => ({ op: 'not', arg });
export const eq = (a: Expr, b: Expr | Literal): Expr => ({ op: 'eq', a, b: wrap(b) });
export const ne = (a: Expr, b: Expr | Literal): Expr => ({ op: 'ne', a, b: wrap(b) });
export const gt = (a: Expr, b: Expr | Literal): Expr => ({ op: 'gt', a, b: wrap(b) });
export const mul = (a: Expr, b: Expr | Literal): Expr => ({ op: 'mul', a, b: wrap(b) });
export const isSet = (arg: Expr): Expr => ({ op: 'isSet', arg });
export const oneOf = (arg: Expr, values: readonly string[]): Expr => ({ op: 'oneOf', arg, values });
export const has = (list: Expr, item: string): Expr => ({ op: 'has', list, item });
export const hasSuffix = (arg: Expr, suffix: string): Expr => ({ op: 'hasSuffix', arg, suffix });
export const cond = (test: Expr, then: Expr | Literal, otherwise: Expr | Literal): Expr => ({ op: 'cond', test, then: wrap(then), else: wrap(otherwise) });
export const orDefault = (arg: Expr, fallback: Expr | Literal): Expr => ({ op: 'orDefault', arg, fallback: wrap(fallback) });
export const compactList = (...items: Expr[]): Expr => ({ op: 'compactList', items });
export const join = (list: Expr, sep: string): Expr => ({ op: 'join', list, sep });
/**
 * The registry an image values object (`{registry, repository}` at `image`) names: the host in the
 * repository's first component when there is one (a runtime's test: a `.` or `:`, or `localhost`),
 * else `registry`. The Go side is the library's `nexus.image.registry`, which nexus.image uses too.
 */
export const imageRegistry = (image: Path): Expr => ({ op: 'imageRegistry', image });
const REPOSITORY_HOST = /^([^/]*[.:][^/]*|localhost)\//;

/**
 * Tagged template for messages: msg`quorum (${value('cache', 'sentinel', 'quorum')}) is too high`.
 * An interpolated string is text fixed when the rule is built (e.g. a tier name in a loop).
 */
export function msg(strings: TemplateStringsArray, ...parts: (Expr | string)[]): Message {
  const out: (string | Expr)[] = [];
  const push = (p: string | Expr) => {
    if (typeof p !== 'string') out.push(p);
    else if (p && typeof out.at(-1) === 'string') out[out.length - 1] += p;
    else if (p) out.push(p);
  };
  strings.forEach((s, i) => {
    push(s);
    if (i < parts.length) push(parts[i]!);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Evaluation (JavaScript side).

export function valueAt(root: unknown, path: Path): unknown {
  let v: unknown = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[seg];
  }
  return v;
}

/** Go template truthiness. */
export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

function same(a: unknown, b: unknown): boolean {
  return (a ?? null) === (b ?? null);
}

export function evaluate(e: Expr, root: unknown): unknown {
  switch (e.op) {
    case 'value':
      return valueAt(root, e.path);
    case 'lit':
      return e.value;
    case 'and': {
      let last: unknown = true;
      for (const a of e.args) {
        last = evaluate(a, root);
        if (!truthy(last)) return last;
      }
      return last;
    }
    case 'or': {
      let last: unknown = false;
      for (const a of e.args) {
        last = evaluate(a, root);
        if (truthy(last)) return last;
      }
      return last;
    }
    case 'not':
      return !truthy(evaluate(e.arg, root));
    case 'eq':
      return same(evaluate(e.a, root), evaluate(e.b, root));
    case 'ne':
      return !same(evaluate(e.a, root), evaluate(e.b, root));
    case 'gt':
      return Number(evaluate(e.a, root) ?? 0) > Number(evaluate(e.b, root) ?? 0);
    case 'mul':
      return Number(evaluate(e.a, root) ?? 0) * Number(evaluate(e.b, root) ?? 0);
    case 'isSet':
      return evaluate(e.arg, root) != null;
    case 'oneOf': {
      const v = evaluate(e.arg, root);
      return typeof v === 'string' && e.values.includes(v);
    }
    case 'has': {
      const list = evaluate(e.list, root);
      return Array.isArray(list) && list.includes(e.item);
    }
    case 'hasSuffix':
      return String(evaluate(e.arg, root) ?? '').endsWith(e.suffix);
    case 'cond':
      return truthy(evaluate(e.test, root)) ? evaluate(e.then, root) : evaluate(e.else, root);
    case 'orDefault': {
      const v = evaluate(e.arg, root);
      return truthy(v) ? v : evaluate(e.fallback, root);
    }
    case 'compactList':
      return e.items.map((i) => evaluate(i, root)).filter(truthy);
    case 'join': {
      const list = evaluate(e.list, root);
      return Array.isArray(list) ? list.map(formatValue).join(e.sep) : '';
    }
    case 'imageRegistry': {
      const repository = String(valueAt(root, [...e.image, 'repository']) ?? '');
      return REPOSITORY_HOST.exec(repository)?.[1] ?? String(valueAt(root, [...e.image, 'registry']) ?? '');
    }
  }
}

/** How a value reads in a message (the Go side's `nexus.rules.format` does the same). */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toFixed(0) : String(v);
  return String(v);
}

export function renderMessage(m: Message, root: unknown): string {
  return m.map((part) => (typeof part === 'string' ? part : formatValue(evaluate(part, root)))).join('');
}

/** Every values path an expression (or message) reads. */
export function pathsOf(e: Expr | Message): Path[] {
  if (Array.isArray(e)) return (e as Message).flatMap((p) => (typeof p === 'string' ? [] : pathsOf(p)));
  const x = e as Expr;
  switch (x.op) {
    case 'value':
      return [x.path];
    case 'lit':
      return [];
    case 'and':
    case 'or':
      return x.args.flatMap(pathsOf);
    case 'not':
    case 'isSet':
    case 'oneOf':
    case 'hasSuffix':
      return pathsOf(x.arg);
    case 'eq':
    case 'ne':
    case 'gt':
    case 'mul':
      return [...pathsOf(x.a), ...pathsOf(x.b)];
    case 'has':
      return pathsOf(x.list);
    case 'cond':
      return [...pathsOf(x.test), ...pathsOf(x.then), ...pathsOf(x.else)];
    case 'orDefault':
      return [...pathsOf(x.arg), ...pathsOf(x.fallback)];
    case 'compactList':
      return x.items.flatMap(pathsOf);
    case 'join':
      return pathsOf(x.list);
    case 'imageRegistry':
      return [[...x.image, 'registry'], [...x.image, 'repository']];
  }
}
