/**
 * The kubeconform side of `npm run bench` (only when `KUBECONFORM=/path/to/kubeconform` is set). Neither
 * kubeconform nor its schemas are committed. Its strict schemas come from, in order:
 *  - `KUBECONFORM_SCHEMAS`: a kubeconform `-schema-location` holding `<version>-standalone-strict/`
 *    (e.g. a checkout of kubernetes-json-schema) — used as it is;
 *  - `KUBE_OPENAPI`: a Kubernetes `api/openapi-spec/swagger.json`, converted here the way
 *    kubernetes-json-schema's standalone-strict files are made (every `$ref` inlined, objects closed
 *    with `additionalProperties: false`, int-or-string as a string/integer union, optional fields nullable).
 * The CRD corpus's schema is converted from its CRD the same way kubeconform's openapi2jsonschema.py does.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jsyaml from 'js-yaml';

type Schema = Record<string, unknown>;

export interface KubeconformSetup {
  bin: string;
  /** `-schema-location` argument. */
  schemaLocation: string;
  /** `-kubernetes-version` argument. */
  kubernetesVersion: string;
  /** Where the schemas came from, for the report. */
  origin: string;
}

/** The `-schema-location` file name kubeconform looks for: `deployment-apps-v1.json`, `service-v1.json`. */
export function schemaFileName(apiVersion: string, kind: string): string {
  const [groupOrVersion, version] = apiVersion.split('/');
  const suffix = version === undefined ? `-${groupOrVersion!.toLowerCase()}` : `-${groupOrVersion!.split('.')[0]!.toLowerCase()}-${version.toLowerCase()}`;
  return `${kind.toLowerCase()}${suffix}.json`;
}

function swaggerToStandaloneStrict(definitions: Record<string, Schema>, name: string): Schema {
  const expand = (node: unknown, seen: readonly string[]): unknown => {
    if (Array.isArray(node)) return node.map((n) => expand(n, seen));
    if (node === null || typeof node !== 'object') return node;
    const s = node as Schema;
    if (typeof s.$ref === 'string') {
      const ref = s.$ref.replace('#/definitions/', '');
      // Recursive types (JSONSchemaProps) stay open past their first level, as in the published files.
      if (seen.includes(ref)) return {};
      return expand(definitions[ref] ?? {}, [...seen, ref]);
    }
    if (s.format === 'int-or-string') return { oneOf: [{ type: ['string', 'null'] }, { type: ['integer', 'null'] }] };
    const out: Schema = {};
    for (const [k, v] of Object.entries(s)) {
      if (k.startsWith('x-kubernetes-')) continue;
      out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as Schema).map(([pk, pv]) => [pk, expand(pv, seen)])) : expand(v, seen);
    }
    if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
    const required = new Set((out.required as string[] | undefined) ?? []);
    if (out.properties) {
      for (const [pk, pv] of Object.entries(out.properties as Record<string, Schema>)) {
        if (!required.has(pk) && typeof pv.type === 'string') pv.type = [pv.type, 'null'];
      }
    }
    return out;
  };
  return expand(definitions[name]!, [name]) as Schema;
}

function crdToStrict(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(crdToStrict);
  if (node === null || typeof node !== 'object') return node;
  const s = node as Schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(s)) {
    if (k.startsWith('x-kubernetes-')) continue;
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as Schema).map(([pk, pv]) => [pk, crdToStrict(pv)])) : crdToStrict(v);
  }
  if (s['x-kubernetes-int-or-string'] === true) return { oneOf: [{ type: 'string' }, { type: 'integer' }] };
  if (out.properties && out.additionalProperties === undefined && s['x-kubernetes-preserve-unknown-fields'] !== true) out.additionalProperties = false;
  return out;
}

/**
 * Writes the strict schemas kubeconform needs for `kinds` (and for the CRDs in `crdText`) under `dir`,
 * unless `KUBECONFORM_SCHEMAS` names a ready location. Undefined when KUBECONFORM is not set.
 */
export function setUpKubeconform(dir: string, kinds: ReadonlyArray<{ apiVersion: string; kind: string; definition: string }>, crdText: string): KubeconformSetup | undefined {
  const bin = process.env.KUBECONFORM;
  if (!bin) return undefined;
  if (!existsSync(bin)) throw new Error(`KUBECONFORM=${bin} does not exist`);
  const version = 'master';
  const strictDir = join(dir, `${version}-standalone-strict`);
  mkdirSync(strictDir, { recursive: true });
  // The CRD corpus's schema is always converted here (no published schema exists for it).
  const crd = jsyaml.load(crdText) as { spec: { group: string; names: { kind: string }; versions: Array<{ name: string; schema: { openAPIV3Schema: Schema } }> } };
  for (const v of crd.spec.versions) writeFileSync(join(strictDir, schemaFileName(`${crd.spec.group}/${v.name}`, crd.spec.names.kind)), JSON.stringify(crdToStrict(v.schema.openAPIV3Schema)));
  const given = process.env.KUBECONFORM_SCHEMAS;
  if (given) {
    for (const k of kinds) {
      const from = join(given, `${process.env.KUBECONFORM_VERSION ?? version}-standalone-strict`, schemaFileName(k.apiVersion, k.kind));
      writeFileSync(join(strictDir, schemaFileName(k.apiVersion, k.kind)), readFileSync(from));
    }
    return { bin, schemaLocation: dir, kubernetesVersion: version, origin: `${given} (copied)` };
  }
  const openapi = process.env.KUBE_OPENAPI;
  if (!openapi) throw new Error('KUBECONFORM is set, but neither KUBECONFORM_SCHEMAS (a kubernetes-json-schema location) nor KUBE_OPENAPI (a Kubernetes swagger.json) says where its strict schemas come from');
  const swagger = JSON.parse(readFileSync(openapi, 'utf8')) as { definitions: Record<string, Schema>; info?: { version?: string } };
  for (const k of kinds) writeFileSync(join(strictDir, schemaFileName(k.apiVersion, k.kind)), JSON.stringify(swaggerToStandaloneStrict(swagger.definitions, k.definition)));
  return { bin, schemaLocation: dir, kubernetesVersion: version, origin: `standalone-strict schemas converted from ${openapi} (${swagger.info?.version ?? 'unknown version'})` };
}

/** kubeconform's command line for one corpus file, as in the issue: strict, two workers, a summary line. */
export function kubeconformArgs(setup: KubeconformSetup, file: string): string[] {
  return ['-strict', '-n', '2', '-summary', '-kubernetes-version', setup.kubernetesVersion, '-schema-location', setup.schemaLocation, file];
}
