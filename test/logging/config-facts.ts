/**
 * Offline checks of the rendered Loki config and Fluent Bit pipelines, against facts generated from the
 * upstream sources at the pinned versions (scripts/logging-facts.ts → test/logging/generated/). CI cannot
 * build Loki or Fluent Bit, so this is the strongest check it can run:
 *
 *  - Loki: every key exists where it is written (Loki decodes its config strictly: an unknown key is fatal),
 *    every value has the documented type, and the rules `-verify-config` applies to the parts the chart
 *    uses (pkg/storage/config/schema_config.go: schema v9–v13, TSDB needs a 24h index period, periods are
 *    whole days, v10+ needs row_shards > 0; pkg/compactor/compactor.go: retention needs
 *    delete_request_store). Plus one behaviour rule: retention_period does nothing without the compactor's
 *    retention_enabled.
 *  - Fluent Bit: every plugin and property is known (what `--dry-run` rejects), and, beyond what
 *    `--dry-run` checks, values convert the way Fluent Bit converts them (flb_utils_bool, _size_to_bytes,
 *    _time_to_seconds), unknown [SERVICE] keys (which Fluent Bit ignores without a word), references
 *    between sections (a filter's regex_parser, tail's multiline.parser, the Lua callback), and the Loki
 *    output's label list.
 *
 * Each function returns problems as `path: message` strings; [] means clean.
 */
import lokiFactsJson from './generated/loki-config.json' with { type: 'json' };
import fluentBitFactsJson from './generated/fluent-bit-config.json' with { type: 'json' };
import type { FluentBitFacts, FluentBitType, LokiFacts, LokiNode } from '../../scripts/logging-facts.ts';

export const lokiFacts = lokiFactsJson as unknown as LokiFacts;
export const fluentBitFacts = fluentBitFactsJson as unknown as FluentBitFacts;

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

