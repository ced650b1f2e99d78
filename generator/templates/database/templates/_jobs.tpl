{{/*
nexus.database.jobPod: the pod template spec shared by the backup CronJob and the restore Job. The pod
is a sequence of steps: every step but the last is an init container (Kubernetes runs them in order and
stops at the first failure), the last is the main container, so the pod — and the Job — succeeds only
when every step did. A step runs a script of the `<fullname>-scripts` ConfigMap in one of two images:
  postgres  the backup image (PostgreSQL client and server, gpg): as a superuser over TCP, with the libpq
            environment;
  uploader  the object-storage image (rclone, POSIX sh): with the `nexus` rclone remote configured from
            backup.objectStorage.
Steps share the backup volume (/backups) and a per-pod hand-off directory (/run/nexus-backup).
Arguments (dict): context, component ("backup" or "restore"), values (the job's section, for its
extension knobs), steps (list of dicts: name, kind, script, env (list of EnvVar dicts)), volumes /
mounts (extra YAML list strings), externalSecrets (list of extra Secret names it reads).
*/}}
{{- define "nexus.database.jobPod" -}}
{{- $ := .context -}}
{{- $v := $.Values -}}
{{- $job := .values -}}
{{- $refs := include "nexus.ext.references" $job | fromYaml -}}
{{- $annotations := include "nexus.checksum" (dict "context" $ "files" (list "scripts-configmap.yaml")) | fromYaml | default dict -}}
{{- with include "nexus.database.externalSecrets" (dict "context" $ "extra" (concat (.externalSecrets | default list) ($refs.secrets | default list) (list (ternary (include "nexus.database.tlsSecret" $) "" (and $v.tls.enabled (ne $v.mode "external")))))) }}
{{- $_ := set $annotations "nexus.dev/external-secrets" . -}}
{{- end }}
{{- with $refs.configmaps }}
{{- $_ := set $annotations "nexus.dev/external-configmaps" (join "," .) -}}
{{- end }}
{{- $annotations = merge $annotations (include "nexus.annotations" (dict "context" $ "annotations" $job.podAnnotations) | fromYaml | default dict) -}}
{{- $steps := .steps -}}
{{- $last := sub (len $steps) 1 | int -}}
{{- $stepArgs := dict "context" $ "job" $job "mounts" .mounts -}}
metadata:
  labels:
    {{- include "nexus.podLabels" (dict "context" $ "component" .component "labels" (merge (deepCopy ($job.podLabels | default dict)) ($v.podLabels | default dict))) | nindent 4 }}
  annotations:
    {{- toYaml $annotations | nindent 4 }}
spec:
  restartPolicy: Never
  serviceAccountName: {{ include "nexus.serviceAccountName" (dict "context" $ "component" "postgresql" "serviceAccount" $v.serviceAccount "name" (include "nexus.fullname" $)) }}
  automountServiceAccountToken: false
  {{- with include "nexus.imagePullSecrets" (dict "context" $) }}
  {{- . | nindent 2 }}
  {{- end }}
  securityContext:
    {{- include "nexus.podSecurityContext" (dict "securityContext" $v.podSecurityContext) | nindent 4 }}
  {{- /* Placement: the job's keys, else the tier root's; no generated anti-affinity (one pod at a time). */}}
  {{- $placement := dict }}
  {{- range $key := list "affinity" "nodeSelector" "tolerations" "priorityClassName" "runtimeClassName" "hostAliases" "dnsConfig" }}
  {{- with (get $job $key) | default (get $v $key) }}{{ $_ := set $placement $key . }}{{ end }}
  {{- end }}
  {{- with $placement.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with include "nexus.podPlacement" $placement }}
  {{- . | nindent 2 }}
  {{- end }}
  {{- if gt $last 0 }}
  initContainers:
    {{- range $i, $step := $steps }}
    {{- if lt $i $last }}
    {{- include "nexus.database.jobContainer" (merge (dict "step" $step) $stepArgs) | nindent 4 }}
    {{- end }}
    {{- end }}
  {{- end }}
  containers:
    {{- include "nexus.database.jobContainer" (merge (dict "step" (index $steps $last)) $stepArgs) | nindent 4 }}
  volumes:
    - name: scripts
      configMap:
        name: {{ include "nexus.suffixedName" (dict "name" (include "nexus.fullname" $) "suffix" "scripts") }}
        defaultMode: 0555
    - name: backups
      persistentVolumeClaim:
        claimName: {{ include "nexus.componentName" (dict "context" $ "component" "backups") }}
    - name: tmp
      emptyDir: {}
    - name: handoff
      emptyDir:
        sizeLimit: 1Mi
    {{- if and $v.tls.enabled (ne $v.mode "external") }}
    - name: database-ca
      secret:
        secretName: {{ include "nexus.database.tlsSecret" $ | quote }}
        defaultMode: 292  # 0444 (decimal, so YAML 1.1 and 1.2 parsers agree)
        items:
          - key: {{ $v.tls.caKey | quote }}
            path: ca.crt
    {{- end }}
    {{- with .volumes }}
    {{- . | nindent 4 }}
    {{- end }}
    {{- with include "nexus.extraVolumes" (dict "context" $ "values" $job) }}
    {{- . | nindent 4 }}
    {{- end }}
{{- end -}}

