/**
 * The logging tier, rendered with real helm and read as objects: what it deploys where, Loki's
 * config, the Fluent Bit pipelines (checked structurally here; the real Loki and Fluent Bit binaries
 * prove them during development, see the README), and the Grafana side.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { podTemplateOf, renderChart, renderText, type Container, type K8sObject, type RenderedDoc } from '../charts/helpers.ts';
import { AGENT_NS, dataOf, find, LOGGING_ALL, loggingObjects, names, NS, renderLogging, yamlOf } from './render.ts';

interface FluentBitConfig {
  service: Record<string, unknown>;
  parsers?: { name: string; format: string; regex: string }[];
  pipeline: { inputs: Record<string, unknown>[]; filters?: Record<string, unknown>[]; outputs: Record<string, unknown>[] };
}

let off: RenderedDoc[];
let on: RenderedDoc[];

beforeAll(async () => {
  [off, on] = await Promise.all([renderChart({ namespace: NS }), renderLogging()]);
});

const kindsAndPlaces = (docs: RenderedDoc[]) => loggingObjects(docs).map((o) => `${o.kind} ${o.metadata.namespace ?? '-'}/${o.metadata.name}`).sort();

describe('the logging tier is opt-in', () => {
  it('renders nothing, and no Loki data source, logs row or log alert, while logging.enabled is off', () => {
    expect(loggingObjects(off)).toEqual([]);
    expect(dataOf(off, names.grafana)['datasources.yaml']).not.toContain('loki');
    expect(JSON.parse(dataOf(off, names.dashboards)['nexus-overview.json']!).panels.map((p: { title: string }) => p.title)).not.toContain('Logs');
    expect(Object.keys(dataOf(off, names.rules))).not.toContain('alerts-logging.yaml');
    expect(off.filter((d) => d.object.metadata.namespace === AGENT_NS)).toEqual([]);
  });

  it('renders Loki in the release namespace and the node agent in a namespace of its own', () => {
    expect(kindsAndPlaces(on)).toEqual([
      `ConfigMap ${AGENT_NS}/${names.agent}`,
      `ConfigMap ${NS}/${names.loki}`,
      `ConfigMap ${NS}/${names.otlp}`,
      `DaemonSet ${AGENT_NS}/${names.agent}`,
      `Deployment ${NS}/${names.otlp}`,
      'Namespace -/nexus-platform-logs',
      `NetworkPolicy ${AGENT_NS}/${names.agent}`,
      `NetworkPolicy ${NS}/${names.loki}`,
      `NetworkPolicy ${NS}/${names.otlp}`,
      `PodDisruptionBudget ${NS}/${names.loki}`,
      `PodDisruptionBudget ${NS}/${names.otlp}`,
      `Role ${NS}/${names.agent}`,
      `RoleBinding ${NS}/${names.agent}`,
      `Service ${NS}/${names.loki}`,
      `Service ${NS}/${names.loki}-headless`,
      `Service ${NS}/${names.otlp}`,
      `ServiceAccount ${AGENT_NS}/${names.agent}`,
      `ServiceAccount ${NS}/${names.loki}`,
      `ServiceAccount ${NS}/${names.otlp}`,
      `StatefulSet ${NS}/${names.loki}`,
    ]);
  });

  it('renders the same objects with Helm 4 and Helm 3 (the import-values wiring included)', async () => {
    // The production overlay: outside production the chart generates random development credentials.
    const options = { namespace: NS, set: LOGGING_ALL, valuesFiles: ['values.production.yaml'] };
    const [four, three] = await Promise.all([renderText(options), renderText({ ...options, helm: 'helm3' })]);
    expect(four).toContain('kind: DaemonSet');
    expect(three).toBe(four);
  });
});

describe("the node agent's namespace", () => {
  it('enforces the privileged level (hostPath) while audit and warn keep reporting the baseline exception', () => {
    const ns = on.find((d) => d.object.kind === 'Namespace' && d.object.metadata.name === AGENT_NS)!.object;
    const labels = ns.metadata.labels ?? {};
    expect(labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(labels['pod-security.kubernetes.io/audit']).toBe('baseline');
    expect(labels['pod-security.kubernetes.io/warn']).toBe('baseline');
    expect(labels['pod-security.kubernetes.io/enforce-version']).toBe('v1.36');
    expect(ns.metadata.annotations?.['nexus.dev/pod-security-reason']).toMatch(/hostPath/);
  });

  it('is never the release namespace', async () => {
    await expect(renderLogging({ ...LOGGING_ALL, 'logging.agent.namespace.name': NS })).rejects.toThrow(/logging\.agent\.namespace\.name is the release namespace "nexus-platform"/);
  });

  it('takes an explicit name, and is not rendered when it is managed elsewhere', async () => {
    const docs = await renderLogging({ ...LOGGING_ALL, 'logging.agent.namespace.name': 'cluster-logs', 'logging.agent.namespace.create': false });
    expect(docs.filter((d) => d.object.kind === 'Namespace')).toEqual([]);
    expect(find(docs, 'DaemonSet', names.agent, 'cluster-logs')).toBeDefined();
    // The umbrella isolates it like the release namespace: default-deny and DNS.
    expect(docs.filter((d) => d.object.kind === 'NetworkPolicy' && d.object.metadata.namespace === 'cluster-logs').map((d) => d.object.metadata.name).sort()).toEqual(['nexus-allow-dns', 'nexus-default-deny', names.agent]);
  });
});

describe('the Fluent Bit node agent', () => {
  let ds: K8sObject;
  let spec: Record<string, any>;
  let container: Container;
  beforeAll(() => {
    ds = find(on, 'DaemonSet', names.agent, AGENT_NS);
    spec = podTemplateOf(ds)!.spec as Record<string, any>;
    container = spec.containers[0];
  });

  it('mounts the pod logs read-only and keeps its offsets and buffer in a per-release node directory', () => {
    const volumes = Object.fromEntries((spec.volumes as { name: string; hostPath?: { path: string; type: string } }[]).map((v) => [v.name, v]));
    expect(volumes['pod-logs']!.hostPath).toEqual({ path: '/var/log/pods', type: 'Directory' });
    expect(volumes.state!.hostPath).toEqual({ path: `/var/lib/nexus-fluent-bit/${NS}_nexus`, type: 'DirectoryOrCreate' });
    const mounts = Object.fromEntries((container.volumeMounts as { name: string; mountPath: string; readOnly?: boolean }[]).map((m) => [m.name, m]));
    expect(mounts['pod-logs']).toEqual({ name: 'pod-logs', mountPath: '/var/log/pods', readOnly: true });
    expect(mounts.state!.readOnly).toBeUndefined();
  });

  it('runs as root only to read root-owned log files: no capability, no escalation, read-only root filesystem', () => {
    expect(container.securityContext).toMatchObject({ runAsUser: 0, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext?.capabilities).not.toHaveProperty('add');
    expect(spec.hostNetwork).toBeUndefined();
    expect(spec.hostPID).toBeUndefined();
  });

  it('reads pod labels with a short-lived projected token allowed to GET pods in each collected namespace only', async () => {
    expect(spec.automountServiceAccountToken).toBe(false);
    const projected = (spec.volumes as { name: string; projected?: { sources: Record<string, unknown>[] } }[]).find((v) => v.name === 'kube-api-access')!.projected!;
    expect(projected.sources[0]).toEqual({ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } });
    const role = find(on, 'Role', names.agent, NS) as unknown as { rules: unknown[] };
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]);
    const binding = find(on, 'RoleBinding', names.agent, NS) as unknown as { subjects: unknown[] };
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: names.agent, namespace: AGENT_NS }]);
    const more = await renderLogging({ 'logging.enabled': true, 'logging.agent.namespaces[0]': 'batch-jobs' });
    expect(find(more, 'Role', names.agent, 'batch-jobs')).toBeDefined();
  });

  it('rolls when its pipeline changes', async () => {
    const changed = await renderLogging({ ...LOGGING_ALL, 'logging.agent.bufferLimit': '2G' });
    const checksum = (docs: RenderedDoc[]) => (podTemplateOf(find(docs, 'DaemonSet', names.agent, AGENT_NS)) as unknown as { spec: unknown }) && (find(docs, 'DaemonSet', names.agent, AGENT_NS).spec as any).template.metadata.annotations['checksum/agent-configmap'];
    expect(checksum(on)).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum(changed)).not.toBe(checksum(on));
  });
});

describe('the node agent pipeline (fluent-bit.yaml, structure)', () => {
  let config: FluentBitConfig;
  beforeAll(() => {
    config = yamlOf<FluentBitConfig>(dataOf(on, names.agent, AGENT_NS)['fluent-bit.yaml']!);
  });

  it('tails the CRI log files of the release namespace, with offsets in the node state directory', () => {
    const [tail] = config.pipeline.inputs;
    expect(tail).toMatchObject({ name: 'tail', tag: 'kube.*', path: `/var/log/pods/${NS}_*/*/*.log`, 'multiline.parser': 'cri', db: '/var/lib/fluent-bit/tail.db', 'storage.type': 'filesystem' });
    expect(config.service['storage.path']).toBe('/var/lib/fluent-bit/buffer');
  });

  it("its path parser reads namespace, pod and container from a kubelet log file's tag", () => {
    const parser = config.parsers!.find((p) => p.name === config.pipeline.filters![0]!.regex_parser)!;
    // Fluent Bit's Onigmo regex and JavaScript agree on this pattern (named groups, classes, anchors).
    const re = new RegExp(parser.regex);
    const prefix = config.pipeline.filters![0]!.kube_tag_prefix as string;
    const tagOf = (path: string) => `kube${path.replaceAll('/', '.')}`;
    const tag = tagOf(`/var/log/pods/${NS}_nexus-backend-7d9f8b-x2x9q_0b0c7c35-7f4e-4b2a-9d53-3f1f0c1a2b3c/backend/3.log`);
    expect(tag.startsWith(prefix)).toBe(true);
    expect(re.exec(tag.slice(prefix.length))?.groups).toMatchObject({ namespace_name: NS, pod_name: 'nexus-backend-7d9f8b-x2x9q', container_name: 'backend', restart_count: '3' });
    // Pod names may contain dots (DNS subdomains).
    expect(re.exec(tagOf(`/var/log/pods/ns_web.v2-0_0b0c7c35-7f4e-4b2a-9d53-3f1f0c1a2b3c/app/0.log`).slice(prefix.length))?.groups).toMatchObject({ pod_name: 'web.v2-0', container_name: 'app' });
  });

  it('enriches with pod labels and ships to Loki with the namespace, pod, container and tier labels', () => {
    const [k8s] = config.pipeline.filters!;
    expect(k8s).toMatchObject({ name: 'kubernetes', match: 'kube.*', labels: true, annotations: false, kube_token_file: '/var/run/secrets/kubernetes.io/serviceaccount/token' });
    const [loki] = config.pipeline.outputs;
    expect(loki).toMatchObject({ name: 'loki', match: 'kube.*', host: `${names.loki}.${NS}.svc`, port: 3100, line_format: 'key_value', drop_single_key: 'raw', retry_limit: 'no_limits', 'storage.total_limit_size': '1G' });
    const labels = Object.fromEntries((loki!.labels as string).split(/,\s*/).map((kv) => kv.split('=') as [string, string]));
    expect(labels).toEqual({
      job: 'fluent-bit',
      namespace: "$kubernetes['namespace_name']",
      pod: "$kubernetes['pod_name']",
      container: "$kubernetes['container_name']",
      tier: "$kubernetes['labels']['app.kubernetes.io/name']",
      component: "$kubernetes['labels']['app.kubernetes.io/component']",
      stream: '$stream',
    });
  });

  it('ships the bare log line: every key but `log` that the CRI parser and the kubernetes filter add is removed', () => {
    // Fluent Bit 5.1.1 src/multiline/flb_ml_parser_cri.c: `^(?<time>.+?) (?<stream>stdout|stderr) (?<_p>F|P) (?<log>.*)$`,
    // with the time key kept in the record; the kubernetes filter adds `kubernetes`.
    const recordKeys = ['time', 'stream', '_p', 'log', 'kubernetes'];
    const [loki] = config.pipeline.outputs;
    const removed = (loki!.remove_keys as string).split(/,\s*/);
    expect(recordKeys.filter((k) => !removed.includes(k))).toEqual(['log']);
    expect(loki!.drop_single_key).toBe('raw');
  });

  it('collects extra namespaces when asked', async () => {
    const docs = await renderLogging({ 'logging.enabled': true, 'logging.agent.namespaces[0]': 'batch-jobs', 'logging.agent.namespaces[1]': NS });
    const tail = yamlOf<FluentBitConfig>(dataOf(docs, names.agent, AGENT_NS)['fluent-bit.yaml']!).pipeline.inputs[0]!;
    expect(tail.path).toBe(`/var/log/pods/${NS}_*/*/*.log,/var/log/pods/batch-jobs_*/*/*.log`);
  });
});

