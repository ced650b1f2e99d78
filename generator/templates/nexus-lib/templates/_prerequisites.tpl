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

{{/*
nexus.apiServed: "true" when an object of a CRD-based API renders: the cluster serves the API
(.Capabilities.APIVersions; `helm template` knows only what --api-versions lists), `force` is set, or
the environment is production. Production never leaves out silently what its values ask for: the object
always renders, the live prerequisites check lists an API the cluster does not serve before anything
changes (and without that check the API server refuses the unknown kind). The explicit opt-out is the
object's own `enabled: false`. Outside production the object is left out when the API is not served.
Arguments (dict): context, api (group/version, e.g. "autoscaling.k8s.io/v1"), force.
*/}}
{{- define "nexus.apiServed" -}}
{{- if or .force (.context.Capabilities.APIVersions.Has .api) (eq (include "nexus.environment" .context) "production") -}}
true
{{- end -}}
{{- end -}}

{{/*
nexus.prerequisites.check: on a live cluster, looks up every prerequisite of nexus.prerequisites and
fails once, listing all that are missing, before Helm applies anything (templates are rendered before
any hook or object is sent). Under `helm template` / `--dry-run=client` lookup sees no cluster, which the
probe (the `kube-root-ca.crt` ConfigMap the control plane publishes in every namespace) tells apart from
a missing object, so templating stays offline. Registries and Gateways are listed, not checked (a
registry is not a cluster object; a Gateway may live in a namespace the deployer cannot read).
Off with global.checkPrerequisites=false. Argument: the root context.
*/}}
{{- define "nexus.prerequisites.check" -}}
{{- if include "nexus.prerequisites.live" . -}}
{{- $missing := list -}}
{{- range include "nexus.prerequisites" . | fromYamlArray -}}
{{- $for := join "; " .for -}}
{{- if eq .kind "Secret" -}}
{{- $live := include "nexus.lookup" (dict "context" $ "apiVersion" "v1" "kind" "Secret" "name" .name) | fromYaml -}}
{{- if not $live.metadata -}}
{{- $missing = append $missing (printf "Secret %s%s: missing (%s)" .name (ternary (printf " with keys %s" (join ", " .keys)) "" (gt (len .keys) 0)) $for) -}}
{{- else -}}
{{- $data := $live.data | default dict -}}
{{- $absent := list -}}
{{- range $k := .keys }}{{ if not (hasKey $data $k) }}{{ $absent = append $absent $k }}{{ end }}{{ end -}}
{{- if $absent -}}
{{- $missing = append $missing (printf "Secret %s: no key %s (%s)" .name (join ", " $absent) $for) -}}
{{- end -}}
{{- if and .type (ne .type ($live.type | default "Opaque")) -}}
{{- $missing = append $missing (printf "Secret %s: type %s, needs %s (%s)" .name ($live.type | default "Opaque") .type $for) -}}
{{- end -}}
{{- end -}}
{{- else if eq .kind "API" -}}
{{- if not ($.Capabilities.APIVersions.Has .name) -}}
{{- $missing = append $missing (printf "API %s: not served (%s)" .name $for) -}}
{{- end -}}
{{- else if has .kind (list "StorageClass" "IngressClass" "ClusterIssuer" "Issuer") -}}
{{- $api := get (dict "StorageClass" "storage.k8s.io/v1" "IngressClass" "networking.k8s.io/v1" "ClusterIssuer" "cert-manager.io/v1" "Issuer" "cert-manager.io/v1") .kind -}}
{{- /* An issuer's API may be missing itself (listed above); lookup of an unserved kind would error. */ -}}
{{- if $.Capabilities.APIVersions.Has $api -}}
{{- $args := dict "context" $ "apiVersion" $api "kind" .kind "name" .name -}}
{{- if ne .kind "Issuer" }}{{ $_ := set $args "namespace" "" }}{{ end -}}
{{- $live := include "nexus.lookup" $args | fromYaml -}}
{{- if not $live.metadata -}}
{{- $missing = append $missing (printf "%s %s: missing (%s)" .kind .name $for) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- with $missing -}}
{{- fail (printf "[prerequisites] release %s in namespace %s needs what the cluster does not have; nothing was changed:\n  %s\nCreate them (the README's prerequisites table; NOTES.txt lists them too), or set global.checkPrerequisites=false to skip this check." $.Release.Name $.Release.Namespace (join "\n  " .)) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
nexus.prerequisites.live: "true" when the prerequisites check runs: global.checkPrerequisites, and a
live cluster answers lookup (the `kube-root-ca.crt` ConfigMap, which the control plane publishes in every
namespace, exists). Argument: the root context.
*/}}
{{- define "nexus.prerequisites.live" -}}
{{- if (.Values.global | default dict).checkPrerequisites -}}
{{- $probe := include "nexus.lookup" (dict "context" . "apiVersion" "v1" "kind" "ConfigMap" "name" "kube-root-ca.crt") | fromYaml -}}
{{- if $probe.data -}}
true
{{- end -}}
{{- end -}}
{{- end -}}
