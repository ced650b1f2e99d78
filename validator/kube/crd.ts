/**
 * `--crd file.yaml`: CustomResourceDefinitions whose `openAPIV3Schema` validates (and, in strict mode,
 * closes) the custom resources of each served version.
 */
import { readFileSync } from 'node:fs';
import { NexusError } from '../../util/errors.ts';
import { parseManifests } from '../manifests.ts';
import { kubeToJsonSchema, type JsonSchema } from './json-schema.ts';

export interface CrdSchema {
  /** `group/version/Kind` */
  key: string;
  schema: JsonSchema;
  /** The CRD's own openAPIV3Schema (Kubernetes extensions intact), for what JSON Schema cannot express. */
  raw: JsonSchema;
  origin: string;
}

/** A CRD version's openAPIV3Schema as the JSON Schema ajv checks (closed when `strict`). */
export function crdVersionSchema(raw: JsonSchema, strict: boolean): JsonSchema {
  const schema = kubeToJsonSchema(raw, strict) as JsonSchema;
  // apiVersion, kind and metadata are implied for every custom resource.
  const props = { ...((schema.properties as Record<string, unknown> | undefined) ?? {}) };
  props.apiVersion ??= { type: 'string' };
  props.kind ??= { type: 'string' };
  props.metadata = { type: 'object' };
  schema.properties = props;
  return schema;
}

/** Extracts one schema per version from the CRDs in `file`; a file without any is an error (exit 2). */
export function loadCrdFile(file: string, strict: boolean): CrdSchema[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new NexusError(`cannot read CRD file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { location: { file }, hint: 'check the --crd path' });
  }
  const parsed = parseManifests(text, { source: file });
  const first = parsed.findings[0];
  if (first) throw new NexusError(`CRD file ${file} is not valid YAML: ${first.message}`, { location: { file, line: first.line, column: first.column } });
  const out: CrdSchema[] = [];
  for (const r of parsed.resources) {
    if (r.kind !== 'CustomResourceDefinition') continue;
    const spec = r.object.spec as { group?: string; names?: { kind?: string }; versions?: Array<{ name?: string; schema?: { openAPIV3Schema?: JsonSchema } }>; validation?: { openAPIV3Schema?: JsonSchema }; version?: string } | undefined;
    const group = spec?.group;
    const kind = spec?.names?.kind;
    if (!group || !kind) continue;
    const versions = spec.versions?.length ? spec.versions : spec.version ? [{ name: spec.version, schema: spec.validation }] : [];
    for (const v of versions) {
      const raw = v.schema?.openAPIV3Schema ?? spec.validation?.openAPIV3Schema;
      if (!v.name || !raw) continue;
      out.push({ key: `${group}/${v.name}/${kind}`, schema: crdVersionSchema(raw, strict), raw, origin: `${file} (CRD ${spec.names?.kind}.${group})` });
    }
  }
  if (out.length === 0) {
    throw new NexusError(`no CustomResourceDefinition with an openAPIV3Schema in ${file}`, { location: { file }, hint: 'pass a CRD manifest (apiextensions.k8s.io/v1 CustomResourceDefinition) with spec.versions[].schema.openAPIV3Schema' });
  }
  return out;
}
