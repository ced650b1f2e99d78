{{/*
Umbrella helpers (prefixed nexus.umbrella.*). The umbrella chart is the only chart that sees every
tier's values, so it renders what spans tiers: the release default-deny, DNS egress, the stateless
tiers' allow-lists (dropping rules to disabled tiers) and the smoke tests.
*/}}

{{/*
nexus.umbrella.tierFullname: a tier's resource name as its chart computes it, honouring that tier's
fullnameOverride/nameOverride. Arguments (dict): context, tier.
*/}}
{{- define "nexus.umbrella.tierFullname" -}}
{{- $values := index .context.Values .tier | default dict -}}
{{- if $values.fullnameOverride -}}
{{- $values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := $values.nameOverride | default .tier -}}
{{- if eq .context.Release.Name $name -}}
{{- .context.Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .context.Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
nexus.umbrella.statelessTiers: the enabled stateless tiers (values sections built by
statelessTierShape: they carry networkPolicy.allowTo and containerPort), sorted, as a YAML list.
Argument: the root context.
*/}}
{{- define "nexus.umbrella.statelessTiers" -}}
{{- $tiers := list -}}
{{- range $name, $values := .Values -}}
{{- if and (kindIs "map" $values) (hasKey $values "containerPort") (hasKey $values "networkPolicy") -}}
{{- if and $values.enabled (hasKey $values.networkPolicy "allowTo") -}}
{{- $tiers = append $tiers $name -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml (sortAlpha $tiers) -}}
{{- end -}}

{{/* nexus.umbrella.tierEnabled: "true" when the values key `tier` exists and is enabled. Arguments (dict): context, tier. */}}
{{- define "nexus.umbrella.tierEnabled" -}}
{{- $values := index .context.Values .tier | default dict -}}
{{- if and (kindIs "map" $values) $values.enabled -}}
true
{{- end -}}
{{- end -}}

{{/* nexus.umbrella.ports: nexus.networkPolicy.ports (TCP) from a list of numbers (values may arrive as floats). */}}
{{- define "nexus.umbrella.ports" -}}
{{- $ports := list -}}
{{- range . -}}
{{- $ports = append $ports (. | int64) -}}
{{- end -}}
{{- include "nexus.networkPolicy.ports" (dict "ports" $ports) -}}
{{- end -}}

{{/*
nexus.umbrella.gatewayArgs: the dict the nexus.gateway.* helpers take, for the umbrella.
*/}}
{{- define "nexus.umbrella.gatewayArgs" -}}
{{- toYaml (dict "name" (include "nexus.umbrella.tierFullname" (dict "context" . "tier" "gateway"))) -}}
{{- end -}}

{{/*
nexus.umbrella.loadtestConsumer: "true" while the k6 load test loads the gateway (its derived URL) and the
gateway rate-limits with a KongPlugin: the load generator then identifies as its own Kong consumer with
its own limit (loadtest.gatewayClient; gateway/loadtest-consumer.yaml). Argument: the root context.
*/}}
{{- define "nexus.umbrella.loadtestConsumer" -}}
{{- $lt := .Values.loadtest -}}
{{- $args := merge (include "nexus.umbrella.gatewayArgs" . | fromYaml) (dict "context" . "gateway" .Values.gateway) -}}
{{- if and $lt.enabled $lt.gatewayClient.enabled $lt.targets.gateway.enabled (not $lt.targets.gateway.url) (include "nexus.umbrella.tierEnabled" (dict "context" . "tier" "gateway")) (include "nexus.gateway.rateLimitOn" $args) -}}
true
{{- end -}}
{{- end -}}

{{/* nexus.umbrella.loadtestConsumerName: `<release>-loadtest` (the KongConsumer, its username and its plugins' prefix). */}}
{{- define "nexus.umbrella.loadtestConsumerName" -}}
{{- include "nexus.componentName" (dict "context" . "component" "loadtest") -}}
{{- end -}}

