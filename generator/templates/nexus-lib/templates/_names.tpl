{{/*
Naming. Every template here takes the root context (`.` / `$`) unless it says otherwise.
Names are DNS labels: truncated to 63 characters, never ending in "-".
*/}}

{{/*
nexus.name: the chart name, or `nameOverride`.
*/}}
{{- define "nexus.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
nexus.fullname: `fullnameOverride`, else `<release>-<name>` (just `<release>` when the release is
named like the chart, so the umbrella of release `nexus` is `nexus`, not `nexus-nexus`).
Other tiers rely on this being predictable: the database chart of release `nexus` is `nexus-database`.
*/}}
{{- define "nexus.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if eq .Release.Name $name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
nexus.tierFullname: the fullname another tier's chart gets by default, for cross-tier references
(Service host names). Arguments (dict):
  context  the root context
  tier     the other chart's name, e.g. "database"
It cannot see the other chart's overrides; point at a renamed tier with that tier's explicit host value.
*/}}
{{- define "nexus.tierFullname" -}}
{{- if eq .context.Release.Name .tier -}}
{{- .context.Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .context.Release.Name .tier | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/*
nexus.chart: `<chart>-<version>` for the helm.sh/chart label ("+" is not allowed in label values).
*/}}
{{- define "nexus.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
nexus.namespace: the namespace every object is written to (the release namespace).
*/}}
{{- define "nexus.namespace" -}}
{{- .Release.Namespace | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
nexus.componentName: `<fullname>-<component>`, truncated to 63. Arguments (dict):
  context    the root context
  component  e.g. "pgbouncer"
*/}}
{{- define "nexus.componentName" -}}
{{- printf "%s-%s" (include "nexus.fullname" .context) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
nexus.resourceName: the name object templates use when no "name" is passed: the fullname for a
chart's main component (component empty or equal to the chart name), else nexus.componentName.
Arguments (dict): context, component, name (optional; wins when set).
*/}}
{{- define "nexus.resourceName" -}}
{{- if .name -}}
{{- .name | trunc 63 | trimSuffix "-" -}}
{{- else if or (not .component) (eq .component .context.Chart.Name) -}}
{{- include "nexus.fullname" .context -}}
{{- else -}}
{{- include "nexus.componentName" . -}}
{{- end -}}
{{- end -}}
