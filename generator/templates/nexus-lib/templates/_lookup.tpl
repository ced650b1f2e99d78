{{/*
nexus.lookup: a live object, as YAML (parse with fromYaml), or `{}` when it does not exist or when there
is no cluster: under `helm template` and `--dry-run=client` Helm's lookup returns nothing, so every
decision built on it must be neutral then. Every chart reads the cluster through this template only,
which also lets the offline tests hand fixture objects to the real charts.
Arguments (dict):
  context     the root context
  apiVersion  e.g. "v1", "apps/v1"
  kind        e.g. "Secret"
  name        object name
  namespace   optional; default the release namespace ("" for cluster-scoped kinds)
*/}}
{{- define "nexus.lookup" -}}
{{- $namespace := ternary .namespace (include "nexus.namespace" .context) (hasKey . "namespace") -}}
{{- toYaml (lookup .apiVersion .kind $namespace .name) -}}
{{- end -}}

{{/*
nexus.environment: global.environment (`development` when unset, e.g. a subchart rendered alone).
Argument: the root context.
*/}}
{{- define "nexus.environment" -}}
{{- (.Values.global | default dict).environment | default "development" -}}
{{- end -}}

{{/*
nexus.generatedPasswords: the `data:` map (base64 values) of a credentials Secret the chart generates
outside production: for each key, the inline development password when one is set, else the value the
live Secret already holds (so an upgrade keeps the passwords the data volume was initialised with;
Bitnami's pattern), else 32 random characters.
Arguments (dict): context, name (the Secret), keys (list), password (inline password, may be empty).
*/}}
{{- define "nexus.generatedPasswords" -}}
{{- $live := include "nexus.lookup" (dict "context" .context "apiVersion" "v1" "kind" "Secret" "name" .name) | fromYaml -}}
{{- $liveData := $live.data | default dict -}}
{{- $data := dict -}}
{{- range $key := .keys -}}
{{- if $.password -}}
{{- $_ := set $data $key ($.password | b64enc) -}}
{{- else if index $liveData $key -}}
{{- $_ := set $data $key (index $liveData $key) -}}
{{- else -}}
{{- $_ := set $data $key (randAlphaNum 32 | b64enc) -}}
{{- end -}}
{{- end -}}
{{- toYaml $data -}}
{{- end -}}
