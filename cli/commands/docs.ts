/** `nexus docs`: writes docs/policies.md from the policy metadata; `--check` reports drift (exit 1). */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Command } from 'commander';
import { renderPolicyDocs } from '../../policies/docs.ts';
import { POLICIES } from '../../policies/index.ts';
import { PROJECT_ROOT } from '../../util/paths.ts';
import type { CliIo } from '../io.ts';

export const POLICY_DOCS_FILE = join(PROJECT_ROOT, 'docs', 'policies.md');

export function registerDocs(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('docs')
    .description('generate docs/policies.md from the policy metadata; --check reports drift instead')
    .option('--check', 'exit 1 if docs/policies.md differs from a fresh render')
    .option('--out <file>', 'output file', POLICY_DOCS_FILE)
    .action((opts: { check?: boolean; out: string }) => {
      const text = renderPolicyDocs(POLICIES);
      const shown = relative(process.cwd(), opts.out) || opts.out;
      if (opts.check) {
        const current = existsSync(opts.out) ? readFileSync(opts.out, 'utf8') : undefined;
        if (current !== text) {
          io.err(`${shown} is ${current === undefined ? 'missing' : 'stale'}: it differs from the policy metadata\n  hint: run \`npm run docs\` and commit the result (never edit it by hand)\n`);
          setExit(1);
          return;
        }
        io.out(`${shown} is up to date (${POLICIES.length} policies)\n`);
        return;
      }
      mkdirSync(dirname(opts.out), { recursive: true });
      const tmp = `${opts.out}.tmp-${process.pid}`;
      writeFileSync(tmp, text);
      renameSync(tmp, opts.out);
      io.out(`wrote ${shown} (${POLICIES.length} policies)\n`);
    });
}
