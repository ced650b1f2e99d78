/**
 * Reads `.nexus-policy.yaml` (the one policies/ module that touches the filesystem) and reports
 * schema problems with file:line:col, policy ids checked against the registry.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { closest } from 'fastest-levenshtein';
import type { z } from 'zod';
import { NexusError } from '../util/errors.ts';
import { PolicyConfigSchema, type PolicyConfig } from './config.ts';

export { DEFAULT_CONFIG_FILE } from './config-defaults.ts';

function nodeAt(root: Node | null, path: readonly PropertyKey[], preferKey = false): Node | null {
  let node: unknown = root;
  let last: Node | null = root;
  for (const [i, key] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
      if (!pair) break;
      node = pair.value ?? pair.key;
      if (node && typeof node === 'object') last = node as Node;
      // Unknown keys and unknown ids are reported at the key itself.
      if (preferKey && i === path.length - 1 && pair.key) last = pair.key as Node;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      if (node && typeof node === 'object') last = node as Node;
    } else break;
  }
  return last;
}

export function parsePolicyConfig(text: string, file: string, knownPolicyIds: ReadonlySet<string>): PolicyConfig {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true });
  const where = (n: Node | null | undefined) => {
    const off = n?.range?.[0];
    if (off === undefined) return { file };
    const p = lc.linePos(off);
    return { file, line: p.line, column: p.col };
  };
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const p = lc.linePos(e.pos[0]);
    throw new NexusError(`invalid YAML: ${e.message.split('\n')[0]}`, { location: { file, line: p.line, column: p.col } });
  }
  const data = doc.toJS({ maxAliasCount: 100 }) ?? {};
  const parsed = PolicyConfigSchema.safeParse(data);
  if (!parsed.success) {
    const issue = specificIssue(parsed.error.issues[0]!);
    const path = issue.path;
    const unknownKeys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const target = nodeAt(doc.contents as Node | null, unknownKeys.length ? [...path, unknownKeys[0]!] : path, unknownKeys.length > 0);
    throw new NexusError(explainIssue(issue, data), {
      location: { ...where(target), path: path.join('.') || undefined },
      hint: 'see docs/policies.md, section "Configuration"',
    });
  }
  const config = parsed.data;
  const check = (id: string, path: PropertyKey[]) => {
    if (id === '*' || knownPolicyIds.has(id)) return;
    const guess = closest(id, [...knownPolicyIds]);
    throw new NexusError(`unknown policy id "${id}"`, { location: { ...where(nodeAt(doc.contents as Node | null, path, true)), path: path.join('.') }, hint: `did you mean "${guess}"? (docs/policies.md lists every id)` });
  };
  for (const id of Object.keys(config.policies ?? {})) check(id, ['policies', id]);
  (config.exemptions ?? []).forEach((e, i) => e.policies.forEach((id, j) => check(id, ['exemptions', i, 'policies', j])));
  return config;
}

export function loadPolicyConfig(file: string, knownPolicyIds: ReadonlySet<string>): PolicyConfig {
  if (!existsSync(file)) throw new NexusError(`policy config not found: ${file}`, { location: { file }, hint: 'pass an existing .nexus-policy.yaml, or omit --policy-config' });
  return parsePolicyConfig(readFileSync(file, 'utf8'), file, knownPolicyIds);
}

type Issue = z.core.$ZodIssue;

/**
 * The most specific problem: for a union (a policy setting is a severity word or a mapping), the
 * failure inside the branch that got furthest, rather than Zod's bare "Invalid input".
 */
function specificIssue(issue: Issue): Issue {
  if (issue.code !== 'invalid_union' || !issue.errors.length) return issue;
  const inner = issue.errors.flat().map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as Issue);
  const deepest = inner.reduce((a, b) => (b.path.length > a.path.length ? b : a));
  if (deepest.path.length > issue.path.length) return specificIssue(deepest);
  // Every branch failed at the same place: offer what each would accept.
  const words = inner.flatMap((i) => (i.code === 'invalid_value' ? i.values.map(String) : []));
  return words.length ? ({ ...issue, code: 'invalid_value', values: words, message: '' } as Issue) : issue;
}

function explainIssue(issue: Issue, data: unknown): string {
  let got: unknown = data;
  for (const seg of issue.path) got = got !== null && typeof got === 'object' ? (got as Record<PropertyKey, unknown>)[seg as PropertyKey] : undefined;
  if (issue.code === 'invalid_value') {
    const shown = typeof got === 'object' && got !== null ? 'a mapping' : `\`${String(got)}\``;
    const extra = typeof got === 'object' && got !== null ? '' : ' (or a mapping with `enabled` and `severity`)';
    return `${shown} is not allowed; use one of ${issue.values.map((v) => `\`${String(v)}\``).join(', ')}${issue.path.length === 2 && issue.path[0] === 'policies' ? extra : ''}`;
  }
  return issue.message;
}
