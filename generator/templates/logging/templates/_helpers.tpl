{{/*
Helpers of the logging chart only (every name starts with nexus.logging.). The shared building blocks
(names, labels, images, security contexts, NetworkPolicy) come from nexus-lib.
*/}}

{{/*
nexus.logging.agentNamespace: the node agent's namespace: agent.namespace.name, else
`<release namespace>-logs`. Never the release namespace (hostPath needs a `privileged` namespace).
Argument: the root context.
*/}}
{{- define "nexus.logging.agentNamespace" -}}
{{- $name := include "nexus.logging.agentNamespaceName" (dict "context" . "name" .Values.agent.namespace.name) -}}
{{- if eq $name (include "nexus.namespace" .) -}}
{{- fail (printf "logging.agent.namespace.name is the release namespace %q: the node agent needs hostPath volumes, which the release namespace's Pod Security level forbids; give it a namespace of its own" $name) -}}
{{- end -}}
{{- $name -}}
{{- end -}}

{{/* nexus.logging.lokiHost: Loki's Service as a name other namespaces resolve. Argument: the root context. */}}
{{- define "nexus.logging.lokiHost" -}}
{{- printf "%s.%s.svc" (include "nexus.componentName" (dict "context" . "component" "loki")) (include "nexus.namespace" .) -}}
{{- end -}}

{{/*
nexus.logging.collectedNamespaces: the namespaces the node agent reads, as a YAML list: the release
namespace first, then agent.namespaces (duplicates dropped). Argument: the root context.
*/}}
{{- define "nexus.logging.collectedNamespaces" -}}
{{- toYaml (prepend (without .Values.agent.namespaces (include "nexus.namespace" .)) (include "nexus.namespace" .) | uniq) -}}
{{- end -}}

{{/*
nexus.logging.lokiLabels: the Loki output's `labels` for records that went through the kubernetes
filter: namespace, pod, container (from the log file's path), tier and component (the pod's
app.kubernetes.io/name and app.kubernetes.io/component labels), stream, and job.
Argument: the job name.
*/}}
{{- define "nexus.logging.lokiLabels" -}}
job={{ . }}, namespace=$kubernetes['namespace_name'], pod=$kubernetes['pod_name'], container=$kubernetes['container_name'], tier=$kubernetes['labels']['app.kubernetes.io/name'], component=$kubernetes['labels']['app.kubernetes.io/component'], stream=$stream
{{- end -}}

{{/*
nexus.logging.lokiConfig: Loki's config.yaml for single-binary mode: one replica, in-memory ring on
loopback, TSDB index (schema v13, 24 h periods) and chunks on the filesystem volume, retention by the
compactor, no usage reporting. Argument: the root context.
*/}}
{{- define "nexus.logging.lokiConfig" -}}
{{- $l := .Values.loki -}}
{{- $retention := printf "%dh" (mul (int $l.retentionDays) 24) -}}
auth_enabled: false
server:
  http_listen_port: {{ $l.port }}
  grpc_listen_port: {{ $l.grpcPort }}
  log_level: info
  graceful_shutdown_timeout: 30s
common:
  path_prefix: /var/loki
  replication_factor: 1
  ring:
    instance_addr: 127.0.0.1
    kvstore:
      store: inmemory
  storage:
    filesystem:
      chunks_directory: /var/loki/chunks
      rules_directory: /var/loki/rules
schema_config:
  configs:
    - from: "2024-04-01"
      store: tsdb
      object_store: filesystem
      schema: v13
      index:
        prefix: index_
        period: 24h
ingester:
  wal:
    enabled: true
    dir: /var/loki/wal
limits_config:
  retention_period: {{ $retention }}
  reject_old_samples: true
  reject_old_samples_max_age: {{ $retention }}
  ingestion_rate_mb: {{ $l.ingestionRateMB }}
  ingestion_burst_size_mb: {{ $l.ingestionBurstSizeMB }}
  {{- if $l.maxQueryLookbackDays }}
  max_query_lookback: {{ printf "%dh" (mul (int $l.maxQueryLookbackDays) 24) }}
  {{- end }}
  allow_structured_metadata: true
compactor:
  working_directory: /var/loki/compactor
  compaction_interval: 10m
  retention_enabled: true
  retention_delete_delay: 2h
  delete_request_store: filesystem
ruler:
  enable_api: false
analytics:
  reporting_enabled: false
{{- end -}}

