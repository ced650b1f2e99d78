/**
 * Extension points (schema/extensions.ts, nexus-lib templates/_extensions.tpl): every knob, set on
 * every workload of every tier, lands where Kubernetes reads it; a workload section that leaves a
 * placement key empty inherits the tier root's; diagnosticMode turns a tier's main containers into
 * sleepers without probes or hooks. Rendered with real Helm 4 and Helm 3. The whole knob render
 * passes `nexus validate` (strict Kubernetes schemas and every policy), while an unsafe sidecar is
 * reported like any other container.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../util/paths.ts';
import { componentOf, podTemplateOf, renderChart, WORKLOAD_KINDS, type Container, type HelmFlavour, type K8sObject, type RenderedDoc } from './helpers.ts';

interface Workload {
  /** Values path of the workload's section. */
  path: string[];
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  component: string;
  container: string;
  /** The tier root whose placement keys the section falls back to (workload sections only). */
  tierRoot?: string[];
}

/** Every workload the charts render; a test below keeps this list equal to the default render's. */
const WORKLOADS: Workload[] = [
  { path: ['frontend'], kind: 'Deployment', component: 'frontend', container: 'frontend' },
  { path: ['backend'], kind: 'Deployment', component: 'backend', container: 'backend' },
  { path: ['database'], kind: 'StatefulSet', component: 'postgresql', container: 'postgresql' },
  { path: ['database', 'pgbouncer'], kind: 'Deployment', component: 'pgbouncer', container: 'pgbouncer', tierRoot: ['database'] },
  { path: ['cache'], kind: 'StatefulSet', component: 'redis', container: 'redis' },
  { path: ['cache', 'masterService'], kind: 'Deployment', component: 'redis-master', container: 'haproxy', tierRoot: ['cache'] },
  { path: ['monitoring', 'prometheus'], kind: 'StatefulSet', component: 'prometheus', container: 'prometheus', tierRoot: ['monitoring'] },
  { path: ['monitoring', 'alertmanager'], kind: 'StatefulSet', component: 'alertmanager', container: 'alertmanager', tierRoot: ['monitoring'] },
  { path: ['monitoring', 'grafana'], kind: 'Deployment', component: 'grafana', container: 'grafana', tierRoot: ['monitoring'] },
  { path: ['logging', 'loki'], kind: 'StatefulSet', component: 'loki', container: 'loki', tierRoot: ['logging'] },
  { path: ['logging', 'otlp'], kind: 'Deployment', component: 'otlp-gateway', container: 'fluent-bit', tierRoot: ['logging'] },
  // The node agent keeps its own placement (every node): it inherits nothing from the tier root (Loki's).
  { path: ['logging', 'agent'], kind: 'DaemonSet', component: 'fluent-bit', container: 'fluent-bit' },
];

/** The opt-in tiers the table covers, turned on in every render of this file. */
const TIERS_ON = { logging: { enabled: true, otlp: { enabled: true } } };

/** A container the restricted Pod Security profile admits (what a careful user writes). */
const restrictedContainer = (name: string) => ({
  name,
  image: 'registry.example.com/tools/helper:1.2.3',
  resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } },
  securityContext: {
    runAsNonRoot: true,
    runAsUser: 1000,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  },
});

/** Every knob of one workload, each value marked with the workload's index so nothing can cross over. */
function knobs(w: Workload, i: number) {
  const tag = `w${i}`;
  return {
    command: [`/bin/${tag}`],
    args: [`--${tag}`, '{{ .Release.Name }}'],
    extraEnv: [{ name: `EXTRA_${tag.toUpperCase()}`, value: `{{ .Release.Name }}-${tag}` }],
    // The user's Secret, outside the render: the chart declares it external (nexus.ext.references).
    extraEnvFrom: [{ secretRef: { name: `env-${tag}` } }],
    extraVolumes: [{ name: `extra-${tag}`, emptyDir: { sizeLimit: '1Mi' } }],
    extraVolumeMounts: [{ name: `extra-${tag}`, mountPath: `/extra/${tag}` }],
    initContainers: [restrictedContainer(`init-${tag}`)],
    sidecars: [{ ...restrictedContainer(`side-${tag}`), readinessProbe: { exec: { command: ['true'] } }, livenessProbe: { exec: { command: ['true'] } } }],
    lifecycle: { preStop: { exec: { command: ['/bin/stop', tag] } } },
    customLivenessProbe: { tcpSocket: { port: 1000 + i }, periodSeconds: 11 },
    customReadinessProbe: { tcpSocket: { port: 2000 + i }, periodSeconds: 12 },
    customStartupProbe: { tcpSocket: { port: 3000 + i }, failureThreshold: 13 },
    updateStrategy:
      w.kind === 'Deployment'
        ? { type: 'RollingUpdate', rollingUpdate: { maxSurge: 2, maxUnavailable: 1 } }
        : w.kind === 'DaemonSet'
          ? { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: `${10 + i}%` } }
          : { type: 'RollingUpdate', rollingUpdate: { partition: i } },
    priorityClassName: `prio-${tag}`,
    runtimeClassName: `runtime-${tag}`,
    hostAliases: [{ ip: `10.0.0.${i + 1}`, hostnames: [`host-${tag}.example.com`] }],
    dnsConfig: { options: [{ name: 'ndots', value: String(i + 1) }] },
    nodeSelector: { pool: tag },
    tolerations: [{ key: `taint-${tag}`, operator: 'Exists', effect: 'NoSchedule' }],
    affinity: {
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: [tag] }] }] } },
      // Replacing the generated affinity drops its anti-affinity: a careful user keeps one (the ha-spread policy checks).
      podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'app.kubernetes.io/component': w.component } } } }] },
    },
  };
}