{{/*
nexus.umbrella.routes: the gateway's routes to ENABLED tiers, as a YAML list of {path, service, port},
longest path first (so `/api` is matched before `/`). Ports are the tiers' own service ports.
Argument: the root context.
*/}}
{{- define "nexus.umbrella.routes" -}}
{{- $routes := list -}}
{{- $keys := list -}}
{{- range $tier, $path := dict "frontend" .Values.gateway.frontendPath "backend" .Values.gateway.backendPath -}}
{{- if include "nexus.umbrella.tierEnabled" (dict "context" $ "tier" $tier) -}}
{{- $order := printf "%04d-%s" (sub 1000 (len $path)) $path -}}
{{- $keys = append $keys $order -}}
{{- $routes = append $routes (dict "path" $path "service" (include "nexus.umbrella.tierFullname" (dict "context" $ "tier" $tier)) "port" ((index $.Values $tier).service.port | int64) "order" $order) -}}
{{- end -}}
{{- end -}}
{{- $sorted := list -}}
{{- range $key := sortAlpha $keys -}}
{{- range $routes -}}
{{- if eq .order $key -}}
{{- $sorted = append $sorted (omit . "order") -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml $sorted -}}
{{- end -}}

{{/*
nexus.umbrella.operatorPeer: the labels of the pods an operator runs in place of a tier's component,
as a YAML map, or nothing when the tier runs its own pods. With database.mode cloudnativepg the
operator labels its pods itself (it overwrites app.kubernetes.io/instance and component), so the
database's PgBouncer is the Pooler's pods (`cnpg.io/poolerName`) and PostgreSQL the Cluster's
instances (`cnpg.io/cluster` and `cnpg.io/podRole: instance`: the Pooler's pods carry the cluster label
too); both listen on 5432 (the Pooler's Service maps the bundled port to it).
Arguments (dict): context, tier, component.
*/}}
{{- define "nexus.umbrella.operatorPeer" -}}
{{- if and (eq .tier "database") (eq (.context.Values.database.mode | default "bundled") "cloudnativepg") -}}
{{- $db := include "nexus.umbrella.tierFullname" (dict "context" .context "tier" "database") -}}
{{- if eq .component "pgbouncer" -}}
{{- toYaml (dict "cnpg.io/poolerName" (printf "%s-pgbouncer" $db | trunc 63 | trimSuffix "-")) -}}
{{- else if eq .component "postgresql" -}}
{{- toYaml (dict "cnpg.io/cluster" $db "cnpg.io/podRole" "instance") -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
nexus.umbrella.externalService: where a data tier in `mode: external` is reached, as YAML {port, cidrs},
or nothing while the tier runs its own pods. A NetworkPolicy cannot select a DNS name, so its clients
get egress on that port to the tier's external.egress.cidrs, or to any address when none are listed.
Arguments (dict): context, tier.
*/}}
{{- define "nexus.umbrella.externalService" -}}
{{- $values := index .context.Values .tier | default dict -}}
{{- if and (has .tier (list "database" "cache")) (kindIs "map" $values) (eq ($values.mode | default "bundled") "external") -}}
{{- toYaml (dict "port" ($values.external.port | int64) "cidrs" ($values.external.egress.cidrs | default list)) -}}
{{- end -}}
{{- end -}}

{{/*
nexus.umbrella.externalEgress: the egress rule to an external data tier (nexus.umbrella.externalService).
Arguments (dict): context, tier.
*/}}
{{- define "nexus.umbrella.externalEgress" -}}
{{- $ext := include "nexus.umbrella.externalService" . | fromYaml -}}
{{- $rule := dict "ports" (include "nexus.umbrella.ports" (list $ext.port) | fromYamlArray) -}}
{{- with $ext.cidrs -}}
{{- $peers := list -}}
{{- range . }}{{ $peers = append $peers (dict "ipBlock" (dict "cidr" .)) }}{{ end -}}
{{- $_ := set $rule "to" $peers -}}
{{- end -}}
{{- toYaml $rule -}}
{{- end -}}

