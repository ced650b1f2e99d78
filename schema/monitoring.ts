/**
 * The monitoring tier: Prometheus (bundled) or ServiceMonitor/PrometheusRule objects (operator mode),
 * the NEXUS alert and recording rules with their thresholds, AlertManager routing by severity, and
 * Grafana with the platform dashboard. Receiver secrets and the Grafana admin are referenced, never inlined.
 */
import { z } from 'zod';
import { containerExtensions, diagnosticMode, placement, podExtensions, serviceSection } from './extensions.ts';
import { openObject, port, promDuration, quantity, resourceName, stringMap } from './primitives.ts';
import { accessModesField, image, naming, networkPolicy, persistentStorage, podPlacement, podSecurity, resources, serviceAccount, storageClassField } from './workload.ts';

export const RECEIVER_TYPES = ['pagerduty', 'slack', 'opsgenie', 'webhook'] as const;

const receiver = (d: { type: (typeof RECEIVER_TYPES)[number]; key: string }, what: string) =>
  z
    .strictObject({
      type: z
        .enum(RECEIVER_TYPES)
        .default(d.type)
        .describe('Receiver integration. The Secret key is mounted as a file: pagerduty `routing_key_file`, slack `api_url_file`, opsgenie `api_key_file`, webhook a bearer `credentials_file`.'),
      existingSecret: resourceName().default('').describe('Secret holding the integration key / webhook URL (mounted as a file, never inlined). Empty: the receiver exists but notifies nobody.'),
      key: z.string().min(1).default(d.key).describe('Key in that Secret.'),
      channel: z.string().default('').describe('Chat channel (slack only).'),
      url: z.string().default('').describe('Webhook URL (webhook only). Not a secret: the bearer token comes from the Secret key.'),
      sendResolved: z.boolean().default(true).describe('Also notify when the alert resolves.'),
    })
    .prefault({})
    .describe(`The ${what} receiver.`);

const scrapeTarget = z
  .strictObject({
    component: z.string().min(1).describe('`app.kubernetes.io/component` label of the pods to scrape.'),
    portName: z.string().min(1).max(15).default('metrics').describe('Name of the container port that serves metrics.'),
    path: z.string().startsWith('/').default('/metrics').describe('Metrics path.'),
  })
  .describe('A component of this release to scrape (pod discovery in the release namespace).');

/**
 * What the other tiers expose: a container port named `metrics`. The frontend serves it from the
 * OpenTelemetry Prometheus exporter (port 9464, `/metrics`); a tier whose metrics are off has no such
 * port, so it never shows up as a target that is down.
 */
const DEFAULT_SCRAPE_TARGETS: z.output<typeof scrapeTarget>[] = [
  { component: 'backend', portName: 'metrics', path: '/metrics' },
  { component: 'frontend', portName: 'metrics', path: '/metrics' },
  { component: 'postgresql', portName: 'metrics', path: '/metrics' },
  { component: 'pgbouncer', portName: 'metrics', path: '/metrics' },
  { component: 'redis', portName: 'metrics', path: '/metrics' },
];