function setAt(root: Record<string, unknown>, path: string[], value: Record<string, unknown>): void {
  let node = root;
  if (!path.length) return void Object.assign(root, value);
  for (const key of path) node = (node[key] ??= {}) as Record<string, unknown>;
  Object.assign(node, value);
}

function allKnobs(extra: (w: Workload, i: number) => Record<string, unknown> = () => ({})): Record<string, unknown> {
  const values: Record<string, unknown> = structuredClone(TIERS_ON);
  WORKLOADS.forEach((w, i) => setAt(values, w.path, { ...knobs(w, i), ...extra(w, i) }));
  // Pod labels and annotations are per tier root (every pod of the tier).
  for (const tier of ['frontend', 'backend', 'database', 'cache', 'monitoring', 'logging']) setAt(values, [tier], { podLabels: { 'example.com/team': tier }, podAnnotations: { 'example.com/owner': tier } });
  return values;
}

function workloadOf(docs: RenderedDoc[], w: Workload): K8sObject {
  const found = docs.map((d) => d.object).filter((o) => o.kind === w.kind && componentOf(o) === w.component);
  expect(found, `${w.kind} of ${w.component}`).toHaveLength(1);
  return found[0]!;
}

function mainContainer(o: K8sObject, w: Workload): Container {
  const c = podTemplateOf(o)!.spec.containers.find((x) => x.name === w.container);
  expect(c, `container ${w.container}`).toBeDefined();
  return c!;
}

