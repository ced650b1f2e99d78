{{/*
nexus.database.jobPod: the pod template spec shared by the backup CronJob and the restore Job. Both
run the scripts from the `<fullname>-scripts` ConfigMap as a superuser over TCP, with the backup
volume mounted at /backups.
Arguments (dict): context, component ("backup" or "restore"), script, env (extra env YAML list, string),
volumes / mounts (extra YAML list strings), externalSecrets (list of extra Secret names it reads).
*/}}
{{- define "nexus.database.jobPod" -}}
{{- $ := .context -}}
{{- $v := $.Values -}}
metadata:
  labels:
    {{- include "nexus.podLabels" (dict "context" $ "component" .component "labels" $v.podLabels) | nindent 4 }}
  annotations:
    {{- include "nexus.checksum" (dict "context" $ "files" (list "scripts-configmap.yaml")) | nindent 4 }}
    {{- with include "nexus.database.externalSecrets" (dict "context" $ "extra" (concat (.externalSecrets | default list) (list (ternary (include "nexus.database.tlsSecret" $) "" (and $v.tls.enabled (ne $v.mode "external")))))) }}
    nexus.dev/external-secrets: {{ . | quote }}
    {{- end }}
spec:
  restartPolicy: Never
  serviceAccountName: {{ include "nexus.serviceAccountName" (dict "context" $ "component" "postgresql" "serviceAccount" $v.serviceAccount "name" (include "nexus.fullname" $)) }}
  automountServiceAccountToken: false
  {{- with include "nexus.imagePullSecrets" (dict "context" $) }}
  {{- . | nindent 2 }}
  {{- end }}
  securityContext:
    {{- include "nexus.podSecurityContext" (dict "securityContext" $v.podSecurityContext) | nindent 4 }}
  {{- with include "nexus.podPlacement" (dict "nodeSelector" $v.nodeSelector "tolerations" $v.tolerations) }}
  {{- . | nindent 2 }}
  {{- end }}
  containers:
    - name: {{ .component }}
      image: {{ include "nexus.image" (dict "image" $v.backup.image "context" $) | quote }}
      imagePullPolicy: {{ $v.backup.image.pullPolicy }}
      command: [/bin/bash, /scripts/{{ .script }}]
      env:
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
        - name: BACKUP_DIR
          value: /backups
        - name: GNUPGHOME
          value: /tmp/gnupg
        {{- .env | nindent 8 }}
      resources:
        {{- include "nexus.resources" $v.backup.resources | nindent 8 }}
      securityContext:
        {{- include "nexus.containerSecurityContext" (dict "securityContext" $v.podSecurityContext) | nindent 8 }}
      volumeMounts:
        - name: scripts
          mountPath: /scripts
          readOnly: true
        - name: backups
          mountPath: /backups
        - name: tmp
          mountPath: /tmp
        {{- if and $v.tls.enabled (ne $v.mode "external") }}
        - name: database-ca
          mountPath: /etc/postgresql-ca
          readOnly: true
        {{- end }}
        {{- with .mounts }}
        {{- . | nindent 8 }}
        {{- end }}
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
{{- end -}}
