{{/*
nexus.backend.migrationHooks: the Helm hook events of the migration Job and its ServiceAccount and
NetworkPolicy: migrations.hooks, or when empty `post-install,pre-upgrade` while the backend uses the
bundled database (database.host empty: it does not exist before the first install) and
`pre-install,pre-upgrade` for an external one. Argument: the root context.
*/}}
{{/*
nexus.backend.migrationDatabase: where and as whom the migration Job connects, as a YAML map
{host, port, user, secret, key}: PostgreSQL directly (migrations.database, falling back to the
backend's database settings and the release's PostgreSQL Service), never through PgBouncer.
Argument: the root context.
*/}}
{{- define "nexus.backend.migrationDatabase" -}}
{{- $m := .Values.migrations.database -}}
{{- $db := .Values.database -}}
{{- $host := $m.host | default $db.host | default (include "nexus.tierFullname" (dict "context" $ "tier" "database")) -}}
{{- $secret := $m.existingSecret | default $db.existingSecret | default (include "nexus.tierFullname" (dict "context" $ "tier" "database")) -}}
{{- toYaml (dict "host" $host "port" ($m.port | int64) "user" ($m.user | default $db.user) "secret" $secret "key" ($m.passwordKey | default $db.passwordKey)) -}}
{{- end -}}

{{- define "nexus.backend.migrationHooks" -}}
{{- $hooks := .Values.migrations.hooks -}}
{{- if not $hooks -}}
{{- $hooks = ternary (list "pre-install" "pre-upgrade") (list "post-install" "pre-upgrade") (not (empty .Values.database.host)) -}}
{{- end -}}
{{- join "," $hooks -}}
{{- end -}}
