/**
 * Deep check: Prometheus configs and rule files embedded in the rendered chart, checked by the real
 * `promtool`. Rule files (ConfigMap keys holding `groups:`, and PrometheusRule specs) go through
 * `promtool check rules`; `prometheus.yml` keys through `promtool check config`. Debian's promtool
 * 2.42 rejects `kubernetes_sd_configs`, so the checked copy swaps them for an empty `file_sd_configs`
 * (DESIGN §6) and leaves rule files to the rules check.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsyaml from 'js-yaml';
import type { Finding, K8sResource } from '../../core/types.ts';
import type { DeepChecker } from './index.ts';
import { embeddedFiles, findingAt, locateTool, missingToolFinding, runTool, toolMessage, type EmbeddedFile } from './monitoring-tools.ts';

export const PROMETHEUS_RULES_ID = 'deep/prometheus-rules';
export const PROMETHEUS_CONFIG_ID = 'deep/prometheus-config';

const CONFIG_KEYS = new Set(['prometheus.yml', 'prometheus.yaml']);

function parseYaml(text: string): unknown {
  try {
    return jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA });
  } catch {
    return undefined;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Rule files: data keys whose YAML has a `groups` list, plus each PrometheusRule as one file. */
export function findRuleFiles(resources: K8sResource[]): EmbeddedFile[] {
  const fromData = embeddedFiles(resources).filter((f) => /\.(ya?ml|rules)$/.test(f.key) && !CONFIG_KEYS.has(f.key) && /^\s*groups\s*:/m.test(f.content) && Array.isArray((parseYaml(f.content) as { groups?: unknown } | undefined)?.groups));
  const fromCrds = resources
    .filter((r) => r.kind === 'PrometheusRule' && r.apiVersion.startsWith('monitoring.coreos.com/'))
    .map((resource) => ({ resource, key: `${resource.name}.yaml`, content: jsyaml.dump({ groups: (resource.object.spec as { groups?: unknown } | undefined)?.groups ?? [] }, { lineWidth: -1, noRefs: true }), jsonPointer: '/spec/groups' }));
  return [...fromData, ...fromCrds];
}

export function findPrometheusConfigs(resources: K8sResource[]): EmbeddedFile[] {
  return embeddedFiles(resources).filter((f) => CONFIG_KEYS.has(f.key));
}

/**
 * The config as promtool 2.42 can check it: every `kubernetes_sd_configs` becomes a `file_sd_configs`
 * reading `targetsFile`, and `rule_files` is emptied (the rules are checked on their own).
 */
export function checkableConfig(text: string, targetsFile: string): string {
  const config = parseYaml(text);
  if (!isRecord(config)) return text; // promtool reports the syntax error itself.
  for (const job of Array.isArray(config.scrape_configs) ? config.scrape_configs : []) {
    if (!isRecord(job) || !('kubernetes_sd_configs' in job)) continue;
    delete job.kubernetes_sd_configs;
    const fileSd = Array.isArray(job.file_sd_configs) ? job.file_sd_configs : [];
    job.file_sd_configs = [...fileSd, { files: [targetsFile] }];
  }
  if ('rule_files' in config) config.rule_files = [];
  return jsyaml.dump(config, { lineWidth: -1, noRefs: true });
}

async function checkRules(promtool: string, dir: string, files: EmbeddedFile[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const [i, file] of files.entries()) {
    const path = join(dir, `rules-${i}.yaml`);
    await writeFile(path, file.content);
    const result = await runTool(promtool, ['check', 'rules', path]);
    if (result.code !== 0) {
      const label = `${file.resource.name}/${file.key}`;
      findings.push(findingAt(file, PROMETHEUS_RULES_ID, `promtool check rules rejected ${label}:\n${toolMessage(result, { [path]: label })}`, 'fix the rule in the chart\'s rule files and regenerate'));
    }
  }
  return findings;
}

async function checkConfigs(promtool: string, dir: string, files: EmbeddedFile[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  const targets = join(dir, 'targets.json');
  await writeFile(targets, '[]\n');
  for (const [i, file] of files.entries()) {
    const path = join(dir, `prometheus-${i}.yml`);
    await writeFile(path, checkableConfig(file.content, targets));
    const result = await runTool(promtool, ['check', 'config', '--syntax-only', path]);
    if (result.code !== 0) {
      const label = `${file.resource.name}/${file.key}`;
      findings.push(findingAt(file, PROMETHEUS_CONFIG_ID, `promtool check config rejected ${label} (kubernetes_sd_configs checked as file_sd_configs):\n${toolMessage(result, { [path]: label })}`));
    }
  }
  return findings;
}

export const prometheusChecker: DeepChecker = {
  id: 'deep/prometheus',
  requires: ['promtool'],
  async check(resources: K8sResource[]): Promise<Finding[]> {
    const rules = findRuleFiles(resources);
    const configs = findPrometheusConfigs(resources);
    if (rules.length === 0 && configs.length === 0) return [];
    const promtool = locateTool('promtool');
    if (!promtool) return [missingToolFinding(this.id, 'promtool')];
    const dir = await mkdtemp(join(tmpdir(), 'nexus-promtool-'));
    try {
      return [...(await checkRules(promtool, dir, rules)), ...(await checkConfigs(promtool, dir, configs))];
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
