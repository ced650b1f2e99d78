/**
 * Plain YAML scalars as helm reads them. Helm parses values with sigs.k8s.io/yaml, i.e. go-yaml v2,
 * whose resolver follows YAML 1.1: `yes`/`no`/`on`/`off`/`y`/`n` (in three spellings each) are
 * booleans, `0777` is octal, `1_000` is 1000, `0b101` is binary. `yaml` and `js-yaml` default to
 * YAML 1.2, where those are strings or other numbers. This module is that resolver (go-yaml v2's
 * resolve.go behaviour, written here), plus the YAML 1.2 core reading, so that a values check can
 * both read values exactly as helm does and point out where the two differ.
 *
 * Quoted and block scalars are always strings in both, and timestamps stay strings (go-yaml v2 keeps
 * them as strings when decoding into interface{}).
 */
import jsyaml from 'js-yaml';
import type { ScalarTag, Tags } from 'yaml';

const BOOLS: Record<string, boolean> = {};
for (const w of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) BOOLS[w] = true;
for (const w of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) BOOLS[w] = false;
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const SPECIAL_FLOATS: Record<string, number> = {
  '.nan': NaN, '.NaN': NaN, '.NAN': NaN,
  '.inf': Infinity, '.Inf': Infinity, '.INF': Infinity,
  '+.inf': Infinity, '+.Inf': Infinity, '+.INF': Infinity,
  '-.inf': -Infinity, '-.Inf': -Infinity, '-.INF': -Infinity,
};

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
/** go-yaml v2's yamlStyleFloat. */
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** Go's strconv.ParseInt(s, 0, 64) / ParseUint: the value, or undefined when Go would fail. */
function goParseInt(s: string, unsigned: boolean): bigint | undefined {
  const m = /^([-+]?)(0[bB][01]+|0[oO][0-7]+|0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  if (unsigned && m[1]) return undefined;
  const body = m[2]!;
  let n: bigint;
  if (/^0[bBoOxX]/.test(body)) n = BigInt(`0${body[1]!.toLowerCase()}${body.slice(2)}`);
  else if (body.length > 1 && body[0] === '0') n = BigInt(`0o${body.slice(1)}`); // leading zero: octal
  else n = BigInt(body);
  if (m[1] === '-') n = -n;
  if (unsigned ? n > UINT64_MAX : n < INT64_MIN || n > INT64_MAX) return undefined;
  return n;
}

/** A plain (unquoted, untagged) scalar as go-yaml v2 resolves it. */
export function resolveGoYaml(text: string): unknown {
  if (NULLS.has(text)) return null;
  if (text in BOOLS) return BOOLS[text];
  if (text in SPECIAL_FLOATS) return SPECIAL_FLOATS[text];
  const first = text[0]!;
  if (first === '.') return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text) ? Number(text) : text;
  if (!/[-+0-9]/.test(first)) return text;
  const plain = text.replace(/_/g, '');
  const int = goParseInt(plain, false) ?? goParseInt(plain, true);
  if (int !== undefined) return Number(int);
  if (YAML_FLOAT.test(plain)) return Number(plain);
  return text;
}

/** A plain scalar under the YAML 1.2 core schema (what `yaml` and js-yaml read by default). */
export function resolveCore(text: string): unknown {
  if (/^(~|null|Null|NULL)?$/.test(text)) return null;
  if (/^(true|True|TRUE)$/.test(text)) return true;
  if (/^(false|False|FALSE)$/.test(text)) return false;
  if (/^[-+]?[0-9]+$/.test(text)) return Number(text);
  if (/^0o[0-7]+$/.test(text)) return Number.parseInt(text.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return Number.parseInt(text.slice(2), 16);
  if (/^[-+]?\.(inf|Inf|INF)$/.test(text)) return text[0] === '-' ? -Infinity : Infinity;
  if (/^\.(nan|NaN|NAN)$/.test(text)) return NaN;
  if (YAML_FLOAT.test(text)) return Number(text);
  return text;
}

/** Whether helm (YAML 1.1) and a YAML 1.2 reader disagree about a plain scalar. */
export function readsDifferently(text: string): boolean {
  return !Object.is(resolveGoYaml(text), resolveCore(text));
}

/** How helm reads `text`, in words, for messages: "the boolean false", "the number 511". */
export function describeGoValue(text: string): string {
  const v = resolveGoYaml(text);
  if (typeof v === 'boolean') return `the boolean ${v}`;
  if (typeof v === 'number') return `the number ${v}`;
  if (v === null) return 'null';
  return `the string ${JSON.stringify(v)}`;
}

/** js-yaml: one implicit type that resolves every plain scalar the go-yaml way (merge keys first). */
const GO_PLAIN = new jsyaml.Type('tag:yaml.org,2002:go-yaml-v2', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== '<<',
  construct: (data: string | null) => resolveGoYaml(data ?? ''),
});
// js-yaml exports its built-in types at runtime, but its typings omit them.
const MERGE = (jsyaml as unknown as { types: { merge: jsyaml.Type } }).types.merge;
export const GO_YAML_JS_SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({ implicit: [MERGE, GO_PLAIN] });

/** `yaml` (eemeli): the same resolution as a custom tag list (merge keys via the `merge` option). */
const GO_PLAIN_TAG: ScalarTag = {
  tag: 'tag:yaml.org,2002:go-yaml-v2',
  default: true,
  test: /^(?!<<$)[\s\S]*$/,
  resolve: (text: string) => resolveGoYaml(text),
};
export function goYamlTags(tags: Tags): Tags {
  const tagName = (t: Tags[number]) => (typeof t === 'string' ? t : t.tag);
  const collections = tags.filter((t) => /:(map|seq|str)$/.test(tagName(t)));
  // Plain scalars resolve through GO_PLAIN_TAG; explicit tags (`!!int "12"`) still find the core ones.
  return [...collections, GO_PLAIN_TAG, ...tags.filter((t) => !collections.includes(t))];
}
