/**
 * The release name is checked before rendering (exit 2): helm's rule, and the names the umbrella chart
 * derives from it. The derivation is held to the real render: for release names around the limit and
 * with name overrides, the predicted backup CronJob name is exactly the rendered one.
 */
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { UMBRELLA_CHART_DIR, PROJECT_ROOT } from '../../util/paths.ts';
import { backupCronJobName, checkReleaseName, cloudnativepgClusterName, CNPG_CLUSTER_NAME_MAX, CRONJOB_NAME_MAX } from '../../validator/release-name.ts';
import { nexusAsync } from '../helpers/cli.ts';
import { helm } from '../helpers/helm.ts';
import { join } from 'node:path';
import { NexusError } from '../../util/errors.ts';
import { BUNDLED_DATABASE_SET, CLOUDNATIVEPG_API_VERSIONS } from '../helpers/database-mode.ts';

async function renderedNames(kind: string, release: string, set: string[]): Promise<string[]> {
  const apis = CLOUDNATIVEPG_API_VERSIONS.flatMap((a) => ['--api-versions', a]);
  const r = await helm('helm4', ['template', release, UMBRELLA_CHART_DIR, '-f', join(PROJECT_ROOT, 'values.production.yaml'), ...apis, ...set.flatMap((s) => ['--set', s])]);
  expect(r.code, r.stderr).toBe(0);
  return parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as { kind?: string; metadata?: { name: string } } | null)
    .filter((o) => o?.kind === kind)
    .map((o) => o!.metadata!.name);
}

describe('the derived CronJob name matches the real render', () => {
  // The chart's own PostgreSQL (bundled mode) renders the CronJob; the overlay as it is (CloudNativePG) renders none.
  const bundled = { mode: 'bundled' };
  const cases: { release: string; set: string[]; values: Record<string, unknown> }[] = [
    { release: 'r'.repeat(36), set: BUNDLED_DATABASE_SET, values: { database: bundled } },
    { release: 'r'.repeat(37), set: BUNDLED_DATABASE_SET, values: { database: bundled } },
    { release: 'r'.repeat(50), set: BUNDLED_DATABASE_SET, values: { database: bundled } },
    { release: 'database', set: BUNDLED_DATABASE_SET, values: { database: bundled } },
    { release: 'x'.repeat(40), set: [...BUNDLED_DATABASE_SET, 'database.fullnameOverride=db'], values: { database: { ...bundled, fullnameOverride: 'db' } } },
    { release: 'y'.repeat(30), set: [...BUNDLED_DATABASE_SET, 'database.nameOverride=postgres-primary-store'], values: { database: { ...bundled, nameOverride: 'postgres-primary-store' } } },
    { release: 'nexus', set: [...BUNDLED_DATABASE_SET, 'database.backup.enabled=false'], values: { database: { ...bundled, backup: { enabled: false } } } },
    { release: 'r'.repeat(50), set: [], values: { database: { mode: 'cloudnativepg' } } },
  ];
  it.each(cases)('release $release with $set', async ({ release, set, values }) => {
    const rendered = await renderedNames('CronJob', release, set);
    const predicted = backupCronJobName(release, values);
    expect(predicted === undefined ? [] : [predicted]).toEqual(rendered);
  });
});

describe('the derived CloudNativePG Cluster name matches the real render', () => {
  it.each([
    { release: 'r'.repeat(41), set: [] as string[], values: { database: { mode: 'cloudnativepg' } } },
    { release: 'database', set: [], values: { database: { mode: 'cloudnativepg' } } },
    { release: 'x'.repeat(53), set: ['database.fullnameOverride=db'], values: { database: { mode: 'cloudnativepg', fullnameOverride: 'db' } } },
    { release: 'nexus', set: BUNDLED_DATABASE_SET, values: { database: { mode: 'bundled' } } },
  ])('release $release with $set', async ({ release, set, values }) => {
    const rendered = await renderedNames('Cluster', release, set);
    const predicted = cloudnativepgClusterName(release, values);
    expect(predicted === undefined ? [] : [predicted]).toEqual(rendered);
  });
});

describe('checked before rendering, exit 2', () => {
  it('helm\'s rule: uppercase, underscores, too long', () => {
    for (const bad of ['Bad_Name', 'a'.repeat(54), '-x', 'x.']) expect(() => checkReleaseName(bad), bad).toThrow(NexusError);
    for (const good of ['nexus', 'a'.repeat(53), 'my.release-1']) expect(() => checkReleaseName(good), good).not.toThrow();
  });

  it('validate and render refuse `Bad_Name` and a 37-character name (CronJob over 52) with the fix; 36 renders', async () => {
    for (const cmd of ['validate', 'render']) {
      const bad = await nexusAsync([cmd, '--release-name', 'Bad_Name']);
      expect(bad.code, bad.stderr).toBe(2);
      expect(bad.stderr).toContain('invalid release name `Bad_Name`');
      expect(bad.stderr).toContain('try --release-name bad-name');
      const bundled = BUNDLED_DATABASE_SET.flatMap((s) => ['--set', s]);
      const long = await nexusAsync([cmd, '--release-name', 'r'.repeat(37), ...bundled]);
      expect(long.code).toBe(2);
      expect(long.stderr).toContain(`-database-backup\` 53 characters long; the API server refuses CronJob names over ${CRONJOB_NAME_MAX}`);
      expect(long.stderr).toContain('use a release name of at most 36 characters');
    }
    const ok = await nexusAsync(['render', '--release-name', 'r'.repeat(36), ...BUNDLED_DATABASE_SET.flatMap((s) => ['--set', s])]);
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('the overlays as they are (CloudNativePG): a 42-character name makes the Cluster name over 50, refused with the fix; 41 renders', async () => {
    for (const cmd of ['validate', 'render']) {
      const long = await nexusAsync([cmd, '--release-name', 'r'.repeat(42)]);
      expect(long.code, long.stderr).toBe(2);
      expect(long.stderr).toContain(`CloudNativePG Cluster \`${'r'.repeat(42)}-database\` 51 characters long; the operator refuses Cluster names over ${CNPG_CLUSTER_NAME_MAX}`);
      expect(long.stderr).toContain('use a release name of at most 41 characters');
    }
    const ok = await nexusAsync(['render', '--release-name', 'r'.repeat(41)]);
    expect(ok.code, ok.stderr).toBe(0);
  });
});
