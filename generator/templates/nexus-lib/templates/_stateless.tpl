{{/*
Helpers for the stateless application tiers (the `stateless` template set: frontend, backend, and any
tier added the same way). They take the tier chart's root context and read optional values sections,
so a tier gains a feature by declaring its section in the schema.
*/}}

{{/*
nexus.stateless.configEnv: the non-secret environment of a stateless tier as a YAML map: `env`, plus
  - `database` section → DATABASE_HOST/PORT/NAME/USER/SSLMODE and PGSSLMODE (host defaults to
    `<release>-database-pgbouncer`), plus DATABASE_SSLROOTCERT/PGSSLROOTCERT for verify-ca/verify-full
  - `redis` section    → REDIS_SENTINEL_HOSTS/REDIS_SENTINEL_MASTER with Sentinel (the clients ask it for
                         the master), else REDIS_HOST/PORT and REDIS_URL (a master-only address); with
                         redis.tls REDIS_SSL, REDIS_SSL_CERT_REQS=required, REDIS_SSL_CHECK_HOSTNAME=true
                         and REDIS_SSL_CA_CERTS (the
                         mounted CA, nexus.stateless.redisCaSecret), and the URL scheme `rediss`
  - `metrics` section  → METRICS_PORT/METRICS_PATH when enabled
  - `apiBasePath`      → API_BASE_PATH, and BACKEND_URL (default `http://<release>-backend:8000`)
Values in `env` win. Argument: the root context.
*/}}
{{- define "nexus.stateless.configEnv" -}}
{{- $env := dict -}}
{{- with .Values.database -}}
{{- $host := .host | default (printf "%s-pgbouncer" (include "nexus.tierFullname" (dict "context" $ "tier" "database"))) -}}
{{- $_ := set $env "DATABASE_HOST" $host -}}
{{- $_ := set $env "DATABASE_PORT" (toString (.port | int64)) -}}
{{- $_ := set $env "DATABASE_NAME" .name -}}
{{- $_ := set $env "DATABASE_USER" .user -}}
{{- $_ := set $env "DATABASE_SSLMODE" .sslMode -}}
{{- $_ := set $env "PGSSLMODE" .sslMode -}}
{{- if has .sslMode (list "verify-ca" "verify-full") -}}
{{- /* The CA that signed the database certificate (nexus.stateless.databaseCa, mounted read-only). */ -}}
{{- $_ := set $env "DATABASE_SSLROOTCERT" "/etc/nexus/database-ca/ca.crt" -}}
{{- $_ := set $env "PGSSLROOTCERT" "/etc/nexus/database-ca/ca.crt" -}}
{{- end -}}
{{- end -}}
{{- with .Values.redis -}}
{{- $host := .host | default (include "nexus.tierFullname" (dict "context" $ "tier" "cache")) -}}
{{- if .sentinel.enabled -}}
{{- /* Only Sentinel: a Redis address here would be a node that may be a replica (READONLY errors). */ -}}
{{- $_ := set $env "REDIS_SENTINEL_HOSTS" (printf "%s:%d" $host (.sentinel.port | int64)) -}}
{{- $_ := set $env "REDIS_SENTINEL_MASTER" .sentinel.masterSet -}}
{{- else -}}
{{- $_ := set $env "REDIS_HOST" $host -}}
{{- $_ := set $env "REDIS_PORT" (toString (.port | int64)) -}}
{{- $_ := set $env "REDIS_URL" (printf "%s://%s:%d/0" (ternary "rediss" "redis" ((.tls | default dict).enabled | default false)) $host (.port | int64)) -}}
{{- end -}}
{{- if (.tls | default dict).enabled -}}
{{- $_ := set $env "REDIS_SSL" "true" -}}
{{- $_ := set $env "REDIS_SSL_CERT_REQS" "required" -}}
{{- /* redis-py checks the host name only when asked before 6.0 (ssl_check_hostname): say it explicitly. */ -}}
{{- $_ := set $env "REDIS_SSL_CHECK_HOSTNAME" "true" -}}
{{- if include "nexus.stateless.redisCaSecret" $ -}}
{{- $_ := set $env "REDIS_SSL_CA_CERTS" "/etc/nexus/redis-ca/ca.crt" -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- with .Values.metrics -}}
{{- if .enabled -}}
{{- $_ := set $env "METRICS_PORT" (toString (.port | int64)) -}}
{{- $_ := set $env "METRICS_PATH" .path -}}
{{- end -}}
{{- end -}}
{{- if .Values.apiBasePath -}}
{{- $_ := set $env "API_BASE_PATH" .Values.apiBasePath -}}
{{- $_ := set $env "BACKEND_URL" (.Values.backendUrl | default (printf "http://%s:8000" (include "nexus.tierFullname" (dict "context" $ "tier" "backend")))) -}}
{{- end -}}
{{- $all := merge (deepCopy (.Values.env | default dict)) $env -}}
{{- range $key, $value := $all -}}
{{- $_ := set $all $key (toString $value) -}}
{{- end -}}
{{- toYaml $all -}}
{{- end -}}

