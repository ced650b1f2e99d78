/**
 * The CEL environment for CRD validation rules, built once per process, and a compile cache so every
 * rule is parsed once however many objects it checks.
 *
 * Library choice: @marcbachmann/cel-js (pinned 8.0.0). It implements the CEL spec's standard
 * functions and macros plus what Kubernetes rules rely on since 1.29 — optional types (`a.?b`,
 * `orValue`), `cel.bind`, most of the strings extension — with custom functions, receiver overloads
 * and types, and no dependencies (~0.3 MB). The alternatives in the registry: @bufbuild/cel (exact RE2
 * via its own engine, but no optional types or `cel.bind`, and ~11 MB of protobuf and spec-data
 * dependencies) and cel-js (unmaintained, several times slower). Its two gaps for Kubernetes rules are
 * closed by rewriting the source (source.ts): `matches` goes to RE2 (re2.ts) instead of JavaScript
 * regular expressions, and `has()` of a field of an indexed expression (`has(self.a[0].b)`, which it
 * refuses) goes to an equivalent `hasField`.
 */
import { Environment } from '@marcbachmann/cel-js';
import { registerKubernetesLibraries } from './libraries.ts';
import { rewriteHasOfExpressions, routeMatchesToRe2 } from './source.ts';

let env: Environment | undefined;

function environment(): Environment {
  if (!env) {
    env = new Environment({ unlistedVariablesAreDyn: true, enableOptionalTypes: true, homogeneousAggregateLiterals: false });
    registerKubernetesLibraries(env);
  }
  return env;
}

export type Program = (vars: Record<string, unknown>) => unknown;
export type Compiled = { ok: true; run: Program } | { ok: false; error: string };

const cache = new Map<string, Compiled>();

/** Parses a CEL expression once; a syntax error is returned, never thrown. */
export function compileCel(expr: string): Compiled {
  let c = cache.get(expr);
  if (c) return c;
  try {
    const parsed = environment().parse(rewriteHasOfExpressions(routeMatchesToRe2(expr))) as unknown as Program;
    c = { ok: true, run: (vars) => parsed(vars) };
  } catch (err) {
    c = { ok: false, error: firstLine(err) };
  }
  cache.set(expr, c);
  return c;
}

export function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0]!;
}
