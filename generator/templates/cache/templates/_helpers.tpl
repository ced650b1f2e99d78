{{/*
Cache-chart helpers.
*/}}

{{/*
nexus.cache.bundled: "true" when this chart runs Redis (enabled, mode `bundled`). With `mode: external`
the chart renders nothing: the clients reach the managed Redis at cache.external.host.
*/}}
{{- define "nexus.cache.bundled" -}}
{{- if and .Values.enabled (eq (.Values.mode | default "bundled") "bundled") }}true{{ end -}}
{{- end -}}

{{/*
nexus.cache.masterProxy: "true" when the master-only endpoint is an HAProxy Deployment (bundled mode,
masterService on, Sentinel on: the master moves). Without Sentinel the master is ordinal 0 and the
master Service selects that pod directly.
*/}}
{{- define "nexus.cache.masterProxy" -}}
{{- if and (include "nexus.cache.bundled" .) .Values.masterService.enabled .Values.sentinel.enabled }}true{{ end -}}
{{- end -}}

{{/* nexus.cache.masterName: the master-only Service (and HAProxy Deployment) name, `<fullname>-master`. */}}
{{- define "nexus.cache.masterName" -}}
{{- include "nexus.suffixedName" (dict "name" (include "nexus.fullname" .) "suffix" "master") -}}
{{- end -}}

{{/* nexus.cache.secretName: the Secret with the password (auth.existingSecret, else `<fullname>`). */}}
{{- define "nexus.cache.secretName" -}}
{{- .Values.auth.existingSecret | default (include "nexus.fullname" .) -}}
{{- end -}}

{{/* nexus.cache.headless: the headless Service name (stable per-pod DNS names). */}}
{{- define "nexus.cache.headless" -}}
{{- include "nexus.headlessName" (dict "context" . "name" (include "nexus.fullname" .)) -}}
{{- end -}}

{{/* nexus.cache.podHost: DNS name of pod ordinal N. Arguments (dict): context, ordinal. */}}
{{- define "nexus.cache.podHost" -}}
{{- $ctx := .context -}}
{{- printf "%s-%d.%s.%s.svc.%s" (include "nexus.fullname" $ctx) (int .ordinal) (include "nexus.cache.headless" $ctx) (include "nexus.namespace" $ctx) $ctx.Values.clusterDomain -}}
{{- end -}}

{{/*
nexus.cache.maxmemory: maxmemory in redis.conf units: the explicit value, else a share of the memory
limit: 80 % (replication buffers, fragmentation), less forkHeadroomPercent whenever Redis forks (AOF
rewrite, RDB snapshot, a replica's full resync), since the fork's copy-on-write pages count against the
container's limit too.
*/}}
{{- define "nexus.cache.maxmemory" -}}
{{- if not (kindIs "invalid" .Values.maxmemory) -}}
{{- $mib := include "nexus.stateful.mebibytes" .Values.maxmemory | int64 -}}
{{- printf "%dmb" $mib -}}
{{- else -}}
{{- $limits := .Values.resources.limits | default dict -}}
{{- $mib := include "nexus.stateful.mebibytes" ($limits.memory | default "1Gi") | int64 -}}
{{- $share := 80 -}}
{{- if or .Values.persistence.enabled (gt (int .Values.replicas) 1) -}}
{{- $share = sub 80 (.Values.forkHeadroomPercent | int) -}}
{{- end -}}
{{- printf "%dmb" (div (mul $mib $share) 100) -}}
{{- end -}}
{{- end -}}

{{/* nexus.cache.nodeEnv: the environment the redis and sentinel containers share. Argument: the root context. */}}
{{- define "nexus.cache.nodeEnv" -}}
{{- $s := .Values.sentinel -}}
{{- $headless := include "nexus.cache.headless" . -}}
{{- $sentinels := list -}}
{{- range $i := until (int .Values.replicas) -}}
{{- $sentinels = append $sentinels (printf "%s:%d" (include "nexus.cache.podHost" (dict "context" $ "ordinal" $i)) (int $s.port)) -}}
{{- end -}}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: ANNOUNCE_HOST
  value: "$(POD_NAME).{{ $headless }}.{{ include "nexus.namespace" . }}.svc.{{ .Values.clusterDomain }}"
- name: SEED_HOST
  value: {{ include "nexus.cache.podHost" (dict "context" $ "ordinal" 0) | quote }}
- name: MASTER_SET
  value: {{ $s.masterSet | quote }}
- name: SENTINEL_ADDRS
  value: {{ ternary (join " " $sentinels) "" $s.enabled | quote }}
- name: REDIS_PORT
  value: {{ .Values.port | quote }}
- name: SENTINEL_PORT
  value: {{ $s.port | quote }}
{{- if .Values.tls.enabled }}
- name: REDIS_TLS_DIR
  value: /etc/redis-tls
{{- end }}
{{- if .Values.auth.enabled }}
- name: REDIS_APP_USER
  valueFrom:
    secretKeyRef:
      name: {{ include "nexus.cache.secretName" . }}
      key: {{ .Values.auth.usernameKey | quote }}
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "nexus.cache.secretName" . }}
      key: {{ .Values.auth.passwordKey | quote }}
