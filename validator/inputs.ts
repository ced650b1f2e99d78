/** Manifest inputs: files, directories (recursively: *.yaml, *.yml, *.json) and `-` (stdin). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { NexusError } from '../util/errors.ts';

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
      out.push({ source: '-', text: await readStdin() });
      continue;
    }
    let st;
    try {
      st = statSync(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new NexusError(`input not found: ${p}`, { location: { file: p }, hint: 'pass manifest files, directories, or - for stdin' });
      throw new NexusError(`cannot read ${p}: ${code ?? (err as Error).message}`, { location: { file: p }, hint: code === 'EACCES' ? 'check the permissions of the path' : undefined });
    }
    const files = st.isDirectory() ? listDir(p) : [p];
    if (st.isDirectory() && files.length === 0) throw new NexusError(`no *.yaml, *.yml or *.json files in directory ${p}`, { location: { file: p } });
    for (const f of files) {
      let text: string;
      try {
        text = readFileSync(f, 'utf8');
      } catch (err) {
        throw new NexusError(`cannot read ${f}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { location: { file: f } });
      }
      out.push({ source: relative(process.cwd(), f) || f, text });
    }
  }
  return out;
}

export function readProcessStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}