describe.each<HelmFlavour>(['helm4', 'helm3'])('extension points with %s', (helm) => {
  it('every knob of every workload lands where Kubernetes reads it', async () => {
    const docs = await renderChart({ helm, valuesJson: allKnobs() });
    WORKLOADS.forEach((w, i) => {
      const k = knobs(w, i);
      const o = workloadOf(docs, w);
      const where = `${w.path.join('.')}`;
      const pod = podTemplateOf(o)!;
      const c = mainContainer(o, w);
      expect(c.command, where).toEqual(k.command);
      expect(c.args, where).toEqual([`--w${i}`, 'nexus']);
      expect(c.env, where).toContainEqual({ name: `EXTRA_W${i}`, value: `nexus-w${i}` });
      expect(c.envFrom, where).toContainEqual(k.extraEnvFrom[0]);
      expect(c.volumeMounts, where).toContainEqual(k.extraVolumeMounts[0]);
      expect(c.lifecycle, where).toEqual(k.lifecycle);
      expect(c.livenessProbe, where).toEqual(k.customLivenessProbe);
      expect(c.readinessProbe, where).toEqual(k.customReadinessProbe);
      expect(c.startupProbe, where).toEqual(k.customStartupProbe);
      expect(pod.spec.initContainers, where).toEqual(k.initContainers);
      expect(pod.spec.containers.at(-1), where).toEqual(k.sidecars[0]);
      expect(pod.spec.volumes, where).toContainEqual(k.extraVolumes[0]);
      for (const key of ['priorityClassName', 'runtimeClassName', 'hostAliases', 'dnsConfig', 'nodeSelector', 'tolerations', 'affinity'] as const) expect(pod.spec[key], `${where} ${key}`).toEqual(k[key]);
      expect((o.spec as Record<string, unknown>)[w.kind === 'Deployment' ? 'strategy' : 'updateStrategy'], where).toEqual(k.updateStrategy);
      const tier = (w.tierRoot ?? w.path)[0]!;
      expect(pod.labels['example.com/team'], where).toBe(tier);
      expect(((o.spec as any).template.metadata.annotations['nexus.dev/external-secrets'] as string).split(','), where).toContain(`env-w${i}`);
      expect(((o.spec as any).template.metadata.annotations ?? {})['example.com/owner'], where).toBe(tier);
      expect(((o.spec as any).selector.matchLabels ?? {})['example.com/team'], `${where}: pod labels stay out of the selector`).toBeUndefined();
    });
  });

  it('every client Service takes type, annotations and loadBalancerSourceRanges; headless Services stay ClusterIP/None', async () => {
    const values: Record<string, unknown> = {};
    // The logging tier's Services (Loki, the OTLP gateway) are in-cluster only: no exposure knobs.
    const exposed = WORKLOADS.filter((w) => w.path[0] !== 'logging');
    exposed.forEach((w, i) => setAt(values, [...w.path, 'service'], { type: 'LoadBalancer', annotations: { 'example.com/lb': `w${i}` }, loadBalancerSourceRanges: [`10.${i}.0.0/16`] }));
    const docs = await renderChart({ helm, valuesJson: values });
    exposed.forEach((w, i) => {
      const services = docs.map((d) => d.object).filter((o) => o.kind === 'Service' && componentOf(o) === w.component);
      const client = services.filter((o) => (o.spec as { clusterIP?: string }).clusterIP !== 'None');
      expect(client, `${w.component} client Service`).toHaveLength(1);
      expect(client[0]!.spec, w.component).toMatchObject({ type: 'LoadBalancer', loadBalancerSourceRanges: [`10.${i}.0.0/16`] });
      expect(client[0]!.metadata.annotations?.['example.com/lb'], w.component).toBe(`w${i}`);
      for (const headless of services.filter((o) => !client.includes(o))) {
        expect(headless.spec, `${headless.metadata.name}`).toMatchObject({ type: 'ClusterIP', clusterIP: 'None' });
        expect(headless.metadata.annotations?.['example.com/lb']).toBeUndefined();
      }
    });
    // Source ranges are a LoadBalancer's: a ClusterIP Service never carries them.
    const clusterIp = await renderChart({ helm, set: { 'database.service.loadBalancerSourceRanges[0]': '10.0.0.0/8' } });
    const db = clusterIp.map((d) => d.object).find((o) => o.kind === 'Service' && o.metadata.name === 'nexus-database')!;
    expect(db.spec).toMatchObject({ type: 'ClusterIP' });
    expect((db.spec as Record<string, unknown>).loadBalancerSourceRanges).toBeUndefined();
  });

  it('a workload section inherits the tier root\'s placement keys it leaves empty', async () => {
    const placement = { priorityClassName: 'tier-prio', runtimeClassName: 'tier-runtime', nodeSelector: { pool: 'tier' }, tolerations: [{ key: 'tier', operator: 'Exists' }], hostAliases: [{ ip: '10.9.9.9', hostnames: ['tier.example.com'] }], dnsConfig: { searches: ['tier.example.com'] }, affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] } }] } } };
    const docs = await renderChart({ helm, valuesJson: { database: placement, cache: placement, monitoring: { ...placement, grafana: { nodeSelector: { pool: 'grafana' } } }, logging: { ...TIERS_ON.logging, ...placement } } });
    for (const w of WORKLOADS.filter((x) => x.tierRoot)) {
      const spec = podTemplateOf(workloadOf(docs, w))!.spec;
      for (const [key, value] of Object.entries(placement)) expect(spec[key], `${w.path.join('.')} ${key}`).toEqual(key === 'nodeSelector' && w.component === 'grafana' ? { pool: 'grafana' } : value);
    }
    // The node agent stays on every node: the tier root's placement is Loki's, never the agent's.
    const agent = podTemplateOf(workloadOf(docs, WORKLOADS.find((w) => w.kind === 'DaemonSet')!))!.spec;
    expect([agent.affinity, agent.nodeSelector, agent.priorityClassName], 'logging.agent').toEqual([undefined, undefined, undefined]);
    expect(agent.tolerations).toEqual([{ operator: 'Exists' }]);
  });

  it('without knobs, workloads keep the generated entrypoints, probes, hooks and soft anti-affinity', async () => {
    const docs = await renderChart({ helm, valuesJson: TIERS_ON });
    for (const w of WORKLOADS) {
      const o = workloadOf(docs, w);
      const spec = podTemplateOf(o)!.spec;
      const c = mainContainer(o, w);
      expect(spec.initContainers, w.component).toBeUndefined();
      expect(c.readinessProbe, w.component).toBeDefined();
      if (w.kind === 'DaemonSet') {
        // A node agent: no anti-affinity (one pod per node already), every taint tolerated.
        expect(spec.affinity, w.component).toBeUndefined();
        expect(spec.tolerations, w.component).toEqual([{ operator: 'Exists' }]);
        expect((o.spec as Record<string, unknown>).updateStrategy, w.component).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } });
        continue;
      }
      expect(JSON.stringify(spec.affinity), w.component).toContain('podAntiAffinity');
      for (const key of ['priorityClassName', 'runtimeClassName', 'hostAliases', 'dnsConfig', 'nodeSelector', 'tolerations']) expect(spec[key], `${w.component} ${key}`).toBeUndefined();
    }
    // Frontend and backend keep serving while Kong drops them: a preStop delay by default.
    for (const component of ['frontend', 'backend']) {
      const w = WORKLOADS.find((x) => x.component === component)!;
      expect(mainContainer(workloadOf(docs, w), w).lifecycle).toEqual({ preStop: { sleep: { seconds: 10 } } });
    }
  });

  it('clusters without the preStop sleep action (before 1.30) get `sleep` from the image', async () => {
    const docs = await renderChart({ helm, kubeVersion: '1.29.0' });
    const w = WORKLOADS[0]!;
    expect(mainContainer(workloadOf(docs, w), w).lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '10'] } } });
  });

  it('diagnosticMode: the tier\'s main containers sleep, with no probes or lifecycle hooks', async () => {
    const tiers = ['frontend', 'backend', 'database', 'cache', 'monitoring', 'logging'];
    const values: Record<string, Record<string, unknown>> = Object.fromEntries(tiers.map((t) => [t, { diagnosticMode: { enabled: true } }]));
    values.logging = { ...TIERS_ON.logging, ...values.logging };
    const docs = await renderChart({ helm, valuesJson: values });
    const main = new Set(['frontend', 'backend', 'postgresql', 'pgbouncer', 'redis', 'sentinel', 'haproxy', 'prometheus', 'alertmanager', 'grafana', 'loki', 'fluent-bit']);
    const seen = new Set<string>();
    for (const o of docs.map((d) => d.object).filter((x) => WORKLOAD_KINDS.has(x.kind))) {
      for (const c of podTemplateOf(o)!.spec.containers.filter((x) => main.has(x.name))) {
        seen.add(`${o.kind}/${componentOf(o)}/${c.name}`);
        expect([c.command, c.args], c.name).toEqual([['sleep'], ['infinity']]);
        expect([c.livenessProbe, c.readinessProbe, c.startupProbe, c.lifecycle], c.name).toEqual([undefined, undefined, undefined, undefined]);
      }
    }
    // Each workload's main container (Redis's StatefulSet has two: redis and sentinel).
    expect(seen.size).toBe(WORKLOADS.length + 1);
  });
});

