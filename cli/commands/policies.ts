/**
 * `nexus policies list`: every policy with its id, category, default severity, whether it is on by
 * default, and its documentation (like `kube-linter checks list` and `kube-score list`).
 */
import { Option, type Command } from 'commander';
import type { CliIo } from '../io.ts';

/** Where a policy is documented: its section of docs/policies.md (the heading is the id). */
export const POLICY_DOCS = 'docs/policies.md';

export interface PolicyListing {
  id: string;
  title: string;
  category: string;
  severity: string;
  enabledByDefault: boolean;
  docs: string;
}

export async function policyListing(): Promise<PolicyListing[]> {
  const { POLICIES } = await import('../../policies/index.ts');
  return POLICIES.map((p) => ({
    id: p.meta.id,
    title: p.meta.title,
    category: p.meta.category,
    severity: p.meta.severity,
    enabledByDefault: p.meta.enabledByDefault !== false,
    docs: `${POLICY_DOCS}#${p.meta.id}`,
  })).sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** Aligned columns, widest cell per column; the last column is not padded. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

export function registerPolicies(program: Command, io: CliIo): void {
  const policies = program.command('policies').description('the policies `nexus validate` runs');
  policies
    .command('list')
    .description('list every policy: id, category, default severity, on or off by default, and its documentation')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (opts: { format: 'text' | 'json' }) => {
      const list = await policyListing();
      if (opts.format === 'json') {
        io.out(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      const rows = [['ID', 'CATEGORY', 'SEVERITY', 'DEFAULT', 'DOCS'], ...list.map((p) => [p.id, p.category, p.severity, p.enabledByDefault ? 'on' : 'off', p.docs])];
      io.out(`${table(rows)}\n${list.length} policies (${list.filter((p) => !p.enabledByDefault).length} off by default; enable them in .nexus-policy.yaml)\n`);
    });
  policies.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
}