{{/*
nexus.logging.agentConfig: the node agent's Fluent Bit pipeline (YAML format): tail the CRI log files of
the collected namespaces, add pod metadata with the kubernetes filter, push to Loki with the
namespace/pod/container/tier labels. Offsets and the retry buffer live on the node (state hostPath).
Argument: the root context.
*/}}
{{- define "nexus.logging.agentConfig" -}}
{{- $a := .Values.agent -}}
{{- $paths := list -}}
{{- range include "nexus.logging.collectedNamespaces" . | fromYamlArray -}}
{{- $paths = append $paths (printf "/var/log/pods/%s_*/*/*.log" .) -}}
{{- end -}}
service:
  flush: 1
  log_level: info
  http_server: true
  http_listen: 0.0.0.0
  http_port: 2020
  health_check: true
  hc_errors_count: 5
  hc_retry_failure_count: 5
  hc_period: 60
  storage.path: /var/lib/fluent-bit/buffer
  storage.sync: normal
  storage.backlog.mem_limit: 16M
  storage.metrics: true
parsers:
  # Tags are `kube.` + the file path with dots: /var/log/pods/<namespace>_<pod>_<uid>/<container>/<n>.log.
  - name: nexus-kube-pod-path
    format: regex
    regex: '^(?<namespace_name>[^_]+)_(?<pod_name>[^_]+)_(?<pod_id>[a-f0-9-]+)\.(?<container_name>[^.]+)\.(?<restart_count>[0-9]+)\.log$'
pipeline:
  inputs:
    - name: tail
      tag: kube.*
      path: {{ join "," $paths }}
      multiline.parser: cri
      db: /var/lib/fluent-bit/tail.db
      db.locking: true
      refresh_interval: 5
      rotate_wait: 10
      skip_long_lines: true
      buffer_max_size: 256K
      mem_buf_limit: 32M
      storage.type: filesystem
  filters:
    - name: kubernetes
      match: kube.*
      kube_url: {{ $a.kubernetesApi.url }}
      kube_ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
      kube_token_file: /var/run/secrets/kubernetes.io/serviceaccount/token
      kube_tag_prefix: kube.var.log.pods.
      regex_parser: nexus-kube-pod-path
      labels: true
      annotations: false
      merge_log: false
      buffer_size: 0
      kube_meta_cache_ttl: 300s
  outputs:
    - name: loki
      match: kube.*
      host: {{ include "nexus.logging.lokiHost" . }}
      port: {{ .Values.loki.port }}
      labels: {{ include "nexus.logging.lokiLabels" "fluent-bit" }}
      {{- /* The CRI parser keeps its `time` key in the record (time keep = true) beside stream, _p and log.
             Each record already carries that timestamp, so everything but `log` goes, and drop_single_key
             ships the bare message instead of `time="…" log="…"`. Found by a loopback run: Fluent Bit 5.1.1 → Loki 3.4.6. */}}
      remove_keys: kubernetes, stream, _p, time
      line_format: key_value
      drop_single_key: raw
      retry_limit: no_limits
      storage.total_limit_size: {{ $a.bufferLimit }}
{{- end -}}

{{/*
nexus.logging.otlpConfig: the OTLP gateway's Fluent Bit pipeline: OTLP/HTTP logs in, the Kubernetes
resource attributes (k8s.namespace.name, k8s.pod.name, k8s.container.name, and app.kubernetes.io/name
or else service.name as the tier) turned into the same Loki labels the node agent sets, then Loki.
The Lua callback takes five arguments, so it sees each OTLP resource (the group attributes).
Argument: the root context.
*/}}
{{- define "nexus.logging.otlpConfig" -}}
service:
  flush: 1
  log_level: info
  http_server: true
  http_listen: 0.0.0.0
  http_port: 2020
  health_check: true
  hc_errors_count: 5
  hc_retry_failure_count: 5
  hc_period: 60
  storage.path: /var/lib/fluent-bit/buffer
  storage.sync: normal
  storage.metrics: true
pipeline:
  inputs:
    - name: opentelemetry
      listen: 0.0.0.0
      port: {{ .Values.otlp.port }}
      tag: otlp
      tag_from_uri: false
      storage.type: filesystem
  filters:
    - name: lua
      match: otlp
      call: nexus_labels
      code: |
        local function attr(group, key)
          local resource = group and group["resource"]
          local attributes = resource and resource["attributes"]
          return attributes and attributes[key]
        end
        function nexus_labels(tag, ts, group, metadata, record)
          record["namespace"] = attr(group, "k8s.namespace.name")
          record["pod"] = attr(group, "k8s.pod.name")
          record["container"] = attr(group, "k8s.container.name")
          record["tier"] = attr(group, "app.kubernetes.io/name") or attr(group, "service.name")
          record["component"] = attr(group, "app.kubernetes.io/component")
          return 1, ts, metadata, record
        end
  outputs:
    - name: loki
      match: otlp
      host: {{ include "nexus.logging.lokiHost" . }}
      port: {{ .Values.loki.port }}
      labels: job=otlp, namespace=$namespace, pod=$pod, container=$container, tier=$tier, component=$component
      remove_keys: namespace, pod, container, tier, component
      line_format: key_value
      drop_single_key: raw
      retry_limit: no_limits
      storage.total_limit_size: 256M
{{- end -}}
