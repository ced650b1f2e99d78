{{/*
nexus.httpProbes: livenessProbe, readinessProbe and startupProbe (each only when enabled) as HTTP GETs
on a named container port. Liveness and startup probes always use successThreshold 1 (Kubernetes
requires it).
Arguments (dict):
  probes  a probes values object {liveness, readiness, startup}, each
          {enabled, path, initialDelaySeconds, periodSeconds, timeoutSeconds, failureThreshold, successThreshold}
  port    container port name or number, e.g. "http"
  scheme  optional, HTTP (default) or HTTPS
*/}}
{{- define "nexus.httpProbes" -}}
{{- include "nexus.httpProbes.body" . | trim -}}
{{- end -}}

{{/* nexus.httpProbes.body: internal; nexus.httpProbes trims its leading newline. */}}
{{- define "nexus.httpProbes.body" -}}
{{- $args := . -}}
{{- range $kind := list "liveness" "readiness" "startup" -}}
{{- $probe := index $args.probes $kind | default dict -}}
{{- if $probe.enabled }}
{{ $kind }}Probe:
  httpGet:
    path: {{ $probe.path }}
    port: {{ $args.port }}
    {{- with $args.scheme }}
    scheme: {{ . }}
    {{- end }}
  initialDelaySeconds: {{ $probe.initialDelaySeconds | default 0 | int64 }}
  periodSeconds: {{ $probe.periodSeconds | default 10 | int64 }}
  timeoutSeconds: {{ $probe.timeoutSeconds | default 1 | int64 }}
  failureThreshold: {{ $probe.failureThreshold | default 3 | int64 }}
  successThreshold: {{ eq $kind "readiness" | ternary ($probe.successThreshold | default 1) 1 | int64 }}
{{- end }}
{{- end -}}
{{- end -}}
