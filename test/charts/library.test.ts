/**
 * Behaviour of the nexus-lib templates and the stateless, gateway and umbrella templates, shown on
 * real renders: naming, images, resources, autoscaling, capability gates, TLS, namespace objects,
 * checksums, smoke tests and network rules.
 */
import { describe, expect, it } from 'vitest';
import { BUNDLED_DATABASE } from '../helpers/database-mode.ts';
import {
  CRD_API_VERSIONS,
  componentOf,
  ofKind,
  podTemplateOf,
  renderChart,
  selectorMatches,
  type K8sObject,
  type LabelSelector,
  type RenderedDoc,
  type RenderOptions,
} from './helpers.ts';

const prod = (extra: Partial<RenderOptions> = {}) => renderChart({ valuesFiles: ['values.production.yaml'], ...extra });
const byComponent = (docs: RenderedDoc[], kind: string, component: string) => ofKind(docs, kind).find((o) => componentOf(o) === component);
const deployment = (docs: RenderedDoc[], component: string) => byComponent(docs, 'Deployment', component)!;
const container = (o: K8sObject) => podTemplateOf(o)!.spec.containers[0]!;

describe('names', () => {
  it('truncates every name to 63 characters without a trailing dash', async () => {
    const release = `r${'x'.repeat(52)}`; // helm's longest release name (53)
    const docs = await renderChart({ releaseName: release, valuesFiles: ['values.production.yaml'], apiVersions: CRD_API_VERSIONS });
    for (const { object } of docs) {
      expect(object.metadata.name.length, object.metadata.name).toBeLessThanOrEqual(63);
      expect(object.metadata.name, object.metadata.name).not.toMatch(/-$/);
      for (const v of Object.values(object.metadata.labels ?? {})) expect(v.length).toBeLessThanOrEqual(63);
    }
    expect(deployment(docs, 'frontend').metadata.name).toBe(`${release}-frontend`);
  });

  it('honours fullnameOverride and nameOverride, and the umbrella follows them', async () => {
    const docs = await prod({ set: { 'frontend.fullnameOverride': 'web', 'backend.nameOverride': 'api' } });
    expect(deployment(docs, 'frontend').metadata.name).toBe('web');
    expect(deployment(docs, 'backend').metadata.name).toBe('nexus-api');
    const routes = (ofKind(docs, 'Ingress')[0]!.spec as { rules: { http: { paths: { backend: { service: { name: string } } }[] } }[] }).rules[0]!.http.paths.map((p) => p.backend.service.name);
    expect(routes.sort()).toEqual(['nexus-api', 'web']);
    const smoke = ofKind(docs, 'Pod').flatMap((p) => container(p).args as string[]);
    expect(smoke).toContain('http://web:80/api/health');
  });

  it('uses standard labels on objects and version-free selector labels', async () => {
    const docs = await prod();
    const d = deployment(docs, 'backend');
    expect(d.metadata.labels).toMatchObject({
      'app.kubernetes.io/name': 'backend',
      'app.kubernetes.io/instance': 'nexus',
      'app.kubernetes.io/component': 'backend',
      'app.kubernetes.io/part-of': 'nexus',
      'app.kubernetes.io/managed-by': 'Helm',
      'app.kubernetes.io/version': '1.0.0',
      'helm.sh/chart': 'backend-0.1.0',
      'nexus.dev/environment': 'production', // global.commonLabels
    });
    expect((d.spec as { selector: LabelSelector }).selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'backend',
      'app.kubernetes.io/instance': 'nexus',
      'app.kubernetes.io/component': 'backend',
    });
  });
});

