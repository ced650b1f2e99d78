/**
 * The release name, checked before anything is rendered (a bad one is "could not run", exit 2):
 *   - helm's own rule (ValidateReleaseName): lowercase DNS labels joined by dots, at most 53 characters;
 *   - for the NEXUS umbrella chart, the names derived from it that have a tighter limit than 63: the
 *     database backup CronJob is `<database fullname>-backup`, and the API server refuses CronJob
 *     names over 52 characters (the Jobs it creates append 11); in CloudNativePG mode the `Cluster` is
 *     `<database fullname>`, and the operator's admission webhook refuses Cluster names over 50
 *     (cloudnative-pg `validateName`: its pods, Jobs and Services append suffixes). The derivation mirrors
 *     nexus-lib's nexus.fullname / nexus.componentName; test/charts/release-name.test.ts holds it
 *     to the real render.
 */
import { NexusError } from '../util/errors.ts';

export const RELEASE_NAME_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const RELEASE_NAME_MAX = 53;
/** Kubernetes: a CronJob name is at most 52 characters. */
export const CRONJOB_NAME_MAX = 52;
/** CloudNativePG's admission webhook: a Cluster name is at most 50 characters. */
export const CNPG_CLUSTER_NAME_MAX = 50;

/** Go template `trunc 63 | trimSuffix "-"`. */
const dnsTrunc = (s: string) => s.slice(0, 63).replace(/-$/, '');

export function checkReleaseName(name: string): void {
  if (name.length > RELEASE_NAME_MAX || !RELEASE_NAME_PATTERN.test(name)) {
    const why = name.length > RELEASE_NAME_MAX ? `it has ${name.length} characters; helm allows ${RELEASE_NAME_MAX}` : 'helm allows lowercase letters, digits and "-", starting and ending with a letter or digit (dots between such parts)';
    const suggestion = name.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, RELEASE_NAME_MAX);
    throw new NexusError(`invalid release name \`${name}\`: ${why}`, { hint: suggestion && suggestion !== name ? `try --release-name ${suggestion}` : 'choose a shorter release name' });
  }
}

const isDict = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A subchart's fullname as nexus.fullname computes it (`fullnameOverride`, else `<release>-<name>`). */
export function subchartFullname(release: string, chart: string, values: unknown): string {
  const v = isDict(values) ? values : {};
  if (typeof v.fullnameOverride === 'string' && v.fullnameOverride) return dnsTrunc(v.fullnameOverride);
  const name = typeof v.nameOverride === 'string' && v.nameOverride ? v.nameOverride : chart;
  return release === name ? dnsTrunc(release) : dnsTrunc(`${release}-${name}`);
}

/**
 * The database backup CronJob's name for these values, or undefined when none is rendered (no database, backups
 * off, or CloudNativePG, whose operator backs up through a ScheduledBackup instead: nexus.database.dumps).
 */
export function backupCronJobName(release: string, values: unknown): string | undefined {
  const database = isDict(values) && isDict(values.database) ? values.database : {};
  const backup = isDict(database.backup) ? database.backup : {};
  if (database.enabled === false || backup.enabled === false || database.mode === 'cloudnativepg') return undefined;
  return dnsTrunc(`${subchartFullname(release, 'database', database)}-backup`);
}

/** The CloudNativePG `Cluster`'s name for these values (the database fullname), or undefined outside that mode. */
export function cloudnativepgClusterName(release: string, values: unknown): string | undefined {
  const database = isDict(values) && isDict(values.database) ? values.database : {};
  if (database.enabled === false || database.mode !== 'cloudnativepg') return undefined;
  return subchartFullname(release, 'database', database);
}

/** Derived names of the NEXUS umbrella chart that the API server (or the operator's webhook) would refuse, for these values. */
export function checkNexusDerivedNames(release: string, values: unknown, source: string): void {
  const derived = [
    { name: backupCronJobName(release, values), max: CRONJOB_NAME_MAX, what: 'database backup CronJob', who: 'the API server refuses CronJob names' },
    { name: cloudnativepgClusterName(release, values), max: CNPG_CLUSTER_NAME_MAX, what: 'CloudNativePG Cluster', who: 'the operator refuses Cluster names' },
  ];
  for (const { name, max, what, who } of derived) {
    if (name === undefined || name.length <= max) continue;
    const room = max - (name.length - release.length);
    throw new NexusError(
      `release name \`${release}\` (${release.length} characters) makes the ${what} \`${name}\` ${name.length} characters long; ${who} over ${max}`,
      { location: { file: source }, hint: `use a release name of at most ${Math.max(room, 1)} characters, or set database.fullnameOverride to a shorter name` },
    );
  }
}
