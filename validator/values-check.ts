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
import { describeGoValue } from './yaml11.ts';

function describeReceived(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  return `${typeof input} ${JSON.stringify(input)}`;
}

function pathString(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[');
}

/** file/line/column of a position (a `--set` flag has no line). */
function at(pos: { line: number; column: number; file?: string }, located: LocatedYaml): { file: string; line?: number; column?: number } {
  return { file: pos.file ?? located.file, ...(pos.line > 0 ? { line: pos.line, column: pos.column } : {}) };
}

function issueToFindings(issue: z.core.$ZodIssue, located: LocatedYaml): Finding[] {
  const base = { severity: 'error' as const, source: located.file };
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(PlatformConfig, issue.path);
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      const pos = located.positionOf(path, { key: true });
      const suggestion = suggestKey(key, known);
      return {
        ...base,
        policyId: 'values/unknown-key',
        message: `unknown key \`${key}\`${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`,
        ...at(pos, located),
        jsonPointer: pathString(path),
        hint: suggestion ? `rename it to \`${suggestion}\`` : `allowed keys here: ${known.join(', ')}`,
      };
    });
  }
  const pos = located.positionOf(issue.path);
  const where = pathString(issue.path) || '(root)';
  let message = issue.message;
  let hint: string | undefined;
  let policyId = 'values/invalid';
  if (issue.code === 'invalid_type') {
    const input = valueAt(located.value, issue.path);
    if (input === undefined) {
      policyId = 'values/missing-key';
      message = `missing required key ${where}`;
      hint = `add \`${String(issue.path[issue.path.length - 1])}:\``;
    } else if (!/^Invalid input/.test(issue.message)) {
      message = issue.message; // a custom message from the model (e.g. "quote it")
    } else {
      message = `${where} must be ${issue.expected}, but is ${describeReceived(input)}`;
      if (issue.expected === 'string' && typeof input === 'number') hint = `quote it: "${String(input)}"`;
    }
  } else if (issue.code === 'custom') {
    policyId = `values/rule/${(issue.params as { rule?: string } | undefined)?.rule ?? 'custom'}`;
  } else if (issue.code === 'invalid_value') {
    message = `${where} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    const input = valueAt(located.value, issue.path);
    const guess = typeof input === 'string' ? suggestKey(input, issue.values.map(String)) : undefined;
    if (guess) hint = `did you mean \`${guess}\`?`;
  } else if (issue.code === 'too_small' || issue.code === 'too_big') {
    message = `${where}: ${issue.message}`;
  } else if (issue.code === 'invalid_union') {
    message = `${where} has an invalid value (${describeReceived(valueAt(located.value, issue.path))}): ${issue.message}`;
  } else {
    message = `${where}: ${issue.message}`;
  }
  return [{ ...base, policyId, message, ...at(pos, located), jsonPointer: where, ...(hint ? { hint } : {}) }];
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
  const findings = result.success ? [] : result.error.issues.flatMap((issue) => issueToFindings(issue, located));
  return withYaml11Surprises(findings, located);
}

/**
 * Helm reads values with YAML 1.1 rules: an unquoted `Off` is the boolean false, `0777` is 511. Where
 * the model then rejects the value, that finding becomes one finding that says why and how to fix it
 * (quote it); where the model accepts it, an info finding still says how helm reads it.
 */
function withYaml11Surprises(findings: Finding[], located: LocatedYaml): Finding[] {
  for (const s of located.yaml11Surprises()) {
    const where = pathString(s.path);
    const reads = describeGoValue(s.text);
    const quoted = `quote it: "${s.text}"`;
    const position = { file: s.file, line: s.line, column: s.column };
    const match = findings.find((f) => f.jsonPointer === where && f.policyId !== 'values/yaml-1.1');
    if (match) {
      match.policyId = 'values/yaml-1.1';
      match.message = `${s.isKey ? 'the key ' : ''}\`${s.text}\` is ${reads} to helm, which reads values as YAML 1.1; ${match.message.replace(/^unknown key/, 'so it is an unknown key')}`;
      match.hint = quoted;
      Object.assign(match, position);
      continue;
    }
    findings.push({
      policyId: 'values/yaml-1.1',
      severity: 'info',
      message: `helm reads the unquoted ${s.isKey ? 'key ' : ''}\`${s.text}\` as ${reads} (YAML 1.1), not as the string "${s.text}"`,
      ...position,
      source: located.file,
      jsonPointer: where,
      hint: `${quoted} if you mean the string; otherwise write it as helm reads it`,
    });
  }
  return findings;
}