describe('images', () => {
  it('builds registry/repository:tag@digest; a (flat) global registry replaces every image\'s own', async () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const own = await prod({ set: { 'frontend.image.digest': digest, 'backend.image.registry': 'own.example.com' } });
    expect(container(deployment(own, 'frontend')).image).toBe(`registry.example.com/nexus/frontend:1.0.0@${digest}`);
    expect(container(deployment(own, 'backend')).image).toBe('own.example.com/nexus/backend:1.0.0');
    const docs = await prod({ set: { 'global.imageRegistry': 'mirror.example.com', 'frontend.image.registry': '', 'frontend.image.digest': digest, 'backend.image.registry': 'own.example.com' } });
    expect(container(deployment(docs, 'frontend')).image).toBe(`mirror.example.com/nexus/frontend:1.0.0@${digest}`);
    expect(container(deployment(docs, 'backend')).image).toBe('mirror.example.com/nexus/backend:1.0.0');
    expect(podTemplateOf(deployment(docs, 'frontend'))!.spec.imagePullSecrets).toEqual([{ name: 'registry-credentials' }]);
  });

  it('renders no imagePullSecrets without global ones', async () => {
    const docs = await renderChart();
    expect(podTemplateOf(deployment(docs, 'frontend'))!.spec).not.toHaveProperty('imagePullSecrets');
  });
});

describe('resources, probes, volumes', () => {
  it('drops resource entries set to null', async () => {
    const docs = await prod({ set: { 'frontend.resources.limits.cpu': 'null' } });
    expect(container(deployment(docs, 'frontend')).resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } });
  });

  it('probes the health endpoints on the http port, and omits a disabled probe', async () => {
    const docs = await prod({ set: { 'backend.probes.startup.enabled': false } });
    const c = container(deployment(docs, 'backend'));
    expect(c.livenessProbe).toMatchObject({ httpGet: { path: '/health/live', port: 'http' }, successThreshold: 1 });
    expect(c.readinessProbe).toMatchObject({ httpGet: { path: '/health/ready', port: 'http' } });
    expect(c).not.toHaveProperty('startupProbe');
  });

  it('mounts an emptyDir for each path a read-only root filesystem must write', async () => {
    const docs = await prod();
    const t = podTemplateOf(deployment(docs, 'frontend'))!;
    expect(container(deployment(docs, 'frontend')).volumeMounts).toEqual([
      { name: 'next-cache', mountPath: '/app/.next/cache' },
      { name: 'tmp', mountPath: '/tmp' },
    ]);
    expect(t.spec.volumes).toEqual([
      { name: 'next-cache', emptyDir: {} },
      { name: 'tmp', emptyDir: {} },
    ]);
  });

  it('spreads pods over zones and hosts with soft anti-affinity', async () => {
    const docs = await prod();
    const t = podTemplateOf(deployment(docs, 'backend'))!;
    const tsc = t.spec.topologySpreadConstraints as { topologyKey: string; labelSelector: LabelSelector }[];
    expect(tsc.map((c) => c.topologyKey).sort()).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
    for (const c of tsc) expect(selectorMatches(c.labelSelector, t.labels)).toBe(true);
    expect(t.spec.affinity).toHaveProperty('podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution');
  });
});

