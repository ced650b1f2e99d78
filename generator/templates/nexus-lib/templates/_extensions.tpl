{{/*
Extension points: what a platform team changes without forking the chart (the knobs of Bitnami's
charts). Every workload of every tier renders them through the templates of this file, and nowhere
else; docs/values reference: the `extraEnv`, `sidecars`, ... keys of each workload.

"values" is the workload's values: the tier root for the tier's main workload (frontend, backend,
database = PostgreSQL, cache = Redis), or the workload's own section (database.pgbouncer,
monitoring.prometheus, monitoring.alertmanager, monitoring.grafana). Placement keys such a section
leaves empty fall back to the tier root ("fallback").
User lists and objects go through `tpl`, so they may use template expressions (the release name, a
tier's fullname). Nothing is added to them: a sidecar runs exactly as written, and the validator's
policies judge it like any other container.
*/}}

{{/*
nexus.ext.tpl: a user-supplied value as YAML, rendered through `tpl` (a string as it is).
Arguments (dict): value, context.
*/}}
{{- define "nexus.ext.tpl" -}}
{{- if kindIs "string" .value -}}
{{- tpl .value .context -}}
{{- else -}}
{{- tpl (toYaml .value) .context -}}
{{- end -}}
{{- end -}}

{{/*
nexus.ext.items: the items of a user list (without a key), or nothing when it is empty.
Arguments (dict): context, items.
*/}}
{{- define "nexus.ext.items" -}}
{{- with .items -}}
{{- include "nexus.ext.tpl" (dict "value" . "context" $.context) -}}
{{- end -}}
{{- end -}}

{{/*
nexus.extraEnv, nexus.extraEnvFrom, nexus.extraVolumeMounts (main container), nexus.extraVolumes,
nexus.sidecars (pod): the items of values.extraEnv, .extraEnvFrom, .extraVolumeMounts, .extraVolumes
and .sidecars, appended after the generated ones. Arguments (dict): context, values.
Use: {{- with include "nexus.extraEnv" (dict "context" $ "values" .Values) }}{{ . | nindent 12 }}{{ end }}
*/}}
{{- define "nexus.extraEnv" -}}
{{- include "nexus.ext.items" (dict "context" .context "items" .values.extraEnv) -}}
{{- end -}}

{{- define "nexus.extraEnvFrom" -}}
{{- include "nexus.ext.items" (dict "context" .context "items" .values.extraEnvFrom) -}}
{{- end -}}

{{- define "nexus.extraVolumeMounts" -}}
{{- include "nexus.ext.items" (dict "context" .context "items" .values.extraVolumeMounts) -}}
{{- end -}}

{{- define "nexus.extraVolumes" -}}
{{- include "nexus.ext.items" (dict "context" .context "items" .values.extraVolumes) -}}
{{- end -}}

{{- define "nexus.sidecars" -}}
{{- include "nexus.ext.items" (dict "context" .context "items" .values.sidecars) -}}
{{- end -}}

{{/*
nexus.initContainers: an `initContainers:` block with values.initContainers; nothing when empty.
Arguments (dict): context, values.
*/}}
{{- define "nexus.initContainers" -}}
{{- with include "nexus.ext.items" (dict "context" .context "items" .values.initContainers) -}}
initContainers:
  {{- . | nindent 2 }}
{{- end -}}
{{- end -}}

{{/*
nexus.diagnosticMode: "true" when the tier's diagnosticMode is on (main containers sleep, no probes,
no lifecycle hooks), else empty. Argument: the root context.
*/}}
{{- define "nexus.diagnosticMode" -}}
{{- if (.Values.diagnosticMode | default dict).enabled -}}true{{- end -}}
{{- end -}}

{{/*
nexus.container.entrypoint: the main container's `command:` and `args:`. values.command and
values.args each replace the generated one; in diagnosticMode both become diagnosticMode.command and
.args (sleep), so an operator can exec into a pod whose process would crash.
Arguments (dict): context, values, command (generated list, optional), args (generated list, optional).
*/}}
{{- define "nexus.container.entrypoint" -}}
{{- include "nexus.container.entrypoint.body" . | trim -}}
{{- end -}}

