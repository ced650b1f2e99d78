/**
 * The monitoring subchart with both helm versions: lint --strict and render for both environments;
 * Prometheus storage and retention from values, restricted pods, namespaced discovery RBAC, and
 * NetworkPolicies that let only Prometheus scrape and only Grafana query Prometheus.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HELM_FLAVOURS, helm } from '../helpers/helm.ts';
import { UMBRELLA_CHART_DIR, PROJECT_ROOT } from '../../util/paths.ts';
import type { K8sResource } from '../../core/types.ts';
import { find, monitoringObjects, names, RELEASE, render } from './render.ts';

const ENVIRONMENTS = ['values.staging.yaml', 'values.production.yaml'];

interface Container {
  name: string;
  args?: string[];
  env?: { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } }; value?: string }[];
  securityContext: Record<string, unknown>;
  resources: { limits?: Record<string, string> };
}
interface PodSpec {
  securityContext: Record<string, unknown>;
  containers: Container[];
  serviceAccountName: string;
  automountServiceAccountToken?: boolean;
}
const podSpec = (r: K8sResource) => (r.object as { spec: { template: { spec: PodSpec } } }).spec.template.spec;

describe.each(HELM_FLAVOURS)('%s', (flavour) => {
  it.each(ENVIRONMENTS)('lints --strict and renders with %s', async (file) => {
    const lint = await helm(flavour, ['lint', '--strict', UMBRELLA_CHART_DIR, '-f', join(PROJECT_ROOT, file)]);
    expect(lint.code, lint.stdout + lint.stderr).toBe(0);
    const resources = await render({ flavour, valuesFiles: [file] });
    expect(monitoringObjects(resources).map((r) => `${r.kind}/${r.name}`)).toEqual(
      expect.arrayContaining([
        `StatefulSet/${names.prometheus}`,
        `StatefulSet/${names.alertmanager}`,
        `Deployment/${names.grafana}`,
        `ConfigMap/${names.rules}`,
        `ConfigMap/${names.dashboards}`,
        `NetworkPolicy/${names.prometheus}`,
        `NetworkPolicy/${names.alertmanager}`,
        `NetworkPolicy/${names.grafana}`,
      ]),
    );
  });
});

describe('rendered monitoring objects (production)', () => {
  let resources: K8sResource[];
  beforeAll(async () => {
    resources = await render({ valuesFiles: ['values.production.yaml'] });
  });

  it('Prometheus keeps its TSDB on a PVC with retention time and size from values', () => {
    const sts = find(resources, 'StatefulSet', names.prometheus);
    const args = podSpec(sts).containers[0]!.args!;
    expect(args).toContain('--storage.tsdb.retention.time=30d');
    expect(args).toContain('--storage.tsdb.retention.size=180GB');
    const claims = (sts.object as { spec: { volumeClaimTemplates: { spec: { storageClassName: string; resources: { requests: { storage: string } } } }[] } }).spec.volumeClaimTemplates;
    expect(claims[0]!.spec.resources.requests.storage).toBe('200Gi');
    expect(claims[0]!.spec.storageClassName).toBe('fast-ssd');
  });

  it('every monitoring pod runs with the restricted security context and a memory limit', () => {
    const workloads = monitoringObjects(resources).filter((r) => r.kind === 'StatefulSet' || r.kind === 'Deployment');
    expect(workloads).toHaveLength(3);
    for (const w of workloads) {
      const spec = podSpec(w);
      expect(spec.securityContext, w.name).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      for (const c of spec.containers) {
        expect(c.securityContext, `${w.name}/${c.name}`).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
        expect(c.resources.limits?.memory, `${w.name}/${c.name}`).toBeTruthy();
      }
      // No automounted tokens; Prometheus alone gets a projected, expiring token for service discovery.
      expect(spec.automountServiceAccountToken, w.name).toBe(false);
      const projected = (spec as unknown as { volumes: { name: string; projected?: { sources: Record<string, unknown>[] } }[] }).volumes.filter((v) => v.projected);
      expect(projected.map((v) => v.projected!.sources[0]), w.name).toEqual(w.name === names.prometheus ? [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }] : []);
    }
  });

  it('Prometheus discovers with a namespaced Role (pods, services, endpoints); cluster-wide rights only for kubelet scraping (on in production)', async () => {
    const role = find(resources, 'Role', names.prometheus).object as { rules: { resources: string[]; verbs: string[] }[] };
    expect(role.rules[0]).toEqual({ apiGroups: [''], resources: ['pods', 'services', 'endpoints'], verbs: ['get', 'list', 'watch'] });
    const binding = find(resources, 'RoleBinding', names.prometheus).object as { subjects: { name: string }[] };
    expect(binding.subjects[0]!.name).toBe(podSpec(find(resources, 'StatefulSet', names.prometheus)).serviceAccountName);
    expect(monitoringObjects(await render()).filter((r) => r.kind.startsWith('Cluster'))).toEqual([]);
    // Production opts in (prometheus.clusterWideDiscovery), so the disk-full alert has kubelet data.
    expect(monitoringObjects(resources).filter((r) => r.kind.startsWith('Cluster')).map((r) => r.kind).sort()).toEqual(['ClusterRole', 'ClusterRoleBinding']);
  });

  it('NetworkPolicies: only Grafana reaches Prometheus, only Prometheus (and the AlertManager peers, on the mesh port) reach AlertManager', () => {
    const ingressFrom = (name: string) =>
      (find(resources, 'NetworkPolicy', name).object as { spec: { ingress: { from: { podSelector: { matchLabels: Record<string, string> } }[]; ports: { port: number }[] }[] } }).spec.ingress;
    const prom = ingressFrom(names.prometheus);
    expect(prom).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/component': 'grafana', 'app.kubernetes.io/instance': RELEASE } } }], ports: [{ port: 9090, protocol: 'TCP' }] }]);
    const am = ingressFrom(names.alertmanager);
    // Production runs three clustered AlertManagers: besides Prometheus, only their peers, on the mesh port.
    expect(am).toEqual([
      { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/component': 'prometheus', 'app.kubernetes.io/instance': RELEASE } } }], ports: [{ port: 9093, protocol: 'TCP' }] },
      { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/component': 'alertmanager', 'app.kubernetes.io/instance': RELEASE } } }], ports: [{ port: 9094, protocol: 'TCP' }, { port: 9094, protocol: 'UDP' }] },
    ]);
    const grafana = find(resources, 'NetworkPolicy', names.grafana).object as { spec: { ingress: unknown[]; egress: { to: unknown[] }[] } };
    expect(grafana.spec.ingress).toEqual([]);
    expect(grafana.spec.egress[0]!.to).toEqual([{ podSelector: { matchLabels: { 'app.kubernetes.io/component': 'prometheus', 'app.kubernetes.io/instance': RELEASE } } }]);
  });

  it('Grafana takes its admin credentials from the referenced Secret, and config changes roll the pods', () => {
    const grafana = podSpec(find(resources, 'Deployment', names.grafana)).containers[0]!;
    const refs = grafana.env!.filter((e) => e.valueFrom?.secretKeyRef).map((e) => [e.name, e.valueFrom!.secretKeyRef!.name, e.valueFrom!.secretKeyRef!.key]);
    expect(refs).toEqual([
      ['GF_SECURITY_ADMIN_USER', 'nexus-grafana-admin', 'admin-user'],
      ['GF_SECURITY_ADMIN_PASSWORD', 'nexus-grafana-admin', 'admin-password'],
    ]);
    expect(grafana.env!.some((e) => /PASSWORD/.test(e.name) && e.value)).toBe(false);
    for (const name of [names.prometheus, names.alertmanager]) {
      const annotations = (find(resources, 'StatefulSet', name).object as { spec: { template: { metadata: { annotations: Record<string, string> } } } }).spec.template.metadata.annotations;
      expect(Object.keys(annotations).some((k) => k.startsWith('checksum/')), name).toBe(true);
    }
  });
});

describe('Grafana is usable', () => {
  const grafanaOf = (resources: K8sResource[]) => (find(resources, 'Deployment', names.grafana).object as { spec: { strategy: { type: string }; template: { spec: PodSpec & { volumes: { name: string; emptyDir?: unknown; persistentVolumeClaim?: { claimName: string } }[] } } } }).spec;

  it('never falls back to admin/admin: outside production it generates an admin Secret (user admin, random password) and reads it', async () => {
    const resources = await render();
    const secret = find(resources, 'Secret', `${names.grafana}-admin`).object as { data: Record<string, string> };
    expect(Buffer.from(secret.data['admin-user']!, 'base64').toString()).toBe('admin');
    const password = Buffer.from(secret.data['admin-password']!, 'base64').toString();
    expect(password).toMatch(/^[A-Za-z0-9]{32}$/);
    const grafana = grafanaOf(resources).template.spec.containers[0]!;
    const refs = grafana.env!.filter((e) => e.valueFrom?.secretKeyRef).map((e) => [e.name, e.valueFrom!.secretKeyRef!.name, e.valueFrom!.secretKeyRef!.key]);
    expect(refs).toEqual([
      ['GF_SECURITY_ADMIN_USER', `${names.grafana}-admin`, 'admin-user'],
      ['GF_SECURITY_ADMIN_PASSWORD', `${names.grafana}-admin`, 'admin-password'],
    ]);
    // Production names its own Secret (a rule requires it), so nothing is generated there.
    const production = await render({ valuesFiles: ['values.production.yaml'] });
    expect(production.filter((r) => r.kind === 'Secret' && r.name.startsWith(names.grafana))).toEqual([]);
  });

  it('is stateless by default (emptyDir, rolling update); persistence puts its database on a kept PVC and updates with Recreate', async () => {
    const stateless = grafanaOf(await render());
    expect(stateless.strategy.type).toBe('RollingUpdate');
    expect(stateless.template.spec.volumes.find((v) => v.name === 'data')).toEqual({ name: 'data', emptyDir: {} });
    const resources = await render({ values: 'monitoring:\n  grafana:\n    persistence:\n      enabled: true\n      size: 5Gi\n      storageClass: standard\n' });
    const spec = grafanaOf(resources);
    expect(spec.strategy).toEqual({ type: 'Recreate' });
    expect(spec.template.spec.volumes.find((v) => v.name === 'data')).toEqual({ name: 'data', persistentVolumeClaim: { claimName: names.grafana } });
    const pvc = find(resources, 'PersistentVolumeClaim', names.grafana).object as { metadata: { annotations: Record<string, string> }; spec: Record<string, unknown> };
    expect(pvc.metadata.annotations['helm.sh/resource-policy']).toBe('keep');
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'standard', resources: { requests: { storage: '5Gi' } } });
  });
});

describe('switches', () => {
  it.each([
    ['alertRules.enabled: false', 'monitoring:\n  alertRules:\n    enabled: false\n', [`ConfigMap/${names.rules}`], []],
    ['grafana.enabled: false', 'monitoring:\n  grafana:\n    enabled: false\n', [`StatefulSet/${names.prometheus}`], [`Deployment/${names.grafana}`, `NetworkPolicy/${names.grafana}`, `PodDisruptionBudget/${names.grafana}`]],
    ['alertmanager.enabled: false', 'monitoring:\n  alertmanager:\n    enabled: false\n', [`StatefulSet/${names.prometheus}`], [`StatefulSet/${names.alertmanager}`, `ConfigMap/${names.alertmanager}`, `NetworkPolicy/${names.alertmanager}`]],
    ['networkPolicy.enabled: false', 'monitoring:\n  networkPolicy:\n    enabled: false\n', [`StatefulSet/${names.prometheus}`], [`NetworkPolicy/${names.prometheus}`, `NetworkPolicy/${names.grafana}`]],
    ['monitoring.enabled: false', 'monitoring:\n  enabled: false\n', [], [`StatefulSet/${names.prometheus}`, `Deployment/${names.grafana}`]],
  ])('%s renders and drops exactly its objects', async (_label, values, present, absent) => {
    const objects = monitoringObjects(await render({ values })).map((r) => `${r.kind}/${r.name}`);
    for (const o of present) expect(objects).toContain(o);
    for (const o of absent) expect(objects).not.toContain(o);
  });

  it('operator mode with Grafana needs the Prometheus URL, and says so', async () => {
    await expect(render({ values: 'monitoring:\n  mode: operator\n' })).rejects.toThrow(/set monitoring\.operator\.prometheusUrl/);
  });
});
