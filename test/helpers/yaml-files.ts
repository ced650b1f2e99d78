/** The YAML files the parser tests read: every one of the repository, and of ../shared/conformance when present. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
const CONFORMANCE = join(ROOT, '..', 'shared', 'conformance');
const SKIPPED = new Set(['node_modules', '.git', '.tools', '.cache', '.helm', 'dist']);

export function repositoryYamlFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (SKIPPED.has(name)) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(name)) files.push(path);
    }
  };
  walk(ROOT);
  if (existsSync(CONFORMANCE)) walk(CONFORMANCE);
  return files;
}
