{{/*
nexus.serviceAccount: a ServiceAccount (when serviceAccount.create) with the API token not
automounted unless serviceAccount.automountToken is true.
Arguments (dict):
  context         the root context
  component       component label value
  serviceAccount  {create, name, annotations, automountToken}
  name            optional default name when serviceAccount.name is empty (default nexus.resourceName)
*/}}
{{- define "nexus.serviceAccount" -}}
{{- if .serviceAccount.create -}}
apiVersion: v1
kind: ServiceAccount
{{ include "nexus.metadata" (dict "context" .context "component" .component "name" (include "nexus.serviceAccountName" .) "annotations" .serviceAccount.annotations) }}
automountServiceAccountToken: {{ .serviceAccount.automountToken | default false }}
{{- end -}}
{{- end -}}

{{/*
nexus.serviceAccountName: the ServiceAccount pods use: serviceAccount.name, else the generated name
when create is on, else "default". Same arguments as nexus.serviceAccount.
*/}}
{{- define "nexus.serviceAccountName" -}}
{{- if .serviceAccount.create -}}
{{- .serviceAccount.name | default (include "nexus.resourceName" .) -}}
{{- else -}}
{{- .serviceAccount.name | default "default" -}}
{{- end -}}
{{- end -}}