export const MonitoringSection = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Deploy the monitoring stack.'),
    ...naming(),
    mode: z
      .enum(['bundled', 'operator'])
      .default('bundled')
      .describe('`bundled`: run Prometheus here; `operator`: emit ServiceMonitor/PrometheusRule for an existing Prometheus Operator (when `monitoring.coreos.com/v1` is served, or `operator.force`; in production always, so they are never left out silently).'),
    operator: z
      .strictObject({
        force: z.boolean().default(false).describe('Render ServiceMonitor/PrometheusRule without detecting the API (e.g. with `helm template`).'),
        labels: stringMap().default({}).describe('Labels the operator\'s `serviceMonitorSelector`/`ruleSelector` match (e.g. `release: kube-prometheus-stack`).'),
        prometheusUrl: z.string().default('').describe('URL of the operator-managed Prometheus Grafana queries (operator mode only), e.g. `http://prometheus-operated.monitoring.svc:9090`.'),
      })
      .prefault({})
      .describe('Operator mode.'),
    scrapeTargets: z
      .array(scrapeTarget)
      .default(DEFAULT_SCRAPE_TARGETS)
      .describe('Components scraped by name. Any other pod of the release with a container port named `metrics` is scraped too (job `nexus-pods`). While the logging tier is installed, Loki (`loki`, port `http-metrics`) is added unless listed here.'),
    prometheus: z
      .strictObject({
        // 3.13 is the long-term support line (until 2027-07-31); 2.53 LTS ended in 2025. The flags and the
        // configuration this chart renders are valid for both.
        image: image({ registry: 'quay.io', repository: 'prometheus/prometheus', tag: 'v3.13.2' }),
        port: port().default(9090).describe('Prometheus HTTP port.'),
        service: serviceSection('Prometheus'),
        retention: promDuration().default('15d').describe('How long samples are kept.'),
        retentionSize: z
          .string()
          .regex(/^$|^\d+(B|KB|MB|GB|TB|PB|EB)$/, { error: 'must be empty or a size such as `45GB`' })
          .default('')
          .describe('Size cap on the TSDB (e.g. `45GB`); empty for none.'),
        scrapeInterval: promDuration().default('30s').describe('Default scrape interval.'),
        scrapeTimeout: promDuration().default('10s').describe('Default scrape timeout (must not exceed the interval).'),
        evaluationInterval: promDuration().default('30s').describe('Rule evaluation interval.'),
        clusterWideDiscovery: z.boolean().default(false).describe('Grant cluster-wide discovery (a ClusterRole) and scrape kubelets (PVC usage). Off: a namespaced Role only.'),
        externalLabels: stringMap().default({}).describe('Labels added to every series and alert leaving this Prometheus.'),
        kubeStateMetrics: z
          .strictObject({
            enabled: z.boolean().default(true).describe('Scrape kube-state-metrics (pod, HPA and CronJob state for the Kubernetes alerts).'),
            target: z.string().min(1).default('kube-state-metrics.kube-system.svc:8080').describe('host:port of the cluster\'s kube-state-metrics; its series are filtered to this namespace.'),
          })
          .prefault({})
          .describe('kube-state-metrics, which the crash-loop, not-ready, HPA and backup-age rules need (not deployed by this chart).'),
        certManager: z
          .strictObject({
            enabled: z.boolean().default(false).describe('Scrape cert-manager (its controller\'s metrics port) and alert on certificates of this namespace close to expiry (`NexusCertificateExpiring`); off, that alert is not rendered, since nothing would feed it.'),
            target: z.string().min(1).default('cert-manager.cert-manager.svc:9402').describe('host:port of cert-manager\'s metrics; its series are filtered to this namespace.'),
          })
          .prefault({})
          .describe('cert-manager metrics (not deployed by this chart).'),
        kong: z
          .strictObject({
            enabled: z
              .boolean()
              .default(false)
              .describe(
                'Scrape the Kong gateway pods (the ingress controller\'s proxies, in `namespace`) for the Kong dashboard and its recording rules: requests, latency and rate-limited (429) answers per Service of this release. Needs `clusterWideDiscovery` (pod discovery outside the release namespace); the umbrella turns on Kong\'s Prometheus plugin (status-code, latency and bandwidth metrics) on the gateway\'s routes.',
              ),
            namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'must be a namespace name' }).default('kong').describe('Namespace of the Kong proxy pods.'),
            portName: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/).default('status').describe('Name of the Kong container port that serves `/metrics` (the status listener; `status` in the Kong Helm chart).'),
            port: port().default(8100).describe('Number of that port, for the NetworkPolicy egress.'),
          })
          .prefault({})
          .describe('Kong gateway metrics (the ingress controller is not deployed by this chart).'),
        extraScrapeConfigs: z.array(openObject()).default([]).describe('Extra Prometheus `scrape_configs` entries, appended verbatim (e.g. cert-manager or a blackbox exporter).'),
        apiServerEgress: z
          .strictObject({
            cidrs: z.array(z.string()).default([]).describe('CIDRs of the Kubernetes API server; empty allows the ports to any destination.'),
            ports: z.array(port()).min(1).default([443, 6443]).describe('API server ports.'),
          })
          .prefault({})
          .describe('NetworkPolicy egress Prometheus needs for Kubernetes service discovery.'),
        storage: persistentStorage({ size: '50Gi', claimTemplate: true, accessModes: false }, 'Prometheus'),
        resources: resources({ requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } }),
        podSecurityContext: podSecurity({ runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534 }),
        ...containerExtensions('prometheus'),
        ...podExtensions({ kind: 'StatefulSet' }),
        ...placement({ inherit: true }),
      })
      .prefault({})
      .describe('Prometheus.'),
    alertRules: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Ship the NEXUS alert and recording rules.'),
        apiComponent: z.string().min(1).default('backend').describe('Component whose HTTP metrics the API latency, error-rate and SLO alerts watch.'),
        latencyP95Seconds: z.number().positive().default(0.2).describe('API p95 latency above this fires `NexusApiLatencyHigh`.'),
        latencyFor: promDuration().default('10m').describe('How long the p95 must stay above the threshold.'),
        errorRatio: z.number().positive().max(1).default(0.05).describe('5xx ratio above this fires `NexusApiErrorRateHigh`.'),
        availabilityTarget: z.number().positive().lt(1).default(0.999).describe('Availability SLO the multi-window burn-rate alerts protect (`NexusApiErrorBudgetBurn`).'),
        podNotReadyFor: promDuration().default('15m').describe('How long a pod may crash-loop or stay not ready before an alert.'),
        hpaMaxedFor: promDuration().default('15m').describe('How long an HPA may sit at maxReplicas before `NexusHpaMaxedOut`.'),
        databaseConnectionsRatio: z.number().positive().max(1).default(0.8).describe('PostgreSQL connections above this share of max_connections fire `NexusPostgresqlTooManyConnections`.'),
        replicationLagSeconds: z.number().positive().default(30).describe('Replica lag above this fires `NexusPostgresqlReplicationLag` (only where replicas exist).'),
        backupMaxAgeHours: z.number().int().positive().default(26).describe('A backup older than this, or none for this long, fires `NexusBackupStale`.'),
        backupCronJobRegex: z.string().min(1).default('.*-backup').describe('CronJob names whose last success (kube-state-metrics) stands in for `nexus_backup_last_success_timestamp_seconds` when no backup metric is pushed.'),
        pvcUsageRatio: z.number().positive().max(1).default(0.85).describe('PVC usage above this fires `NexusPersistentVolumeFilling`.'),
        certExpiryDays: z.number().int().positive().default(14).describe('Certificates closer to expiry than this fire `NexusCertificateExpiring` (with `prometheus.certManager.enabled`, or in operator mode).'),
        targetAbsentFor: promDuration().default('15m').describe('How long a scrape job the alerts depend on (kube-state-metrics, kubelets, cert-manager) may have no healthy target before `NexusScrapeTargetAbsent`.'),
        logIngestionStoppedFor: promDuration().default('15m').describe('How long Loki may receive no log line before `NexusLogIngestionStopped` (only while the logging tier is installed).'),
        runbookBaseUrl: z.string().default('https://runbooks.nexus.example.com').describe('Base URL of the runbooks linked from each alert (`<base>/<AlertName>`).'),
      })
      .prefault({})
      .describe('Alert rules and their thresholds.'),
    alertmanager: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Deploy AlertManager.'),
        image: image({ registry: 'quay.io', repository: 'prometheus/alertmanager', tag: 'v0.33.1' }),
        port: port().default(9093).describe('AlertManager HTTP port.'),
        service: serviceSection('AlertManager'),
        replicas: z.number().int().min(1).default(1).describe('AlertManager replicas (clustered when more than one).'),
        storage: persistentStorage({ size: '2Gi', claimTemplate: true, accessModes: false }, 'AlertManager'),
        resources: resources({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } }),
        podSecurityContext: podSecurity({ runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534 }),
        ...containerExtensions('alertmanager'),
        ...podExtensions({ kind: 'StatefulSet' }),
        ...placement({ inherit: true }),
        groupBy: z.array(z.string()).default(['alertname', 'namespace', 'severity']).describe('Labels alerts are grouped by.'),
        groupWait: promDuration().default('30s').describe('Wait before the first notification of a group.'),
        groupInterval: promDuration().default('5m').describe('Wait before notifying about new alerts in a group.'),
        repeatInterval: promDuration().default('4h').describe('Wait before repeating a notification.'),
        inhibitEqual: z.array(z.string()).min(1).default(['namespace', 'component']).describe('Labels a critical and a warning must share for the critical to silence the warning.'),
        receivers: z
          .strictObject({
            paging: receiver({ type: 'pagerduty', key: 'routing-key' }, 'paging (severity=critical)'),
            chat: receiver({ type: 'slack', key: 'webhook-url' }, 'chat (severity=warning, and the default)'),
          })
          .prefault({})
          .describe('Receivers by severity.'),
      })
      .prefault({})
      .describe('AlertManager.'),
    grafana: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Deploy Grafana with the NEXUS dashboard.'),
        // 12.4: the last 12.x minor, which receives security fixes beside 13.x; 11.2 is out of support.
        image: image({ registry: 'docker.io', repository: 'grafana/grafana', tag: '12.4.10' }),
        port: port().default(3000).describe('Grafana port.'),
        service: serviceSection('Grafana'),
        admin: z
          .strictObject({
            existingSecret: resourceName()
              .default('')
              .describe('Secret with the admin credentials. Required in production. Empty (elsewhere): the chart generates `<release>-monitoring-grafana-admin` with user `admin` and a random password that upgrades keep (read it with `kubectl get secret`); never Grafana\'s built-in admin/admin.'),
            userKey: z.string().default('admin-user').describe('Key of the admin user name.'),
            passwordKey: z.string().default('admin-password').describe('Key of the admin password.'),
          })
          .prefault({})
          .describe('Admin credentials by reference.'),
        persistence: z
          .strictObject({
            enabled: z
              .boolean()
              .default(false)
              .describe(
                'Keep Grafana\'s database (users, preferences, UI-made dashboards, annotations, alert state) on a PVC; the Deployment then updates with `Recreate`, since a ReadWriteOnce volume cannot serve the old and the new pod at once. Off (the default): Grafana is stateless, on an emptyDir: data sources and the NEXUS dashboards are provisioned from the chart, and anything made in the UI is lost when the pod restarts.',
              ),
            size: quantity().default('10Gi').describe('Size of the volume (a plain PVC: raising it expands in place when the StorageClass allows).'),
            storageClass: storageClassField(),
            accessModes: accessModesField(),
          })
          .prefault({})
          .describe('Grafana persistence (off: documented stateless mode).'),
        route: z
          .strictObject({
            enabled: z
              .boolean()
              .default(false)
              .describe('Expose Grafana through the platform gateway (needs `gateway.enabled`): an Ingress of `gateway.ingress.className` in `ingress` mode, an HTTPRoute on `gateway.gatewayAPI`\'s Gateway in `gatewayAPI` mode; a NetworkPolicy admits the ingress controller (`security.networkPolicies.ingressController`) to Grafana\'s port. Off: reach Grafana with `kubectl port-forward`.'),
            host: z
              .string()
              .regex(/^$|^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/, { error: 'must be a DNS name such as `grafana.nexus.example.com`' })
              .default('')
              .describe('Host name Grafana is served on; empty: `grafana.<global.domain>`. Grafana\'s `root_url` is built from it.'),
            path: z
              .string()
              .regex(/^\/([A-Za-z0-9._~-]+\/?)*$/, { error: 'must be `/` or a path such as `/grafana`' })
              .default('/')
              .describe('Path prefix. `/` serves Grafana at the host\'s root; another prefix (`/grafana`, on a host shared with the platform) sets `serve_from_sub_path`, so Grafana answers under it and its links carry it.'),
            annotations: stringMap().default({}).describe('Extra annotations of the Ingress or HTTPRoute.'),
            sectionName: z.string().default('').describe('Gateway API mode: the listener of the Gateway to attach to (an HTTPS listener whose certificate covers `host`); empty: `gateway.gatewayAPI.sectionName`.'),
            tls: z
              .strictObject({
                enabled: z.boolean().default(true).describe('Serve Grafana over HTTPS (`root_url` starts with `https://`). Ingress mode: terminates at the Ingress with the Secret below. Gateway API mode: TLS terminates at the Gateway listener, whose certificate you (or cert-manager on the Gateway) provide.'),
                existingSecret: resourceName().default('').describe('Ingress mode: an existing kubernetes.io/tls Secret for `host`. Empty: `<release>-monitoring-grafana-tls`, which cert-manager creates when `certManager.enabled` (or you provide).'),
                certManager: z
                  .strictObject({
                    enabled: z.boolean().default(false).describe('Ingress mode: annotate the Ingress for cert-manager, which issues the Secret.'),
                    issuer: z.string().default('letsencrypt-prod').describe('Issuer name.'),
                    issuerKind: z.enum(['ClusterIssuer', 'Issuer']).default('ClusterIssuer').describe('Issuer kind.'),
                  })
                  .prefault({})
                  .describe('cert-manager integration (Ingress mode).'),
              })
              .prefault({})
              .describe('TLS for Grafana\'s route.'),
          })
          .prefault({})
          .describe('Grafana through the gateway (Ingress or HTTPRoute, with TLS).'),
        lokiUrl: z
          .string()
          .regex(/^$|^https?:\/\/[^\s]+$/, { error: 'must be empty or an http(s) URL such as `http://nexus-logging-loki.nexus-platform.svc:3100`' })
          .default('')
          .describe('Loki URL of the `Loki` data source, provisioned while the logging tier is installed. Empty derives the logging tier\'s default Service, `http://<release>-logging-loki.<namespace>.svc:3100`; set it when logging.fullnameOverride, nameOverride or loki.port change it.'),
        resources: resources({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } }),
        podSecurityContext: podSecurity({ runAsUser: 472, runAsGroup: 472, fsGroup: 472 }),
        ...containerExtensions('grafana'),
        ...podExtensions({ kind: 'Deployment', maxSurge: 1, maxUnavailable: 0 }),
        ...placement({ inherit: true }),
      })
      .prefault({})
      .describe('Grafana.'),
    serviceAccount: serviceAccount(),
    networkPolicy: networkPolicy(),
    diagnosticMode: diagnosticMode(),
    ...podPlacement(),
  })
  .prefault({})
  .describe('Monitoring: Prometheus, AlertManager and Grafana.');