describe('configuration and secrets', () => {
  it('puts non-secret env in a ConfigMap and rolls the pods when it changes', async () => {
    const [a, b] = await Promise.all([prod(), prod({ set: { 'frontend.env.FEATURE_X': 'on' } })]);
    const checksum = (docs: RenderedDoc[], c: string) => (deployment(docs, c).spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations['checksum/configmap'];
    expect(checksum(a, 'frontend')).not.toBe(checksum(b, 'frontend'));
    expect(checksum(a, 'backend')).toBe(checksum(b, 'backend'));
    expect(byComponent(b, 'ConfigMap', 'frontend')!.data).toMatchObject({ FEATURE_X: 'on', API_BASE_PATH: '/api', BACKEND_URL: 'http://nexus-backend:8000' });
  });

  it('reads database and Redis passwords from Secrets by reference, defaulting to the tiers\' Secrets', async () => {
    const ref = (docs: RenderedDoc[], name: string) => (container(deployment(docs, 'backend')).env ?? []).find((e) => e.name === name)?.valueFrom;
    const [production, defaults] = await Promise.all([prod(), renderChart()]);
    expect(ref(production, 'DATABASE_PASSWORD')).toEqual({ secretKeyRef: { name: 'nexus-db-credentials', key: 'password' } });
    expect(ref(production, 'REDIS_PASSWORD')).toEqual({ secretKeyRef: { name: 'nexus-redis-credentials', key: 'redis-password' } });
    expect(ref(defaults, 'DATABASE_PASSWORD')).toEqual({ secretKeyRef: { name: 'nexus-database', key: 'password' } });
    expect(ref(defaults, 'REDIS_PASSWORD')).toEqual({ secretKeyRef: { name: 'nexus-cache', key: 'redis-password' } });
    expect(byComponent(production, 'ConfigMap', 'backend')!.data).toMatchObject({ DATABASE_HOST: 'nexus-database-pgbouncer', DATABASE_PORT: '6432', REDIS_SENTINEL_HOSTS: 'nexus-cache:26379' });
  });
});

describe('autoscaling and capability gates', () => {
  it('sets static replicas and no HPA when autoscaling is off', async () => {
    const docs = await prod({ set: { 'frontend.autoscaling.enabled': false } });
    expect((deployment(docs, 'frontend').spec as { replicas?: number }).replicas).toBe(3);
    expect(byComponent(docs, 'HorizontalPodAutoscaler', 'frontend')).toBeUndefined();
    expect(byComponent(docs, 'HorizontalPodAutoscaler', 'backend')).toBeDefined();
  });

  it('renders the VPA only when autoscaling.k8s.io/v1 is served or forced (outside production; production always)', async () => {
    const staging = { 'global.environment': 'staging' };
    const [none, served, forced, production] = await Promise.all([prod({ set: staging }), prod({ set: staging, apiVersions: ['autoscaling.k8s.io/v1'] }), prod({ set: { ...staging, 'frontend.vpa.force': true } }), prod()]);
    expect(ofKind(none, 'VerticalPodAutoscaler')).toEqual([]);
    expect(ofKind(production, 'VerticalPodAutoscaler').map(componentOf).sort()).toEqual(['backend', 'frontend']);
    expect(ofKind(served, 'VerticalPodAutoscaler').map(componentOf).sort()).toEqual(['backend', 'frontend']);
    expect(ofKind(forced, 'VerticalPodAutoscaler').map(componentOf)).toEqual(['frontend']);
    const vpa = byComponent(served, 'VerticalPodAutoscaler', 'frontend')!.spec as { targetRef: { kind: string; name: string } };
    expect(vpa.targetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'nexus-frontend' });
  });

  it('renders the backend ServiceMonitor only when monitoring.coreos.com/v1 is served (outside production; production always), selecting the metrics port', async () => {
    const set = { 'backend.metrics.serviceMonitor.enabled': true };
    const [none, served, production] = await Promise.all([prod({ set: { ...set, 'global.environment': 'staging' } }), prod({ set, apiVersions: ['monitoring.coreos.com/v1'] }), prod({ set })]);
    expect(byComponent(none, 'ServiceMonitor', 'backend')).toBeUndefined();
    expect(byComponent(production, 'ServiceMonitor', 'backend')).toBeDefined();
    const sm = byComponent(served, 'ServiceMonitor', 'backend')!.spec as { selector: LabelSelector; endpoints: { port: string; path: string }[] };
    const svc = ofKind(served, 'Service').filter((s) => selectorMatches(sm.selector, s.metadata.labels ?? {}));
    expect(svc.map((s) => s.metadata.name)).toEqual(['nexus-backend']);
    const ports = (svc[0]!.spec as { ports: { name: string; port: number }[] }).ports;
    expect(ports.find((p) => p.name === sm.endpoints[0]!.port)?.port).toBe(9090);
    expect(sm.endpoints[0]!.path).toBe('/metrics');
  });
});

