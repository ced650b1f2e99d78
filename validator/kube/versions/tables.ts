/**
 * Loads the API table of one Kubernetes minor (format.ts), lazily and once per process: the latest
 * version's file plus, for an older target, its difference from the latest. Nothing else is read.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NexusError } from '../../../util/errors.ts';
import { PROJECT_ROOT } from '../../../util/paths.ts';
import { LATEST_MINOR, OLDEST_MINOR, type StoredVersion, type VersionTable } from './format.ts';

const DIR = join(PROJECT_ROOT, 'validator', 'kube', 'generated', 'versions');
const loaded = new Map<number, VersionTable>();

function read(minor: number): StoredVersion {
  return JSON.parse(readFileSync(join(DIR, `kube-1.${minor}.json`), 'utf8')) as StoredVersion;
}

/** The supported range as users write it. */
export const SUPPORTED_RANGE = `1.${OLDEST_MINOR}–1.${LATEST_MINOR}`;

/** Throws a could-not-run error (exit 2) for a minor outside the supported range. */
export function assertSupportedMinor(minor: number, written: string): void {
  if (minor < OLDEST_MINOR || minor > LATEST_MINOR) {
    throw new NexusError(`--kube-version ${written} is outside the supported range ${SUPPORTED_RANGE}`, {
      hint: `choose a version from 1.${OLDEST_MINOR} to 1.${LATEST_MINOR} (e.g. --kube-version 1.${LATEST_MINOR}); the validator ships the API tables of these releases`,
    });
  }
}

export function versionTable(minor: number): VersionTable {
  let t = loaded.get(minor);
  if (t) return t;
  assertSupportedMinor(minor, `1.${minor}`);
  const latest = read(LATEST_MINOR);
  if (minor === LATEST_MINOR) {
    t = { version: latest.version, minor, source: latest.source, kinds: latest.kinds, models: latest.models as Record<string, Record<string, string>> };
  } else {
    const diff = read(minor);
    const models: Record<string, Record<string, string>> = { ...(latest.models as Record<string, Record<string, string>>) };
    for (const [name, fields] of Object.entries(diff.models)) {
      if (fields === null) delete models[name];
      else models[name] = fields;
    }
    t = { version: diff.version, minor, source: diff.source, kinds: diff.kinds, models };
  }
  loaded.set(minor, t);
  return t;
}

let index: Record<string, number[]> | undefined;

/** Minors (within the supported range) whose table serves `key` (`group/version/Kind`); [] for other kinds. */
export function minorsServing(key: string): readonly number[] {
  index ??= (JSON.parse(readFileSync(join(DIR, 'kinds-index.json'), 'utf8')) as { kinds: Record<string, number[]> }).kinds;
  return index[key] ?? [];
}

/** Every `group/version/Kind` some supported minor serves. */
export function allServedKinds(): string[] {
  minorsServing('');
  return Object.keys(index!);
}
