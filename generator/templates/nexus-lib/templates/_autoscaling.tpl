{{/*
Autoscaling objects. Each template renders a complete document (or nothing), so a tier template is
a one-liner: {{ include "nexus.hpa" (dict "context" $ "component" "frontend" "autoscaling" .Values.autoscaling) }}
*/}}

{{/*
nexus.hpa: an autoscaling/v2 HorizontalPodAutoscaler with CPU and memory utilisation targets (a null
target drops that metric) and scaleUp/scaleDown behaviour. Renders nothing unless autoscaling.enabled.
Arguments (dict):
  context      the root context
  component    component label value
  autoscaling  {enabled, minReplicas, maxReplicas, targetCPUUtilizationPercentage,
                targetMemoryUtilizationPercentage, behavior}
  name         optional object name and scale target name (default nexus.resourceName)
  targetKind   optional scale target kind (default Deployment)
*/}}
{{- define "nexus.hpa" -}}
{{- if .autoscaling.enabled -}}
{{- $name := include "nexus.resourceName" . -}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
{{ include "nexus.metadata" . }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: {{ .targetKind | default "Deployment" }}
    name: {{ $name }}
  minReplicas: {{ .autoscaling.minReplicas | int64 }}
  maxReplicas: {{ .autoscaling.maxReplicas | int64 }}
  metrics:
    {{- with .autoscaling.targetCPUUtilizationPercentage }}
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ . | int64 }}
    {{- end }}
    {{- with .autoscaling.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . | int64 }}
    {{- end }}
  {{- with .autoscaling.behavior }}
  behavior:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}
{{- end -}}

{{/*
nexus.vpa: an autoscaling.k8s.io/v1 VerticalPodAutoscaler, rendered only when vpa.enabled and the
cluster serves autoscaling.k8s.io/v1 (or vpa.force / force is set, e.g. for `helm template`).
The update mode defaults to "Off" in the schema: recommendations only, so it never fights an HPA.
Arguments (dict):
  context     the root context
  component   component label value
  vpa         {enabled, force, updateMode, controlledResources, minAllowed, maxAllowed}
  name        optional object name and target name (default nexus.resourceName)
  targetKind  optional target kind (default Deployment)
  force       optional; render without detecting the API
*/}}
{{- define "nexus.vpa" -}}
{{- if and .vpa.enabled (or .force (include "nexus.apiServed" (dict "context" .context "api" "autoscaling.k8s.io/v1" "force" .vpa.force))) -}}
{{- $name := include "nexus.resourceName" . -}}
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
{{ include "nexus.metadata" . }}
spec:
  targetRef:
    apiVersion: apps/v1
    kind: {{ .targetKind | default "Deployment" }}
    name: {{ $name }}
  updatePolicy:
    updateMode: {{ .vpa.updateMode | default "Off" | quote }}
  resourcePolicy:
    containerPolicies:
      - containerName: "*"
        controlledResources:
          {{- toYaml (.vpa.controlledResources | default (list "cpu" "memory")) | nindent 10 }}
        {{- with .vpa.minAllowed }}
        minAllowed:
          {{- toYaml . | nindent 10 }}
        {{- end }}
        {{- with .vpa.maxAllowed }}
        maxAllowed:
          {{- toYaml . | nindent 10 }}
        {{- end }}
{{- end -}}
{{- end -}}

{{/*
nexus.pdb: a policy/v1 PodDisruptionBudget selecting the component's pods. Uses minAvailable when set,
else maxUnavailable (default 1). Renders nothing unless pdb.enabled.
Arguments (dict):
  context    the root context
  component  component label value (also the selector)
  pdb        {enabled, minAvailable, maxUnavailable}
  name       optional object name (default nexus.resourceName)
*/}}
{{- define "nexus.pdb" -}}
{{- if .pdb.enabled -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
{{ include "nexus.metadata" . }}
spec:
  {{- if not (kindIs "invalid" .pdb.minAvailable) }}
  minAvailable: {{ .pdb.minAvailable }}
  {{- else }}
  maxUnavailable: {{ kindIs "invalid" .pdb.maxUnavailable | ternary 1 .pdb.maxUnavailable }}
  {{- end }}
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels:
      {{- include "nexus.selectorLabels" . | nindent 6 }}
{{- end -}}
{{- end -}}
