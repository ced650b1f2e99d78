/**
 * The js-yaml schema manifests are read with, shared by the fast parse (manifests.ts) and the position
 * index (yaml-positions.ts), which must see the same keys.
 */
import jsyaml from 'js-yaml';

const T = (jsyaml as unknown as { types: Record<'null' | 'int' | 'float' | 'merge', jsyaml.Type> }).types;

/**
 * Booleans as Kubernetes reads them. kubectl, helm and the API machinery convert YAML with
 * sigs.k8s.io/yaml (go-yaml v2, YAML 1.1), where `yes`, `no`, `on`, `off`, `y` and `n` are booleans:
 * an unquoted `value: yes` in an env var is rejected by the API server, so it must be a type error here too.
 */
const BOOL_TRUE = new Set(['true', 'True', 'TRUE', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'y', 'Y']);
const BOOL_FALSE = new Set(['false', 'False', 'FALSE', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'n', 'N']);
const YAML11_BOOL = new jsyaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && (BOOL_TRUE.has(data) || BOOL_FALSE.has(data)),
  construct: (data: string) => BOOL_TRUE.has(data),
  predicate: (v: unknown) => typeof v === 'boolean',
  represent: { lowercase: (v: unknown) => (v ? 'true' : 'false') },
  defaultStyle: 'lowercase',
});

/**
 * Integers as Kubernetes reads them: go-yaml v2 (YAML 1.1) parses `0644` as octal 420, so a
 * `defaultMode: 0644` is 0644 to the API server, where YAML 1.2 parsers read 644 (above 0777).
 * Everything else is js-yaml's own int type (one type per tag: js-yaml keeps the last of a tag).
 */
const YAML11_OCTAL_RE = /^[-+]?0[0-7_]+$/;
const YAML11_INT = new jsyaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && (YAML11_OCTAL_RE.test(data) || T.int.resolve(data)),
  construct: (data: string) => {
    if (!YAML11_OCTAL_RE.test(data)) return T.int.construct(data);
    const n = parseInt(data.replace(/^[-+]/, '').replace(/_/g, ''), 8);
    return data.startsWith('-') ? -n : n;
  },
  predicate: (v: unknown) => Number.isInteger(v),
});

/**
 * The document schema: null, YAML 1.1 booleans and integers, float and merge keys (`<<`); no
 * timestamps or binary (they stay strings, as in the JSON Kubernetes sees).
 */
export const MANIFEST_SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({ implicit: [T.null, YAML11_BOOL, YAML11_INT, T.float, T.merge] });
