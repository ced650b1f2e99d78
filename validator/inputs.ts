/** Manifest inputs: files, directories (recursively: *.yaml, *.yml, *.json) and `-` (stdin). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fsError, NexusError } from '../util/errors.ts';
import { decodeUtf8 } from '../util/utf8.ts';

export interface ManifestInput {
  /** Label and file for findings: the path relative to the cwd, or `-`. */
  source: string;
  text: string;
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

export async function readManifestInputs(paths: string[], readStdin: () => Promise<string>): Promise<ManifestInput[]> {
  const out: ManifestInput[] = [];
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
      let text: string;
      const source = relative(process.cwd(), f) || f;
      try {
        text = decodeUtf8(readFileSync(f), source);
      } catch (err) {
        throw fsError(err, 'read', f);
      }
      out.push({ source, text });
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
