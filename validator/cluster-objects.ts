/**
 * `--cluster-objects FILE`: what already exists on the target cluster (for example the output of
 * `kubectl get runtimeclasses,priorityclasses,serviceaccounts -A -o yaml`). Read with the manifest
 * parser, so `kind: List` documents are expanded and YAML means what it means to kubectl. A file that
 * cannot be read or parsed stops the run (exit 2): judging references against half a cluster would
 * report objects as missing that are not.
 */
import { readFileSync } from 'node:fs';
import { NexusError } from '../util/errors.ts';
import { parseManifests } from './manifests.ts';

export function readClusterObjects(files: readonly string[]): Record<string, unknown>[] {
  const objects: Record<string, unknown>[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new NexusError(`cannot read --cluster-objects ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {
        location: { file },
        hint: 'write the cluster inventory first, e.g. `kubectl get runtimeclasses,priorityclasses,serviceaccounts -A -o yaml > cluster.yaml`',
      });
    }
    const parsed = parseManifests(text, { source: file });
    const bad = parsed.findings.find((f) => f.severity === 'error');
    if (bad) {
      throw new NexusError(`--cluster-objects ${file} is not a manifest: ${bad.message}`, {
        location: { file, ...(bad.line !== undefined ? { line: bad.line } : {}), ...(bad.column !== undefined ? { column: bad.column } : {}) },
        hint: 'pass the YAML that `kubectl get … -o yaml` prints',
      });
    }
    for (const r of parsed.resources) objects.push(r.object);
  }
  return objects;
}
