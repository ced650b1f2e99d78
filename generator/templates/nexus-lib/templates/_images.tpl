{{/*
nexus.image: `registry/repository:tag@digest`. The image's own registry wins, then global.imageRegistry,
then the repository as written. A digest pins the image (the tag stays for readability).
Arguments (dict):
  image    an image values object {registry, repository, tag, digest}
  context  the root context (for global.imageRegistry)
*/}}
{{- define "nexus.image" -}}
{{- $global := .context.Values.global | default dict -}}
{{- $registry := .image.registry | default $global.imageRegistry | default "" -}}
{{- $ref := .image.repository -}}
{{- if $registry -}}
{{- $ref = printf "%s/%s" (trimSuffix "/" $registry) $ref -}}
{{- end -}}
{{- with .image.tag -}}
{{- $ref = printf "%s:%s" $ref (toString .) -}}
{{- end -}}
{{- with .image.digest -}}
{{- $ref = printf "%s@%s" $ref . -}}
{{- end -}}
{{- $ref -}}
{{- end -}}

{{/*
nexus.imagePullSecrets: the pod-spec `imagePullSecrets:` block from global.imagePullSecrets (a list of
names or of {name} objects); renders nothing when there are none.
Arguments (dict): context.
Use: {{- with include "nexus.imagePullSecrets" (dict "context" $) }}{{ . | nindent 6 }}{{ end }}
*/}}
{{- define "nexus.imagePullSecrets" -}}
{{- $secrets := (.context.Values.global | default dict).imagePullSecrets | default list -}}
{{- if $secrets -}}
imagePullSecrets:
{{- range $secrets }}
{{- if kindIs "map" . }}
  - name: {{ .name | quote }}
{{- else }}
  - name: {{ . | quote }}
{{- end }}
{{- end }}
{{- end -}}
{{- end -}}
