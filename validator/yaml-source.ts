/**
 * YAML with positions, for files a human edits (values files). Malformed input becomes a NexusError
 * naming file:line:col; positions of any path can be looked up afterwards.
 */
import { LineCounter, parseDocument, type Node } from 'yaml';
import jsyaml from 'js-yaml';
import { NexusError } from '../util/errors.ts';
import type { Position } from '../core/types.ts';
import { offsetOfPath } from './yaml-locate.ts';

export interface LocatedYaml {
  file: string;
  value: unknown;
  /** Position of the node at `path`; for a missing key, its nearest existing parent. `key: true` points at the key itself. */
  positionOf(path: readonly PropertyKey[], options?: { key?: boolean }): Position;
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
      value = jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA });
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
      };
    }
  }
  return parseLocatedYamlPrecise(file, text);
}

export function parseLocatedYamlPrecise(file: string, text: string): LocatedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const pos = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const firstError = doc.errors[0];
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
  };
}