{{/* nexus.container.entrypoint.body: internal; nexus.container.entrypoint trims its leading newline. */}}
{{- define "nexus.container.entrypoint.body" -}}
{{- $command := .command -}}
{{- $args := .args -}}
{{- if include "nexus.diagnosticMode" .context -}}
{{- $command = .context.Values.diagnosticMode.command -}}
{{- $args = .context.Values.diagnosticMode.args -}}
{{- else -}}
{{- with .values.command }}{{ $command = . }}{{ end -}}
{{- with .values.args }}{{ $args = . }}{{ end -}}
{{- end -}}
{{- with $command }}
command:
  {{- include "nexus.ext.tpl" (dict "value" . "context" $.context) | nindent 2 }}
{{- end }}
{{- with $args }}
args:
  {{- include "nexus.ext.tpl" (dict "value" . "context" $.context) | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
nexus.container.probes: livenessProbe, readinessProbe, startupProbe. values.customLivenessProbe,
.customReadinessProbe and .customStartupProbe replace the generated probe of that kind (or add one the
chart does not generate); diagnosticMode renders none.
Arguments (dict): context, values, probes (the generated probes as YAML text; may be empty).
*/}}
{{- define "nexus.container.probes" -}}
{{- if not (include "nexus.diagnosticMode" .context) -}}
{{- $generated := .probes | default "" | fromYaml -}}
{{- $probes := dict -}}
{{- range $kind := list "liveness" "readiness" "startup" -}}
{{- $key := printf "%sProbe" $kind -}}
{{- $custom := get $.values (printf "custom%sProbe" (title $kind)) -}}
{{- if $custom -}}
{{- $_ := set $probes $key $custom -}}
{{- else if hasKey $generated $key -}}
{{- $_ := set $probes $key (get $generated $key) -}}
{{- end -}}
{{- end -}}
{{- with $probes -}}
{{- include "nexus.ext.tpl" (dict "value" . "context" $.context) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
nexus.container.lifecycle: a `lifecycle:` block: values.lifecycle when set, else the generated hooks;
none in diagnosticMode.
Arguments (dict): context, values, lifecycle (the generated hooks as YAML text; may be empty).
*/}}
{{- define "nexus.container.lifecycle" -}}
{{- if not (include "nexus.diagnosticMode" .context) -}}
{{- $lifecycle := .values.lifecycle | default (.lifecycle | default "" | fromYaml) -}}
{{- with $lifecycle -}}
lifecycle:
  {{- include "nexus.ext.tpl" (dict "value" . "context" $.context) | nindent 2 }}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
nexus.preStopDelay: the generated preStop hook of a pod behind the gateway: it keeps serving for
`seconds` after it is marked for deletion, while the endpoints controller and Kong drop it, so no
request reaches a closed socket. The `sleep` handler (no binary needed) where the cluster serves it
(1.30+), else `sleep` from the image. As YAML text for nexus.container.lifecycle; empty for 0.
Arguments (dict): context, seconds.
*/}}
{{- define "nexus.preStopDelay" -}}
{{- $seconds := .seconds | default 0 | int64 -}}
{{- if gt $seconds 0 -}}
preStop:
{{- if semverCompare ">=1.30-0" .context.Capabilities.KubeVersion.Version }}
  sleep:
    seconds: {{ $seconds }}
{{- else }}
  exec:
    command: [sleep, {{ $seconds | quote }}]
{{- end }}
{{- end -}}
{{- end -}}

