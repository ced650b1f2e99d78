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

{{/*
nexus.suffixedName: `<name>-<suffix>` for an object derived from another (its ConfigMaps, its headless
Service). Past 63 characters the name is cut and an 8-character hash of `name` is kept before the
suffix, so siblings (`-config`, `-scripts`, `-rules`) never collapse into one name.
Arguments (dict): name (already a valid name), suffix.
*/}}
{{- define "nexus.suffixedName" -}}
{{- $full := printf "%s-%s" .name .suffix -}}
{{- if le (len $full) 63 -}}
{{- $full -}}
{{- else -}}
{{- printf "%s-%s-%s" (.name | trunc (int (sub 53 (len .suffix))) | trimSuffix "-") (sha256sum .name | trunc 8) .suffix -}}
{{- end -}}
{{- end -}}

{{/*
nexus.headlessName: the headless Service of a StatefulSet, `<name>-headless` cut to 63 characters like
every name (a StatefulSet's serviceName is immutable, so names already deployed must stay). Only when
that cut would leave just `<name>`, the client Service's name, it falls back to nexus.suffixedName.
Arguments (dict): as nexus.resourceName (context, component, name).
*/}}
{{- define "nexus.headlessName" -}}
{{- $base := include "nexus.resourceName" . -}}
{{- $name := printf "%s-headless" $base | trunc 63 | trimSuffix "-" -}}
{{- if eq $name $base -}}
{{- $name = include "nexus.suffixedName" (dict "name" $base "suffix" "headless") -}}
{{- end -}}
{{- $name -}}
{{- end -}}

{{/*
nexus.tierInstalled: "true" when the sibling tier's chart is installed in this release (the umbrella
imports every installed tier's `exports.tier` into `global.tiers.<tier>`; Helm drops disabled subcharts
before importing). Arguments (dict): context, tier.
*/}}
{{- define "nexus.tierInstalled" -}}
{{- $tiers := (.context.Values.global | default dict).tiers | default dict -}}
{{- if (index $tiers .tier | default dict).installed -}}
true
{{- end -}}
{{- end -}}
