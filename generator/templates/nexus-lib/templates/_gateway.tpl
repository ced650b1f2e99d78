{{/*
Gateway helpers, shared by the gateway chart (KongPlugin) and the umbrella chart (Ingress/HTTPRoute:
only the umbrella sees which tiers are enabled, so it renders the routes). Every template takes a dict:
  context  the root context of the calling chart
  gateway  the gateway values (`.Values` in the gateway chart, `.Values.gateway` in the umbrella)
  name     the gateway's resource name prefix (`<release>-gateway`)
*/}}

{{/* nexus.gateway.host: gateway.host, else global.domain (empty: the routes match every host). */}}
{{- define "nexus.gateway.host" -}}
{{- .gateway.host | default ((.context.Values.global | default dict).domain | default "") -}}
{{- end -}}

{{/* nexus.gateway.tlsSecret: tls.existingSecret, else `<name>-tls` (cert-manager fills it when enabled). */}}
{{- define "nexus.gateway.tlsSecret" -}}
{{- .gateway.tls.existingSecret | default (printf "%s-tls" .name) -}}
{{- end -}}

{{/* nexus.gateway.rateLimitName: name of the rate-limiting KongPlugin, `<name>-rate-limit`. */}}
{{- define "nexus.gateway.rateLimitName" -}}
{{- printf "%s-rate-limit" .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* nexus.gateway.rateLimitOn: "true" when the KongPlugin renders (enabled, and configuration.konghq.com/v1 served or forced). */}}
{{- define "nexus.gateway.rateLimitOn" -}}
{{- if and .gateway.rateLimiting.enabled (include "nexus.apiServed" (dict "context" .context "api" "configuration.konghq.com/v1" "force" .gateway.rateLimiting.force)) -}}
true
{{- end -}}
{{- end -}}
