/** The generated kind catalogue and strict field tables (see build-tables.ts), loaded once, lazily. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../util/paths.ts';
import type { KubeTables } from './build-tables.ts';

let cached: KubeTables | undefined;

export function kubeTables(): KubeTables {
  cached ??= JSON.parse(readFileSync(join(PROJECT_ROOT, 'validator', 'kube', 'generated', 'kube-tables.json'), 'utf8')) as KubeTables;
  return cached;
}

export function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}
