{{/*
nexus.storage.guard: refuses an upgrade that would change storage the API server will not change, before
anything is applied. Helm renders every template before it runs a hook or sends an object, so a `fail`
here stops the upgrade while nothing has changed (otherwise the server rejects the StatefulSet or PVC
half-way: after the pre-upgrade migration ran and new ReplicaSets rolled out).
The live object comes from nexus.lookup: under `helm template` / `--dry-run=client` there is none, and
the guard does nothing.
What the server forbids (apps/v1 StatefulSet and core/v1 PVC validation):
  StatefulSet  any change to spec.volumeClaimTemplates (claim names, sizes, classes, access modes);
  PVC          a different storageClassName or accessModes, a smaller size, and a larger one unless
               its StorageClass has allowVolumeExpansion.
Arguments (dict):
  context  the root context
  kind     "StatefulSet" or "PersistentVolumeClaim"
  name     the object's name
  values   the values path of the storage section, for the message (e.g. "cache.persistence")
  claims   list of {name, size, storageClass, accessModes} as the template renders them (storageClass
           before the global.storageClass fallback, which the guard applies like nexus.stateful.storageClass;
           accessModes may be omitted when fixed). For a PVC: one entry, named like the PVC.
*/}}
{{- define "nexus.storage.guard" -}}
{{- $ctx := .context -}}
{{- $sts := eq .kind "StatefulSet" -}}
{{- $live := include "nexus.lookup" (dict "context" $ctx "apiVersion" (ternary "apps/v1" "v1" $sts) "kind" .kind "name" .name) | fromYaml -}}
{{- if $live.spec -}}
{{- $globalClass := ($ctx.Values.global | default dict).storageClass | default "" -}}
{{- $liveClaims := dict -}}
{{- if $sts -}}
{{- range $live.spec.volumeClaimTemplates -}}
{{- $_ := set $liveClaims .metadata.name .spec -}}
{{- end -}}
{{- else -}}
{{- $_ := set $liveClaims .name $live.spec -}}
{{- end -}}
{{- $problems := list -}}
{{- $names := list -}}
{{- range .claims }}{{ $names = append $names .name }}{{ end -}}
{{- if ne (keys $liveClaims | sortAlpha | join ",") ($names | sortAlpha | join ",") -}}
{{- $problems = append $problems (printf "%s: the live StatefulSet has volume claims [%s], this upgrade renders [%s] (persistence switched on or off)" $.values (keys $liveClaims | sortAlpha | join ", ") ($names | sortAlpha | join ", ")) -}}
{{- end -}}
{{- $grow := false -}}
{{- range $c := .claims -}}
{{- $l := get $liveClaims $c.name -}}
{{- if $l -}}
{{- $liveSize := (($l.resources | default dict).requests | default dict).storage | default "" | toString -}}
{{- $old := include "nexus.stateful.mebibytes" $liveSize | int64 -}}
{{- $new := include "nexus.stateful.mebibytes" $c.size | int64 -}}
{{- if ne $old $new -}}
{{- if $sts -}}
{{- $problems = append $problems (printf "%s.size: %s live, %s asked" $.values $liveSize (toString $c.size)) -}}
{{- if gt $new $old }}{{ $grow = true }}{{ end -}}
{{- else if lt $new $old -}}
{{- $problems = append $problems (printf "%s.size: %s live, %s asked (a volume cannot shrink)" $.values $liveSize (toString $c.size)) -}}
{{- else -}}
{{- $sc := include "nexus.lookup" (dict "context" $ctx "apiVersion" "storage.k8s.io/v1" "kind" "StorageClass" "namespace" "" "name" ($l.storageClassName | default "")) | fromYaml -}}
{{- if not $sc.allowVolumeExpansion -}}
{{- $problems = append $problems (printf "%s.size: %s live, %s asked, but StorageClass %q does not allow volume expansion" $.values $liveSize (toString $c.size) ($l.storageClassName | default "")) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $class := $c.storageClass | default $globalClass -}}
{{- $liveClass := $l.storageClassName | default "" -}}
{{- if and (ne $class $liveClass) (or $sts $class) -}}
{{- $problems = append $problems (printf "%s.storageClass: %q live, %q asked" $.values $liveClass $class) -}}
{{- end -}}
{{- with $c.accessModes -}}
{{- if ne (toJson (. | sortAlpha)) (toJson ($l.accessModes | default list | sortAlpha)) -}}
{{- $problems = append $problems (printf "%s.accessModes: %s live, %s asked" $.values (toJson $l.accessModes) (toJson .)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if $problems -}}
{{- $what := ternary (printf "StatefulSet %s: Kubernetes forbids any change to its volumeClaimTemplates" .name) (printf "PersistentVolumeClaim %s" .name) $sts -}}
{{- $path := "keep the live values in the upgrade" -}}
{{- if and $sts $grow -}}
{{- $path = printf "%s; or grow the volumes in place: resize each PVC of the StatefulSet (kubectl patch pvc ... storage, with a StorageClass that allows expansion), `kubectl delete statefulset %s --cascade=orphan` (the pods keep running), then upgrade" $path .name -}}
{{- end -}}
{{- $path = printf "%s; or install a new release with these values and restore a backup into it (see the database chart's OPERATIONS.md)" $path -}}
{{- fail (printf "[storage-immutable] %s: %s. Nothing was changed. Supported paths: %s." $what (join "; " $problems) $path) -}}
{{- end -}}
{{- end -}}
{{- end -}}