{{/*
nexus.database.jobContainer: one step of a backup/restore pod (see nexus.database.jobPod).
Arguments (dict): context, job (the job's values), step, mounts (extra YAML list string).
*/}}
{{- define "nexus.database.jobContainer" -}}
{{- $ := .context -}}
{{- $v := $.Values -}}
{{- $step := .step -}}
{{- $uploader := eq $step.kind "uploader" -}}
{{- $image := ternary $v.backup.objectStorage.image $v.backup.image $uploader -}}
- name: {{ $step.name }}
  image: {{ include "nexus.image" (dict "image" $image "context" $) | quote }}
  imagePullPolicy: {{ $image.pullPolicy }}
  command: [{{ ternary "/bin/sh" "/bin/bash" $uploader }}, /scripts/{{ $step.script }}]
  env:
    {{- if $uploader }}
    {{- include "nexus.database.rcloneEnv" $ | nindent 4 }}
    {{- else }}
    - name: PGHOST
      value: {{ include "nexus.database.primaryHost" $ | quote }}
    {{- /* A managed database (external mode) is dumped as the application's owner: no superuser there. */}}
    {{- $external := include "nexus.database.external" $ }}
    - name: PGPORT
      value: {{ ternary $v.external.port $v.port (not (empty $external)) | quote }}
    - name: PGUSER
      value: {{ ternary $v.auth.username "postgres" (not (empty $external)) | quote }}
    - name: PGPASSWORD
      valueFrom:
        secretKeyRef:
          name: {{ include "nexus.database.secretName" $ }}
          key: {{ ternary $v.auth.userPasswordKey $v.auth.adminPasswordKey (not (empty $external)) | quote }}
    - name: PGSSLMODE
      value: {{ include "nexus.database.sslmode" $ }}
    {{- if and $v.tls.enabled (ne $v.mode "external") }}
    # verify-full: the server's certificate must chain to this CA and name PGHOST.
    - name: PGSSLROOTCERT
      value: /etc/postgresql-ca/ca.crt
    {{- end }}
    - name: PGCONNECT_TIMEOUT
      value: "10"
    - name: GNUPGHOME
      value: /tmp/gnupg
    {{- end }}
    - name: BACKUP_DIR
      value: /backups
    - name: HANDOFF_DIR
      value: /run/nexus-backup
    {{- with $step.env }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
    {{- with include "nexus.extraEnv" (dict "context" $ "values" .job) }}
    {{- . | nindent 4 }}
    {{- end }}
  {{- with include "nexus.extraEnvFrom" (dict "context" $ "values" .job) }}
  envFrom:
    {{- . | nindent 4 }}
  {{- end }}
  resources:
    {{- include "nexus.resources" (ternary $v.backup.objectStorage.resources (.job.resources | default $v.backup.resources) $uploader) | nindent 4 }}
  securityContext:
    {{- include "nexus.containerSecurityContext" (dict "securityContext" $v.podSecurityContext) | nindent 4 }}
  volumeMounts:
    - name: scripts
      mountPath: /scripts
      readOnly: true
    - name: backups
      mountPath: /backups
    - name: tmp
      mountPath: /tmp
    - name: handoff
      mountPath: /run/nexus-backup
    {{- if and (not $uploader) $v.tls.enabled (ne $v.mode "external") }}
    - name: database-ca
      mountPath: /etc/postgresql-ca
      readOnly: true
    {{- end }}
    {{- if and (not $uploader) .mounts }}
    {{- .mounts | nindent 4 }}
    {{- end }}
    {{- if and $uploader (eq $v.backup.objectStorage.type "gcs") }}
    - name: object-storage-credentials
      mountPath: /etc/object-storage
      readOnly: true
    {{- end }}
    {{- with include "nexus.extraVolumeMounts" (dict "context" $ "values" .job) }}
    {{- . | nindent 4 }}
    {{- end }}
{{- end -}}

{{/*
nexus.database.rcloneEnv: the uploader's environment: the rclone remote `nexus` defined by
RCLONE_CONFIG_NEXUS_* variables (no config file; credentials from backup.objectStorage.existingSecret),
and REMOTE, the bucket path the scripts use.
*/}}
{{- define "nexus.database.rcloneEnv" -}}
{{- $o := .Values.backup.objectStorage -}}
- name: HOME
  value: /tmp
- name: RCLONE_CONFIG
  value: /tmp/rclone.conf
- name: REMOTE
  value: {{ printf "nexus:%s" (trimSuffix "/" $o.bucket) | quote }}
- name: RCLONE_CONFIG_NEXUS_TYPE
  value: {{ $o.type | quote }}
{{- if eq $o.type "s3" }}
- name: RCLONE_CONFIG_NEXUS_PROVIDER
  value: {{ $o.provider | default (ternary "Other" "AWS" (ne $o.endpoint "")) | quote }}
# env_auth: the AWS credential chain (the variables below; a web identity token such as IRSA when they are absent).
- name: RCLONE_CONFIG_NEXUS_ENV_AUTH
  value: "true"
{{- with $o.endpoint }}
- name: RCLONE_CONFIG_NEXUS_ENDPOINT
  value: {{ . | quote }}
{{- end }}
{{- with $o.region }}
- name: RCLONE_CONFIG_NEXUS_REGION
  value: {{ . | quote }}
{{- end }}
- name: RCLONE_CONFIG_NEXUS_FORCE_PATH_STYLE
  value: {{ $o.forcePathStyle | quote }}
# The bucket exists already; credentials scoped to its objects cannot create or list buckets.
- name: RCLONE_CONFIG_NEXUS_NO_CHECK_BUCKET
  value: "true"
{{- range $var := list "AWS_ACCESS_KEY_ID" "AWS_SECRET_ACCESS_KEY" }}
- name: {{ $var }}
  valueFrom:
    secretKeyRef:
      name: {{ $o.existingSecret | quote }}
      key: {{ $var }}
{{- end }}
{{- else if eq $o.type "gcs" }}
- name: RCLONE_CONFIG_NEXUS_SERVICE_ACCOUNT_FILE
  value: /etc/object-storage/service-account.json
- name: RCLONE_CONFIG_NEXUS_BUCKET_POLICY_ONLY
  value: "true"
{{- else if eq $o.type "azureblob" }}
- name: RCLONE_CONFIG_NEXUS_ACCOUNT
  valueFrom:
    secretKeyRef:
      name: {{ $o.existingSecret | quote }}
      key: AZURE_STORAGE_ACCOUNT
- name: RCLONE_CONFIG_NEXUS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $o.existingSecret | quote }}
      key: AZURE_STORAGE_KEY
{{- end }}
{{- end -}}

