{{/*
Support for the generated value-rule guards (templates/values-rules.yaml in each chart, compiled from
schema/rules.ts): the same checks `nexus validate` runs, enforced by Helm itself.
*/}}

{{/*
nexus.rules.format: a value as it reads in a rule message: whole numbers in plain decimal (values files
give float64, `--set` gives int64), null as nothing, anything else as its string.
Argument: the value.
*/}}
{{- define "nexus.rules.format" -}}
{{- if kindIs "invalid" . -}}
{{- else if kindIs "float64" . -}}
{{- if eq (floor .) . }}{{ printf "%d" (int64 .) }}{{ else }}{{ toString . }}{{ end -}}
{{- else if or (kindIs "int" .) (kindIs "int64" .) -}}
{{- printf "%d" . -}}
{{- else -}}
{{- toString . -}}
{{- end -}}
{{- end -}}

{{/*
nexus.rules.enforce: fails the render when a chart's rule checks found issues, with one line per issue
(`[rule] path: message`, as `nexus validate` reports them as `values/rule/<rule>`).
Argument: the list of issue lines.
*/}}
{{- define "nexus.rules.enforce" -}}
{{- if . -}}
{{- fail (printf "the values break %d rule(s) of the NEXUS model:\n  %s" (len .) (join "\n  " .)) -}}
{{- end -}}
{{- end -}}
