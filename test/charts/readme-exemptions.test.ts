/**
 * README's "Policy exemptions carried by the charts" table is held to the renders: every
 * `nexus.dev/ignore-<policy>` annotation in the staging and production renders has its row (object,
 * policy, the renders that carry it), and the table names no exemption the charts do not carry.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../util/paths.ts';
import { CRD_API_VERSIONS, renderChart } from './helpers.ts';

const RENDERS = [
  { env: 'staging', file: 'values.staging.yaml', namespace: 'nexus-staging' },
  { env: 'production', file: 'values.production.yaml', namespace: 'nexus-platform' },
] as const;

const IGNORE_PREFIX = 'nexus.dev/ignore-';

/** `Kind name policy` → the renders carrying it, from the charts. */
async function renderedExemptions(): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  for (const { env, file, namespace } of RENDERS) {
    for (const { object } of await renderChart({ valuesFiles: [file], namespace, apiVersions: CRD_API_VERSIONS })) {
      for (const key of Object.keys(object.metadata?.annotations ?? {})) {
        if (!key.startsWith(IGNORE_PREFIX)) continue;
        const id = `${object.kind} ${object.metadata?.name} ${key.slice(IGNORE_PREFIX.length)}`;
        found.set(id, [...(found.get(id) ?? []), env]);
      }
    }
  }
  return found;
}

/** The same, from the README table's rows: | Kind `name` | `policy` | env, env (note) | why |. */
function readmeExemptions(): Map<string, string[]> {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Policy exemptions carried by the charts');
  expect(start, 'README has a "Policy exemptions carried by the charts" section').toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  const rows = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    const m = /^\| (\w+) `([^`]+)` \| `([^`]+)` \| ([^|(]+?)\s*(?:\([^)]*\))? \|/.exec(line);
    if (m) rows.set(`${m[1]} ${m[2]} ${m[3]}`, (m[4] ?? '').split(',').map((e) => e.trim()));
  }
  return rows;
}

describe('README lists the policy exemptions the charts carry', () => {
  it('one row per exemption in the staging and production renders, with the renders that carry it', async () => {
    const rendered = await renderedExemptions();
    const documented = readmeExemptions();
    expect(rendered.size, 'the renders carry at least one exemption (else the table should say none)').toBeGreaterThan(0);
    expect(Object.fromEntries([...documented].sort())).toEqual(Object.fromEntries([...rendered].sort()));
  }, 120_000);
});
