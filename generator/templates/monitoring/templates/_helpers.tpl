{{/*
Helpers of the monitoring chart only (every name starts with nexus.monitoring.). The shared building
blocks (names, labels, images, security contexts, NetworkPolicy) come from nexus-lib.
*/}}

{{/*
nexus.monitoring.operatorApi: "true" when ServiceMonitor/PrometheusRule objects are rendered: operator
mode, and monitoring.coreos.com/v1 is served (or operator.force). Argument: the root context.
*/}}
{{- define "nexus.monitoring.operatorApi" -}}
{{- if and (eq .Values.mode "operator") (include "nexus.apiServed" (dict "context" . "api" "monitoring.coreos.com/v1" "force" .Values.operator.force)) -}}
true
{{- end -}}
{{- end -}}

{{/*
nexus.monitoring.ruleFiles: the rendered rule files (files/rules/*.yaml through tpl) as a YAML map
file name → content; empty when alertRules.enabled is off. Argument: the root context.
*/}}
{{- define "nexus.monitoring.ruleFiles" -}}
{{- $root := . -}}
{{- $out := dict -}}
{{- if .Values.alertRules.enabled -}}
{{- range $path, $_ := .Files.Glob "files/rules/*.yaml" -}}
{{- $text := tpl ($root.Files.Get $path) $root -}}
{{- /* A file that renders only comments (the logging rules without the logging tier) is left out. */ -}}
{{- if regexMatch "(?m)^[^#\\s]" $text -}}
{{- $_ := set $out (base $path) $text -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/*
nexus.monitoring.scrapeTargets: scrapeTargets, plus Loki (component loki, port http-metrics) while the
logging tier is installed and no entry names it, as a YAML list. Argument: the root context.
*/}}
{{- define "nexus.monitoring.scrapeTargets" -}}
{{- $targets := .Values.scrapeTargets -}}
{{- $named := list -}}
{{- range $targets }}{{ $named = append $named .component }}{{ end -}}
{{- if and (include "nexus.tierInstalled" (dict "context" . "tier" "logging")) (not (has "loki" $named)) -}}
{{- $targets = append $targets (dict "component" "loki" "portName" "http-metrics" "path" "/metrics") -}}
{{- end -}}
{{- toYaml $targets -}}
{{- end -}}

{{/*
nexus.monitoring.lokiUrl: the URL of the Loki data source: grafana.lokiUrl, else the logging tier's
default Service (`<release>-logging-loki.<namespace>.svc:3100`). Argument: the root context.
*/}}
{{- define "nexus.monitoring.lokiUrl" -}}
{{- .Values.grafana.lokiUrl | default (printf "http://%s-loki.%s.svc:3100" (include "nexus.tierFullname" (dict "context" . "tier" "logging")) (include "nexus.namespace" .)) -}}
{{- end -}}

{{/*
nexus.monitoring.alertmanagerPeers: the AlertManager pod addresses (`host:port` lines joined by ","),
one per replica, through the headless Service. Arguments (dict): context, port.
*/}}
{{- define "nexus.monitoring.alertmanagerPeers" -}}
{{- $ctx := dict "context" .context "component" "alertmanager" -}}
{{- $name := include "nexus.componentName" $ctx -}}
{{- $headless := include "nexus.headlessName" $ctx -}}
{{- $ns := include "nexus.namespace" .context -}}
{{- $peers := list -}}
{{- range $i := until (int .context.Values.alertmanager.replicas) -}}
{{- $peers = append $peers (printf "%s-%d.%s.%s.svc:%v" $name $i $headless $ns $.port) -}}
{{- end -}}
{{- join "," $peers -}}
{{- end -}}

{{/*
nexus.monitoring.podScrapeRelabel: relabel_configs shared by the pod-discovery jobs: keep running pods
of this release, label every series with namespace, pod, container and component, and honour the
`job` given. Arguments (dict): context, job, keep (regex over "<component>;<port name>").
*/}}
{{- define "nexus.monitoring.podScrapeRelabel" -}}
- source_labels: [__meta_kubernetes_pod_label_app_kubernetes_io_instance]
  regex: {{ .context.Release.Name | quote }}
  action: keep
- source_labels: [__meta_kubernetes_pod_label_app_kubernetes_io_component, __meta_kubernetes_pod_container_port_name]
  regex: {{ .keep | quote }}
  action: {{ .action | default "keep" }}
- source_labels: [__meta_kubernetes_pod_phase]
  regex: Pending|Succeeded|Failed
  action: drop
- source_labels: [__meta_kubernetes_namespace]
  target_label: namespace
- source_labels: [__meta_kubernetes_pod_name]
  target_label: pod
- source_labels: [__meta_kubernetes_pod_container_name]
  target_label: container
- source_labels: [__meta_kubernetes_pod_label_app_kubernetes_io_component]
  target_label: component
{{- end -}}

