{{/*
nexus.logging.agentNamespaceName: the logging tier's node-agent namespace, shared by the logging chart
(which puts the agent there) and the umbrella (which isolates that namespace like the release's own):
the explicit name, else `<release namespace>-logs`.
Arguments (dict): context (the root context), name (logging.agent.namespace.name, may be empty).
*/}}
{{- define "nexus.logging.agentNamespaceName" -}}
{{- .name | default (printf "%s-logs" (include "nexus.namespace" .context) | trunc 63 | trimSuffix "-") -}}
{{- end -}}
