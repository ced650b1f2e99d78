/**
 * The rendered Loki config and Fluent Bit pipelines, judged offline against the key/type tables generated
 * from Loki v3.4.6's configuration reference and Fluent Bit v5.1.1's plugin config maps
 * (scripts/logging-facts.ts). Every render variant the chart offers must come out clean, and each rule
 * is shown to fail on a config broken the way the real binaries reject (the same breakages the dev-only
 * `loki -verify-config` / `fluent-bit --dry-run` examples use).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { LoggingSection } from '../../schema/logging.ts';
import type { RenderedDoc } from '../charts/helpers.ts';
import { fluentBitFacts, fluentBitProblems, lokiConfigProblems, lokiFacts } from './config-facts.ts';
import { AGENT_NS, dataOf, LOGGING_ALL, names, renderLogging, yamlOf } from './render.ts';

type Config = Record<string, any>;
const clone = <T>(v: T): T => structuredClone(v);

const lokiOf = (docs: RenderedDoc[]) => yamlOf<Config>(dataOf(docs, names.loki)['config.yaml']!);
const agentOf = (docs: RenderedDoc[], ns = AGENT_NS) => yamlOf<Config>(dataOf(docs, names.agent, ns)['fluent-bit.yaml']!);
const otlpOf = (docs: RenderedDoc[]) => yamlOf<Config>(dataOf(docs, names.otlp)['fluent-bit.yaml']!);

let all: RenderedDoc[];
let production: RenderedDoc[];
beforeAll(async () => {
  [all, production] = await Promise.all([renderLogging(LOGGING_ALL), renderLogging({}, { valuesFiles: ['values.production.yaml'] })]);
});

describe('the facts tables', () => {
  it('come from the Loki and Fluent Bit releases the chart deploys', () => {
    const defaults = LoggingSection.parse({});
    expect(lokiFacts.source).toMatchObject({ repository: 'https://github.com/grafana/loki', tag: `v${defaults.loki.image.tag}` });
    expect(fluentBitFacts.source).toMatchObject({ repository: 'https://github.com/fluent/fluent-bit', tag: `v${defaults.agent.image.tag}` });
    expect(defaults.otlp.image.tag).toBe(defaults.agent.image.tag);
    expect(lokiFacts.source.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(fluentBitFacts.source.commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it('hold the keys and plugins the chart relies on, with their types', () => {
    const limits = lokiFacts.blocks.limits_config!.keys;
    expect(limits.retention_period).toEqual({ type: 'scalar', kind: 'duration' });
    expect(limits.ingestion_rate_mb).toEqual({ type: 'scalar', kind: 'float' });
    expect(lokiFacts.blocks['loki.yaml']!.keys.schema_config).toEqual({ type: 'block', block: 'schema_config' });
    expect(fluentBitFacts.plugins['input:tail']!['multiline.parser']).toBe('clist');
    expect(fluentBitFacts.plugins['input:tail']!.rotate_wait).toBe('time');
    expect(fluentBitFacts.plugins['output:loki']!.labels).toBe('clist');
    expect(fluentBitFacts.common.output).toContain('storage.total_limit_size');
    expect(fluentBitFacts.service['storage.path']).toBe('string');
  });
});

describe('every render variant is clean', () => {
  it('all options on (node agent, OTLP gateway)', () => {
    expect(lokiConfigProblems(lokiOf(all))).toEqual([]);
    expect(fluentBitProblems(agentOf(all))).toEqual([]);
    expect(fluentBitProblems(otlpOf(all))).toEqual([]);
  });

  it('values.production.yaml', () => {
    expect(lokiConfigProblems(lokiOf(production))).toEqual([]);
    expect(fluentBitProblems(agentOf(production))).toEqual([]);
    expect(fluentBitProblems(otlpOf(production))).toEqual([]);
  });

  it('custom retention, query look-back, limits, buffer and extra namespaces', async () => {
    const docs = await renderLogging({
      ...LOGGING_ALL,
      'logging.loki.retentionDays': 90,
      'logging.loki.maxQueryLookbackDays': 30,
      'logging.loki.ingestionRateMB': 3,
      'logging.loki.port': 8080,
      'logging.agent.bufferLimit': '512M',
      'logging.agent.namespaces[0]': 'batch-jobs',
      'logging.otlp.port': 4319,
    });
    expect(lokiConfigProblems(lokiOf(docs))).toEqual([]);
    expect(fluentBitProblems(agentOf(docs))).toEqual([]);
    expect(fluentBitProblems(otlpOf(docs))).toEqual([]);
  });
});

describe('the Loki rules fail where Loki does', () => {
  const broken = (edit: (c: Config) => void) => {
    const c = clone(lokiOf(all));
    edit(c);
    return lokiConfigProblems(c);
  };

  it('an unknown key, with a suggestion', () => {
    expect(broken((c) => (c.limits_config.retention_periods = '168h'))).toEqual(['limits_config.retention_periods: unknown key; Loki refuses the file (did you mean `retention_period`?)']);
    expect(broken((c) => (c.compactr = {}))).toEqual(['compactr: unknown key; Loki refuses the file (did you mean `compactor`?)']);
    expect(broken((c) => (c.common.ring.kvstore.stor = 'inmemory'))).toEqual(['common.ring.kvstore.stor: unknown key; Loki refuses the file (did you mean `store`?)']);
  });

  it('a value of the wrong type', () => {
    expect(broken((c) => (c.limits_config.ingestion_rate_mb = 'fast'))).toEqual(['limits_config.ingestion_rate_mb: "fast" is not a float']);
    expect(broken((c) => (c.limits_config.retention_period = '7d'))).toEqual(['limits_config.retention_period: "7d" is not a duration (e.g. 24h, 10m, 30s)']);
    expect(broken((c) => (c.server.http_listen_port = 3100.5))).toEqual(['server.http_listen_port: 3100.5 is not a int']);
    expect(broken((c) => (c.compactor.retention_enabled = 'yes'))).toContain('compactor.retention_enabled: "yes" is not a boolean');
  });

  it('the schema rules of -verify-config', () => {
    expect(broken((c) => (c.schema_config.configs[0].schema = 'v99'))).toEqual(['schema_config.configs[0].schema: "v99" is not a schema Loki accepts (v9 to v13; v13 is recommended)']);
    expect(broken((c) => (c.schema_config.configs[0].index.period = '12h'))).toEqual(['schema_config.configs[0].index.period: the tsdb store needs a 24h index period', 'schema_config.configs[0].index.period: must be a multiple of 24h']);
    expect(broken((c) => (c.schema_config.configs = []))).toEqual(['schema_config.configs: at least one period config is required']);
    expect(broken((c) => (c.schema_config.configs[0].row_shards = 0))).toEqual(['schema_config.configs[0].row_shards: must be > 0 for schema v13']);
  });

  it('retention needs the compactor', () => {
    expect(broken((c) => delete c.compactor.delete_request_store)).toEqual(['compactor.delete_request_store: must be set when retention_enabled is true']);
    expect(broken((c) => (c.compactor.retention_enabled = false))).toEqual(['limits_config.retention_period: has no effect unless compactor.retention_enabled is true (Loki accepts the file and keeps everything)']);
  });
});

describe('the Fluent Bit rules fail where fluent-bit --dry-run does, and on values it lets through', () => {
  const broken = (edit: (c: Config) => void, of: (d: RenderedDoc[]) => Config = agentOf) => {
    const c = clone(of(all));
    edit(c);
    return fluentBitProblems(c);
  };

  it('an unknown plugin or property, with a suggestion', () => {
    expect(broken((c) => (c.pipeline.filters[0].name = 'kubernete'))).toEqual(['pipeline.filters[0].name: "kubernete" is not a filter plugin of Fluent Bit v5.1.1 (did you mean `kubernetes`?)']);
    expect(broken((c) => (c.pipeline.inputs[0].colour = 'red'))).toEqual(['pipeline.inputs[0].colour: unknown property of the tail input; fluent-bit --dry-run refuses it']);
    expect(broken((c) => (c.pipeline.outputs[0].line_fromat = 'json'))).toEqual(['pipeline.outputs[0].line_fromat: unknown property of the loki output; fluent-bit --dry-run refuses it (did you mean `line_format`?)']);
  });

  it('values Fluent Bit cannot convert (which --dry-run does not check)', () => {
    expect(broken((c) => (c.pipeline.outputs[0]['storage.total_limit_size'] = '1GiB'))).toEqual(['pipeline.outputs[0].storage.total_limit_size: "1GiB" is not a valid size']);
    expect(broken((c) => (c.pipeline.inputs[0].skip_long_lines = 'maybe'))).toEqual(['pipeline.inputs[0].skip_long_lines: "maybe" is not a valid bool']);
    expect(broken((c) => (c.pipeline.inputs[0].buffer_max_size = 'big'))).toEqual(['pipeline.inputs[0].buffer_max_size: "big" is not a valid size']);
    expect(broken((c) => (c.service.hc_period = 'often'))).toEqual(['service.hc_period: "often" is not a int']);
  });

  it('unknown service keys, which Fluent Bit ignores silently', () => {
    expect(broken((c) => (c.service.flsuh = 1))).toEqual(['service.flsuh: unknown key, which Fluent Bit ignores without a word (did you mean `flush`?)']);
  });

  it('references between sections', () => {
    expect(broken((c) => (c.pipeline.filters[0].regex_parser = 'missing'))).toEqual(['pipeline.filters[0].regex_parser: no parser named "missing"']);
    expect(broken((c) => (c.pipeline.inputs[0]['multiline.parser'] = 'crio'))).toEqual(['pipeline.inputs[0].multiline.parser: no multiline parser named "crio"']);
    expect(broken((c) => (c.pipeline.filters[0].call = 'nexus_lables'), otlpOf)).toEqual(['pipeline.filters[0].code: defines no function nexus_lables']);
    expect(broken((c) => delete c.pipeline.outputs[0].match)).toEqual(['pipeline.outputs[0]: no match or match_regex, so it receives no record']);
  });

  it('the Loki output: label names and record accessors', () => {
    expect(broken((c) => (c.pipeline.outputs[0].labels += ', pod-name=$kubernetes[pod_name]'))).toEqual(['pipeline.outputs[0].labels: "pod-name" is not a Loki label name', 'pipeline.outputs[0].labels: "$kubernetes[pod_name]" is not a record accessor']);
    expect(broken((c) => (c.pipeline.outputs[0].line_format = 'text'))).toEqual(['pipeline.outputs[0].line_format: must be json or key_value']);
  });

  it('the chart refuses a buffer size Fluent Bit cannot read', async () => {
    await expect(renderLogging({ ...LOGGING_ALL, 'logging.agent.bufferLimit': '1GiB' })).rejects.toThrow(/bufferLimit/);
  });
});
