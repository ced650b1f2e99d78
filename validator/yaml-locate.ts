/**
 * Positions from `yaml` (eemeli) documents: the values files a person edits (yaml-source.ts) and the
 * rare manifest document with duplicate keys. Manifest findings are located by yaml-positions.ts.
 */
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { Node } from 'yaml';
import { escapePointerSegment, pointerSegments } from '../core/json-pointer.ts';
import type { Position } from '../core/types.ts';

/**
 * `yaml` is required on first use, not imported: the manifest parser (manifests.ts) imports this module
 * for the rare document with duplicate keys, and loading `yaml` costs ~60 ms of every validate start-up.
 * (It is a CommonJS package, so the require shares its instance with the static imports elsewhere.)
 */
let yaml: typeof Yaml | undefined;
const yamlLib = (): typeof Yaml => (yaml ??= createRequire(import.meta.url)('yaml') as typeof Yaml);

/**
 * Source offset of the node at `path` under `root` (also used by yaml-source.ts for values files).
 * A missing key or index resolves to its nearest existing parent. With `wantKey`, a path whose last
 * segment is a mapping key resolves to the key itself (so an unknown field points at its name), else
 * to its value. Repeated keys: the last one wins, like the parsed value.
 */
export function offsetOfPath(root: Node | null, path: readonly PropertyKey[], wantKey: boolean): number | undefined {
  const { isMap, isPair, isScalar, isSeq } = yamlLib();
  let node: unknown = root;
  let offset = root?.range?.[0];
  for (let i = 0; i < path.length; i++) {
    const seg = String(path[i]);
    if (isMap(node)) {
      // From the end, so the first match is the last duplicate (the one the parsed value keeps).
      let pair: unknown;
      for (let j = node.items.length - 1; j >= 0 && pair === undefined; j--) {
        const p = node.items[j];
        if (isPair(p) && isScalar(p.key) && String(p.key.value) === seg) pair = p;
      }
      if (!isPair(pair)) return offset;
      const keyNode = pair.key as Node;
      if (wantKey && i === path.length - 1) return keyNode.range?.[0] ?? offset;
      const valueNode = pair.value as Node | null;
      offset = valueNode?.range?.[0] ?? keyNode.range?.[0] ?? offset;
      node = valueNode;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)] as Node | undefined;
      if (!item) return offset;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      return offset;
    }
  }
  return offset;
}

export interface DuplicateKey {
  key: string;
  pointer: string;
  line: number;
  column: number;
}

/** Every repeated key in the document, with the pointer of the mapping entry (1-based line/column in `text`). */
export function duplicateKeyPointers(text: string): DuplicateKey[] {
  const { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } = yamlLib();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false, strict: false });
  const out: DuplicateKey[] = [];
  const walk = (node: unknown, ptr: string, depth: number) => {
    if (depth > 200) return;
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const p of node.items) {
        if (!isPair(p) || !isScalar(p.key)) continue;
        const key = String(p.key.value);
        const child = `${ptr}/${escapePointerSegment(key)}`;
        if (seen.has(key)) {
          const pos = lineCounter.linePos((p.key as Node).range?.[0] ?? 0);
          out.push({ key, pointer: child, line: pos.line, column: pos.col });
        }
        seen.add(key);
        walk(p.value, child, depth + 1);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, `${ptr}/${i}`, depth + 1));
    }
  };
  walk(doc.contents, '', 0);
  return out;
}
