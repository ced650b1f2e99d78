import { z } from 'zod';
import { port, promDuration, quantity, resourceName, stringMap } from './primitives.ts';
import { image, naming, networkPolicy, podPlacement, podSecurity, resources, serviceAccount } from './workload.ts';

const storage = (size: string, what: string) =>
  z
    .strictObject({
      size: quantity().default(size).describe(`Size of the ${what} volume.`),
      storageClass: z.string().default('').describe('StorageClass; empty falls back to `global.storageClass`.'),
    })
    .prefault({})
    .describe(`Persistent storage for ${what}.`);

const receiver = (d: { type: 'pagerduty' | 'slack' | 'webhook'; key: string }, what: string) =>
  z
    .strictObject({
      type: z.enum(['pagerduty', 'slack', 'webhook']).default(d.type).describe('Receiver integration.'),
      existingSecret: resourceName().default('').describe('Secret holding the integration key / webhook URL (mounted as a file, never inlined).'),
      key: z.string().min(1).default(d.key).describe('Key in that Secret.'),
      channel: z.string().default('').describe('Chat channel (slack only).'),
    })
    .prefault({})
    .describe(`The ${what} receiver.`);

export const MonitoringSection = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Deploy the monitoring stack.'),
    ...naming(),
    mode: z.enum(['bundled', 'operator']).default('bundled').describe('`bundled`: run Prometheus here; `operator`: emit ServiceMonitor/PrometheusRule for an existing Prometheus Operator.'),
    prometheus: z
      .strictObject({
        image: image({ repository: 'quay.io/prometheus/prometheus', tag: 'v2.53.2' }),
        retention: promDuration().default('15d').describe('How long samples are kept.'),
        retentionSize: z.string().default('').describe('Size cap on the TSDB (e.g. `45GB`); empty for none.'),
        scrapeInterval: promDuration().default('30s').describe('Default scrape interval.'),
        evaluationInterval: promDuration().default('30s').describe('Rule evaluation interval.'),
        clusterWideDiscovery: z.boolean().default(false).describe('Grant cluster-wide discovery (a ClusterRole). Off: a namespaced Role only.'),
        externalLabels: stringMap().default({}).describe('Labels added to every series and alert leaving this Prometheus.'),
        storage: storage('50Gi', 'Prometheus'),
        resources: resources({ requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } }),
        podSecurityContext: podSecurity({ runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534 }),
      })
      .prefault({})
      .describe('Prometheus.'),
    alertRules: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Ship the NEXUS alert and recording rules.'),
        latencyP95Seconds: z.number().positive().default(0.2).describe('API p95 latency above this fires `NexusApiLatencyHigh`.'),
        errorRatio: z.number().positive().max(1).default(0.05).describe('5xx ratio above this fires `NexusApiErrorRateHigh`.'),
        availabilityTarget: z.number().positive().lt(1).default(0.999).describe('Availability SLO the burn-rate alerts protect.'),
        backupMaxAgeHours: z.number().positive().default(26).describe('A backup older than this fires `NexusBackupStale`.'),
        pvcUsageRatio: z.number().positive().max(1).default(0.85).describe('PVC usage above this fires `NexusPersistentVolumeFilling`.'),
        certExpiryDays: z.number().int().positive().default(14).describe('Certificates closer to expiry than this fire `NexusCertificateExpiring`.'),
        databaseConnectionsRatio: z.number().positive().max(1).default(0.8).describe('PostgreSQL connections above this share of max_connections fire an alert.'),
        runbookBaseUrl: z.string().default('https://runbooks.nexus.example.com').describe('Base URL of the runbooks linked from each alert.'),
      })
      .prefault({})
      .describe('Alert rules and their thresholds.'),
    alertmanager: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Deploy AlertManager.'),
        image: image({ repository: 'quay.io/prometheus/alertmanager', tag: 'v0.27.0' }),
        replicas: z.number().int().min(1).default(1).describe('AlertManager replicas (clustered when more than one).'),
        storage: storage('2Gi', 'AlertManager'),
        resources: resources({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } }),
        groupBy: z.array(z.string()).default(['alertname', 'namespace', 'severity']).describe('Labels alerts are grouped by.'),
        groupWait: promDuration().default('30s').describe('Wait before the first notification of a group.'),
        groupInterval: promDuration().default('5m').describe('Wait before notifying about new alerts in a group.'),
        repeatInterval: promDuration().default('4h').describe('Wait before repeating a notification.'),
        receivers: z
          .strictObject({
            paging: receiver({ type: 'pagerduty', key: 'routing-key' }, 'paging (severity=critical)'),
            chat: receiver({ type: 'slack', key: 'webhook-url' }, 'chat (severity=warning)'),
          })
          .prefault({})
          .describe('Receivers by severity.'),
      })
      .prefault({})
      .describe('AlertManager.'),
    grafana: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Deploy Grafana with the NEXUS dashboard.'),
        image: image({ repository: 'grafana/grafana', tag: '11.2.0' }),
        port: port().default(3000).describe('Grafana port.'),
        admin: z
          .strictObject({
            existingSecret: resourceName().default('').describe('Secret with the admin credentials. Required in production.'),
            userKey: z.string().default('admin-user').describe('Key of the admin user name.'),
            passwordKey: z.string().default('admin-password').describe('Key of the admin password.'),
          })
          .prefault({})
          .describe('Admin credentials by reference.'),
        resources: resources({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } }),
        podSecurityContext: podSecurity({ runAsUser: 472, runAsGroup: 472, fsGroup: 472 }),
      })
      .prefault({})
      .describe('Grafana.'),
    serviceAccount: serviceAccount(),
    networkPolicy: networkPolicy(),
    ...podPlacement(),
  })
  .prefault({})
  .describe('Monitoring: Prometheus, AlertManager and Grafana.');