describe('Loki (config.yaml, structure)', () => {
  const lokiConfig = (docs: RenderedDoc[]) => yamlOf<Record<string, any>>(dataOf(docs, names.loki)['config.yaml']!);

  it('is a single binary on a filesystem store with TSDB schema v13, an in-memory ring and no usage reporting', () => {
    const c = lokiConfig(on);
    expect(c.auth_enabled).toBe(false);
    expect(c.server).toMatchObject({ http_listen_port: 3100, grpc_listen_port: 9095 });
    expect(c.common).toMatchObject({ path_prefix: '/var/loki', replication_factor: 1, ring: { instance_addr: '127.0.0.1', kvstore: { store: 'inmemory' } } });
    expect(c.schema_config.configs).toEqual([{ from: '2024-04-01', store: 'tsdb', object_store: 'filesystem', schema: 'v13', index: { prefix: 'index_', period: '24h' } }]);
    expect(c.analytics).toEqual({ reporting_enabled: false });
  });

  it('keeps logs for retentionDays through the compactor', async () => {
    expect(lokiConfig(on).limits_config).toMatchObject({ retention_period: '168h', reject_old_samples_max_age: '168h', ingestion_rate_mb: 8, ingestion_burst_size_mb: 16 });
    expect(lokiConfig(on).compactor).toMatchObject({ retention_enabled: true, delete_request_store: 'filesystem', working_directory: '/var/loki/compactor' });
    const custom = lokiConfig(await renderLogging({ ...LOGGING_ALL, 'logging.loki.retentionDays': 30, 'logging.loki.maxQueryLookbackDays': 14, 'logging.loki.ingestionRateMB': 4 }));
    expect(custom.limits_config).toMatchObject({ retention_period: '720h', max_query_lookback: '336h', ingestion_rate_mb: 4 });
  });

  it('runs restricted, on its own volume, and rolls when its config changes', () => {
    const sts = find(on, 'StatefulSet', names.loki) as any;
    const pod = sts.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(pod.containers[0].args).toEqual(['-config.file=/etc/loki/config.yaml', '-target=all']);
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('50Gi');
    expect(sts.spec.template.metadata.annotations['checksum/loki-configmap']).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('the OTLP gateway (the restricted push path)', () => {
  it('receives OTLP/HTTP and maps the Kubernetes resource attributes to the same Loki labels', () => {
    const c = yamlOf<FluentBitConfig>(dataOf(on, names.otlp)['fluent-bit.yaml']!);
    expect(c.pipeline.inputs[0]).toMatchObject({ name: 'opentelemetry', port: 4318 });
    const lua = c.pipeline.filters![0]!;
    expect(lua).toMatchObject({ name: 'lua', call: 'nexus_labels' });
    for (const attribute of ['k8s.namespace.name', 'k8s.pod.name', 'k8s.container.name', 'app.kubernetes.io/name']) expect(lua.code as string).toContain(`"${attribute}"`);
    // Five arguments: Fluent Bit then passes the OTLP resource (group) to the callback.
    expect(lua.code as string).toMatch(/function nexus_labels\(tag, ts, group, metadata, record\)/);
    expect(c.pipeline.outputs[0]).toMatchObject({ name: 'loki', host: `${names.loki}.${NS}.svc`, labels: 'job=otlp, namespace=$namespace, pod=$pod, container=$container, tier=$tier, component=$component' });
  });

  it('runs under the restricted profile like every other pod of the release', () => {
    const pod = (find(on, 'Deployment', names.otlp) as any).spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532 });
    expect(pod.volumes.every((v: Record<string, unknown>) => !('hostPath' in v))).toBe(true);
    expect(pod.containers[0].securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  });
});

describe('Grafana', () => {
  it('gets the Loki data source while the logging tier is installed', () => {
    const ds = yamlOf<{ datasources: Record<string, unknown>[] }>(dataOf(on, names.grafana)['datasources.yaml']!).datasources;
    expect(ds.find((d) => d.type === 'loki')).toEqual({ name: 'Loki', uid: 'nexus-loki', type: 'loki', access: 'proxy', url: `http://${names.loki}.${NS}.svc:3100`, editable: false, jsonData: { maxLines: 1000 } });
  });

  it('takes an explicit Loki URL', async () => {
    const docs = await renderLogging({ ...LOGGING_ALL, 'monitoring.grafana.lokiUrl': 'http://logs.example.internal:8080' });
    expect(dataOf(docs, names.grafana)['datasources.yaml']).toContain('url: http://logs.example.internal:8080');
  });

  it('shows a Logs row on the overview dashboard, below the metrics, on the Loki data source', () => {
    const dashboard = JSON.parse(dataOf(on, names.dashboards)['nexus-overview.json']!) as { panels: { id: number; type: string; title: string; gridPos: { x: number; y: number; w: number; h: number }; targets?: { expr: string; datasource: { uid: string } }[] }[] };
    const row = dashboard.panels.findIndex((p) => p.type === 'row' && p.title === 'Logs');
    expect(row).toBeGreaterThan(0);
    const metrics = dashboard.panels.slice(0, row);
    const logs = dashboard.panels.slice(row + 1);
    expect(logs.map((p) => p.type)).toEqual(['timeseries', 'timeseries', 'logs']);
    for (const p of logs) for (const t of p.targets!) {
      expect(t.datasource.uid).toBe('nexus-loki');
      expect(t.expr).toMatch(/^(sum by \(tier\) \(rate\()?\{namespace="\$namespace"\}/);
    }
    const bottom = Math.max(...metrics.map((p) => p.gridPos.y + p.gridPos.h));
    expect(dashboard.panels[row]!.gridPos.y).toBe(bottom);
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    // No two panels overlap.
    const cells = new Set<string>();
    for (const p of dashboard.panels) for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
      expect(cells.has(`${x},${y}`), `${p.title} overlaps at ${x},${y}`).toBe(false);
      cells.add(`${x},${y}`);
    }
  });
});
