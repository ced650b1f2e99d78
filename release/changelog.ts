/**
 * The chart's changelog: one list of changes per chart version. The generator writes the entry for
 * the current `nexus.chartVersion` (package.json) into Chart.yaml as `artifacthub.io/changes`, and
 * `nexus version-check` refuses a version without an entry. Add the new version at the top when you
 * bump the version. Kinds are Artifact Hub's.
 *
 * Pure data (imported by generator/chart-yaml.ts).
 */
export type ChangeKind = 'added' | 'changed' | 'deprecated' | 'removed' | 'fixed' | 'security';

export interface Change {
  kind: ChangeKind;
  description: string;
  links?: { name: string; url: string }[];
  /**
   * The change breaks upgrades from the previous version: the API server refuses some update (a new
   * selector, a resized volumeClaimTemplate…). `version-check` and `release` accept such a release
   * only with a major version bump; describe the migration in `description`. Written to Chart.yaml as
   * `nexus.dev/breaking-changes` (Artifact Hub's changes format has no such field).
   */
  breaking?: boolean;
}

export const CHANGELOG: Readonly<Record<string, readonly Change[]>> = {
  '0.1.0': [
    { kind: 'added', description: 'Umbrella chart with one subchart per tier (frontend, backend, database, cache, gateway, monitoring) and the nexus-lib library chart.' },
    { kind: 'added', description: 'values.schema.json generated from the typed model, enforced by Helm 3 and Helm 4.' },
    { kind: 'added', description: 'Signed releases to OCI registries and classic chart repositories, gated by `nexus validate`.' },
  ],
};

export function changesFor(version: string): readonly Change[] {
  return CHANGELOG[version] ?? [];
}
