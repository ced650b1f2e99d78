{{/*
Database-chart helpers (names shared by several templates of this chart).
*/}}

{{/* nexus.database.secretName: the Secret with the passwords (auth.existingSecret, else `<fullname>`). */}}
{{- define "nexus.database.secretName" -}}
{{- .Values.auth.existingSecret | default (include "nexus.fullname" .) -}}
{{- end -}}

{{/* nexus.database.headless: the headless Service name. */}}
{{- define "nexus.database.headless" -}}
{{- include "nexus.headlessName" (dict "context" . "name" (include "nexus.fullname" .)) -}}
{{- end -}}

{{/* nexus.database.primaryHost: the in-cluster DNS name of the primary (the client Service). */}}
{{- define "nexus.database.primaryHost" -}}
{{- printf "%s.%s.svc" (include "nexus.fullname" .) (include "nexus.namespace" .) -}}
{{- end -}}

{{/* nexus.database.dumpPods: the label selector (body) of the backup and restore pods of this release. */}}
{{- define "nexus.database.dumpPods" -}}
matchExpressions:
  - key: app.kubernetes.io/instance
    operator: In
    values: [{{ .Release.Name | quote }}]
  - key: app.kubernetes.io/component
    operator: In
    values: [backup, restore]
{{- end -}}

{{/* nexus.database.restoreRecord: the ConfigMap that records the last restore request, `<fullname>-restore`. */}}
{{- define "nexus.database.restoreRecord" -}}
{{- include "nexus.suffixedName" (dict "name" (include "nexus.fullname" .) "suffix" "restore") -}}
{{- end -}}

{{/*
nexus.database.restoreDecision: whether this render runs a restore, given the live record (the
ConfigMap `<fullname>-restore` as nexus.lookup returns it). "run" when restore.requestId is set and is not
the request the record holds; "done" when the record holds it (an upgrade with the same values, e.g.
`--reuse-values`); "" when no restore is requested. Offline the record reads as empty, so the Job renders,
and restore.sh refuses a request the database already handled. Arguments (dict): context, live.
*/}}
{{- define "nexus.database.restoreDecision" -}}
{{- $id := .context.Values.restore.requestId -}}
{{- if $id -}}
{{- ternary "done" "run" (eq (.live.data | default dict).requestId $id) -}}
{{- end -}}
{{- end -}}

{{/* nexus.database.sslmode: the libpq sslmode clients in this chart use towards PostgreSQL. */}}
{{- define "nexus.database.sslmode" -}}
{{- ternary "require" "prefer" .Values.tls.enabled -}}
{{- end -}}

{{/*
nexus.database.externalSecrets: the `nexus.dev/external-secrets` annotation value for a pod: the
credentials Secret when it is an existing one (otherwise secret.yaml renders it), plus the extra names.
Arguments (dict): context, extra (list of Secret names; empty entries are skipped).
*/}}
{{- define "nexus.database.externalSecrets" -}}
{{- $v := .context.Values -}}
{{- $names := list -}}
{{- with $v.auth.existingSecret -}}
{{- $names = append $names . -}}
{{- end -}}
{{- range .extra -}}
{{- if . -}}{{- $names = append $names . -}}{{- end -}}
{{- end -}}
{{- $names | uniq | sortAlpha | join "," -}}
{{- end -}}

{{/*
nexus.database.probes: PostgreSQL's generated probes (pg_isready on the loopback), as YAML text for
nexus.container.probes. Argument: the root context.
*/}}
{{- define "nexus.database.probes" -}}
startupProbe:
  exec:
    command: [pg_isready, -h, 127.0.0.1, -p, {{ .Values.port | quote }}, -U, postgres]
  periodSeconds: 10
  timeoutSeconds: 5
  failureThreshold: 60
livenessProbe:
  exec:
    command: [pg_isready, -h, 127.0.0.1, -p, {{ .Values.port | quote }}, -U, postgres]
  periodSeconds: 15
  timeoutSeconds: 5
  failureThreshold: 6
readinessProbe:
  exec:
    command: [pg_isready, -h, 127.0.0.1, -p, {{ .Values.port | quote }}, -U, postgres]
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 3
{{- end -}}
