{{/*
nexus.resources: a container `resources` body from a resources values object {requests, limits},
dropping null entries (a user unsets a default with `cpu: null`).
Argument: the resources values object itself, e.g. {{ include "nexus.resources" .Values.resources }}.
*/}}
{{- define "nexus.resources" -}}
{{- $out := dict -}}
{{- range $section := list "requests" "limits" -}}
{{- $clean := dict -}}
{{- range $key, $value := (index $ $section | default dict) -}}
{{- if not (kindIs "invalid" $value) -}}
{{- $_ := set $clean $key $value -}}
{{- end -}}
{{- end -}}
{{- if $clean -}}
{{- $_ := set $out $section $clean -}}
{{- end -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}
