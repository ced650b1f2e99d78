{{/*
Support for the generated prerequisites (the umbrella's templates/_prerequisites.tpl, compiled from
schema/prerequisites.ts): NOTES.txt prints them and the live check looks each one up.
*/}}

{{/*
nexus.prerequisites.merge: a list of {kind, name, keys, type, for} entries merged by kind and name (keys
and uses united, first-seen order), sorted by kind (Registry, Secret, StorageClass, API, IngressClass,
Gateway, ClusterIssuer, Issuer) then name, as a YAML list. Argument: the list.
*/}}
{{- define "nexus.prerequisites.merge" -}}
{{- $rank := dict "Registry" "0" "Secret" "1" "StorageClass" "2" "API" "3" "IngressClass" "4" "Gateway" "5" "ClusterIssuer" "6" "Issuer" "7" -}}
{{- $byKey := dict -}}
{{- range . -}}
{{- $key := printf "%s/%s" (get $rank .kind) .name -}}
{{- if hasKey $byKey $key -}}
{{- $e := get $byKey $key -}}
{{- $_ := set $e "keys" (uniq (concat $e.keys .keys)) -}}
{{- if not (has .for $e.for) -}}
{{- $_ := set $e "for" (append $e.for .for) -}}
{{- end -}}
{{- else -}}
{{- $e := dict "kind" .kind "name" .name "keys" (uniq .keys) "for" (list .for) -}}
{{- with .type }}{{ $_ := set $e "type" . }}{{ end -}}
{{- $_ := set $byKey $key $e -}}
{{- end -}}
{{- end -}}
{{- $out := list -}}
{{- range $key := keys $byKey | sortAlpha -}}
{{- $out = append $out (get $byKey $key) -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}
