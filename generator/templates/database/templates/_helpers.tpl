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
{{- if include "nexus.database.external" . -}}
{{- .Values.external.host -}}
{{- else -}}
{{- printf "%s.%s.svc" (include "nexus.fullname" .) (include "nexus.namespace" .) -}}
{{- end -}}
{{- end -}}

{{/*
nexus.database.external: "true" when the database is a managed PostgreSQL outside the cluster (enabled,
mode `external`): no database pods; the pg_dump CronJob (backup.enabled) dumps it over verify-full TLS.
*/}}
{{- define "nexus.database.external" -}}
{{- if and .Values.enabled (eq .Values.mode "external") }}true{{ end -}}
{{- end -}}

{{/* nexus.database.dumps: "true" when the pg_dump backup CronJob renders (bundled or external mode, backups on). */}}
{{- define "nexus.database.dumps" -}}
{{- if and (or (include "nexus.database.bundled" .) (include "nexus.database.external" .)) .Values.backup.enabled }}true{{ end -}}
{{- end -}}

{{/* nexus.database.externalMarker: the ConfigMap recording that this release uses an external database (`<fullname>-external`). */}}
{{- define "nexus.database.externalMarker" -}}
{{- include "nexus.suffixedName" (dict "name" (include "nexus.fullname" .) "suffix" "external") -}}
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

{{/*
nexus.database.sslmode: the libpq sslmode clients in this chart (PgBouncer, backup, restore) use towards
PostgreSQL: verify-full with TLS on (the CA from the TLS Secret, the Service name in the certificate).
*/}}
{{- define "nexus.database.sslmode" -}}
{{- if include "nexus.database.external" . -}}
{{- .Values.external.sslMode -}}
{{- else -}}
{{- ternary "verify-full" "prefer" .Values.tls.enabled -}}
{{- end -}}
{{- end -}}

{{/* nexus.database.tlsSecret: the Secret with the certificate, key and CA (tls.existingSecret, else `<fullname>-tls`). */}}
{{- define "nexus.database.tlsSecret" -}}
{{- .Values.tls.existingSecret | default (include "nexus.suffixedName" (dict "name" (include "nexus.fullname" .) "suffix" "tls")) -}}
{{- end -}}

{{/* nexus.database.pgbouncerHost: PgBouncer's in-cluster DNS name (the client Service). */}}
{{- define "nexus.database.pgbouncerHost" -}}
{{- printf "%s.%s.svc" (include "nexus.componentName" (dict "context" . "component" "pgbouncer")) (include "nexus.namespace" .) -}}
{{- end -}}

{{/*
nexus.database.tlsDnsNames: the names the certificate must carry, as a YAML list: PostgreSQL's and
PgBouncer's Services (short, namespaced, .svc and .svc.cluster.local forms) and the primary's pod name
behind the headless Service.
*/}}
{{- define "nexus.database.tlsDnsNames" -}}
{{- $ns := include "nexus.namespace" . -}}
{{- $names := list -}}
{{- range list (include "nexus.fullname" .) (include "nexus.componentName" (dict "context" . "component" "pgbouncer")) -}}
{{- $names = concat $names (list . (printf "%s.%s" . $ns) (printf "%s.%s.svc" . $ns) (printf "%s.%s.svc.cluster.local" . $ns)) -}}
{{- end -}}
{{- $names = append $names (printf "*.%s.%s.svc" (include "nexus.database.headless" .) $ns) -}}
{{- toYaml $names -}}
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

{{/*
nexus.database.bundled: "true" when this chart runs PostgreSQL itself (enabled, mode `bundled`), else
empty. Every bundled-mode object (StatefulSet, Services, PgBouncer, pg_dump backups, restore) renders
only then; with mode `cloudnativepg` the operator's objects take their place.
*/}}
{{- define "nexus.database.bundled" -}}
{{- if and .Values.enabled (eq .Values.mode "bundled") }}true{{ end -}}
{{- end -}}

{{/*
nexus.database.cnpg: "true" when the database is a CloudNativePG Cluster (enabled, mode `cloudnativepg`).
When the cluster does not serve postgresql.cnpg.io/v1 and cloudnativepg.force is off, the database would
be silently absent (and the backend would point at nothing), so the release fails: on a live cluster
through the umbrella's prerequisites check (which lists the API with everything else missing), offline
here.
*/}}
{{- define "nexus.database.cnpg" -}}
{{- if and .Values.enabled (eq .Values.mode "cloudnativepg") -}}
{{- if or .Values.cloudnativepg.force (.Capabilities.APIVersions.Has "postgresql.cnpg.io/v1") -}}
true
{{- else if not (include "nexus.prerequisites.live" .) -}}
{{- fail "[database-cloudnativepg-api] database.mode: database.mode is cloudnativepg but the cluster does not serve postgresql.cnpg.io/v1: install the CloudNativePG operator (and, for backups, the Barman Cloud Plugin) first, or pass --api-versions postgresql.cnpg.io/v1 to render offline (or set database.cloudnativepg.force=true)" -}}
{{- end -}}
{{- /* On a live cluster the umbrella's prerequisites check fails the release instead, listing this API with everything else missing. */ -}}
{{- end -}}
{{- end -}}

{{/*
nexus.database.cnpgKeep: the annotations (YAML map, "" when none) that keep the CloudNativePG database and its
backups through `helm uninstall` (cloudnativepg.keepOnUninstall): on the Cluster, the ObjectStore its WAL
archive writes to (deleting it would stop the archiving of a Cluster that keeps running) and the
ScheduledBackup. The operator deletes a Cluster's volumes with the Cluster, so without this an uninstall
would destroy the data that bundled mode's StatefulSet claims keep.
*/}}
{{- define "nexus.database.cnpgKeep" -}}
{{- if .Values.cloudnativepg.keepOnUninstall -}}
helm.sh/resource-policy: keep
{{- end -}}
{{- end -}}

