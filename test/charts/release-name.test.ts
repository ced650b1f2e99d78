/**
 * The release name is checked before rendering (exit 2): helm's rule, and the names the umbrella chart
 * derives from it. The derivation is held to the real render: for release names around the limit and
 * with name overrides, the predicted backup CronJob name is exactly the rendered one.
 */
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { UMBRELLA_CHART_DIR, PROJECT_ROOT } from '../../util/paths.ts';
import { backupCronJobName, checkReleaseName, CRONJOB_NAME_MAX } from '../../validator/release-name.ts';
import { nexusAsync } from '../helpers/cli.ts';
import { helm } from '../helpers/helm.ts';
import { join } from 'node:path';
import { NexusError } from '../../util/errors.ts';

async function renderedCronJobs(release: string, set: string[]): Promise<string[]> {
  const r = await helm('helm4', ['template', release, UMBRELLA_CHART_DIR, '-f', join(PROJECT_ROOT, 'values.production.yaml'), ...set.flatMap((s) => ['--set', s])]);
  expect(r.code, r.stderr).toBe(0);
  return parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as { kind?: string; metadata?: { name: string } } | null)
    .filter((o) => o?.kind === 'CronJob')
    .map((o) => o!.metadata!.name);
}

describe('the derived CronJob name matches the real render', () => {
  const cases: { release: string; set: string[]; values: Record<string, unknown> }[] = [
    { release: 'r'.repeat(36), set: [], values: {} },
    { release: 'r'.repeat(37), set: [], values: {} },
    { release: 'r'.repeat(50), set: [], values: {} },
    { release: 'database', set: [], values: {} },
    { release: 'x'.repeat(40), set: ['database.fullnameOverride=db'], values: { database: { fullnameOverride: 'db' } } },
    { release: 'y'.repeat(30), set: ['database.nameOverride=postgres-primary-store'], values: { database: { nameOverride: 'postgres-primary-store' } } },
    { release: 'nexus', set: ['database.backup.enabled=false'], values: { database: { backup: { enabled: false } } } },
  ];
  it.each(cases)('release $release with $set', async ({ release, set, values }) => {
    const rendered = await renderedCronJobs(release, set);
    const predicted = backupCronJobName(release, values);
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
      const long = await nexusAsync([cmd, '--release-name', 'r'.repeat(37)]);
      expect(long.code).toBe(2);
      expect(long.stderr).toContain(`-database-backup\` 53 characters long; the API server refuses CronJob names over ${CRONJOB_NAME_MAX}`);
      expect(long.stderr).toContain('use a release name of at most 36 characters');
    }
    const ok = await nexusAsync(['render', '--release-name', 'r'.repeat(36)]);
    expect(ok.code, ok.stderr).toBe(0);
  });
});