{{/*
nexus.updateStrategy: `strategy:` (Deployment) or `updateStrategy:` (StatefulSet) from
values.updateStrategy; `rollingUpdate` only with type RollingUpdate (the API rejects it otherwise).
Arguments (dict): values, kind ("Deployment" or "StatefulSet").
*/}}
{{- define "nexus.updateStrategy" -}}
{{- $strategy := .values.updateStrategy | default (dict "type" "RollingUpdate") -}}
{{ ternary "strategy" "updateStrategy" (eq .kind "Deployment") }}:
  type: {{ $strategy.type }}
  {{- if and (eq $strategy.type "RollingUpdate") $strategy.rollingUpdate }}
  rollingUpdate:
    {{- toYaml $strategy.rollingUpdate | nindent 4 }}
  {{- end }}
{{- end -}}

{{/*
nexus.pod.scheduling: the pod's affinity (the user's, else the soft anti-affinity), nodeSelector,
tolerations, priorityClassName, runtimeClassName, hostAliases and dnsConfig. Each key comes from
values, else from fallback (the tier root, for a workload section).
Arguments (dict): context, component, values, fallback (optional).
*/}}
{{- define "nexus.pod.scheduling" -}}
{{- $values := .values -}}
{{- $fallback := .fallback | default dict -}}
{{- $pick := dict -}}
{{- range $key := list "affinity" "nodeSelector" "tolerations" "priorityClassName" "runtimeClassName" "hostAliases" "dnsConfig" -}}
{{- with (get $values $key) | default (get $fallback $key) -}}
{{- $_ := set $pick $key . -}}
{{- end -}}
{{- end -}}
{{- include "nexus.affinity" (dict "context" .context "component" .component "affinity" $pick.affinity) -}}
{{- with include "nexus.podPlacement" $pick }}
{{ . }}
{{- end -}}
{{- end -}}

{{/*
nexus.ext.references: the Secrets and ConfigMaps a workload's extension points name (env valueFrom,
envFrom, secret/configMap/projected volumes; in extraEnv, extraEnvFrom, extraVolumes, sidecars and
initContainers), as YAML {secrets: [...], configmaps: [...]}, sorted. They are the user's, created
outside the chart, so nexus.podAnnotations declares them external (`nexus.dev/external-secrets`,
`nexus.dev/external-configmaps`) for the validator's references-exist policy. Optional references are
left out. Argument: the workload's values.
*/}}
{{- define "nexus.ext.references" -}}
{{- $secrets := list -}}
{{- $configMaps := list -}}
{{- $env := concat (.extraEnv | default list) -}}
{{- $envFrom := concat (.extraEnvFrom | default list) -}}
{{- range concat (.sidecars | default list) (.initContainers | default list) -}}
{{- $env = concat $env (.env | default list) -}}
{{- $envFrom = concat $envFrom (.envFrom | default list) -}}
{{- end -}}
{{- range $env -}}
{{- with (.valueFrom | default dict) -}}
{{- with .secretKeyRef }}{{ if not .optional }}{{ $secrets = append $secrets .name }}{{ end }}{{ end -}}
{{- with .configMapKeyRef }}{{ if not .optional }}{{ $configMaps = append $configMaps .name }}{{ end }}{{ end -}}
{{- end -}}
{{- end -}}
{{- range $envFrom -}}
{{- with .secretRef }}{{ if not .optional }}{{ $secrets = append $secrets .name }}{{ end }}{{ end -}}
{{- with .configMapRef }}{{ if not .optional }}{{ $configMaps = append $configMaps .name }}{{ end }}{{ end -}}
{{- end -}}
{{- range (.extraVolumes | default list) -}}
{{- with .secret }}{{ if not .optional }}{{ $secrets = append $secrets .secretName }}{{ end }}{{ end -}}
{{- with .configMap }}{{ if not .optional }}{{ $configMaps = append $configMaps .name }}{{ end }}{{ end -}}
{{- with .projected -}}
{{- range (.sources | default list) -}}
{{- with .secret }}{{ if not .optional }}{{ $secrets = append $secrets .name }}{{ end }}{{ end -}}
{{- with .configMap }}{{ if not .optional }}{{ $configMaps = append $configMaps .name }}{{ end }}{{ end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml (dict "secrets" (compact $secrets | uniq | sortAlpha) "configmaps" (compact $configMaps | uniq | sortAlpha)) -}}
{{- end -}}
