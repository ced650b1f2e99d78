/**
 * kubeconform-compatible `--schema-location`: a local directory or a URL/path template with
 * {{.NormalizedKubernetesVersion}}, {{.StrictSuffix}}, {{.ResourceKind}}, {{.ResourceAPIVersion}},
 * {{.Group}} and {{.KindSuffix}}. `default` means the built-in schemas (kubernetes-models and the
 * bundled CRD schemas). Downloads are cached on disk (.cache/schemas, keyed by URL hash); a missing
 * schema (404 / no file) moves on to the next location.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NexusError } from '../../util/errors.ts';
import type { JsonSchema } from './json-schema.ts';

export interface TemplateData {
  NormalizedKubernetesVersion: string;
  StrictSuffix: string;
  ResourceKind: string;
  ResourceAPIVersion: string;
  Group: string;
  KindSuffix: string;
}

/** Same rules as kubeconform's schemaPath(). `kubeVersion` like `1.30.0` or `master`. */
export function templateData(apiVersion: string, kind: string, kubeVersion: string, strict: boolean): TemplateData {
  const groupParts = apiVersion.split('/');
  const versionParts = groupParts[0]!.split('.');
  let kindSuffix = `-${versionParts[0]!.toLowerCase()}`;
  if (groupParts.length > 1) kindSuffix += `-${groupParts[1]!.toLowerCase()}`;
  return {
    NormalizedKubernetesVersion: kubeVersion === 'master' ? 'master' : `v${kubeVersion}`,
    StrictSuffix: strict ? '-strict' : '',
    ResourceKind: kind.toLowerCase(),
    ResourceAPIVersion: groupParts[groupParts.length - 1]!,
    Group: groupParts[0]!,
    KindSuffix: kindSuffix,
  };
}

const VAR = /\{\{\s*\.(\w+)\s*\}\}/g;

export function renderLocation(location: string, data: TemplateData): string {
  // A location without a template is a directory laid out like kubernetes-json-schema.
  const tpl = location.includes('{{') ? location : `${location.replace(/\/+$/, '')}/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json`;
  return tpl.replace(VAR, (whole, name: string) => {
    if (!(name in data)) throw new NexusError(`unknown variable {{.${name}}} in --schema-location ${location}`, { hint: 'use NormalizedKubernetesVersion, StrictSuffix, ResourceKind, ResourceAPIVersion, Group or KindSuffix' });
    return data[name as keyof TemplateData];
  });
}

export interface SchemaFetcher {
  /** The schema at `where` (URL or path), or undefined if there is none. Errors other than "not found" throw. */
  get(where: string): Promise<JsonSchema | undefined>;
}

export function createSchemaFetcher(cacheDir: string | undefined): SchemaFetcher {
  const memo = new Map<string, Promise<JsonSchema | undefined>>();
  const parse = (text: string, where: string): JsonSchema => {
    try {
      return JSON.parse(text) as JsonSchema;
    } catch (err) {
      throw new NexusError(`schema at ${where} is not valid JSON: ${(err as Error).message}`, { hint: 'check --schema-location (kubeconform-style JSON schemas are expected)' });
    }
  };
  const fetchOne = async (where: string): Promise<JsonSchema | undefined> => {
    if (!/^https?:\/\//.test(where)) {
      if (!existsSync(where)) return undefined;
      return parse(readFileSync(where, 'utf8'), where);
    }
    const cacheFile = cacheDir ? join(cacheDir, `${process.getBuiltinModule('node:crypto').createHash('sha256').update(where).digest('hex')}.json`) : undefined;
    if (cacheFile && existsSync(cacheFile)) {
      const cached = readFileSync(cacheFile, 'utf8');
      return cached === 'null' ? undefined : parse(cached, where);
    }
    let res: Response;
    try {
      res = await fetch(where, { signal: AbortSignal.timeout(30_000) });
    } catch (err) {
      throw new NexusError(`cannot download schema ${where}: ${(err as Error).message}`, { hint: 'check the network, or use a local --schema-location directory' });
    }
    if (res.status === 404) {
      if (cacheFile) {
        mkdirSync(cacheDir!, { recursive: true });
        writeFileSync(cacheFile, 'null');
      }
      return undefined;
    }
    if (!res.ok) throw new NexusError(`cannot download schema ${where}: HTTP ${res.status}`, { hint: 'check the --schema-location URL template' });
    const text = await res.text();
    const schema = parse(text, where);
    if (cacheFile) {
      mkdirSync(cacheDir!, { recursive: true });
      writeFileSync(cacheFile, text);
    }
    return schema;
  };
  return {
    get(where) {
      let p = memo.get(where);
      if (!p) {
        p = fetchOne(where);
        memo.set(where, p);
      }
      return p;
    },
  };
}
