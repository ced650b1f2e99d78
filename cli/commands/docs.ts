/**
 * `nexus docs`: writes docs/policies.md (and the editor schema of .nexus-policy.yaml beside it) from the
 * policy metadata; `--check` reports drift (exit 1) instead.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Command } from 'commander';
import { policyConfigJsonSchema } from '../../policies/config.ts';
import { renderPolicyDocs } from '../../policies/docs.ts';
import { POLICIES } from '../../policies/index.ts';
import { PROJECT_ROOT } from '../../util/paths.ts';
import type { CliIo } from '../io.ts';

export const POLICY_DOCS_FILE = join(PROJECT_ROOT, 'docs', 'policies.md');
export const POLICY_CONFIG_SCHEMA_NAME = 'nexus-policy.schema.json';

/** The generated files: the reference and, in the same folder, the JSON Schema of `.nexus-policy.yaml`. */
export function policyDocFiles(docsFile: string): Array<{ path: string; text: string }> {
  return [
    { path: docsFile, text: renderPolicyDocs(POLICIES) },
    { path: join(dirname(docsFile), POLICY_CONFIG_SCHEMA_NAME), text: `${JSON.stringify(policyConfigJsonSchema(POLICIES.map((p) => p.meta.id)), null, 2)}\n` },
  ];
}

export function registerDocs(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('docs')
    .description('generate docs/policies.md from the policy metadata; --check reports drift instead')
    .option('--check', 'exit 1 if docs/policies.md differs from a fresh render')
    .option('--out <file>', 'output file', POLICY_DOCS_FILE)
    .action((opts: { check?: boolean; out: string }) => {
      const files = policyDocFiles(opts.out);
      const shown = (p: string) => relative(process.cwd(), p) || p;
      if (opts.check) {
        const stale = files.filter((f) => !existsSync(f.path) || readFileSync(f.path, 'utf8') !== f.text);
        for (const f of stale) io.err(`${shown(f.path)} is ${existsSync(f.path) ? 'stale' : 'missing'}: it differs from the policy metadata\n`);
        if (stale.length) {
          io.err('  hint: run `npm run docs` and commit the result (never edit generated docs by hand)\n');
          setExit(1);
          return;
        }
        io.out(`${files.map((f) => shown(f.path)).join(' and ')} are up to date (${POLICIES.length} policies)\n`);
        return;
      }
      mkdirSync(dirname(opts.out), { recursive: true });
      for (const f of files) {
        const tmp = `${f.path}.tmp-${process.pid}`;
        writeFileSync(tmp, f.text);
        renameSync(tmp, f.path);
      }
      io.out(`wrote ${files.map((f) => shown(f.path)).join(' and ')} (${POLICIES.length} policies)\n`);
    });
}
