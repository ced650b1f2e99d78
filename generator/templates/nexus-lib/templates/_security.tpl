{{/*
The Pod Security Standards "restricted" profile, in one place. Only the identity (UID/GID/fsGroup)
comes from values; the rest is fixed, so no tier can weaken it by accident.
*/}}

{{/*
nexus.podSecurityContext: the pod-level securityContext body (without the `securityContext:` key).
Arguments (dict):
  securityContext  a podSecurity values object {runAsUser, runAsGroup, fsGroup}
*/}}
{{- define "nexus.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .securityContext.runAsUser | int64 }}
runAsGroup: {{ .securityContext.runAsGroup | int64 }}
{{- with .securityContext.fsGroup }}
fsGroup: {{ . | int64 }}
fsGroupChangePolicy: OnRootMismatch
{{- end }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/*
nexus.containerSecurityContext: the container-level securityContext body: non-root with the pod's
UID/GID, read-only root filesystem, no privilege escalation, every capability dropped, seccomp
RuntimeDefault.
Arguments (dict):
  securityContext         the same podSecurity values object as the pod
  readOnlyRootFilesystem  optional; defaults to true (set false only with a documented exemption)
*/}}
{{- define "nexus.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .securityContext.runAsUser | int64 }}
runAsGroup: {{ .securityContext.runAsGroup | int64 }}
readOnlyRootFilesystem: {{ hasKey . "readOnlyRootFilesystem" | ternary .readOnlyRootFilesystem true }}
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end -}}