describe('gateway', () => {
  it('rate-limits with a KongPlugin only when configuration.konghq.com/v1 is served (outside production; production always), and the Ingress references it', async () => {
    const [none, served, production] = await Promise.all([prod({ set: { 'global.environment': 'staging' } }), prod({ apiVersions: ['configuration.konghq.com/v1'] }), prod()]);
    expect(ofKind(production, 'KongPlugin').length).toBe(1);
    expect(ofKind(none, 'KongPlugin')).toEqual([]);
    expect(ofKind(none, 'Ingress')[0]!.metadata.annotations).not.toHaveProperty('konghq.com/plugins');
    const plugin = ofKind(served, 'KongPlugin')[0]!;
    expect(plugin).toMatchObject({ plugin: 'rate-limiting', config: { minute: 1200, policy: 'redis', redis: { host: 'nexus-cache-master.nexus-platform.svc' } } });
    expect(ofKind(served, 'Ingress')[0]!.metadata.annotations?.['konghq.com/plugins']).toBe(plugin.metadata.name);
  });

  it('uses cert-manager and <release>-gateway-tls when no TLS Secret is given (staging)', async () => {
    const docs = await renderChart({ valuesFiles: ['values.staging.yaml'] });
    const ing = ofKind(docs, 'Ingress')[0]!;
    expect(ing.metadata.annotations?.['cert-manager.io/cluster-issuer']).toBe('letsencrypt-staging');
    expect((ing.spec as { tls: unknown[] }).tls).toEqual([{ secretName: 'nexus-gateway-tls', hosts: ['staging.nexus.example.com'] }]);
  });

  it('renders an HTTPRoute instead of the Ingress in gatewayAPI mode', async () => {
    const docs = await prod({ set: { 'gateway.mode': 'gatewayAPI', 'gateway.gatewayAPI.gatewayName': 'edge', 'gateway.gatewayAPI.gatewayNamespace': 'kong' } });
    expect(ofKind(docs, 'Ingress')).toEqual([]);
    const route = ofKind(docs, 'HTTPRoute')[0]!.spec as { parentRefs: unknown[]; hostnames: string[]; rules: { matches: { path: { value: string } }[]; backendRefs: { name: string; port: number }[] }[] };
    expect(route.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge', namespace: 'kong' }]);
    expect(route.hostnames).toEqual(['nexus.example.com']);
    expect(route.rules.map((r) => [r.matches[0]!.path.value, r.backendRefs[0]!.name, r.backendRefs[0]!.port])).toEqual([
      ['/api', 'nexus-backend', 8000],
      ['/', 'nexus-frontend', 80],
    ]);
  });
});

describe('namespace', () => {
  it('renders no namespace objects by default', async () => {
    const docs = await prod();
    // The one Namespace production renders is the logging tier's node-agent namespace, never the release's.
    expect(ofKind(docs, 'Namespace').map((n) => n.metadata.name)).toEqual([`${ofKind(docs, 'Deployment')[0]!.metadata.namespace}-logs`]);
    expect([...ofKind(docs, 'ResourceQuota'), ...ofKind(docs, 'LimitRange')]).toEqual([]);
  });

  it('labels the namespace for Pod Security Admission restricted, pinned, with a quota and limits', async () => {
    const docs = await prod({ namespace: 'nexus-platform', set: { 'namespace.create': true } });
    const ns = ofKind(docs, 'Namespace').find((n) => n.metadata.name === 'nexus-platform')!;
    expect(ns).toBeDefined();
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.36',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
    expect((ofKind(docs, 'ResourceQuota')[0]!.spec as { hard: Record<string, string> }).hard).toMatchObject({ 'requests.cpu': '16', pods: '100' });
    expect((ofKind(docs, 'LimitRange')[0]!.spec as { limits: unknown[] }).limits).toEqual([
      { type: 'Container', default: { memory: '512Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' }, max: { cpu: '8', memory: '32Gi' } },
    ]);
  });
});

describe('smoke tests and network rules', () => {
  it('curls each tier\'s readiness endpoint through its Service as a helm test hook', async () => {
    const docs = await prod();
    const tests = ofKind(docs, 'Pod').filter((p) => p.metadata.annotations?.['helm.sh/hook'] === 'test');
    expect(tests.map((t) => t.metadata.name).sort()).toEqual(['nexus-smoke-test-backend', 'nexus-smoke-test-frontend']);
    for (const t of tests) {
      const url = new URL((container(t).args as string[]).at(-1)!);
      const svc = ofKind(docs, 'Service').find((s) => s.metadata.name === url.hostname)!;
      expect(svc, url.hostname).toBeDefined();
      expect((svc.spec as { ports: { port: number }[] }).ports.map((p) => p.port)).toContain(Number(url.port || 80));
      const target = deployment(docs, componentOf(svc)!);
      expect((container(target).readinessProbe as { httpGet: { path: string } }).httpGet.path).toBe(url.pathname);
    }
  });

  it('turns the smoke tests and their network rules off together', async () => {
    const docs = await prod({ set: { 'tests.enabled': false } });
    expect(docs.filter((d) => componentOf(d.object) === 'smoke-test')).toEqual([]);
    expect(JSON.stringify(ofKind(docs, 'NetworkPolicy'))).not.toContain('smoke-test');
  });

  it('allows exactly the documented flows between the stateless tiers', async () => {
    // The chart's own database pods (the operator's pods are asserted in database-modes.test.ts).
    const docs = await prod({ set: BUNDLED_DATABASE });
    const np = (c: string) => ofKind(docs, 'NetworkPolicy').find((p) => componentOf(p) === c && p.metadata.labels?.['app.kubernetes.io/name'] === 'nexus')!.spec as {
      ingress: { from: { podSelector?: LabelSelector; namespaceSelector?: LabelSelector }[]; ports: { port: number }[] }[];
      egress: { to: { podSelector?: LabelSelector }[]; ports: { port: number }[] }[];
    };
    const flows = (rules: { from?: { podSelector?: LabelSelector; namespaceSelector?: LabelSelector }[]; to?: { podSelector?: LabelSelector; namespaceSelector?: LabelSelector }[]; ports: { port: number }[] }[]) =>
      rules.map((r) => {
        const peer = (r.from ?? r.to)![0]!;
        const who = peer.podSelector?.matchLabels?.['app.kubernetes.io/component'] ?? `ns:${peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name']}`;
        return `${who}:${r.ports.map((p) => p.port).join('/')}`;
      });
    expect(flows(np('frontend').ingress)).toEqual(['ns:kong:3000', 'smoke-test:3000', 'prometheus:9464']);
    expect(flows(np('frontend').egress)).toEqual(['backend:8000', 'otlp-gateway:4318']);
    expect(flows(np('backend').ingress)).toEqual(['ns:kong:8000', 'smoke-test:8000', 'frontend:8000', 'prometheus:9090']);
    expect(flows(np('backend').egress)).toEqual(['pgbouncer:6432', 'postgresql:5432', 'redis:6379/26379', 'otlp-gateway:4318']);
  });

  it('lets every release pod resolve DNS, and renders no policies when network policies are off', async () => {
    const [on, off] = await Promise.all([prod(), prod({ set: { 'security.networkPolicies.enabled': false } })]);
    const dns = ofKind(on, 'NetworkPolicy').find((p) => p.metadata.name === 'nexus-allow-dns')!.spec as { podSelector: LabelSelector; egress: { ports: { protocol: string; port: number }[] }[] };
    expect(dns.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/instance': 'nexus' } });
    expect(dns.egress[0]!.ports).toEqual([
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ]);
    expect(ofKind(off, 'NetworkPolicy').filter((p) => p.metadata.labels?.['app.kubernetes.io/name'] === 'nexus')).toEqual([]);
  });
});