it('the workload table covers every Deployment, StatefulSet and DaemonSet the charts render (opt-in tiers on)', async () => {
  const docs = await renderChart({ valuesJson: TIERS_ON });
  const rendered = docs.map((d) => d.object).filter((o) => WORKLOAD_KINDS.has(o.kind)).map((o) => `${o.kind}/${componentOf(o)}`).sort();
  expect(rendered).toEqual(WORKLOADS.map((w) => `${w.kind}/${w.component}`).sort());
});

describe('nexus validate on the knob render', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nexus-knobs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function validate(values: Record<string, unknown>): Promise<{ code: number; findings: { policyId: string; severity: string; name?: string; kind?: string; jsonPointer?: string; message: string; exemption?: unknown }[] }> {
    const file = join(dir, `values-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(values));
    const result = await promisify(execFile)(process.execPath, ['bin/nexus.mjs', 'validate', '--env', 'staging', '-f', file, '--format', 'json'], { cwd: PROJECT_ROOT, maxBuffer: 64 << 20 }).then(
      (r) => ({ code: 0, stdout: r.stdout }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
    const report = JSON.parse(result.stdout) as { findings?: unknown[]; results?: unknown[] };
    return { code: result.code, findings: (report.findings ?? []) as never };
  }

  it('passes the strict Kubernetes schemas and every policy', async () => {
    const { code, findings } = await validate(allKnobs());
    expect(findings.filter((f) => f.severity !== 'info' && !f.exemption).map((f) => `${f.kind}/${f.name} ${f.policyId} ${f.jsonPointer}: ${f.message}`)).toEqual([]);
    expect(code).toBe(0);
  });

  it('reports an unsafe sidecar like any container', async () => {
    const { code, findings } = await validate({ backend: { sidecars: [{ name: 'debug-shell', image: 'busybox:latest', securityContext: { privileged: true } }] } });
    expect(code).toBe(1);
    const sidecar = findings.filter((f) => f.kind === 'Deployment' && f.name === 'nexus-backend' && (f.jsonPointer ?? '').startsWith('/spec/template/spec/containers/1/'));
    expect(sidecar.map((f) => f.policyId)).toEqual(expect.arrayContaining(['pss-privileged', 'pss-allow-privilege-escalation', 'pss-capabilities-restricted', 'image-tag-pinned', 'probes-readiness']));
  });
});
