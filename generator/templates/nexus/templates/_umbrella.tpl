{{/*
Umbrella helpers (prefixed nexus.umbrella.*). The umbrella chart is the only chart that sees every
tier's values, so it renders what spans tiers: the release default-deny, DNS egress, the stateless
tiers' allow-lists (dropping rules to disabled tiers) and the smoke tests.
*/}}

{{/*
nexus.umbrella.tierFullname: a tier's resource name as its chart computes it, honouring that tier's
fullnameOverride/nameOverride. Arguments (dict): context, tier.
*/}}
{{- define "nexus.umbrella.tierFullname" -}}
{{- $values := index .context.Values .tier | default dict -}}
{{- if $values.fullnameOverride -}}
{{- $values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := $values.nameOverride | default .tier -}}
{{- if eq .context.Release.Name $name -}}
{{- .context.Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .context.Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
nexus.umbrella.statelessTiers: the enabled stateless tiers (values sections built by
statelessTierShape: they carry networkPolicy.allowTo and containerPort), sorted, as a YAML list.
Argument: the root context.
*/}}
{{- define "nexus.umbrella.statelessTiers" -}}
{{- $tiers := list -}}
{{- range $name, $values := .Values -}}
{{- if and (kindIs "map" $values) (hasKey $values "containerPort") (hasKey $values "networkPolicy") -}}
{{- if and $values.enabled (hasKey $values.networkPolicy "allowTo") -}}
{{- $tiers = append $tiers $name -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml (sortAlpha $tiers) -}}
{{- end -}}

{{/* nexus.umbrella.tierEnabled: "true" when the values key `tier` exists and is enabled. Arguments (dict): context, tier. */}}
{{- define "nexus.umbrella.tierEnabled" -}}
{{- $values := index .context.Values .tier | default dict -}}
{{- if and (kindIs "map" $values) $values.enabled -}}
true
{{- end -}}
{{- end -}}

{{/* nexus.umbrella.ports: nexus.networkPolicy.ports (TCP) from a list of numbers (values may arrive as floats). */}}
{{- define "nexus.umbrella.ports" -}}
{{- $ports := list -}}
{{- range . -}}
{{- $ports = append $ports (. | int64) -}}
{{- end -}}
{{- include "nexus.networkPolicy.ports" (dict "ports" $ports) -}}
{{- end -}}

{{/*
nexus.umbrella.gatewayArgs: the dict the nexus.gateway.* helpers take, for the umbrella.
*/}}
{{- define "nexus.umbrella.gatewayArgs" -}}
{{- toYaml (dict "name" (include "nexus.umbrella.tierFullname" (dict "context" . "tier" "gateway"))) -}}
{{- end -}}

{{/*
nexus.umbrella.routes: the gateway's routes to ENABLED tiers, as a YAML list of {path, service, port},
longest path first (so `/api` is matched before `/`). Ports are the tiers' own service ports.
Argument: the root context.
*/}}
{{- define "nexus.umbrella.routes" -}}
{{- $routes := list -}}
{{- $keys := list -}}
{{- range $tier, $path := dict "frontend" .Values.gateway.frontendPath "backend" .Values.gateway.backendPath -}}
{{- if include "nexus.umbrella.tierEnabled" (dict "context" $ "tier" $tier) -}}
{{- $order := printf "%04d-%s" (sub 1000 (len $path)) $path -}}
{{- $keys = append $keys $order -}}
{{- $routes = append $routes (dict "path" $path "service" (include "nexus.umbrella.tierFullname" (dict "context" $ "tier" $tier)) "port" ((index $.Values $tier).service.port | int64) "order" $order) -}}
{{- end -}}
{{- end -}}
{{- $sorted := list -}}
{{- range $key := sortAlpha $keys -}}
{{- range $routes -}}
{{- if eq .order $key -}}
{{- $sorted = append $sorted (omit . "order") -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml $sorted -}}
{{- end -}}
