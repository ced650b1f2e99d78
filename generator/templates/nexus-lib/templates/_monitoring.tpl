{{/*
nexus.serviceMonitor: a monitoring.coreos.com/v1 ServiceMonitor for the component's Service, rendered
when serviceMonitor.enabled and the API is served (or serviceMonitor.force / force is set).
Arguments (dict):
  context         the root context
  component       component label value; the Service is selected by its selector labels
  serviceMonitor  {enabled, force, interval, scrapeTimeout (optional), labels (optional)}
  port            name of the Service port to scrape, e.g. "metrics"
  path            metrics path (default /metrics)
  name            optional object name (default nexus.resourceName)
  force           optional; render without detecting the API
*/}}
{{- define "nexus.serviceMonitor" -}}
{{- if and .serviceMonitor.enabled (or .force (include "nexus.apiServed" (dict "context" .context "api" "monitoring.coreos.com/v1" "force" .serviceMonitor.force))) -}}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
{{ include "nexus.metadata" (merge (dict "labels" (.serviceMonitor.labels | default dict)) .) }}
spec:
  selector:
    matchLabels:
      {{- include "nexus.selectorLabels" . | nindent 6 }}
  namespaceSelector:
    matchNames:
      - {{ include "nexus.namespace" .context }}
  endpoints:
    - port: {{ .port }}
      path: {{ .path | default "/metrics" }}
      interval: {{ .serviceMonitor.interval | default "30s" }}
      {{- with .serviceMonitor.scrapeTimeout }}
      scrapeTimeout: {{ . }}
      {{- end }}
{{- end -}}
{{- end -}}

{{/*
nexus.checksum: pod-template annotations `checksum/<file>: <sha256>` of other templates of the same
chart, so a ConfigMap or Secret change rolls the pods. Only the content is hashed (each document's data,
stringData and binaryData), never the metadata: a chart version bump changes the labels of every object
and must not restart anything.
Arguments (dict):
  context  the root context
  files    list of template paths relative to templates/, e.g. (list "configmap.yaml")
*/}}
{{- define "nexus.checksum" -}}
{{- $ctx := .context -}}
{{- $out := dict -}}
{{- range $file := .files -}}
{{- $content := list -}}
{{- range $doc := regexSplit "(?m)^---\\s*$" (include (print $ctx.Template.BasePath "/" $file) $ctx) -1 -}}
{{- with fromYaml $doc -}}
{{- $content = append $content (pick . "data" "stringData" "binaryData") -}}
{{- end -}}
{{- end -}}
{{- $_ := set $out (printf "checksum/%s" ($file | trimSuffix ".yaml" | replace "/" "-")) (toYaml $content | sha256sum) -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/*
nexus.grafana.routeHost: the host Grafana's route serves, route.host else `grafana.<global.domain>`
(empty when neither is set; the rule grafana-route refuses that while the route is on). Used by the
monitoring chart (root_url) and the umbrella (the Ingress/HTTPRoute), so both agree.
Arguments (dict): context, route (the monitoring.grafana.route values).
*/}}
{{- define "nexus.grafana.routeHost" -}}
{{- $domain := (.context.Values.global | default dict).domain | default "" -}}
{{- .route.host | default (ternary (printf "grafana.%s" $domain) "" (ne $domain "")) -}}
{{- end -}}

{{/*
nexus.grafana.rootUrl: Grafana's `root_url` for its route: `<scheme>://<host><path>/` (https with
route.tls.enabled), the trailing slash Grafana expects. Arguments (dict): context, route.
*/}}
{{- define "nexus.grafana.rootUrl" -}}
{{- $path := trimSuffix "/" .route.path -}}
{{- printf "%s://%s%s/" (ternary "https" "http" .route.tls.enabled) (include "nexus.grafana.routeHost" .) $path -}}
{{- end -}}