{{/*
nexus.database.cnpgParameters: `spec.postgresql.parameters` of the Cluster: the same tuning model as
bundled mode (nexus.postgresql.settings: derived from the limits, then tuning.overrides) without the
settings the operator owns. CloudNativePG rejects those (pkg/postgres/configuration.go
FixedConfigurationParameters, v1.30.0: listen address, port, sockets, hba/ident files, logging
collector and destination, archive/restore/recovery settings, ssl_*, shared_preload_libraries,
synchronous_standby_names) or sets them itself (wal_level, hot_standby). Values are strings, as the
CRD requires. Argument: the root context of the database chart.
*/}}
{{- define "nexus.database.cnpgParameters" -}}
{{- $owned := list "allow_system_table_mods" "archive_mode" "archive_command" "archive_cleanup_command" "archive_timeout" "bonjour" "bonjour_name" "cluster_name" "config_file" "data_directory" "data_sync_retry" "event_source" "external_pid_file" "hba_file" "hot_standby" "ident_file" "jit_provider" "listen_addresses" "log_destination" "log_directory" "log_file_mode" "log_filename" "log_rotation_age" "log_rotation_size" "log_truncate_on_rotation" "logging_collector" "port" "primary_conninfo" "primary_slot_name" "promote_trigger_file" "recovery_end_command" "recovery_min_apply_delay" "recovery_target" "recovery_target_action" "recovery_target_inclusive" "recovery_target_lsn" "recovery_target_name" "recovery_target_time" "recovery_target_timeline" "recovery_target_xid" "restart_after_crash" "restore_command" "shared_preload_libraries" "ssl" "ssl_ca_file" "ssl_cert_file" "ssl_crl_file" "ssl_dh_params_file" "ssl_ecdh_curve" "ssl_key_file" "ssl_passphrase_command" "ssl_passphrase_command_supports_reload" "ssl_prefer_server_ciphers" "ssl_min_protocol_version" "stats_temp_directory" "synchronized_standby_slots" "synchronous_standby_names" "syslog_facility" "syslog_ident" "syslog_sequence_numbers" "syslog_split_messages" "temp_tablespaces" "unix_socket_directories" "unix_socket_group" "unix_socket_permissions" "wal_level" -}}
{{- $out := dict -}}
{{- range $k, $v := include "nexus.postgresql.settings" . | fromYaml -}}
{{- if not (has $k $owned) -}}
{{- $s := toString $v -}}
{{- if kindIs "bool" $v -}}{{- $s = ternary "on" "off" $v -}}{{- end -}}
{{- $_ := set $out $k $s -}}
{{- end -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/*
nexus.database.cnpgRwService: the operator's read-write Service, `<Cluster name>-rw` (the operator's own
naming): the primary, wherever it runs. The Pooler connects there.
*/}}
{{- define "nexus.database.cnpgRwService" -}}
{{- printf "%s-rw" (include "nexus.fullname" .) -}}
{{- end -}}

{{/* nexus.database.cnpgServerTLS: the server certificate Secret issued by cert-manager, `<fullname>-server-tls`. */}}
{{- define "nexus.database.cnpgServerTLS" -}}
{{- include "nexus.suffixedName" (dict "name" (include "nexus.fullname" .) "suffix" "server-tls") -}}
{{- end -}}

{{/*
nexus.database.modeSwitch: why this render must not proceed, or "" when it may: an in-place switch of
database.mode on a live release. Switching is a data migration (README "Switching database modes"):
done in place, the new mode would start an empty database beside the old one (two primaries, the
application moved to the empty one) while Helm deletes the old one's StatefulSet or Cluster. The bundled
volumes would survive (they are retained), the data would not be served. Decided from the live objects
of the release, as nexus.lookup returns them (`{}` when absent, and always offline):
  statefulSet  the live StatefulSet `<fullname>` (bundled mode)
  cluster      the live CloudNativePG Cluster `<fullname>`
  external     the live ConfigMap `<fullname>-external` (external mode: the managed database has no
               object in the cluster, so the release records the mode; switching away would point the
               application at an empty in-cluster database)
Arguments (dict): context, statefulSet, cluster, external (optional).
*/}}
{{- define "nexus.database.modeSwitch" -}}
{{- $mode := .context.Values.mode -}}
{{- $live := "" -}}
{{- $what := "" -}}
{{- $external := .external | default dict -}}
{{- if and .statefulSet.metadata (ne $mode "bundled") -}}
{{- $live = "bundled" -}}{{- $what = printf "StatefulSet %s and its PVC data-%s-0" .statefulSet.metadata.name .statefulSet.metadata.name -}}
{{- else if and .cluster.metadata (ne $mode "cloudnativepg") -}}
{{- $live = "cloudnativepg" -}}{{- $what = printf "CloudNativePG Cluster %s" .cluster.metadata.name -}}
{{- else if and $external.metadata (ne $mode "external") -}}
{{- $live = "external" -}}{{- $what = printf "the managed PostgreSQL at %s, recorded in ConfigMap %s" (($external.data | default dict).host | default "?") $external.metadata.name -}}
{{- end -}}
{{- if $live -}}
[database-mode-switch] database.mode: this release's data lives in the {{ $live }} database ({{ $what }}); switching it to `{{ $mode }}` in place would start an empty database beside it and point the application there. Keep database.mode={{ $live }} and migrate the data as the README describes ("Switching database modes": a new release in the new mode, then dump/restore or the operator's import, then move the traffic); nothing was changed.
{{- end -}}
{{- end -}}