{{/*
nexus.monitoring.prometheusConfig: prometheus.yml. Scrape jobs: Prometheus itself, one job per
scrape target (nexus.monitoring.scrapeTargets: pod discovery in the release namespace, by component and container port name),
`nexus-pods` for any other pod of the release with a port named `metrics`, `cloudnativepg` for the
operator's database pods, kube-state-metrics (series filtered to this namespace), kubelets when clusterWideDiscovery, then extraScrapeConfigs.
Argument: the root context.
*/}}
{{- define "nexus.monitoring.prometheusConfig" -}}
{{- $v := .Values -}}
{{- $ns := include "nexus.namespace" . -}}
{{- $root := . -}}
global:
  scrape_interval: {{ $v.prometheus.scrapeInterval }}
  scrape_timeout: {{ $v.prometheus.scrapeTimeout }}
  evaluation_interval: {{ $v.prometheus.evaluationInterval }}
  {{- with $v.prometheus.externalLabels }}
  external_labels:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- if $v.alertmanager.enabled }}
alerting:
  alertmanagers:
    - static_configs:
        - targets:
            {{- range splitList "," (include "nexus.monitoring.alertmanagerPeers" (dict "context" . "port" $v.alertmanager.port)) }}
            - {{ . }}
            {{- end }}
{{- end }}
rule_files:
  - /etc/prometheus/rules/*.yaml
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ["localhost:{{ $v.prometheus.port }}"]
        labels:
          namespace: {{ $ns }}
          component: prometheus
{{- $named := list }}
{{- range include "nexus.monitoring.scrapeTargets" $root | fromYamlArray }}
{{- $named = append $named (regexQuoteMeta .component) }}
  - job_name: {{ .component }}
    metrics_path: {{ .path }}
    kubernetes_sd_configs:
      - role: pod
        namespaces:
          names: [{{ $ns }}]
    relabel_configs:
      {{- include "nexus.monitoring.podScrapeRelabel" (dict "context" $root "keep" (printf "%s;%s" (regexQuoteMeta .component) (regexQuoteMeta .portName))) | nindent 6 }}
{{- end }}
  - job_name: nexus-pods
    kubernetes_sd_configs:
      - role: pod
        namespaces:
          names: [{{ $ns }}]
    relabel_configs:
      {{- include "nexus.monitoring.podScrapeRelabel" (dict "context" $root "keep" ".+;metrics") | nindent 6 }}
      - source_labels: [__meta_kubernetes_pod_label_app_kubernetes_io_component]
        regex: {{ printf "(%s)" (join "|" $named) | quote }}
        action: drop
{{- if include "nexus.tierInstalled" (dict "context" . "tier" "database") }}
{{- /*
The database's pods when a CloudNativePG operator runs them (database.mode cloudnativepg): the
instances (`cnpg.io/cluster`, role instance) and the Pooler (`cnpg.io/poolerName`, role pooler) on
their port `metrics`. The
operator sets its own app.kubernetes.io labels on them, so the jobs above never see them. This chart
cannot see the database's mode: in bundled mode no pod carries these labels and the job is empty.
*/}}
{{- $db := include "nexus.tierFullname" (dict "context" . "tier" "database") }}
  - job_name: cloudnativepg
    kubernetes_sd_configs:
      - role: pod
        namespaces:
          names: [{{ $ns }}]
    relabel_configs:
      - source_labels: [__meta_kubernetes_pod_label_cnpg_io_cluster, __meta_kubernetes_pod_label_cnpg_io_podRole, __meta_kubernetes_pod_label_cnpg_io_poolerName, __meta_kubernetes_pod_container_port_name]
        regex: {{ printf "%s;instance;;metrics|.*;pooler;%s;metrics" (regexQuoteMeta $db) (regexQuoteMeta (printf "%s-pgbouncer" $db | trunc 63 | trimSuffix "-")) | quote }}
        action: keep
      - source_labels: [__meta_kubernetes_pod_phase]
        regex: Pending|Succeeded|Failed
        action: drop
      - source_labels: [__meta_kubernetes_namespace]
        target_label: namespace
      - source_labels: [__meta_kubernetes_pod_name]
        target_label: pod
      - source_labels: [__meta_kubernetes_pod_container_name]
        target_label: container
      - target_label: component
        replacement: postgresql
      - source_labels: [__meta_kubernetes_pod_label_cnpg_io_poolerName]
        regex: .+
        target_label: component
        replacement: pgbouncer
{{- end }}
{{- if $v.prometheus.kubeStateMetrics.enabled }}
  - job_name: kube-state-metrics
    honor_labels: true
    static_configs:
      - targets: [{{ $v.prometheus.kubeStateMetrics.target | quote }}]
        labels:
          component: kube-state-metrics
    metric_relabel_configs:
      - source_labels: [namespace]
        regex: {{ $ns | quote }}
        action: keep
{{- end }}
{{- if $v.prometheus.clusterWideDiscovery }}
  - job_name: kubelet
    # Kubelets serve /metrics on :10250 with the node's self-signed certificate; the SA token
    # (ClusterRole nodes/metrics) authenticates. Only the release's kubelet_volume_stats_* are kept.
    scheme: https
    authorization:
      credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token
    tls_config:
      insecure_skip_verify: true
    kubernetes_sd_configs:
      - role: node
    relabel_configs:
      - target_label: component
        replacement: kubelet
    metric_relabel_configs:
      - source_labels: [__name__, namespace]
        regex: {{ printf "kubelet_volume_stats_.+;%s" $ns | quote }}
        action: keep
{{- end }}
{{- if $v.prometheus.certManager.enabled }}
  - job_name: cert-manager
    static_configs:
      - targets: [{{ $v.prometheus.certManager.target | quote }}]
        labels:
          component: cert-manager
    metric_relabel_configs:
      - source_labels: [__name__, namespace]
        regex: {{ printf "certmanager_certificate_.+;%s" $ns | quote }}
        action: keep
{{- end }}
{{- if and $v.prometheus.kong.enabled $v.prometheus.clusterWideDiscovery }}
  - job_name: kong
    # The Kong proxies (another namespace: pod discovery needs the clusterWideDiscovery ClusterRole).
    # Only the series of this release's Services (`<namespace>.<service>...`) and Kong's own are kept.
    kubernetes_sd_configs:
      - role: pod
        namespaces:
          names: [{{ $v.prometheus.kong.namespace }}]
    relabel_configs:
      - source_labels: [__meta_kubernetes_pod_container_port_name]
        regex: {{ $v.prometheus.kong.portName | quote }}
        action: keep
      - source_labels: [__meta_kubernetes_pod_phase]
        regex: Pending|Succeeded|Failed
        action: drop
      - source_labels: [__meta_kubernetes_pod_name]
        target_label: pod
      - target_label: component
        replacement: kong
    metric_relabel_configs:
      - source_labels: [service]
        regex: {{ printf "(%s\\..+)?" (regexQuoteMeta $ns) | quote }}
        action: keep
{{- end }}
{{- with $v.prometheus.extraScrapeConfigs }}
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
nexus.monitoring.receiverFile: where a receiver's secret key is mounted in AlertManager.
Arguments (dict): name (paging|chat), receiver (values object).
*/}}
{{- define "nexus.monitoring.receiverFile" -}}
/etc/alertmanager/secrets/{{ .name }}/{{ .receiver.key }}
{{- end -}}