{{/*
nexus.stateless.secretEnv: `env` list items that read credentials from Secrets (never inline):
DATABASE_PASSWORD from database.existingSecret (default `<release>-database`), and REDIS_PASSWORD plus,
with redis.usernameKey, REDIS_USERNAME (the ACL user, for Redis and Sentinel alike) from
redis.existingSecret (default `<release>-cache`). Renders nothing for a tier without those sections.
Argument: the root context.
*/}}
{{- define "nexus.stateless.secretEnv" -}}
{{- with .Values.database }}
- name: DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret | default (include "nexus.tierFullname" (dict "context" $ "tier" "database")) | quote }}
      key: {{ .passwordKey | quote }}
{{- end }}
{{- with .Values.redis }}
{{- if .usernameKey }}
- name: REDIS_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret | default (include "nexus.tierFullname" (dict "context" $ "tier" "cache")) | quote }}
      key: {{ .usernameKey | quote }}
{{- end }}
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret | default (include "nexus.tierFullname" (dict "context" $ "tier" "cache")) | quote }}
      key: {{ .passwordKey | quote }}
{{- end }}
{{- end -}}

{{/*
nexus.stateless.volumes / nexus.stateless.volumeMounts: one emptyDir per `writablePaths` entry
(name → mount path), the writable places a read-only root filesystem still needs.
Argument: the root context.
*/}}
{{- define "nexus.stateless.volumes" -}}
{{- $volumes := list -}}
{{- range $name, $path := .Values.writablePaths -}}
{{- $volumes = append $volumes (dict "name" $name "emptyDir" dict) -}}
{{- end -}}
{{- with include "nexus.stateless.databaseCaSecret" . -}}
{{- $volumes = append $volumes (dict "name" "database-ca" "secret" (dict "secretName" . "defaultMode" 292 "items" (list (dict "key" $.Values.database.caKey "path" "ca.crt")))) -}}
{{- end -}}
{{- with include "nexus.stateless.redisCaSecret" . -}}
{{- $volumes = append $volumes (dict "name" "redis-ca" "secret" (dict "secretName" . "defaultMode" 292 "items" (list (dict "key" $.Values.redis.tls.caKey "path" "ca.crt")))) -}}
{{- end -}}
{{- if $volumes -}}
{{- toYaml $volumes -}}
{{- end -}}
{{- end -}}

