/**
 * Deep check: every postgresql.conf embedded in the rendered chart is read by the real PostgreSQL
 * server (`postgres -C <setting> -D <dir>`), which parses the whole file and rejects unknown settings
 * and invalid values. File paths inside the config are not opened by `-C`, so nothing is rewritten.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding, K8sResource } from '../../core/types.ts';
import type { DeepChecker } from './index.ts';
import { embeddedFiles, findingAt, runTool, toolMessage } from './monitoring-tools.ts';
import { locateServerTool, missingServerToolFinding } from './stateful-tools.ts';

export const POSTGRES_CONFIG_ID = 'deep/postgresql-conf';

/** The checker, with the binary lookup injectable (tests pass a lookup that finds nothing). */
export const createPostgresChecker = (locate: (tool: string) => string | undefined = locateServerTool): DeepChecker => ({
  id: POSTGRES_CONFIG_ID,
  requires: ['postgres'],
  async check(resources: K8sResource[]): Promise<Finding[]> {
    const files = embeddedFiles(resources).filter((f) => f.key === 'postgresql.conf');
    if (files.length === 0) return [];
    const postgres = locate('postgres');
    if (!postgres) return [missingServerToolFinding(POSTGRES_CONFIG_ID, 'postgres (PostgreSQL server)', 'postgresql.conf')];
    const findings: Finding[] = [];
    for (const file of files) {
      const dir = await mkdtemp(join(tmpdir(), 'nexus-pgconf-'));
      try {
        const path = join(dir, 'postgresql.conf');
        await writeFile(path, file.content);
        const result = await runTool(postgres, ['-C', 'max_connections', '-D', dir]);
        if (result.code !== 0) {
          const label = `${file.resource.name}/${file.key}`;
          const said = toolMessage(result, { [path]: label, [dir]: '<data dir>' })
            .split('\n')
            .filter((l) => !/skipping missing configuration file/.test(l))
            .join('\n');
          findings.push(findingAt(file, POSTGRES_CONFIG_ID, `PostgreSQL rejected ${label}:\n${said}`, 'fix the setting (database.tuning.overrides or the chart template) and regenerate'));
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
    return findings;
  },
});

export const postgresChecker = createPostgresChecker();
