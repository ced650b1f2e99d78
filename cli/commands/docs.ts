/**
 * `nexus docs`: writes docs/policies.md (and the editor schema of .nexus-policy.yaml beside it) from the
 * policy metadata; `--check` reports drift (exit 1) instead.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { fsError } from '../../util/errors.ts';
import { PROJECT_ROOT } from '../../util/paths.ts';
import type { CliIo } from '../io.ts';

const POLICY_DOCS_FILE = join(PROJECT_ROOT, 'docs', 'policies.md');

export function registerDocs(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('docs')
    .description('generate docs/policies.md from the policy metadata; --check reports drift instead')
    .option('--check', 'exit 1 if docs/policies.md differs from a fresh render')
    .option('--out <file>', 'output file', POLICY_DOCS_FILE)
    .action(async (opts: { check?: boolean; out: string }) => {
      // Loaded here, not at the top: other subcommands never pay for loading every policy.
      const { policyDocFiles, POLICY_COUNT } = await import('./docs-files.ts');
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
        io.out(`${files.map((f) => shown(f.path)).join(' and ')} are up to date (${POLICY_COUNT} policies)\n`);
        return;
      }
      try {
        mkdirSync(dirname(opts.out), { recursive: true });
      } catch (err) {
        throw fsError(err, 'create the directory', dirname(opts.out));
      }
      for (const f of files) writeFileAtomic(f.path, f.text);
      io.out(`wrote ${files.map((f) => shown(f.path)).join(' and ')} (${POLICY_COUNT} policies)\n`);
    });
}
