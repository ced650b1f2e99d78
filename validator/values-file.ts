/** Reading a values file (YAML with positions). Kept apart from the Zod check so that helm can be
 * spawned before zod and the model are loaded. */
import { readFileSync, statSync } from 'node:fs';
import { fsError, NexusError } from '../util/errors.ts';
import { decodeUtf8 } from '../util/utf8.ts';
import { parseLocatedYaml, type LocatedYaml } from './yaml-source.ts';

/** Reads and parses a values file; anything that stops us from checking it is a NexusError (exit 2). */
export function readValuesFile(file: string): LocatedYaml {
  let bytes: Buffer;
  try {
    if (statSync(file).isDirectory()) throw new NexusError(`${file} is a directory, not a values file`, { location: { file }, hint: 'pass a YAML file with -f' });
    bytes = readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NexusError(`values file not found: ${file}`, { location: { file }, hint: 'check the path (values files are relative to the current directory)' });
    }
    throw fsError(err, 'read the values file', file);
  }
  const text = decodeUtf8(bytes, file);
  const located = parseLocatedYaml(file, text);
  if (located.value === null || located.value === undefined) {
    throw new NexusError('values file is empty (no YAML document, or only comments)', {
      location: { file, line: 1, column: 1 },
      hint: 'add at least one setting, e.g. `global:\\n  environment: staging`, or drop the -f flag',
    });
  }
  if (typeof located.value !== 'object' || Array.isArray(located.value)) {
    const what = Array.isArray(located.value) ? 'a list' : `a ${typeof located.value}`;
    const p = located.positionOf([]);
    throw new NexusError(`values file must be a mapping of keys to values, but its top level is ${what}`, {
      location: { file, line: p.line, column: p.column },
      hint: 'start the file with top-level keys such as `global:` or `frontend:`',
    });
  }
  return located;
}

