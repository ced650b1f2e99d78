/**
 * Deep check: every postgresql.conf embedded in the rendered chart, and the `spec.postgresql.parameters`
 * of every CloudNativePG `Cluster` (which the operator writes into its instances' postgresql.conf), is
 * read by the real PostgreSQL server (`postgres -C <setting> -D <dir>`), which parses the whole file and
 * rejects unknown settings and invalid values. File paths inside the config are not opened by `-C`, so
 * nothing is rewritten.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding, K8sResource } from '../../core/types.ts';
import type { DeepChecker } from './index.ts';
import { embeddedFiles, findingAt, runTool, toolMessage, type EmbeddedFile } from './monitoring-tools.ts';
import { chooseServer, imagesOf, missingServerToolFinding, serverBinaries, versionMismatchFinding, type ServerBinary } from './stateful-tools.ts';

export const POSTGRES_CONFIG_ID = 'deep/postgresql-conf';

/**
 * Compression methods a server build supports (`lz4` and `zstd` are build options; the official
 * postgres images have both, the npm PostgreSQL 16 build has neither). Probed once per binary.
 */
const compressionSupport = new Map<string, Promise<Set<string>>>();
function supportedCompression(bin: string): Promise<Set<string>> {
  let found = compressionSupport.get(bin);
  if (!found) {
    found = (async () => {
      const ok = new Set<string>();
      for (const method of ['lz4', 'zstd']) {
        const dir = await mkdtemp(join(tmpdir(), 'nexus-pgprobe-'));
        try {
          await writeFile(join(dir, 'postgresql.conf'), `wal_compression = ${method}\n`);
          if ((await runTool(bin, ['-C', 'wal_compression', '-D', dir])).code === 0) ok.add(method);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }
      return ok;
    })();
    compressionSupport.set(bin, found);
  }
  return found;
}

/**
 * The config as this server build can read it: compression methods the build lacks (a build option,
 * not a version difference) are checked as `pglz`, which every build has.
 */
export function forBuild(conf: string, supported: Set<string>): string {
  return conf.replace(/^(\s*(?:wal_compression|default_toast_compression)\s*=\s*)'?(lz4|zstd)'?/gm, (line, head: string, method: string) => (supported.has(method) ? line : `${head}pglz`));
}

/** A config to check and the images whose PostgreSQL release judges it. */
interface PostgresConfig {
  file: EmbeddedFile;
  images: string[];
}

/** A setting value as postgresql.conf quotes it (the operator writes every parameter this way). */
const quoteSetting = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/**
 * The `spec.postgresql.parameters` of each CloudNativePG Cluster as a postgresql.conf, judged by the
 * release of its `spec.imageName`. Settings the operator owns are refused by its webhook before they
 * reach a file; what is left is exactly what the instances read.
 */
export function clusterConfigs(resources: K8sResource[]): PostgresConfig[] {
  const out: PostgresConfig[] = [];
  for (const resource of resources) {
    if (resource.kind !== 'Cluster' || !resource.apiVersion.startsWith('postgresql.cnpg.io/')) continue;
    const spec = resource.object.spec as { imageName?: unknown; postgresql?: { parameters?: unknown } } | undefined;
    const parameters = spec?.postgresql?.parameters;
    if (!parameters || typeof parameters !== 'object' || Array.isArray(parameters)) continue;
    const content = Object.entries(parameters as Record<string, unknown>)
      .map(([key, value]) => `${key} = ${quoteSetting(String(value))}`)
      .join('\n');
    out.push({ file: { resource, key: 'spec.postgresql.parameters', content: `${content}\n`, jsonPointer: '/spec/postgresql/parameters' }, images: typeof spec?.imageName === 'string' ? [spec.imageName] : [] });
  }
  return out;
}

/**
 * The checker. It uses a PostgreSQL server of the database image's major version (postgres:16.x →
 * PostgreSQL 16): another major would flag valid settings and pass removed ones. The lookup of
 * installed servers is injectable (tests pass their own).
 */
export const createPostgresChecker = (installed: () => ServerBinary[] = () => serverBinaries('postgres')): DeepChecker => ({
  id: POSTGRES_CONFIG_ID,
  requires: ['postgres'],
  async check(resources: K8sResource[]): Promise<Finding[]> {
    const configs: PostgresConfig[] = [
      ...embeddedFiles(resources)
        .filter((f) => f.key === 'postgresql.conf')
        .map((file) => ({ file, images: imagesOf(resources.filter((r) => r.source === file.resource.source), 'postgres') })),
      ...clusterConfigs(resources),
    ];
    if (configs.length === 0) return [];
    const findings: Finding[] = [];
    const servers = installed();
    for (const { file, images } of configs) {
      const label = `${file.resource.name}/${file.key}`;
      const choice = chooseServer(servers, images, 1);
      if ('missing' in choice) return [missingServerToolFinding(POSTGRES_CONFIG_ID, 'postgres (PostgreSQL server)', 'postgresql.conf')];
      if ('mismatch' in choice) {
        findings.push({ ...findingAt(file, POSTGRES_CONFIG_ID, ''), ...versionMismatchFinding(POSTGRES_CONFIG_ID, label, 'PostgreSQL', choice.mismatch) });
        continue;
      }
      const dir = await mkdtemp(join(tmpdir(), 'nexus-pgconf-'));
      try {
        const path = join(dir, 'postgresql.conf');
        await writeFile(path, forBuild(file.content, await supportedCompression(choice.bin.path)));
        const result = await runTool(choice.bin.path, ['-C', 'max_connections', '-D', dir]);
        if (result.code !== 0) {
          const said = toolMessage(result, { [path]: label, [dir]: '<data dir>' })
            .split('\n')
            .filter((l) => !/skipping missing configuration file/.test(l))
            .join('\n');
          findings.push(findingAt(file, POSTGRES_CONFIG_ID, `PostgreSQL ${choice.bin.version} rejected ${label}:\n${said}`, 'fix the setting (database.tuning.overrides or the chart template) and regenerate'));
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
    return findings;
  },
});

export const postgresChecker = createPostgresChecker();