{{/* nexus.stateless.volumeMounts: the matching volumeMounts (name → mountPath). Argument: the root context. */}}
{{- define "nexus.stateless.volumeMounts" -}}
{{- $mounts := list -}}
{{- range $name, $path := .Values.writablePaths -}}
{{- $mounts = append $mounts (dict "name" $name "mountPath" $path) -}}
{{- end -}}
{{- if include "nexus.stateless.databaseCaSecret" . -}}
{{- $mounts = append $mounts (dict "name" "database-ca" "mountPath" "/etc/nexus/database-ca" "readOnly" true) -}}
{{- end -}}
{{- if include "nexus.stateless.redisCaSecret" . -}}
{{- $mounts = append $mounts (dict "name" "redis-ca" "mountPath" "/etc/nexus/redis-ca" "readOnly" true) -}}
{{- end -}}
{{- if $mounts -}}
{{- toYaml $mounts -}}
{{- end -}}
{{- end -}}

{{/*
nexus.stateless.databaseCaSecret: the Secret with the database CA while the tier verifies the database
certificate (database.sslMode verify-ca/verify-full): database.caSecret, else `<release>-database-tls`
(the bundled database's cert-manager Secret). Empty otherwise. Argument: the root context.
*/}}
{{- define "nexus.stateless.databaseCaSecret" -}}
{{- with .Values.database -}}
{{- if has .sslMode (list "verify-ca" "verify-full") -}}
{{- .caSecret | default (printf "%s-tls" (include "nexus.tierFullname" (dict "context" $ "tier" "database"))) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
nexus.stateless.redisCaSecret: the Secret with the Redis CA while the tier connects with TLS
(redis.tls.enabled): redis.tls.caSecret; else, while the tier uses the bundled cache (redis.host empty),
`<release>-cache-tls` (the cache's cert-manager Secret; rule backend-redis-discovery keeps it equal to
cache.tls.existingSecret); empty otherwise (no TLS, or an external Redis verified by the system trust
store). Argument: the root context.
*/}}
{{- define "nexus.stateless.redisCaSecret" -}}
{{- with .Values.redis -}}
{{- if (.tls | default dict).enabled -}}
{{- if .tls.caSecret -}}
{{- .tls.caSecret -}}
{{- else if not .host -}}
{{- printf "%s-tls" (include "nexus.tierFullname" (dict "context" $ "tier" "cache")) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
nexus.stateless.externalSecrets: the Secrets this tier reads that the release does not render (the
explicitly set database.existingSecret / redis.existingSecret), comma-separated, for the pod-template
annotation `nexus.dev/external-secrets` the validator's references-exist policy reads. The defaults
(`<release>-database`, `<release>-cache`) are not listed: when used, the data tiers must render them.
Argument: the root context.
*/}}
{{- define "nexus.stateless.externalSecrets" -}}
{{- $names := list -}}
{{- with .Values.database }}{{ with .existingSecret }}{{ $names = append $names . }}{{ end }}{{ end -}}
{{- with .Values.redis }}{{ with .existingSecret }}{{ $names = append $names . }}{{ end }}{{ end -}}
{{- with include "nexus.stateless.databaseCaSecret" . }}{{ $names = append $names . }}{{ end -}}
{{- with include "nexus.stateless.redisCaSecret" . }}{{ $names = append $names . }}{{ end -}}
{{- $names | uniq | sortAlpha | join "," -}}
{{- end -}}

{{/*
nexus.stateless.podAnnotations: the pod-template annotations of a stateless tier's pods as a YAML map:
podAnnotations + global.commonAnnotations, `nexus.dev/external-secrets` when it reads external Secrets,
and (with "checksums" true) the checksum of the tier's ConfigMap.
Arguments (dict): context, checksums (bool).
*/}}
{{- define "nexus.stateless.podAnnotations" -}}
{{- $ctx := .context -}}
{{- $extra := dict -}}
{{- with include "nexus.stateless.externalSecrets" $ctx }}{{ $_ := set $extra "nexus.dev/external-secrets" . }}{{ end -}}
{{- include "nexus.podAnnotations" (dict "context" $ctx "files" (ternary (list "configmap.yaml") list .checksums) "extra" $extra "values" $ctx.Values) -}}
{{- end -}}
