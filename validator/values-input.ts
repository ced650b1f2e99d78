/**
 * The values of one render, layered exactly like helm does it: the `-f` files merged in order (maps
 * key by key, anything else replaced by the later file), then `--set-json`, `--set`, `--set-string`
 * and `--set-file` (helm applies them in that order of flag type, each in command-line order).
 *
 * What nexus checks is what helm renders with: a `-f` that is not a regular file (`-` for stdin,
 * `/dev/stdin`, a process substitution such as `<(sops -d v.yaml)`) can be read only once, so it is
 * read here and helm gets a private snapshot of the very bytes that were checked.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Position } from '../core/types.ts';
import { onCleanup } from '../util/cleanup.ts';
import { fsError, NexusError } from '../util/errors.ts';
import { decodeUtf8 } from '../util/utf8.ts';
import { applySet, mergeValues, StrvalsError, type SetMode } from './strvals.ts';
import { parseLocatedYaml, type LocatedYaml, type Yaml11Surprise } from './yaml-source.ts';

export interface SetFlags {
  set?: string[];
  setString?: string[];
  setFile?: string[];
  setJson?: string[];
}

export interface ValuesFile {
  /** As the user named it (`values.production.yaml`, `-`, `/dev/fd/63`). */
  label: string;
  located: LocatedYaml;
  /** The path helm reads: the file itself, or the snapshot of a stream. */
  helmPath: string;
}

let snapshotDir: string | undefined;
function snapshot(label: string, bytes: Uint8Array): string {
  if (!snapshotDir) {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-values-'));
    snapshotDir = dir;
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  }
  const path = join(snapshotDir, `${readdirCount++}-${label.replace(/[^\w.-]+/g, '_').slice(-60) || 'stdin'}`);
  writeFileSync(path, bytes, { mode: 0o600 });
  return path;
}
let readdirCount = 0;

const STDIN_NAMES = new Set(['/dev/stdin', '/dev/fd/0', '/proc/self/fd/0']);

/** Reads one `-f` source once: a regular file by path, anything else (`-`, pipes) into a snapshot. */
export function readValuesFile(spec: string, options: { readStdin?: () => Uint8Array; display?: (p: string) => string } = {}): ValuesFile {
  const label = spec === '-' ? '-' : (options.display?.(spec) ?? spec);
  let bytes: Uint8Array;
  let regular = false;
  try {
    // stdin by any name: opening /dev/stdin fails (ENXIO) when stdin is a socket, as under Node.
    if (spec === '-' || STDIN_NAMES.has(spec)) bytes = (options.readStdin ?? (() => readFileSync(0)))();
    else {
      const st = statSync(spec);
      if (st.isDirectory()) throw new NexusError(`${label} is a directory, not a values file`, { location: { file: label }, hint: 'pass a YAML file with -f' });
      regular = st.isFile();
      bytes = readFileSync(spec);
    }
  } catch (err) {
    if (err instanceof NexusError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NexusError(`values file not found: ${label}`, { location: { file: label }, hint: 'check the path (values files are relative to the current directory)' });
    }
    throw fsError(err, 'read the values file', label);
  }
  const text = decodeUtf8(bytes, label);
  const located = parseLocatedYaml(label, text);
  if (located.value === null || located.value === undefined) {
    throw new NexusError('values file is empty (no YAML document, or only comments)', {
      location: { file: label, line: 1, column: 1 },
      hint: 'add at least one setting, e.g. `global:\\n  environment: staging`, or drop the -f flag',
    });
  }
  if (typeof located.value !== 'object' || Array.isArray(located.value)) {
    const what = Array.isArray(located.value) ? 'a list' : `a ${typeof located.value}`;
    const p = located.positionOf([]);
    throw new NexusError(`values file must be a mapping of keys to values, but its top level is ${what}`, {
      location: { file: label, line: p.line, column: p.column },
      hint: 'start the file with top-level keys such as `global:` or `frontend:`',
    });
  }
  return { label, located, helmPath: regular ? spec : snapshot(label, bytes) };
}

