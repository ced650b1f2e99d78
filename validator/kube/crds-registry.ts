/**
 * The bundled CRD schemas (validator/kube/crds): the file format bundle-crd.ts writes and the registry
 * (`index.json`) the schema stage reads to find a kind's schema.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../util/paths.ts';

export const CRDS_DIR = join(PROJECT_ROOT, 'validator', 'kube', 'crds');
export const REGISTRY_FILE = join(CRDS_DIR, 'index.json');

type Schema = Record<string, unknown>;

/** One bundled CRD file. */
export interface BundledCrd {
  $comment: string;
  source: string;
  group: string;
  kind: string;
  plural: string;
  scope: string;
  /** version → schema, or the name of the version whose schema it shares. */
  versions: Record<string, Schema | string>;
  /** sha256 of the content (everything but `$comment` and this field), for the drift test. */
  sha256: string;
}

/** The registry: `group/version/Kind` → where its schema lives. */
export interface CrdRegistry {
  $comment: string;
  kinds: Record<string, { file: string; format: 'crd' | 'json-schema'; version?: string }>;
}

export function readRegistry(): CrdRegistry {
  return JSON.parse(readFileSync(REGISTRY_FILE, 'utf8')) as CrdRegistry;
}