- name: REDIS_ADMIN_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "nexus.cache.secretName" . }}
      key: {{ .Values.auth.adminPasswordKey | quote }}
{{- if include "nexus.cache.masterProxy" . }}
- name: REDIS_HAPROXY_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "nexus.cache.secretName" . }}
      key: {{ .Values.auth.haproxyPasswordKey | quote }}
{{- end }}
{{- /* Kong's counters user: only when the Secret holds it (a cache no gateway uses needs neither key). */}}
- name: REDIS_GATEWAY_USER
  valueFrom:
    secretKeyRef:
      name: {{ include "nexus.cache.secretName" . }}
      key: {{ .Values.auth.gateway.usernameKey | quote }}
      optional: true
- name: REDIS_GATEWAY_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "nexus.cache.secretName" . }}
      key: {{ .Values.auth.gateway.passwordKey | quote }}
      optional: true
{{- end }}
{{- end -}}

{{/*
nexus.cache.externalSecrets: the `nexus.dev/external-secrets` annotation value: the password Secret when
it is an existing one, and the TLS Secret (existing, or cert-manager's: not in the render either).
*/}}
{{- define "nexus.cache.externalSecrets" -}}
{{- $names := list -}}
{{- if .Values.auth.enabled }}{{ with .Values.auth.existingSecret }}{{ $names = append $names . }}{{ end }}{{ end -}}
{{- if .Values.tls.enabled }}{{ $names = append $names (include "nexus.cache.tlsSecret" .) }}{{ end -}}
{{- $names | uniq | sortAlpha | join "," -}}
{{- end -}}

{{/* nexus.cache.tlsSecret: the Secret with the certificate, key and CA (tls.existingSecret, else `<fullname>-tls`). */}}
{{- define "nexus.cache.tlsSecret" -}}
{{- .Values.tls.existingSecret | default (include "nexus.suffixedName" (dict "name" (include "nexus.fullname" .) "suffix" "tls")) -}}
{{- end -}}

{{/*
nexus.cache.tlsDnsNames: the names the certificate must carry, as a list: the client Service (short,
namespaced, .svc, .svc.<clusterDomain>), the master-only Service the same way while it is published
(Kong dials `<fullname>-master.<namespace>.svc` and checks that name), and every pod behind the
headless Service (the announce addresses Sentinel hands out as the master's, the exporter's server
name, and the names HAProxy verifies).
*/}}
{{- define "nexus.cache.tlsDnsNames" -}}
{{- $ns := include "nexus.namespace" . -}}
{{- $services := list (include "nexus.fullname" .) -}}
{{- if .Values.masterService.enabled }}{{ $services = append $services (include "nexus.cache.masterName" .) }}{{ end -}}
{{- $names := list -}}
{{- range $svc := $services -}}
{{- $names = concat $names (list $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.%s" $svc $ns $.Values.clusterDomain)) -}}
{{- end -}}
{{- $headless := include "nexus.cache.headless" . -}}
{{- toYaml (concat $names (list (printf "*.%s.%s.svc" $headless $ns) (printf "*.%s.%s.svc.%s" $headless $ns .Values.clusterDomain))) -}}
{{- end -}}

{{/*
nexus.cache.haproxyVerify: HAProxy's `verify` for the master endpoint's clients, the same policy as
Redis's `tls-auth-clients` (no → none, optional → optional, yes → required), so the endpoint is no way
around it.
*/}}
{{- define "nexus.cache.haproxyVerify" -}}
{{- get (dict "no" "none" "optional" "optional" "yes" "required") .Values.tls.authClients -}}
{{- end -}}

{{/*
nexus.cache.tlsConf: the TLS lines of redis.conf and sentinel.conf (TLS only: `port 0`, `tls-port`).
Replication, and Sentinel's links to Redis and to the other Sentinels, use TLS (`tls-replication`) and
present this certificate as the client certificate; peers are checked against the CA (Redis verifies
the chain, not the host name). Arguments (dict): context, port.
*/}}
{{- define "nexus.cache.tlsConf" -}}
{{- $t := .context.Values.tls -}}
port 0
tls-port {{ .port }}
tls-cert-file /etc/redis-tls/tls.crt
tls-key-file /etc/redis-tls/tls.key
tls-ca-cert-file /etc/redis-tls/ca.crt
tls-auth-clients {{ $t.authClients }}
tls-replication yes
tls-protocols "TLSv1.2 TLSv1.3"
tls-prefer-server-ciphers yes
{{- end -}}

{{/*
nexus.cache.probes: the generated probes of a Redis or Sentinel container (redis-probe.sh), as YAML
text for nexus.container.probes. Arguments (dict): check (startup and liveness mode: live or
sentinel), ready (readiness mode: ready or sentinel).
*/}}
{{- define "nexus.cache.probes" -}}
startupProbe:
  exec:
    command: [/bin/sh, /scripts/redis-probe.sh, {{ .check }}]
  periodSeconds: 5
  timeoutSeconds: 5
  failureThreshold: 60
livenessProbe:
  exec:
    command: [/bin/sh, /scripts/redis-probe.sh, {{ .check }}]
  periodSeconds: 10
  timeoutSeconds: 5
  failureThreshold: 5
readinessProbe:
  exec:
    command: [/bin/sh, /scripts/redis-probe.sh, {{ .ready }}]
  periodSeconds: 5
  timeoutSeconds: 5
  {{- if eq .ready "ready" }}
  failureThreshold: 3
  {{- end }}
{{- end -}}
