{{/*
Labels. Standard labels go on every object's metadata; selector labels are the immutable subset
used in selectors (Deployment/StatefulSet selectors, Services, PDBs, NetworkPolicies). Selector
labels never carry a version, so an upgrade never has to recreate a workload.
*/}}

{{/*
nexus.selectorLabels: app.kubernetes.io/name, instance and component (component omitted when empty).
Arguments (dict):
  context    the root context
  component  component label value, e.g. "frontend", "pgbouncer" (see the component list in the README)
*/}}
{{- define "nexus.selectorLabels" -}}
{{- toYaml (include "nexus.selectorLabelsDict" . | fromYaml) -}}
{{- end -}}

{{/* nexus.selectorLabelsDict: nexus.selectorLabels as a YAML map (internal; parse with fromYaml). */}}
{{- define "nexus.selectorLabelsDict" -}}
{{- $labels := dict "app.kubernetes.io/name" (include "nexus.name" .context) "app.kubernetes.io/instance" .context.Release.Name -}}
{{- if .component -}}
{{- $_ := set $labels "app.kubernetes.io/component" .component -}}
{{- end -}}
{{- toYaml $labels -}}
{{- end -}}

{{/*
nexus.labels: selector labels plus app.kubernetes.io/version, part-of=nexus, managed-by, helm.sh/chart
and global.commonLabels. The standard labels win over commonLabels on a clash.
Arguments (dict):
  context    the root context
  component  component label value
  labels     extra labels (optional map), e.g. podLabels; the standard labels win on a clash
*/}}
{{- define "nexus.labels" -}}
{{- $labels := include "nexus.selectorLabelsDict" . | fromYaml -}}
{{- $_ := set $labels "helm.sh/chart" (include "nexus.chart" .context) -}}
{{- $_ := set $labels "app.kubernetes.io/managed-by" .context.Release.Service -}}
{{- $_ := set $labels "app.kubernetes.io/part-of" "nexus" -}}
{{- with .context.Chart.AppVersion -}}
{{- $_ := set $labels "app.kubernetes.io/version" (toString . | replace "+" "_" | trunc 63) -}}
{{- end -}}
{{- $common := (.context.Values.global | default dict).commonLabels | default dict -}}
{{- toYaml (merge $labels (.labels | default dict) $common) -}}
{{- end -}}

{{/*
nexus.podLabels: nexus.labels for a pod template, without the labels that change with every release
(helm.sh/chart, app.kubernetes.io/version): any change to a pod template restarts every pod, so those
stay on the workload's own metadata. Arguments: as nexus.labels.
*/}}
{{- define "nexus.podLabels" -}}
{{- toYaml (omit (include "nexus.labels" . | fromYaml) "helm.sh/chart" "app.kubernetes.io/version") -}}
{{- end -}}

{{/*
nexus.annotations: global.commonAnnotations merged with extra annotations; renders nothing when both
are empty. Arguments (dict): context, annotations (optional map; wins on a clash).
Use: {{- with include "nexus.annotations" (dict "context" $) }}annotations: {{- . | nindent 4 }}{{ end }}
*/}}
{{- define "nexus.annotations" -}}
{{- $common := (.context.Values.global | default dict).commonAnnotations | default dict -}}
{{- $all := merge (deepCopy (.annotations | default dict)) $common -}}
{{- if $all -}}
{{- toYaml $all -}}
{{- end -}}
{{- end -}}

{{/*
nexus.podAnnotations: the annotations of a pod template, as a YAML map body ("" when there are none).
Arguments (dict): context ($), files (templates under templates/ whose checksum rolls the pods),
extra (map of annotations the chart computes, e.g. `nexus.dev/external-secrets`), values (optional: the
workload's values; the Secrets and ConfigMaps its extension points name are declared external too,
nexus.ext.references), noRoll (optional list: external Secrets the pods read only once, at first
start, left out of `checksum/external-secrets`).
On a clash the checksums win, then extra, then the user's podAnnotations, then
global.commonAnnotations: a user value can never mask a checksum (config changes must roll the pods),
and one key is never written twice.
*/}}
{{- define "nexus.podAnnotations" -}}
{{- $ctx := .context -}}
{{- $user := include "nexus.annotations" (dict "context" $ctx "annotations" $ctx.Values.podAnnotations) | fromYaml | default dict -}}
{{- $all := include "nexus.checksum" (dict "context" $ctx "files" (.files | default list)) | fromYaml | default dict -}}
{{- $extra := deepCopy (.extra | default dict) -}}
{{- with .values -}}
{{- $refs := include "nexus.ext.references" . | fromYaml -}}
{{- range $kind, $key := dict "secrets" "nexus.dev/external-secrets" "configmaps" "nexus.dev/external-configmaps" -}}
{{- $names := concat (compact (splitList "," (get $extra $key | default ""))) (get $refs $kind | default list) | uniq | sortAlpha -}}
{{- if $names }}{{ $_ := set $extra $key (join "," $names) }}{{ end -}}
{{- end -}}
{{- end -}}
{{- $roll := list -}}
{{- range splitList "," (get $extra "nexus.dev/external-secrets" | default "") -}}
{{- if and . (not (has . ($.noRoll | default list))) }}{{ $roll = append $roll . }}{{ end -}}
{{- end -}}
{{- with include "nexus.secretsChecksum" (dict "context" $ctx "names" (join "," $roll)) -}}
{{- $_ := set $all "checksum/external-secrets" . -}}
{{- end -}}
{{- $all = merge $all $extra $user -}}
{{- with $all }}{{ toYaml . }}{{ end -}}
{{- end -}}