{{/*
nexus.umbrella.egressTo: the egress rules and external-peer declarations for a stateless tier's allowTo
entries, as YAML `{rules: [...], external: [...]}`: entries naming a disabled tier are dropped, entries
whose pods an operator runs (nexus.umbrella.operatorPeer) select those pods on the operator's port,
entries naming a tier in `mode: external` become one rule to its endpoint (nexus.umbrella.externalEgress),
the rest select the component's pods on the entry's ports (else `defaultPort`, else the target tier's
containerPort). `external` lists the operator-run label sets (`k=v`) for the `nexus.dev/external-peers`
annotation: those pods exist at run time but not in the render.
Arguments (dict): context, allowTo (list), defaultPort (optional), tiers (optional: only these tiers).
*/}}
{{- define "nexus.umbrella.egressTo" -}}
{{- $ctx := .context -}}
{{- $rules := list -}}
{{- $external := list -}}
{{- $externalTiers := list -}}
{{- range .allowTo -}}
{{- if and (include "nexus.umbrella.tierEnabled" (dict "context" $ctx "tier" .tier)) (or (not $.tiers) (has .tier ($.tiers | default list))) -}}
{{- $component := .component | default .tier -}}
{{- $operator := include "nexus.umbrella.operatorPeer" (dict "context" $ctx "tier" .tier "component" $component) | fromYaml -}}
{{- if include "nexus.umbrella.externalService" (dict "context" $ctx "tier" .tier) -}}
{{- if not (has .tier $externalTiers) -}}
{{- $externalTiers = append $externalTiers .tier -}}
{{- $rules = append $rules (include "nexus.umbrella.externalEgress" (dict "context" $ctx "tier" .tier) | fromYaml) -}}
{{- end -}}
{{- else if $operator -}}
{{- $rules = append $rules (dict "to" (list (dict "podSelector" (dict "matchLabels" $operator))) "ports" (include "nexus.umbrella.ports" (list 5432) | fromYamlArray)) -}}
{{- $set := list -}}
{{- range $k, $v := $operator -}}{{- $set = append $set (printf "%s=%s" $k $v) -}}{{- end -}}
{{- $external = append $external (join "," $set) -}}
{{- else -}}
{{- $ports := .ports -}}
{{- if not $ports -}}
{{- $ports = list ($.defaultPort | default (index $ctx.Values .tier).containerPort) -}}
{{- end -}}
{{- $rules = append $rules (dict "to" (include "nexus.networkPolicy.peer" (dict "context" $ctx "component" $component) | fromYamlArray) "ports" (include "nexus.umbrella.ports" $ports | fromYamlArray)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml (dict "rules" $rules "external" ($external | uniq)) -}}
{{- end -}}

{{/*
nexus.umbrella.retained: what `helm uninstall` leaves behind on purpose, as a YAML list of {kind, names,
why}: every StatefulSet volume claim (Kubernetes never deletes them with the StatefulSet: the data
outlives the release, and a reinstall under the same release name mounts it again), and every object
marked `helm.sh/resource-policy: keep`. NOTES.txt prints it; test/charts/uninstall.test.ts checks it
against the render. Argument: the root context.
*/}}
{{- define "nexus.umbrella.retained" -}}
{{- $out := list -}}
{{- $db := .Values.database -}}
{{- $dbName := include "nexus.umbrella.tierFullname" (dict "context" . "tier" "database") -}}
{{- if $db.enabled -}}
{{- if eq ($db.mode | default "bundled") "bundled" -}}
{{- $out = append $out (dict "kind" "PersistentVolumeClaim" "names" (list (printf "data-%s-0" $dbName)) "why" "PostgreSQL data (StatefulSet volume claim; persistentVolumeClaimRetentionPolicy Retain)") -}}
{{- end -}}
{{- if and (eq ($db.mode | default "bundled") "cloudnativepg") $db.cloudnativepg.keepOnUninstall -}}
{{- $out = append $out (dict "kind" "Cluster" "names" (list $dbName) "why" "the CloudNativePG database keeps running with its volumes (helm.sh/resource-policy: keep, database.cloudnativepg.keepOnUninstall); a re-install of this release adopts it") -}}
{{- if $db.backup.enabled -}}
{{- $out = append $out (dict "kind" "ObjectStore" "names" (list $dbName) "why" "where the kept Cluster archives its WAL and base backups (helm.sh/resource-policy: keep)") -}}
{{- $out = append $out (dict "kind" "ScheduledBackup" "names" (list $dbName) "why" "the kept Cluster's daily base backup (helm.sh/resource-policy: keep)") -}}
{{- end -}}
{{- end -}}
{{- /* CloudNativePG has no dump volume: its backups live in the object store. */ -}}
{{- if and (ne ($db.mode | default "bundled") "cloudnativepg") (or $db.backup.enabled $db.restore.requestId) -}}
{{- $out = append $out (dict "kind" "PersistentVolumeClaim" "names" (list (printf "%s-backups" $dbName | trunc 63 | trimSuffix "-")) "why" "the database dumps (helm.sh/resource-policy: keep): a backup must survive the release it backs up") -}}
{{- end -}}
{{- end -}}
{{- $cache := .Values.cache -}}
{{- $cacheName := include "nexus.umbrella.tierFullname" (dict "context" . "tier" "cache") -}}
{{- if and $cache.enabled $cache.persistence.enabled -}}
{{- $names := list -}}
{{- range $i := until (int $cache.replicas) -}}
{{- $names = append $names (printf "data-%s-%d" $cacheName $i) -}}
{{- end -}}
{{- $out = append $out (dict "kind" "PersistentVolumeClaim" "names" $names "why" "Redis data, AOF and RDB (StatefulSet volume claims)") -}}
{{- end -}}
{{- $mon := .Values.monitoring -}}
{{- $monName := include "nexus.umbrella.tierFullname" (dict "context" . "tier" "monitoring") -}}
{{- if and $mon.enabled (eq $mon.mode "bundled") -}}
{{- $out = append $out (dict "kind" "PersistentVolumeClaim" "names" (list (printf "data-%s-0" (printf "%s-prometheus" $monName | trunc 63 | trimSuffix "-"))) "why" "Prometheus metrics (StatefulSet volume claim)") -}}
{{- if $mon.alertmanager.enabled -}}
{{- $names := list -}}
{{- range $i := until (int $mon.alertmanager.replicas) -}}
{{- $names = append $names (printf "data-%s-%d" (printf "%s-alertmanager" $monName | trunc 63 | trimSuffix "-") $i) -}}
{{- end -}}
{{- $out = append $out (dict "kind" "PersistentVolumeClaim" "names" $names "why" "AlertManager silences and notification log (StatefulSet volume claims)") -}}
{{- end -}}
{{- end -}}
{{- if and $mon.enabled $mon.grafana.enabled $mon.grafana.persistence.enabled -}}
{{- $out = append $out (dict "kind" "PersistentVolumeClaim" "names" (list (printf "%s-grafana" $monName | trunc 63 | trimSuffix "-")) "why" "Grafana's database: users, UI-made dashboards, annotations (helm.sh/resource-policy: keep)") -}}
{{- end -}}
{{- $log := .Values.logging | default dict -}}
{{- if $log.enabled -}}
{{- $out = append $out (dict "kind" "PersistentVolumeClaim" "names" (list (printf "data-%s-0" (printf "%s-loki" (include "nexus.umbrella.tierFullname" (dict "context" . "tier" "logging")) | trunc 63 | trimSuffix "-"))) "why" "Loki's log chunks and index (StatefulSet volume claim)") -}}
{{- end -}}
{{- $production := eq (.Values.global.environment | default "development") "production" -}}
{{- $secrets := list -}}
{{- if and $db.enabled (not $db.auth.existingSecret) (not $production) -}}
{{- $secrets = append $secrets $dbName -}}
{{- end -}}
{{- if and $cache.enabled $cache.auth.enabled (not $cache.auth.existingSecret) (not $production) -}}
{{- $secrets = append $secrets $cacheName -}}
{{- end -}}
{{- with $secrets -}}
{{- $out = append $out (dict "kind" "Secret" "names" . "why" "generated passwords the kept data volumes were initialised with (helm.sh/resource-policy: keep): a reinstall must find them") -}}
{{- end -}}
{{- if .Values.namespace.create -}}
{{- $out = append $out (dict "kind" "Namespace" "names" (list .Release.Namespace) "why" "created by the chart (helm.sh/resource-policy: keep): deleting it would delete every volume above") -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/*
nexus.umbrella.kongPrometheus: the name of the KongPlugin that turns on Kong's Prometheus plugin on
the gateway's routes (`<gateway>-prometheus`), when monitoring scrapes Kong
(monitoring.prometheus.kong.enabled with clusterWideDiscovery) and the KongPlugin API is served (or
gateway.rateLimiting.force); else empty. Argument: the root context.
*/}}
{{- define "nexus.umbrella.kongPrometheus" -}}
{{- $m := .Values.monitoring | default dict -}}
{{- $gw := .Values.gateway | default dict -}}
{{- if and $m.enabled (eq $m.mode "bundled") $m.prometheus.kong.enabled $m.prometheus.clusterWideDiscovery $gw.enabled -}}
{{- if include "nexus.apiServed" (dict "context" . "api" "configuration.konghq.com/v1" "force" $gw.rateLimiting.force) -}}
{{- printf "%s-prometheus" (include "nexus.umbrella.tierFullname" (dict "context" . "tier" "gateway")) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}
