{{/*
nexus.backend.migrationHooks: the Helm hook events of the migration Job and its ServiceAccount and
NetworkPolicy: migrations.hooks, or when empty `post-install,pre-upgrade` while the backend uses the
bundled database (database.host empty: it does not exist before the first install) and
`pre-install,pre-upgrade` for an external one. Argument: the root context.
*/}}
{{- define "nexus.backend.migrationHooks" -}}
{{- $hooks := .Values.migrations.hooks -}}
{{- if not $hooks -}}
{{- $hooks = ternary (list "pre-install" "pre-upgrade") (list "post-install" "pre-upgrade") (not (empty .Values.database.host)) -}}
{{- end -}}
{{- join "," $hooks -}}
{{- end -}}