const isDict = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (isDict(value) && Object.keys(value).length) return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
  if (Array.isArray(value) && value.length) return value.flatMap((v, i) => leafPaths(v, [...prefix, String(i)]));
  return [prefix];
}

const SET_ORDER: { flag: string; mode: SetMode; key: keyof SetFlags }[] = [
  { flag: '--set-json', mode: 'json', key: 'setJson' },
  { flag: '--set', mode: 'set', key: 'set' },
  { flag: '--set-string', mode: 'string', key: 'setString' },
  { flag: '--set-file', mode: 'file', key: 'setFile' },
];

interface SetSource {
  flag: string;
  arg: string;
  paths: string[][];
}

/** The merged values of one render, with positions that point into whichever source set a value last. */
export class LayeredValues implements LocatedYaml {
  readonly file: string;
  readonly value: Record<string, unknown>;
  readonly helmArgs: string[];
  private readonly sets: SetSource[] = [];

  constructor(
    private readonly files: ValuesFile[],
    flags: SetFlags = {},
    label?: string,
  ) {
    let value: Record<string, unknown> = {};
    for (const f of files) value = mergeValues(value, f.located.value as Record<string, unknown>);
    const helmArgs = files.flatMap((f) => ['-f', f.helmPath]);
    for (const { flag, mode, key } of SET_ORDER) {
      for (const arg of flags[key] ?? []) {
        const readFile = (path: string) => {
          let st;
          try {
            st = statSync(path);
            if (!st.isFile()) throw new NexusError(`${flag} ${arg}: ${path} is not a regular file`, { hint: `helm reads ${path} again after nexus checked it; save the content to a file and pass that` });
            return decodeUtf8(readFileSync(path), path);
          } catch (err) {
            if (err instanceof NexusError) throw err;
            throw fsError(err, `read the ${flag} file`, path);
          }
        };
        try {
          applySet(value, arg, mode, readFile);
          const alone: Record<string, unknown> = {};
          applySet(alone, arg, mode, () => '');
          this.sets.push({ flag, arg, paths: leafPaths(alone) });
        } catch (err) {
          if (err instanceof StrvalsError) throw new NexusError(`cannot parse ${flag} ${arg}: ${err.message}`, { location: { file: flag }, hint: 'the syntax is key.sub=value,list[0]=x (escape `.`, `,`, `=` and `[` in keys with a backslash)' });
          throw err;
        }
        helmArgs.push(flag, arg);
      }
    }
    this.value = value;
    this.helmArgs = helmArgs;
    this.file = label ?? ([...files.map((f) => f.label), ...this.sets.map((s) => `${s.flag} ${s.arg}`)].join(' + ') || '(chart defaults)');
  }

  /** The source that set `path` last: a --set flag, or the last -f file that has the path. */
  positionOf(path: readonly PropertyKey[], options?: { key?: boolean }): Position & { file?: string } {
    const p = path.map(String);
    for (let i = this.sets.length - 1; i >= 0; i--) {
      const s = this.sets[i]!;
      if (s.paths.some((q) => q.every((seg, j) => j >= p.length || p[j] === seg) || p.every((seg, j) => j >= q.length || q[j] === seg))) {
        return { file: `${s.flag} ${s.arg}`, line: 0, column: 0 };
      }
    }
    for (let i = this.files.length - 1; i >= 0; i--) {
      const f = this.files[i]!;
      if (i === 0 || hasPath(f.located.value, p)) return { file: f.label, ...f.located.positionOf(path, options) };
    }
    return { line: 1, column: 1 };
  }

  yaml11Surprises(): Yaml11Surprise[] {
    return this.files.flatMap((f) => f.located.yaml11Surprises());
  }
}

function hasPath(value: unknown, path: string[]): boolean {
  let v = value;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return false;
    if (!(seg in (v as Record<string, unknown>))) return false;
    v = (v as Record<string, unknown>)[seg];
  }
  return true;
}
