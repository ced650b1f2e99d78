{{/*
nexus.service: a Service selecting the component's pods.
Arguments (dict):
  context    the root context
  component  component label value (also the selector)
  service    {type, annotations, loadBalancerSourceRanges} values object (type defaults to ClusterIP)
  ports      list of {name, port, targetPort, protocol (optional)} maps
  name       optional object name (default nexus.resourceName)
  headless   optional; true renders clusterIP: None (for StatefulSets)
*/}}
{{- define "nexus.service" -}}
apiVersion: v1
kind: Service
{{- /* A headless Service only names pods: the exposure annotations belong to the client Service. */}}
{{ include "nexus.metadata" (merge (dict "annotations" (ternary dict (.service.annotations | default dict) (.headless | default false))) .) }}
spec:
  {{- if .headless }}
  type: ClusterIP
  clusterIP: None
  publishNotReadyAddresses: true
  {{- else }}
  {{- include "nexus.service.exposure" .service | nindent 2 }}
  {{- end }}
  selector:
    {{- include "nexus.selectorLabels" . | nindent 4 }}
  ports:
    {{- range .ports }}
    - name: {{ .name }}
      port: {{ .port }}
      targetPort: {{ .targetPort | default .name }}
      protocol: {{ .protocol | default "TCP" }}
    {{- end }}
{{- end -}}

{{/*
nexus.service.exposure: a client Service's `type` and, for a LoadBalancer, its
`loadBalancerSourceRanges`. Every client Service of every tier renders its exposure here (headless
Services stay ClusterIP/None). Argument: the service values {type, loadBalancerSourceRanges}.
*/}}
{{- define "nexus.service.exposure" -}}
{{- $type := .type | default "ClusterIP" -}}
type: {{ $type }}
{{- if and (eq $type "LoadBalancer") .loadBalancerSourceRanges }}
loadBalancerSourceRanges:
  {{- toYaml .loadBalancerSourceRanges | nindent 2 }}
{{- end }}
{{- end -}}
