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
