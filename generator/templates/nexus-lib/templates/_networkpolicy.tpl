{{/*
NetworkPolicy building blocks. Pods are addressed by app.kubernetes.io/instance + app.kubernetes.io/component
only, so tiers can refer to each other's pods without knowing chart names. Component values:
frontend, backend, migrations, postgresql, pgbouncer, backup, restore, redis, prometheus, alertmanager,
grafana, loki, fluent-bit, otlp-gateway, smoke-test, redis-master (the cache's master-only HAProxy). The umbrella chart renders the release default-deny and the DNS egress policy;
each tier renders its own allow-list with nexus.networkPolicy.
*/}}

{{/*
nexus.networkPolicy.podSelector: the matchLabels body selecting a component of this release.
Arguments (dict): context, component.
*/}}
{{- define "nexus.networkPolicy.podSelector" -}}
{{- toYaml (dict "app.kubernetes.io/instance" .context.Release.Name "app.kubernetes.io/component" .component) -}}
{{- end -}}

{{/*
nexus.networkPolicy.peer: a `from`/`to` list item selecting a component of this release, in this namespace.
Arguments (dict): context, component.
*/}}
{{- define "nexus.networkPolicy.peer" -}}
- podSelector:
    matchLabels:
      {{- include "nexus.networkPolicy.podSelector" . | nindent 6 }}
{{- end -}}

{{/*
nexus.networkPolicy.metricsPeers: the `from` list items allowed to scrape metrics ports: global.metricsScrapers
when set (an operator-managed Prometheus in monitoring operator mode), else the bundled Prometheus of this release.
Arguments (dict): context.
*/}}
{{- define "nexus.networkPolicy.metricsPeers" -}}
{{- $scrapers := (.context.Values.global | default dict).metricsScrapers | default list -}}
{{- if $scrapers -}}
{{- toYaml $scrapers -}}
{{- else -}}
{{- include "nexus.networkPolicy.peer" (dict "context" .context "component" "prometheus") -}}
{{- end -}}
{{- end -}}

{{/*
nexus.networkPolicy.ports: the items of a `ports:` list (no key, no leading newline; "" for no ports).
Arguments (dict): ports (list of port numbers or names), protocol (optional, default TCP).
Use: ports: {{- include "nexus.networkPolicy.ports" (dict "ports" (list 6379)) | nindent 8 }}
*/}}
{{- define "nexus.networkPolicy.ports" -}}
{{- $protocol := .protocol | default "TCP" -}}
{{- range $i, $port := .ports -}}
{{- if $i }}{{ "\n" }}{{ end -}}
- protocol: {{ $protocol }}
  port: {{ $port }}
{{- end -}}
{{- end -}}

{{/*
nexus.networkPolicy: a NetworkPolicy for the component's pods with the given rules.
Arguments (dict):
  context    the root context
  component  component whose pods the policy selects
  name       optional object name (default nexus.resourceName)
  ingress    list of ingress rules (list of maps, or a YAML string of list items); omitted → no Ingress type
  egress     list of egress rules (same forms); omitted → no Egress type
An empty list (not omitted) still declares the policy type: it allows nothing beyond other policies.
*/}}
{{- define "nexus.networkPolicy" -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
{{ include "nexus.metadata" . }}
spec:
  podSelector:
    matchLabels:
      {{- include "nexus.networkPolicy.podSelector" . | nindent 6 }}
  policyTypes:
    {{- if hasKey . "ingress" }}
    - Ingress
    {{- end }}
    {{- if hasKey . "egress" }}
    - Egress
    {{- end }}
  {{- range $type := list "ingress" "egress" }}
  {{- if hasKey $ $type }}
  {{- $rules := index $ $type }}
  {{- if kindIs "string" $rules }}
  {{- $rules = fromYamlArray $rules }}
  {{- end }}
  {{- if $rules }}
  {{ $type }}:
    {{- toYaml $rules | nindent 4 }}
  {{- else }}
  {{ $type }}: []
  {{- end }}
  {{- end }}
  {{- end }}
{{- end -}}