{{/*
nexus.monitoring.alertmanagerConfig: alertmanager.yml. critical → paging, warning (and anything
else) → chat; a firing critical inhibits warnings that share alertmanager.inhibitEqual labels.
Secrets are only referenced as mounted files. Argument: the root context.
*/}}
{{- define "nexus.monitoring.alertmanagerConfig" -}}
{{- $am := .Values.alertmanager -}}
route:
  receiver: chat
  group_by:
    {{- toYaml $am.groupBy | nindent 4 }}
  group_wait: {{ $am.groupWait }}
  group_interval: {{ $am.groupInterval }}
  repeat_interval: {{ $am.repeatInterval }}
  # A critical alert pages and (continue: true) is also posted to chat, where the team follows it.
  routes:
    - receiver: paging
      matchers:
        - severity="critical"
      continue: true
    - receiver: chat
      matchers:
        - severity=~"critical|warning"
inhibit_rules:
  - source_matchers:
      - severity="critical"
    target_matchers:
      - severity="warning"
    equal:
      {{- toYaml $am.inhibitEqual | nindent 6 }}
receivers:
{{- range $name := list "paging" "chat" }}
{{- $r := index $am.receivers $name }}
  - name: {{ $name }}
  {{- if $r.existingSecret }}
  {{- $file := include "nexus.monitoring.receiverFile" (dict "name" $name "receiver" $r) }}
  {{- if eq $r.type "pagerduty" }}
    pagerduty_configs:
      - routing_key_file: {{ $file }}
        send_resolved: {{ $r.sendResolved }}
  {{- else if eq $r.type "slack" }}
    slack_configs:
      - api_url_file: {{ $file }}
        send_resolved: {{ $r.sendResolved }}
        {{- with $r.channel }}
        channel: {{ . | quote }}
        {{- end }}
  {{- else if eq $r.type "opsgenie" }}
    opsgenie_configs:
      - api_key_file: {{ $file }}
        send_resolved: {{ $r.sendResolved }}
  {{- else if eq $r.type "webhook" }}
    {{- /* The rule monitoring-targets (values-rules.yaml) refuses a webhook without a url. */}}
    webhook_configs:
      - url: {{ $r.url | quote }}
        send_resolved: {{ $r.sendResolved }}
        http_config:
          authorization:
            credentials_file: {{ $file }}
  {{- end }}
  {{- end }}
{{- end }}
{{- end -}}

{{/*
nexus.monitoring.grafanaAdminSecret: the Secret Grafana reads its admin user and password from:
grafana.admin.existingSecret, else the one the chart generates outside production (grafana-secret.yaml).
Argument: the root context.
*/}}
{{- define "nexus.monitoring.grafanaAdminSecret" -}}
{{- .Values.grafana.admin.existingSecret | default (include "nexus.suffixedName" (dict "name" (include "nexus.componentName" (dict "context" . "component" "grafana")) "suffix" "admin")) -}}
{{- end -}}
