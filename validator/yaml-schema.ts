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
 * The document schema: null, YAML 1.1 booleans, int, float and merge keys (`<<`); no timestamps or
 * binary (they stay strings, as in the JSON Kubernetes sees).
 */
export const MANIFEST_SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({ implicit: [T.null, YAML11_BOOL, T.int, T.float, T.merge] });
