/**
 * The real umbrella chart, copied, with one change: `nexus.lookup` (the only template that reads the
 * cluster, nexus-lib/_lookup.tpl) returns fixture objects from `global.lookupFixtures` instead of calling
 * Helm's `lookup`. So the lookup-based decisions (kept credentials, restore requests, storage guards,
 * prerequisite checks) run offline, in the real templates, on both Helm versions. Extra templates can be
 * added (e.g. to print a named template). Nothing else of the chart is touched.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UMBRELLA_CHART_DIR } from '../../util/paths.ts';

export const LOOKUP_TEMPLATE = join('charts', 'nexus-lib', 'templates', '_lookup.tpl');

/** The live `nexus.lookup` definition, and what the harness puts in its place. */
const LIVE_DEFINITION = /\{\{- define "nexus\.lookup" -\}\}[\s\S]*?\{\{- end -\}\}/;
const FIXTURE_DEFINITION = `{{- define "nexus.lookup" -}}
{{- $namespace := ternary .namespace (include "nexus.namespace" .context) (hasKey . "namespace") -}}
{{- $fixtures := (.context.Values.global | default dict).lookupFixtures | default dict -}}
{{- toYaml (get $fixtures (printf "%s/%s/%s/%s" .apiVersion .kind $namespace .name) | default dict) -}}
{{- end -}}`;

/** Key of a fixture object in `global.lookupFixtures`: what `nexus.lookup` was asked for. */
export function fixtureKey(apiVersion: string, kind: string, namespace: string, name: string): string {
  return `${apiVersion}/${kind}/${namespace}/${name}`;
}

const cache = new Map<string, string>();

/** A copy of charts/nexus with fixture lookups (and `extraTemplates` under the umbrella's templates/). */
export function harnessChart(extraTemplates: Record<string, string> = {}): string {
  const key = JSON.stringify(extraTemplates);
  const found = cache.get(key);
  if (found) return found;
  const dir = join(mkdtempSync(join(tmpdir(), 'nexus-harness-')), 'nexus');
  cpSync(UMBRELLA_CHART_DIR, dir, { recursive: true });
  const lookupFile = join(dir, LOOKUP_TEMPLATE);
  const live = readFileSync(lookupFile, 'utf8');
  if (!LIVE_DEFINITION.test(live) || !live.includes('lookup .apiVersion .kind $namespace .name')) {
    throw new Error(`${LOOKUP_TEMPLATE} no longer defines nexus.lookup around Helm's lookup; update the harness`);
  }
  writeFileSync(lookupFile, live.replace(LIVE_DEFINITION, FIXTURE_DEFINITION));
  // The umbrella schema closes `global`; let the fixtures through (subchart schemas keep global open).
  const schemaFile = join(dir, 'values.schema.json');
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as { properties: { global: { properties: Record<string, unknown> } } };
  schema.properties.global.properties.lookupFixtures = { type: 'object' };
  writeFileSync(schemaFile, JSON.stringify(schema));
  for (const [name, body] of Object.entries(extraTemplates)) writeFileSync(join(dir, 'templates', name), body);
  cache.set(key, dir);
  return dir;
}
