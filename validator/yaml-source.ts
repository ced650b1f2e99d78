/**
 * YAML with positions, for files a human edits (values files), read the way helm reads them (YAML 1.1
 * scalars, see yaml11.ts). Malformed input becomes a NexusError naming file:line:col; positions of any
 * path can be looked up afterwards, and so can the scalars that YAML 1.1 and 1.2 read differently.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, Scalar, type Node } from 'yaml';
import jsyaml from 'js-yaml';
import { NexusError } from '../util/errors.ts';
import type { Position } from '../core/types.ts';
import { GO_YAML_JS_SCHEMA, goYamlTags, readsDifferently } from './yaml11.ts';
import { offsetOfPath } from './yaml-locate.ts';

export interface LocatedYaml {
  file: string;
  value: unknown;
  /**
   * Position of the node at `path`; for a missing key, its nearest existing parent. `key: true` points
   * at the key itself. `file` is set when the position lies in another file than `file` (layered values).
   */
  positionOf(path: readonly PropertyKey[], options?: { key?: boolean }): Position & { file?: string };
  /** Plain scalars that helm (YAML 1.1) reads differently from a YAML 1.2 reader. */
  yaml11Surprises(): Yaml11Surprise[];
}

export interface Yaml11Surprise {
  file: string;
  /** Path of the value (for a key: the path of the mapping entry it names). */
  path: string[];
  /** The scalar as written, e.g. `Off`. */
  text: string;
  isKey: boolean;
  line: number;
  column: number;
}

/** Cheap pre-check: text that may hold a 1.1-only plain scalar (1.1 booleans, octal, binary, `_` digits). */
const MAYBE_SURPRISE = /(?:^|[\s:,[{-])(?:[yYnN]|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|[-+]?0[0-9_]+|[-+]?0[bB][01_]+|[-+.0-9]*[0-9]_[0-9_.eE+-]*)\s*(?:$|[:#,\]}])/m;

function surprisesIn(file: string, doc: ReturnType<typeof parseDocument>, pos: (offset: number) => Position): Yaml11Surprise[] {
  const out: Yaml11Surprise[] = [];
  const check = (node: unknown, path: string[], isKey: boolean) => {
    if (!isScalar(node) || node.type !== Scalar.PLAIN || node.tag || typeof node.source !== 'string') return;
    if (!readsDifferently(node.source)) return;
    const p = pos(node.range?.[0] ?? 0);
    out.push({ file, path, text: node.source, isKey, line: p.line, column: p.column });
  };
  const walk = (node: unknown, path: string[]) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        check(pair.key, [...path, key], true);
        walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, [...path, String(i)]));
    } else check(node, path, false);
  };
  walk(doc.contents, []);
  return out;
}

/** Aliases beyond this many are refused (billion-laughs style expansion). */
const MAX_ALIAS_COUNT = 1000;

/**
 * Fast path: js-yaml (no positions) for well-formed files without aliases; positions come from a
 * lazy `yaml` parse on the first `positionOf` call. Anything unusual (a js-yaml error, aliases) takes
 * the precise path, so errors and alias limits are exactly those of `yaml`.
 */
export function parseLocatedYaml(file: string, text: string): LocatedYaml {
  if (!/[&*]/.test(text)) {
    let value: unknown;
    let ok = true;
    try {
      value = jsyaml.load(text, { schema: GO_YAML_JS_SCHEMA });
    } catch {
      ok = false;
    }
    if (ok) {
      let precise: LocatedYaml | undefined;
      return {
        file,
        value: value === undefined ? null : value,
        positionOf(path, options) {
          precise ??= parseLocatedYamlPrecise(file, text);
          return precise.positionOf(path, options);
        },
        yaml11Surprises() {
          if (!MAYBE_SURPRISE.test(text)) return [];
          precise ??= parseLocatedYamlPrecise(file, text);
          return precise.yaml11Surprises();
        },
      };
    }
  }
  return parseLocatedYamlPrecise(file, text);
}

export function parseLocatedYamlPrecise(file: string, text: string): LocatedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true, customTags: goYamlTags, merge: true });
  const pos = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const firstError = doc.errors[0];
  if (firstError && /Maximum call stack size exceeded/.test(firstError.message)) {
    // Not a syntax error: the document nests deeper than the parser's recursion allows.
    throw new NexusError('the YAML nests too deeply to read (thousands of levels)', {
      location: { file, line: 1, column: 1 },
      hint: 'values files are a few levels deep; a generated file with runaway nesting? flatten it',
    });
  }
  if (firstError) {
    const p = pos(firstError.pos[0]);
    const isDuplicate = firstError.code === 'DUPLICATE_KEY';
    throw new NexusError(isDuplicate ? `duplicate key: ${firstError.message.split('\n')[0]}` : `malformed YAML: ${firstError.message.split('\n')[0]}`, {
      location: { file, line: p.line, column: p.column },
      hint: isDuplicate ? 'remove one of the duplicate keys; YAML keeps only one and silently drops the other' : 'fix the YAML syntax at that position (indentation, a missing colon or quote)',
    });
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    throw new NexusError(`YAML could not be expanded: ${(err as Error).message}`, {
      location: { file, line: 1, column: 1 },
      hint: 'the document uses too many aliases (a YAML bomb?); write the values out',
    });
  }
  return {
    file,
    value,
    positionOf(path, options = {}) {
      return pos(offsetOfPath(doc.contents as Node | null, path, options.key ?? false) ?? 0);
    },
    yaml11Surprises() {
      return surprisesIn(file, doc, pos);
    },
  };
}
