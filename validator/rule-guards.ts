/**
 * The charts enforce the model's cross-field rules themselves (generated `values-rules.yaml` guards,
 * schema/rules.ts), so a values file that breaks a rule also makes `helm template` (and lint) fail with
 * `[rule] path: message` lines. The values check has already reported each of them with its position;
 * a helm failure that only repeats them is dropped, so each problem is reported once.
 */
import type { Finding } from '../core/types.ts';

const GUARD_LINE = /^\s*\[([a-z0-9-]+)\] ([^:\s]+): (.*)$/;

/** The `[rule] path: message` lines of a helm failure, or undefined when it is not (only) a rule guard. */
export function guardLines(message: string): { rule: string; path: string; message: string }[] | undefined {
  if (!/rule\(s\) of the NEXUS model:/.test(message)) return undefined;
  const lines = message
    .split('\n')
    .map((l) => GUARD_LINE.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ rule: m[1]!, path: m[2]!, message: m[3]!.trim() }));
  return lines.length ? lines : undefined;
}

/** Removes helm findings whose every guard line matches a `values/rule/<rule>` finding of the same input. */
export function dropGuardEchoes(findings: Finding[]): void {
  const reported = new Set(findings.filter((f) => f.policyId.startsWith('values/rule/')).map((f) => `${f.source ?? ''}\u0000${f.policyId.slice('values/rule/'.length)}\u0000${f.jsonPointer ?? ''}\u0000${f.message}`));
  for (let i = findings.length - 1; i >= 0; i--) {
    const f = findings[i]!;
    if (!f.policyId.startsWith('helm/')) continue;
    const lines = guardLines(f.message);
    if (lines?.every((l) => reported.has(`${f.source ?? ''}\u0000${l.rule}\u0000${l.path}\u0000${l.message}`))) findings.splice(i, 1);
  }
}
