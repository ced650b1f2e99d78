/**
 * Deep check: AlertManager configs embedded in the rendered chart (ConfigMap or Secret keys named
 * alertmanager.yml / alertmanager.yaml), checked by the real `amtool check-config`. Receiver secrets
 * are referenced as files (`routing_key_file`, `api_url_file`, ...), which amtool does not open, so
 * the check needs no secret material.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding, K8sResource } from '../../core/types.ts';
import type { DeepChecker } from './index.ts';
import { embeddedFiles, findingAt, locateTool, missingToolFinding, runTool, toolMessage, type EmbeddedFile } from './monitoring-tools.ts';

export const ALERTMANAGER_CONFIG_ID = 'deep/alertmanager-config';

const CONFIG_KEYS = new Set(['alertmanager.yml', 'alertmanager.yaml']);

export function findAlertmanagerConfigs(resources: K8sResource[]): EmbeddedFile[] {
  return embeddedFiles(resources).filter((f) => CONFIG_KEYS.has(f.key));
}

export const alertmanagerChecker: DeepChecker = {
  id: 'deep/alertmanager',
  requires: ['amtool'],
  async check(resources: K8sResource[]): Promise<Finding[]> {
    const configs = findAlertmanagerConfigs(resources);
    if (configs.length === 0) return [];
    const amtool = locateTool('amtool');
    if (!amtool) return [missingToolFinding(this.id, 'amtool')];
    const dir = await mkdtemp(join(tmpdir(), 'nexus-amtool-'));
    try {
      const findings: Finding[] = [];
      for (const [i, file] of configs.entries()) {
        const path = join(dir, `alertmanager-${i}.yml`);
        await writeFile(path, file.content);
        const result = await runTool(amtool, ['check-config', path]);
        if (result.code !== 0) {
          const label = `${file.resource.name}/${file.key}`;
          findings.push(findingAt(file, ALERTMANAGER_CONFIG_ID, `amtool check-config rejected ${label}:\n${toolMessage(result, { [path]: label })}`));
        }
      }
      return findings;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
