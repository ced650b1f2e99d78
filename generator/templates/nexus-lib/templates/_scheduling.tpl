{{/*
Scheduling: spread replicas over nodes and zones, and keep them apart by default.
*/}}

{{/*
nexus.topologySpread: a `topologySpreadConstraints:` block over topology.kubernetes.io/zone and
kubernetes.io/hostname for the component's pods; renders nothing when disabled.
Arguments (dict):
  context         the root context
  component       component label value
  topologySpread  {enabled, maxSkew, zoneWhenUnsatisfiable, nodeWhenUnsatisfiable}
  matchLabelKeys  optional list, e.g. (list "pod-template-hash") for Deployments, so a rollout's
                  old and new pods are balanced separately
Use: {{- with include "nexus.topologySpread" (dict ...) }}{{ . | nindent 6 }}{{ end }}
*/}}
{{- define "nexus.topologySpread" -}}
{{- $args := . -}}
{{- if .topologySpread.enabled -}}
topologySpreadConstraints:
{{- range $key, $when := dict "topology.kubernetes.io/zone" ($args.topologySpread.zoneWhenUnsatisfiable | default "ScheduleAnyway") "kubernetes.io/hostname" ($args.topologySpread.nodeWhenUnsatisfiable | default "ScheduleAnyway") }}
  - maxSkew: {{ $args.topologySpread.maxSkew | default 1 | int64 }}
    topologyKey: {{ $key }}
    whenUnsatisfiable: {{ $when }}
    labelSelector:
      matchLabels:
        {{- include "nexus.selectorLabels" $args | nindent 8 }}
    {{- with $args.matchLabelKeys }}
    matchLabelKeys:
      {{- toYaml . | nindent 6 }}
    {{- end }}
{{- end }}
{{- end -}}
{{- end -}}

{{/*
nexus.defaultAntiAffinity: the body of a soft podAntiAffinity (preferred, weight 100, per host) for the
component's pods, without the `affinity:` key.
Arguments (dict): context, component.
*/}}
{{- define "nexus.defaultAntiAffinity" -}}
podAntiAffinity:
  preferredDuringSchedulingIgnoredDuringExecution:
    - weight: 100
      podAffinityTerm:
        topologyKey: kubernetes.io/hostname
        labelSelector:
          matchLabels:
            {{- include "nexus.selectorLabels" . | nindent 12 }}
{{- end -}}

{{/*
nexus.affinity: an `affinity:` block: the user's affinity values when set, else nexus.defaultAntiAffinity.
Arguments (dict): context, component, affinity (the affinity values object, may be empty).
*/}}
{{- define "nexus.affinity" -}}
affinity:
{{- if .affinity }}
  {{- toYaml .affinity | nindent 2 }}
{{- else }}
  {{- include "nexus.defaultAntiAffinity" . | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
nexus.podPlacement: nodeSelector, tolerations, priorityClassName, runtimeClassName, hostAliases and
dnsConfig from the usual values keys; renders nothing when all are empty. Workloads call it through
nexus.pod.scheduling (_extensions.tpl), which adds the affinity and the tier-root fallback.
Arguments (dict): nodeSelector, tolerations, priorityClassName, runtimeClassName, hostAliases,
dnsConfig (any may be empty or absent).
*/}}
{{- define "nexus.podPlacement" -}}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .priorityClassName }}
priorityClassName: {{ . | quote }}
{{- end }}
{{- with .runtimeClassName }}
runtimeClassName: {{ . | quote }}
{{- end }}
{{- with .hostAliases }}
hostAliases:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .dnsConfig }}
dnsConfig:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
