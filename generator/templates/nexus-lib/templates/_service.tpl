{{/*
nexus.service: a Service selecting the component's pods.
Arguments (dict):
  context    the root context
  component  component label value (also the selector)
  service    {type, port, annotations} values object (type defaults to ClusterIP)
  ports      list of {name, port, targetPort, protocol (optional)} maps
  name       optional object name (default nexus.resourceName)
  headless   optional; true renders clusterIP: None (for StatefulSets)
*/}}
{{- define "nexus.service" -}}
apiVersion: v1
kind: Service
{{ include "nexus.metadata" (merge (dict "annotations" (.service.annotations | default dict)) .) }}
spec:
  type: {{ .service.type | default "ClusterIP" }}
  {{- if .headless }}
  clusterIP: None
  publishNotReadyAddresses: true
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
