{{/*
TLS helpers shared by the data tiers (database, cache).
*/}}

{{/*
nexus.tls.certManagerReady: "true" when a tier's cert-manager Certificate should render: the tier's TLS
and its certManager section are on, and the cluster serves cert-manager.io/v1 (or certManager.force).
Arguments (dict): context, tls (the tier's tls values).
*/}}
{{- define "nexus.tls.certManagerReady" -}}
{{- $c := .tls.certManager -}}
{{- if and .tls.enabled $c.enabled (or $c.force (.context.Capabilities.APIVersions.Has "cert-manager.io/v1")) -}}
true
{{- end -}}
{{- end -}}

{{/*
nexus.tls.certificateSpec: the spec of a cert-manager Certificate from a tier's tls.certManager values:
an ECDSA P-256 key rotated at every renewal, from a CA issuer (whose Secret carries the ca.crt clients
verify against). Arguments (dict): certManager (values), secretName, commonName, dnsNames (list),
usages (list of cert-manager usages).
*/}}
{{- define "nexus.tls.certificateSpec" -}}
{{- $c := .certManager -}}
secretName: {{ .secretName }}
duration: {{ $c.duration }}
renewBefore: {{ $c.renewBefore }}
commonName: {{ .commonName }}
dnsNames:
  {{- toYaml .dnsNames | nindent 2 }}
privateKey:
  algorithm: ECDSA
  size: 256
  rotationPolicy: Always
usages:
  {{- toYaml .usages | nindent 2 }}
issuerRef:
  name: {{ $c.issuer }}
  kind: {{ $c.issuerKind }}
  group: cert-manager.io
{{- end -}}

{{/*
nexus.tls.secretVolume: a Secret volume with a tier's certificate, key and CA under fixed file names
(tls.crt, tls.key, ca.crt). Arguments (dict): name (volume name), secretName, tls (values: certKey,
keyKey, caKey), mode (defaultMode, decimal), caOnly (only ca.crt).
*/}}
{{- define "nexus.tls.secretVolume" -}}
{{- $items := list (dict "key" .tls.caKey "path" "ca.crt") -}}
{{- if not .caOnly -}}
{{- $items = concat (list (dict "key" .tls.certKey "path" "tls.crt") (dict "key" .tls.keyKey "path" "tls.key")) $items -}}
{{- end -}}
- name: {{ .name }}
  secret:
    secretName: {{ .secretName | quote }}
    defaultMode: {{ .mode | int }}
    items:
      {{- toYaml $items | nindent 6 }}
{{- end -}}
