/** Manifest inputs: files, directories (recursively: *.yaml, *.yml, *.json) and `-` (stdin). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fsError, NexusError } from '../util/errors.ts';
import { decodeUtf8, utf8FileChunks } from '../util/utf8.ts';

export interface ManifestInput<Text = string> {
  /** Label and file for findings: the path relative to the cwd, or `-`. */
  source: string;
  text: Text;
}

const MANIFEST_EXT = /\.(ya?ml|json)$/i;

function listDir(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listDir(p));
    else if (MANIFEST_EXT.test(e.name)) out.push(p);
  }
  return out;
}

/** The inputs' texts, read now. */
export function readManifestInputs(paths: string[], readStdin: () => Promise<string>): Promise<ManifestInput[]> {
  return collectInputs(paths, readStdin, (file, source) => {
    try {
      return decodeUtf8(readFileSync(file), source);
    } catch (err) {
      throw fsError(err, 'read', file);
    }
  });
}

/**
 * The inputs, a file's text to be read in pieces as it is parsed (parseManifests reads either; see
 * utf8FileChunks for why): the paths are checked now, the files are read then.
 */
export function openManifestInputs(paths: string[], readStdin: () => Promise<string>): Promise<Array<ManifestInput<string | Iterable<string>>>> {
  return collectInputs<string | Iterable<string>>(paths, readStdin, (file, source) => ({ [Symbol.iterator]: () => fileChunks(file, source) }));
}

function* fileChunks(file: string, source: string): Generator<string, void, undefined> {
  try {
    yield* utf8FileChunks(file, source);
  } catch (err) {
    throw fsError(err, 'read', file);
  }
}

async function collectInputs<Text>(paths: string[], readStdin: () => Promise<string>, readFile: (file: string, source: string) => Text): Promise<Array<ManifestInput<Text | string>>> {
  const out: Array<ManifestInput<Text | string>> = [];
  for (const p of paths) {
    if (p === '-') {
      const text = await readStdin();
      if (!hasDocument(text)) {
        throw new NexusError('stdin holds no YAML document (it is empty, or only comments)', { location: { file: '-' }, hint: 'pipe manifests in (`helm template … | nexus validate -`), or pass files instead of -' });
      }
      out.push({ source: '-', text });
      continue;
    }
    let st;
    try {
      st = statSync(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new NexusError(`input not found: ${p}`, { location: { file: p }, hint: 'pass manifest files, directories, or - for stdin' });
      throw fsError(err, 'read', p);
    }
    const files = st.isDirectory() ? listDir(p) : [p];
    if (st.isDirectory() && files.length === 0) throw new NexusError(`no *.yaml, *.yml or *.json files in directory ${p}`, { location: { file: p } });
    for (const f of files) {
      const source = relative(process.cwd(), f) || f;
      out.push({ source, text: readFile(f, source) });
    }
  }
  return out;
}

/** Whether `text` has any YAML content: something besides blank lines, comments and document markers. */
function hasDocument(text: string): boolean {
  return text.split('\n').some((l) => !/^\s*(#.*)?$/.test(l) && !/^(---|\.\.\.)\s*(#.*)?$/.test(l));
}

/** All of stdin, strictly decoded (invalid UTF-8 is an error with its position). */
export function readProcessStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => {
      try {
        resolve(decodeUtf8(Buffer.concat(chunks), '-'));
      } catch (err) {
        reject(err);
      }
    });
    process.stdin.on('error', reject);
  });
}
