{{/*
Helpers for the stateful tiers (database, cache): Kubernetes quantities as numbers, storage classes,
the derived postgresql.conf settings, and key = value config rendering. Owned by the stateful tiers;
the generic templates live in the other nexus-lib files.
*/}}

{{/*
nexus.stateful.mebibytes: a Kubernetes memory quantity (`8Gi`, `512Mi`, `2G`, `1073741824`) as whole MiB.
Argument: the quantity (string or number). Renders 0 for an empty quantity.
*/}}
{{- define "nexus.stateful.mebibytes" -}}
{{- $q := toString . | trim -}}
{{- $num := regexFind "^[0-9]+(\\.[0-9]+)?" $q -}}
{{- if not $num -}}
0
{{- else -}}
{{- $suffix := trimPrefix $num $q -}}
{{- /* Every suffix a Kubernetes quantity (and the schema's quantity pattern) allows, exponents included. */ -}}
{{- $factors := dict "" 1.0 "n" 0.000000001 "u" 0.000001 "m" 0.001 "k" 1000.0 "M" 1000000.0 "G" 1000000000.0 "T" 1000000000000.0 "P" 1000000000000000.0 "E" 1000000000000000000.0 "Ki" 1024.0 "Mi" 1048576.0 "Gi" 1073741824.0 "Ti" 1099511627776.0 "Pi" 1125899906842624.0 "Ei" 1152921504606846976.0 -}}
{{- $factor := 1.0 -}}
{{- if hasKey $factors $suffix -}}
{{- $factor = get $factors $suffix -}}
{{- else if regexMatch "^[eE][+-]?[0-9]+$" $suffix -}}
{{- $exp := trimPrefix "+" (substr 1 (len $suffix) $suffix) | int -}}
{{- range until (ternary $exp (sub 0 $exp) (gt $exp 0) | int) -}}
{{- $factor = ternary (mulf $factor 10.0) (divf $factor 10.0) (gt $exp 0) -}}
{{- end -}}
{{- else -}}
{{- fail (printf "cannot read the memory quantity %q: use a suffix such as Mi or Gi" $q) -}}
{{- end -}}
{{- divf (mulf (float64 $num) $factor) 1048576.0 | floor | int64 -}}
{{- end -}}
{{- end -}}

{{/*
nexus.stateful.millicores: a Kubernetes CPU quantity (`2`, `1.5`, `500m`) as whole millicores.
Argument: the quantity (string or number). Renders 0 for an empty quantity.
*/}}
{{- define "nexus.stateful.millicores" -}}
{{- $q := toString . | trim -}}
{{- $num := regexFind "^[0-9]+(\\.[0-9]+)?" $q -}}
{{- if not $num -}}
0
{{- else if hasSuffix "m" $q -}}
{{- float64 $num | floor | int64 -}}
{{- else -}}
{{- mulf (float64 $num) 1000.0 | floor | int64 -}}
{{- end -}}
{{- end -}}

{{/*
nexus.stateful.storageClass: `storageClassName: x` for a PVC spec, from the volume's own storageClass,
else global.storageClass; nothing when both are empty (the cluster default applies).
Arguments (dict): context, storageClass.
*/}}
{{- define "nexus.stateful.storageClass" -}}
{{- $class := .storageClass | default ((.context.Values.global | default dict).storageClass | default "") -}}
{{- if $class -}}
storageClassName: {{ $class | quote }}
{{- end -}}
{{- end -}}

{{/*
nexus.stateful.confValue: one value for a `key = value` config file line. PostgreSQL and PgBouncer
read booleans as on/off; numbers stay bare; everything else is single-quoted ('' escapes a quote).
Argument: the value.
*/}}
{{- define "nexus.stateful.confValue" -}}
{{- if kindIs "bool" . -}}
{{- ternary "on" "off" . -}}
{{- else if or (kindIs "int" .) (kindIs "int64" .) (kindIs "float64" .) -}}
{{- if and (kindIs "float64" .) (eq (floor .) .) -}}{{ int64 . }}{{- else -}}{{ . }}{{- end -}}
{{- else -}}
'{{ toString . | replace "'" "''" }}'
{{- end -}}
{{- end -}}

{{/*
nexus.stateful.confLines: a map rendered as sorted `key = value` lines (PostgreSQL style).
Argument: the map.
*/}}
{{- define "nexus.stateful.confLines" -}}
{{- $settings := . -}}
{{- range $key := keys $settings | sortAlpha }}
{{ $key }} = {{ include "nexus.stateful.confValue" (get $settings $key) }}
{{- end -}}
{{- end -}}

