/**
 * Stage 1 of `nexus validate`: a values file against the Zod model, refinements included. Every
 * problem becomes a finding with file:line:column, the key path, and a fix.
 */
import type { z } from 'zod';
import { knownKeysAt } from '../schema/introspect.ts';
import { PlatformConfig } from '../schema/index.ts';
import { suggestKey } from '../util/suggest.ts';
import type { Finding } from '../core/types.ts';
import type { LocatedYaml } from './yaml-source.ts';

function describeReceived(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  return `${typeof input} ${JSON.stringify(input)}`;
}

function pathString(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[');
}

function issueToFindings(issue: z.core.$ZodIssue, located: LocatedYaml): Finding[] {
  const base = { severity: 'error' as const, file: located.file, source: located.file };
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(PlatformConfig, issue.path);
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      const pos = located.positionOf(path, { key: true });
      const suggestion = suggestKey(key, known);
      return {
        ...base,
        policyId: 'values/unknown-key',
        message: `unknown key \`${key}\` at ${pathString(path)}${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`,
        line: pos.line,
        column: pos.column,
        jsonPointer: pathString(path),
        hint: suggestion ? `rename it to \`${suggestion}\`` : `allowed keys here: ${known.join(', ')}`,
      };
    });
  }
  const pos = located.positionOf(issue.path);
  const at = pathString(issue.path) || '(root)';
  let message = issue.message;
  let hint: string | undefined;
  let policyId = 'values/invalid';
  if (issue.code === 'invalid_type') {
    const input = valueAt(located.value, issue.path);
    if (input === undefined) {
      policyId = 'values/missing-key';
      message = `missing required key ${at}`;
      hint = `add \`${String(issue.path[issue.path.length - 1])}:\``;
    } else if (!/^Invalid input/.test(issue.message)) {
      message = issue.message; // a custom message from the model (e.g. "quote it")
    } else {
      message = `${at} must be ${issue.expected}, but is ${describeReceived(input)}`;
      if (issue.expected === 'string' && typeof input === 'number') hint = `quote it: "${String(input)}"`;
    }
  } else if (issue.code === 'custom') {
    policyId = `values/rule/${(issue.params as { rule?: string } | undefined)?.rule ?? 'custom'}`;
  } else if (issue.code === 'invalid_value') {
    message = `${at} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    const input = valueAt(located.value, issue.path);
    const guess = typeof input === 'string' ? suggestKey(input, issue.values.map(String)) : undefined;
    if (guess) hint = `did you mean \`${guess}\`?`;
  } else if (issue.code === 'too_small' || issue.code === 'too_big') {
    message = `${at}: ${issue.message}`;
  } else if (issue.code === 'invalid_union') {
    message = `${at} has an invalid value (${describeReceived(valueAt(located.value, issue.path))}): ${issue.message}`;
  } else {
    message = `${at}: ${issue.message}`;
  }
  return [{ ...base, policyId, message, line: pos.line, column: pos.column, jsonPointer: at, ...(hint ? { hint } : {}) }];
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[String(seg)];
  }
  return v;
}

/**
 * All findings for one values file; an empty list means the file is valid. Zod runs jitless: a run
 * checks two or three files, and compiling every object schema first costs ~100 ms more than it saves.
 */
export function checkValues(located: LocatedYaml): Finding[] {
  const result = PlatformConfig.safeParse(located.value, { jitless: true });
  if (result.success) return [];
  return result.error.issues.flatMap((issue) => issueToFindings(issue, located));
}
