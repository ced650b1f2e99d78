{{/*
nexus.image.registry: the registry an image values object names. A repository whose first component
is a host (it has a `.` or `:`, or is `localhost`: the container runtimes' test) names its own registry
(values written before `registry` was split out, e.g. `quay.io/prometheus/prometheus`); otherwise
`registry`. Empty for an image that names none (Docker Hub). schema/expr.ts `imageRegistry` is the same.
Argument: the image values object {registry, repository}.
*/}}
{{- define "nexus.image.registry" -}}
{{- $host := regexFind "^([^/]*[.:][^/]*|localhost)/" (toString (.repository | default "")) -}}
{{- if $host -}}
{{- trimSuffix "/" $host -}}
{{- else -}}
{{- .registry | default "" -}}
{{- end -}}
{{- end -}}

{{/*
nexus.image.repository: the image's path inside its registry (the repository without a host prefix).
Argument: the image values object.
*/}}
{{- define "nexus.image.repository" -}}
{{- $repository := toString .repository -}}
{{- $host := regexFind "^([^/]*[.:][^/]*|localhost)/" $repository -}}
{{- trimPrefix $host $repository -}}
{{- end -}}

{{/*
nexus.image: the reference a container pulls, `<host>/<repository>:<tag>@<digest>`, for every image of
every chart (workloads, hooks, tests, exporters, Sentinel, logging). The host:
  - no global.imageRegistry: the image's registry (nexus.image.registry), or none (Docker Hub as written);
  - global.imageRegistryMode=flat (default): `<imageRegistry>/<repository>`, the image's registry dropped;
  - global.imageRegistryMode=path: `<imageRegistry>/<registry>/<repository>`, Docker Hub as `docker.io`.
A digest pins the image (the tag stays for readability).
Arguments (dict):
  image    an image values object {registry, repository, tag, digest}
  context  the root context (for global.imageRegistry and global.imageRegistryMode)
*/}}
{{- define "nexus.image" -}}
{{- $global := .context.Values.global | default dict -}}
{{- $registry := include "nexus.image.registry" .image -}}
{{- $ref := include "nexus.image.repository" .image -}}
{{- $mirror := trimSuffix "/" (toString ($global.imageRegistry | default "")) -}}
{{- if $mirror -}}
{{- if eq (toString ($global.imageRegistryMode | default "flat")) "path" -}}
{{- $ref = printf "%s/%s/%s" $mirror (trimSuffix "/" ($registry | default "docker.io")) $ref -}}
{{- else -}}
{{- $ref = printf "%s/%s" $mirror $ref -}}
{{- end -}}
{{- else if $registry -}}
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