{{/*
nexus.secretsChecksum: the sha256 of the live `data` of the named Secrets (the Secrets a pod reads that
the release does not render: existingSecret, ExternalSecret targets, the extras' references), so a pod
rolls at `helm upgrade` when one of them changed since the last one (a rotated password). Rendered
Secrets are hashed from their rendered content instead (nexus.checksum): their live data is the previous
release's, so hashing it would roll the pods a second time one upgrade later. Renders "" when no named
Secret exists, which is always the case without a cluster (`helm template`, `--dry-run=client`: lookup
returns nothing), so offline renders carry no annotation and stay byte-stable.
Arguments (dict): context, names (comma-separated Secret names).
*/}}
{{- define "nexus.secretsChecksum" -}}
{{- $ctx := .context -}}
{{- $live := dict -}}
{{- range $name := compact (splitList "," .names) | uniq | sortAlpha -}}
{{- with (include "nexus.lookup" (dict "context" $ctx "apiVersion" "v1" "kind" "Secret" "name" $name) | fromYaml) -}}
{{- $_ := set $live $name (.data | default dict) -}}
{{- end -}}
{{- end -}}
{{- if $live -}}
{{- toYaml $live | sha256sum -}}
{{- end -}}
{{- end -}}

{{/*
nexus.reloaderAnnotations: the workload-metadata annotations that let Stakater Reloader (or a
compatible controller) roll the pods when a Secret changes between upgrades, per global.secretReloader:
`auto` → `reloader.stakater.com/auto: "true"` (every Secret and ConfigMap the pod spec references);
`named` → `secret.reloader.stakater.com/reload: "<names>"` (only the Secrets the release does not render:
rendered ones change only with `helm upgrade`, whose checksums roll the pods already); `none` → nothing.
Renders a YAML map (parse with fromYaml). Arguments (dict): context, secrets (comma-separated external
Secret names), values (optional: the workload's values; the Secrets its extension points name count too).
*/}}
{{- define "nexus.reloaderAnnotations" -}}
{{- $mode := (.context.Values.global | default dict).secretReloader | default "none" -}}
{{- $names := compact (splitList "," (.secrets | default "")) -}}
{{- with .values }}{{ $names = concat $names ((include "nexus.ext.references" . | fromYaml).secrets | default list) }}{{ end -}}
{{- if eq $mode "auto" -}}
reloader.stakater.com/auto: "true"
{{- else if and (eq $mode "named") $names -}}
secret.reloader.stakater.com/reload: {{ $names | uniq | sortAlpha | join "," | quote }}
{{- end -}}
{{- end -}}

{{/*
nexus.metadata: a complete `metadata:` block (name, namespace, labels, annotations) for an object.
Arguments (dict):
  context      the root context
  component    component label value
  name         object name (optional; default nexus.resourceName)
  annotations  extra annotations (optional map)
  labels       extra labels (optional map)
  namespaced   false for cluster-scoped objects (optional; default true)
  namespace    another namespace for the object (optional; default the release namespace)
*/}}
{{- define "nexus.metadata" -}}
metadata:
  name: {{ include "nexus.resourceName" . }}
  {{- if not (and (hasKey . "namespaced") (not .namespaced)) }}
  namespace: {{ .namespace | default (include "nexus.namespace" .context) }}
  {{- end }}
  labels:
    {{- include "nexus.labels" . | nindent 4 }}
  {{- with include "nexus.annotations" . }}
  annotations:
    {{- . | nindent 4 }}
  {{- end }}
{{- end -}}