{{/*
nexus.database.objectStorageVolume: the pod volume with the GCS service-account key (type gcs), as a YAML
list string ("" otherwise).
*/}}
{{- define "nexus.database.objectStorageVolume" -}}
{{- $o := .Values.backup.objectStorage -}}
{{- if and $o.enabled (eq $o.type "gcs") -}}
- name: object-storage-credentials
  secret:
    secretName: {{ $o.existingSecret | quote }}
    defaultMode: 0440
    items:
      - key: GOOGLE_SERVICE_ACCOUNT_JSON
        path: service-account.json
{{- end -}}
{{- end -}}

{{/*
nexus.database.jobDeadline: activeDeadlineSeconds of a backup ("backup") or restore ("restore") run:
backup.activeDeadlineSeconds when set, else derived from backup.sizing (see the value's description):
one hour of fixed time plus one pass over the declared database size per step, at throughputMiBps per
worker. Argument (dict): context, job.
*/}}
{{- define "nexus.database.jobDeadline" -}}
{{- $v := .context.Values -}}
{{- $b := $v.backup -}}
{{- if not (kindIs "invalid" $b.activeDeadlineSeconds) -}}
{{- $b.activeDeadlineSeconds | int64 -}}
{{- else -}}
{{- $mib := include "nexus.stateful.mebibytes" ($b.sizing.databaseSize | default $v.storage.size) | int64 -}}
{{- $rate := $b.sizing.throughputMiBps | int64 -}}
{{- $pass := div (add $mib $rate -1) $rate | int64 -}}
{{- $workers := ternary ($b.jobs | int64) 1 (eq $b.format "directory") | int64 -}}
{{- $parallel := div (add $pass $workers -1) $workers | int64 -}}
{{- $remote := ternary $pass 0 $b.objectStorage.enabled | int64 -}}
{{- if eq .job "backup" -}}
{{- /* dump (parallel), verify, encrypt + checksum, upload; the restore test restores (2 passes) */ -}}
{{- add 3600 $parallel (mul $pass 2) $remote (ternary (mul $pass 2) 0 $b.verification.restoreTest) | int64 -}}
{{- else -}}
{{- /* download, checksum, decrypt, verify, restore (2 passes, parallel) */ -}}
{{- add 3600 (ternary $pass 0 (eq $v.restore.source "objectStorage")) (mul $pass 3) (mul $parallel 2) | int64 -}}
{{- end -}}
{{- end -}}
{{- end -}}
