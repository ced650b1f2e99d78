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

{{/*
nexus.gateway.rateLimitPlugin: the body of a rate-limiting KongPlugin (after its metadata): `config` with
the given windows and `limit_by`, counted like gateway.rateLimiting says (policy, Redis connection), and
the Redis credentials patched in from their Secret by the Kong ingress controller (never written into
the plugin). The gateway's own plugin and the load generator's consumer plugin share it, so both count
in the same place. Arguments (dict): context, gateway, limits (dict second/minute/hour; empty ones are
left out), limitBy, headerName (limitBy header).
*/}}
{{- define "nexus.gateway.rateLimitPlugin" -}}
{{- $rl := .gateway.rateLimiting -}}
plugin: rate-limiting
config:
  {{- range $window := list "second" "minute" "hour" }}
  {{- with index $.limits $window }}
  {{ $window }}: {{ . | int64 }}
  {{- end }}
  {{- end }}
  limit_by: {{ .limitBy }}
  {{- if eq .limitBy "header" }}
  header_name: {{ .headerName | quote }}
  {{- end }}
  policy: {{ $rl.policy }}
  fault_tolerant: {{ $rl.faultTolerant }}
  hide_client_headers: {{ $rl.hideClientHeaders }}
  {{- if eq $rl.policy "redis" }}
  {{- $r := $rl.redis }}
  {{- /*
  No host: the bundled cache's master-only Service, by its namespaced name (Kong runs in its own
  namespace); its password is in the cache's Secret. With ssl the server name Kong sends and checks
  (OpenResty verifies the host name only against an explicit server_name) defaults to that same name,
  which the cache certificate carries.
  */}}
  {{- $cache := include "nexus.tierFullname" (dict "context" .context "tier" "cache") }}
  {{- $secret := $r.existingSecret | default (ternary "" $cache (not (empty $r.host))) }}
  {{- $host := $r.host | default (printf "%s.%s.svc" (include "nexus.suffixedName" (dict "name" $cache "suffix" "master")) (include "nexus.namespace" .context)) }}
  redis:
    host: {{ $host | quote }}
    port: {{ $r.port | int64 }}
    database: {{ $r.database | int64 }}
    timeout: {{ $r.timeoutMs | int64 }}
    ssl: {{ $r.ssl }}
    ssl_verify: {{ $r.sslVerify }}
    {{- with $r.serverName | default (ternary $host "" (and $r.ssl (empty $r.host))) }}
    server_name: {{ . | quote }}
    {{- end }}
{{- with $secret }}
# The credentials stay in their Secret: the Kong ingress controller patches them into the plugin.
configPatches:
  {{- with $r.usernameKey }}
  - path: /redis/username
    valueFrom:
      secretKeyRef:
        name: {{ $secret | quote }}
        key: {{ . | quote }}
  {{- end }}
  - path: /redis/password
    valueFrom:
      secretKeyRef:
        name: {{ . | quote }}
        key: {{ $r.passwordKey | quote }}
{{- end }}
  {{- end }}
{{- end -}}