/** Levenshtein distance, for "did you mean" (small inputs only). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

function suggest(key: string, known: Iterable<string>): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = distance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? ` (did you mean \`${best}\`?)` : '';
}

// ---------------------------------------------------------------- Loki

/** Go's time.ParseDuration units (the reference's `<duration>`). Returns hours, or undefined. */
export function goDurationHours(value: Json): number | undefined {
  if (value === 0 || value === '0') return 0;
  if (typeof value !== 'string' || !/^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/.test(value)) return undefined;
  const unit: Record<string, number> = { ns: 1e-9 / 3600, us: 1e-6 / 3600, µs: 1e-6 / 3600, ms: 1e-3 / 3600, s: 1 / 3600, m: 1 / 60, h: 1 };
  let hours = 0;
  for (const m of value.matchAll(/([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g)) hours += Number(m[1]) * unit[m[2]!]!;
  return hours;
}

/** The keys of an object node, with the blocks it inlines (`[<block>]` lines) expanded. */
function objectKeys(keys: Record<string, LokiNode>, inline: string[]): Map<string, LokiNode> {
  const out = new Map<string, LokiNode>();
  const marker = keys.$inline;
  const inlined = [...inline, ...(marker?.type === 'any' && marker.documented ? marker.documented.split(',') : [])];
  for (const block of inlined) for (const [k, v] of objectKeys(lokiFacts.blocks[block]!.keys, lokiFacts.blocks[block]!.inline)) out.set(k, v);
  for (const [k, v] of Object.entries(keys)) if (k !== '$inline') out.set(k, v);
  return out;
}

function checkLokiNode(node: LokiNode, value: Json, path: string, out: string[]): void {
  if (value === null || value === undefined) return; // YAML null leaves Loki's default in place
  switch (node.type) {
    case 'block': {
      const block = lokiFacts.blocks[node.block]!;
      checkLokiObject(objectKeys(block.keys, block.inline), value, path, out);
      return;
    }
    case 'object':
      checkLokiObject(objectKeys(node.keys, []), value, path, out);
      return;
    case 'list':
      if (!Array.isArray(value)) out.push(`${path}: must be a list`);
      else value.forEach((v, i) => checkLokiNode(node.of, v, `${path}[${i}]`, out));
      return;
    case 'map':
      if (!isObject(value)) out.push(`${path}: must be a map`);
      else for (const [k, v] of Object.entries(value)) checkLokiNode(node.of, v, `${path}.${k}`, out);
      return;
    case 'any':
      return;
    case 'scalar': {
      const ok: Record<string, (v: Json) => boolean> = {
        // Go's YAML decoder puts any scalar into a string field.
        string: (v) => ['string', 'number', 'boolean'].includes(typeof v),
        url: (v) => typeof v === 'string',
        int: (v) => Number.isInteger(v),
        float: (v) => typeof v === 'number',
        boolean: (v) => typeof v === 'boolean',
        duration: (v) => goDurationHours(v) !== undefined,
        // A day (YYYY-MM-DD); an unquoted one reaches JavaScript as a Date, Go reads it as the text.
        daytime: (v) => v instanceof Date || (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)),
        time: (v) => v instanceof Date || typeof v === 'string',
      };
      if (!ok[node.kind]!(value)) out.push(`${path}: ${JSON.stringify(value)} is not a ${node.kind === 'duration' ? 'duration (e.g. 24h, 10m, 30s)' : node.kind}`);
      return;
    }
  }
}

function checkLokiObject(keys: Map<string, LokiNode>, value: Json, path: string, out: string[]): void {
  if (!isObject(value)) {
    out.push(`${path || '(root)'}: must be a map`);
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    const child = keys.get(k) ?? keys.get('*');
    const at = path ? `${path}.${k}` : k;
    if (!child) out.push(`${at}: unknown key; Loki refuses the file${suggest(k, [...keys.keys()].filter((x) => x !== '*'))}`);
    else checkLokiNode(child, v, at, out);
  }
}

/** Problems in a Loki config.yaml (parsed), for the pinned Loki version. */
export function lokiConfigProblems(config: Json): string[] {
  const out: string[] = [];
  const root = lokiFacts.blocks[lokiFacts.root]!;
  checkLokiObject(objectKeys(root.keys, root.inline), config, '', out);
  if (!isObject(config)) return out;
  const configs = (isObject(config.schema_config) ? config.schema_config.configs : undefined) as Json;
  if (!Array.isArray(configs) || configs.length === 0) out.push('schema_config.configs: at least one period config is required');
  else {
    configs.forEach((p, i) => {
      if (!isObject(p)) return;
      const at = `schema_config.configs[${i}]`;
      const version = /^v(\d+)$/.exec(String(p.schema ?? ''))?.[1];
      if (!version || Number(version) < 9 || Number(version) > 13) out.push(`${at}.schema: ${JSON.stringify(p.schema)} is not a schema Loki accepts (v9 to v13; v13 is recommended)`);
      const index = isObject(p.index) ? p.index : {};
      const period = goDurationHours(index.period);
      if (p.store === 'tsdb' && period !== 24) out.push(`${at}.index.period: the tsdb store needs a 24h index period`);
      for (const table of ['index', 'chunks'] as const) {
        const t = isObject(p[table]) ? (p[table] as Record<string, Json>) : {};
        const hours = goDurationHours(t.period);
        if (hours !== undefined && hours > 0 && hours % 24 !== 0) out.push(`${at}.${table}.period: must be a multiple of 24h`);
      }
      if (Number(version) >= 10 && p.row_shards === 0) out.push(`${at}.row_shards: must be > 0 for schema ${p.schema}`);
      if (!p.from) out.push(`${at}.from: the first day of the period is required`);
    });
  }
  const compactor = isObject(config.compactor) ? config.compactor : {};
  if (compactor.retention_enabled === true && !compactor.delete_request_store) out.push('compactor.delete_request_store: must be set when retention_enabled is true');
  const limits = isObject(config.limits_config) ? config.limits_config : {};
  if (limits.retention_period !== undefined && goDurationHours(limits.retention_period) !== 0 && compactor.retention_enabled !== true) {
    out.push('limits_config.retention_period: has no effect unless compactor.retention_enabled is true (Loki accepts the file and keeps everything)');
  }
  return out;
}

// ---------------------------------------------------------------- Fluent Bit

const FLB_BOOL = /^(true|false|on|off|yes|no)$/i;

/** Whether Fluent Bit converts `value` to a `type` property without an error. */
function fluentBitValueOk(type: FluentBitType | 'double', value: Json): boolean {
  if (typeof value === 'object' && value !== null) return type === 'variant' || type === 'clist' || type === 'slist';
  const text = String(value);
  switch (type) {
    case 'bool':
      return typeof value === 'boolean' || FLB_BOOL.test(text);
    case 'int':
      return /^-?\d+$/.test(text);
    case 'double':
      return /^-?\d+(\.\d+)?$/.test(text);
    case 'size':
      // flb_utils_size_to_bytes: a number with an optional K/M/G and optional B (decimal units); "false" is 0.
      return /^false$/i.test(text) || /^\d+(\.\d+)?([KMG]B?)?$/i.test(text);
    case 'time':
      // flb_utils_time_to_seconds: whole seconds with an optional d/h/m/s suffix.
      return /^\d+[dhms]?$/i.test(text);
    default:
      return true;
  }
}

const SECTIONS = ['env', 'includes', 'service', 'parsers', 'multiline_parsers', 'stream_processor', 'plugins', 'upstream_servers', 'pipeline', 'customs'];
const BUILTIN_MULTILINE = ['docker', 'cri', 'go', 'python', 'java', 'ruby'];

/** Problems in a Fluent Bit YAML pipeline (parsed), for the pinned Fluent Bit version. */
export function fluentBitProblems(config: Json): string[] {
  const out: string[] = [];
  if (!isObject(config)) return ['(root): must be a map'];
  for (const section of Object.keys(config)) if (!SECTIONS.includes(section.toLowerCase())) out.push(`${section}: unknown section${suggest(section, SECTIONS)}`);

  const service = isObject(config.service) ? config.service : {};
  for (const [k, v] of Object.entries(service)) {
    const type = fluentBitFacts.service[k.toLowerCase()];
    if (!type) out.push(`service.${k}: unknown key, which Fluent Bit ignores without a word${suggest(k, Object.keys(fluentBitFacts.service))}`);
    else if (!fluentBitValueOk(type, v)) out.push(`service.${k}: ${JSON.stringify(v)} is not a ${type}`);
  }

  const parsers = Array.isArray(config.parsers) ? config.parsers : [];
  const parserNames = new Set<string>();
  parsers.forEach((p: Json, i) => {
    const at = `parsers[${i}]`;
    if (!isObject(p)) return void out.push(`${at}: must be a map`);
    for (const k of Object.keys(p)) if (!fluentBitFacts.parser.includes(k.toLowerCase())) out.push(`${at}.${k}: unknown parser key${suggest(k, fluentBitFacts.parser)}`);
    if (typeof p.name !== 'string') out.push(`${at}.name: required`);
    else parserNames.add(p.name);
    if (!['regex', 'json', 'ltsv', 'logfmt'].includes(String(p.format))) out.push(`${at}.format: must be regex, json, ltsv or logfmt`);
    if (p.format === 'regex') {
      // Onigmo (Fluent Bit) and JavaScript agree on the named-group syntax the chart uses.
      try {
        new RegExp(String(p.regex));
      } catch (error) {
        out.push(`${at}.regex: does not compile: ${(error as Error).message}`);
      }
    }
  });
  const multilineNames = new Set([...BUILTIN_MULTILINE, ...(Array.isArray(config.multiline_parsers) ? config.multiline_parsers.map((p: Json) => (isObject(p) ? String(p.name) : '')) : [])]);

  const pipeline = isObject(config.pipeline) ? config.pipeline : {};
  for (const k of Object.keys(pipeline)) if (!['inputs', 'filters', 'outputs'].includes(k)) out.push(`pipeline.${k}: unknown key (inputs, filters, outputs)`);
  for (const [section, kind] of [
    ['inputs', 'input'],
    ['filters', 'filter'],
    ['outputs', 'output'],
  ] as const) {
    const list = pipeline[section];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      out.push(`pipeline.${section}: must be a list`);
      continue;
    }
    list.forEach((plugin: Json, i) => {
      const at = `pipeline.${section}[${i}]`;
      if (!isObject(plugin)) return void out.push(`${at}: must be a map`);
      const name = String(plugin.name ?? '');
      const props = fluentBitFacts.plugins[`${kind}:${name}`];
      if (!props) {
        const known = Object.keys(fluentBitFacts.plugins).filter((id) => id.startsWith(`${kind}:`)).map((id) => id.slice(kind.length + 1));
        return void out.push(`${at}.name: ${JSON.stringify(name)} is not ${kind === "filter" ? "a" : "an"} ${kind} plugin of Fluent Bit ${fluentBitFacts.source.tag}${suggest(name, known)}`);
      }
      if (kind !== 'input' && plugin.match === undefined && plugin.match_regex === undefined) out.push(`${at}: no match or match_regex, so it receives no record`);
      const common = fluentBitFacts.common[kind];
      const net = kind === 'filter' ? {} : fluentBitFacts.net[kind];
      for (const [key, value] of Object.entries(plugin)) {
        const k = key.toLowerCase();
        if (k === 'name' || k === 'processors') continue;
        const own = props[k] ?? Object.entries(props).find(([p, t]) => t === 'prefix' && k.startsWith(p))?.[1];
        if (own) {
          if (!fluentBitValueOk(own, value)) out.push(`${at}.${key}: ${JSON.stringify(value)} is not a valid ${own}`);
        } else if (common.includes(k)) {
          if (k === 'mem_buf_limit' || k === 'storage.total_limit_size') {
            if (!fluentBitValueOk('size', value)) out.push(`${at}.${key}: ${JSON.stringify(value)} is not a valid size`);
          } else if (k === 'port' && !/^\d+$/.test(String(value))) out.push(`${at}.${key}: ${JSON.stringify(value)} is not a port`);
        } else if (k.startsWith('net.') && net[k]) {
          if (!fluentBitValueOk(net[k]!, value)) out.push(`${at}.${key}: ${JSON.stringify(value)} is not a valid ${net[k]}`);
        } else {
          out.push(`${at}.${key}: unknown property of the ${name} ${kind}; fluent-bit --dry-run refuses it${suggest(k, [...Object.keys(props), ...common, ...Object.keys(net)])}`);
        }
      }
      // References between sections and plugin-specific values.
      if (name === 'kubernetes' && plugin.regex_parser !== undefined && !parserNames.has(String(plugin.regex_parser))) out.push(`${at}.regex_parser: no parser named ${JSON.stringify(plugin.regex_parser)}`);
      if (name === 'tail' && plugin['multiline.parser'] !== undefined) {
        for (const p of String(plugin['multiline.parser']).split(/\s*,\s*/)) if (!multilineNames.has(p)) out.push(`${at}.multiline.parser: no multiline parser named ${JSON.stringify(p)}`);
      }
      if (name === 'lua') {
        if (typeof plugin.call !== 'string') out.push(`${at}.call: required`);
        if (plugin.code === undefined && plugin.script === undefined) out.push(`${at}: needs code or script`);
        if (typeof plugin.code === 'string' && typeof plugin.call === 'string' && !new RegExp(`function\\s+${plugin.call}\\s*\\(`).test(plugin.code)) out.push(`${at}.code: defines no function ${plugin.call}`);
      }
      if (name === 'loki') {
        if (plugin.line_format !== undefined && !['json', 'key_value'].includes(String(plugin.line_format))) out.push(`${at}.line_format: must be json or key_value`);
        if (plugin.drop_single_key !== undefined && !/^(raw|true|false|on|off|yes|no)$/i.test(String(plugin.drop_single_key))) out.push(`${at}.drop_single_key: must be a boolean or raw`);
        for (const pair of String(plugin.labels ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
          const m = /^([^=]+)=(.+)$/.exec(pair);
          const label = m?.[1]!.trim() ?? pair;
          if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label)) out.push(`${at}.labels: ${JSON.stringify(label)} is not a Loki label name`);
          const value = m?.[2]!.trim();
          if (value?.startsWith('$') && !/^\$[A-Za-z_][\w.-]*(\['[^']+'\])*$/.test(value)) out.push(`${at}.labels: ${JSON.stringify(value)} is not a record accessor`);
        }
      }
    });
  }
  return out;
}