{{/*
nexus.postgresql.settings: every postgresql.conf setting as a YAML map (parse with fromYaml).
Three layers, later wins: fixed settings (listen address, sockets, TLS, logging, WAL), settings derived
from the container limits (when tuning.derive), and tuning.overrides.
Derivation, with M = memory limit in MiB (else the request, else 1024) and C = CPU limit in whole
cores (else the request, at least 1):
  max_connections       tuning.maxConnections, else M/32 clamped to 50..400
  shared_buffers        M/4 MB                  effective_cache_size  3M/4 MB
  maintenance_work_mem  min(M/16, 2048) MB      work_mem  max(4096, (M - M/4)*1024 / (3*max_connections)) kB
  wal_buffers           clamp(M/4/32, 1, 16) MB max_wal_size  clamp(M/2, 1024, 16384) MB, min_wal_size a quarter of it
  max_worker_processes  max(8, C)               max_parallel_workers  C
  max_parallel_workers_per_gather and max_parallel_maintenance_workers  max(1, C/2)
Argument: the root context of the database chart.
*/}}
{{- define "nexus.postgresql.settings" -}}
{{- $v := .Values -}}
{{- $t := $v.tuning -}}
{{- $limits := $v.resources.limits | default dict -}}
{{- $requests := $v.resources.requests | default dict -}}
{{- $mem := include "nexus.stateful.mebibytes" ($limits.memory | default $requests.memory | default "1Gi") | int64 -}}
{{- $cores := div (include "nexus.stateful.millicores" ($limits.cpu | default $requests.cpu | default "1") | int64) 1000 | int64 -}}
{{- $cores = max 1 $cores | int64 -}}
{{- $maxConn := 100 -}}
{{- if not (kindIs "invalid" $t.maxConnections) -}}
{{- $maxConn = $t.maxConnections | int64 -}}
{{- else if $t.derive -}}
{{- $maxConn = min 400 (max 50 (div $mem 32)) | int64 -}}
{{- end -}}
{{- $s := dict
  "listen_addresses" "*"
  "port" ($v.port | int64)
  "max_connections" $maxConn
  "unix_socket_directories" "/var/run/postgresql"
  "hba_file" "/etc/postgresql/pg_hba.conf"
  "password_encryption" "scram-sha-256"
  "shared_preload_libraries" "pg_stat_statements"
  "wal_level" "replica"
  "wal_compression" "lz4"
  "checkpoint_timeout" $t.checkpointTimeout
  "checkpoint_completion_target" $t.checkpointCompletionTarget
  "random_page_cost" 1.1
  "effective_io_concurrency" 200
  "idle_in_transaction_session_timeout" "10min"
  "log_destination" "stderr"
  "logging_collector" false
  "log_line_prefix" "%m [%p] %q%u@%d "
  "log_min_duration_statement" "1s"
  "log_checkpoints" true
  "log_lock_waits" true
  "log_temp_files" 0
  "log_autovacuum_min_duration" "10s"
  "log_timezone" "UTC"
  "timezone" "UTC"
-}}
{{- if $v.tls.enabled -}}
{{- $_ := set $s "ssl" true -}}
{{- $_ := set $s "ssl_cert_file" "/etc/postgresql/tls/tls.crt" -}}
{{- $_ := set $s "ssl_key_file" "/etc/postgresql/tls/tls.key" -}}
{{- $_ := set $s "ssl_min_protocol_version" "TLSv1.2" -}}
{{- if $v.tls.caKey -}}
{{- $_ := set $s "ssl_ca_file" "/etc/postgresql/tls/ca.crt" -}}
{{- end -}}
{{- end -}}
{{- if $t.derive -}}
{{- $sb := div $mem 4 | int64 -}}
{{- $_ := set $s "shared_buffers" (printf "%dMB" $sb) -}}
{{- $_ := set $s "effective_cache_size" (printf "%dMB" (div (mul $mem 3) 4)) -}}
{{- $_ := set $s "maintenance_work_mem" (printf "%dMB" (min 2048 (div $mem 16))) -}}
{{- $_ := set $s "work_mem" (printf "%dkB" (max 4096 (div (mul (sub $mem $sb) 1024) (mul 3 $maxConn)))) -}}
{{- $_ := set $s "wal_buffers" (printf "%dMB" (min 16 (max 1 (div $sb 32)))) -}}
{{- $maxWal := min 16384 (max 1024 (div $mem 2)) | int64 -}}
{{- $_ := set $s "max_wal_size" (printf "%dMB" $maxWal) -}}
{{- $_ := set $s "min_wal_size" (printf "%dMB" (div $maxWal 4)) -}}
{{- $_ := set $s "max_worker_processes" (max 8 $cores) -}}
{{- $_ := set $s "max_parallel_workers" $cores -}}
{{- $_ := set $s "max_parallel_workers_per_gather" (max 1 (div $cores 2)) -}}
{{- $_ := set $s "max_parallel_maintenance_workers" (max 1 (div $cores 2)) -}}
{{- end -}}
{{- toYaml (mergeOverwrite $s ($t.overrides | default dict)) -}}
{{- end -}}

{{/*
nexus.stateful.peers: NetworkPolicy peers (list items) for pods of this release with the given
components: one nexus.networkPolicy.peer per component (instance + component labels only).
Arguments (dict): context, components (list).
*/}}
{{- define "nexus.stateful.peers" -}}
{{- $ctx := .context -}}
{{- $items := list -}}
{{- range $component := .components -}}
{{- $items = append $items (include "nexus.networkPolicy.peer" (dict "context" $ctx "component" $component)) -}}
{{- end -}}
{{- join "\n" $items -}}
{{- end -}}
