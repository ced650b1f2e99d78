/**
 * The umbrella's `templates/_prerequisites.tpl`: `nexus.prerequisites` lists, for the values being
 * installed, what must exist in the cluster, compiled from the same table the README is generated from
 * (schema/prerequisites.ts). NOTES.txt prints it; the live check (lookup) verifies it.
 */
import type { PrerequisiteDef } from '../schema/prerequisites.ts';
import { bare, compileExpr, compileMessage, goString } from './go-template.ts';

export const PREREQUISITES_TEMPLATE = 'templates/_prerequisites.tpl';

export function prerequisitesTemplate(defs: readonly PrerequisiteDef[]): string {
  const chart = 'nexus';
  const lines = [
    '{{/*',
    'nexus.prerequisites: what this release needs in the cluster and does not create (Secrets with their keys,',
    'StorageClasses, APIs of CRD-based objects, controllers), as a YAML list of {kind, name, keys, type, for}.',
    'Compiled from schema/prerequisites.ts, the table the README\'s prerequisites come from. Argument: the root context.',
    '*/}}',
    '{{- define "nexus.prerequisites" -}}',
    '{{- $found := list -}}',
  ];
  for (const d of defs) {
    const keys = `(compact (list ${(d.keys ?? []).map((k) => compileExpr(k, chart)).join(' ')}))`;
    const entry = (name: string) => `(dict "kind" ${goString(d.kind)} "name" ${name} "keys" ${keys}${d.type ? ` "type" ${goString(d.type)}` : ''} "for" ${compileMessage(d.for, chart)})`;
    lines.push(`{{- if ${bare(compileExpr(d.when, chart))} -}}`);
    if (d.each) {
      lines.push(`{{- range $item := ${compileExpr(d.each, chart)} -}}`, `{{- $found = append $found ${entry('(toString $item)')} -}}`, '{{- end -}}');
    } else {
      lines.push(`{{- $found = append $found ${entry(`(toString ${compileExpr(d.name!, chart)})`)} -}}`);
    }
    lines.push('{{- end -}}');
  }
  // Secrets an ExternalSecret of this release writes are not there before the install (ESO creates them
  // right after): not prerequisites. The same filter as prerequisites() in schema/index.ts.
  lines.push(
    '{{- $eso := .Values.externalSecrets | default dict -}}',
    '{{- if $eso.enabled -}}',
    '{{- $kept := list -}}',
    '{{- range $found }}{{ if not (and (eq .kind "Secret") (hasKey ($eso.secrets | default dict) .name)) }}{{ $kept = append $kept . }}{{ end }}{{ end -}}',
    '{{- $found = $kept -}}',
    '{{- end -}}',
  );
  lines.push('{{- include "nexus.prerequisites.merge" $found -}}', '{{- end -}}', '');
  return lines.join('\n');
}
