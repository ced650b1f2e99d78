/**
 * Assertions on the rendered production manifests, parsed as YAML (never grepped). The chart-wide
 * bars (resources, probes, restricted context, PDBs, NetworkPolicy coverage) apply to every pod of
 * the components in COVERED_COMPONENTS; the rest are listed by the coverage test.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { COVERED_COMPONENTS, LONG_RUNNING_KINDS } from './coverage.ts';
import {
  CRD_API_VERSIONS,
  componentOf,
  isHook,
  ofKind,
  podTemplateOf,
  policiesSelecting,
  renderChart,
  selectorMatches,
  type Container,
  type K8sObject,
  type LabelSelector,
  type PodTemplate,
  type RenderedDoc,
} from './helpers.ts';
import { BUNDLED_DATABASE } from '../helpers/database-mode.ts';

const NAMESPACE = 'nexus-platform';

/**
 * The production overlay as it is (its database run by the CloudNativePG operator, whose pods are not
 * in the render), and with the chart's own PostgreSQL, PgBouncer and pg_dump backups (bundled mode),
 * which are held to the same bars.
 */
const RENDERS: { name: string; set: Record<string, string>; operatorRuns: string[] }[] = [
  { name: 'production', set: {}, operatorRuns: ['postgresql', 'pgbouncer', 'backup'] },
  { name: 'production with the bundled database', set: BUNDLED_DATABASE, operatorRuns: [] },
];

let covered: Set<string>;
let docs: RenderedDoc[];
let pods: { owner: K8sObject; template: PodTemplate }[];

describe.each(RENDERS)('$name', ({ set, operatorRuns }) => {
  beforeAll(async () => {
    covered = new Set<string>(COVERED_COMPONENTS.filter((c) => !operatorRuns.includes(c)));
    docs = await renderChart({ valuesFiles: ['values.production.yaml'], set, namespace: NAMESPACE, apiVersions: CRD_API_VERSIONS });
    pods = docs.flatMap((d) => {
      const template = podTemplateOf(d.object);
      return template ? [{ owner: d.object, template }] : [];
    });
  });

  const coveredPods = () => pods.filter((p) => covered.has(p.template.labels['app.kubernetes.io/component'] ?? ''));
  const label = (p: { owner: K8sObject }) => `${p.owner.kind}/${p.owner.metadata.name}`;
  const containersOf = (t: PodTemplate): Container[] => [...(t.spec.initContainers ?? []), ...t.spec.containers];

  /** The effective setting of a container: its own securityContext, else the pod's (Kubernetes semantics). */
  function effective(t: PodTemplate, c: Container, key: string): unknown {
    const own = c.securityContext?.[key];
    return own !== undefined ? own : t.spec.securityContext?.[key];
  }

  describe('production render: coverage', () => {
    it('renders every covered component', () => {
      const present = new Set(pods.map((p) => p.template.labels['app.kubernetes.io/component']));
      for (const component of covered) expect(present, `component ${component}`).toContain(component);
    });

    it('labels every pod with a component (so the coverage list can name it)', () => {
      for (const p of pods) expect(p.template.labels['app.kubernetes.io/component'], label(p)).toBeTruthy();
    });
  });

  describe('production render: containers', () => {
    it('every container has CPU and memory requests and a memory limit', () => {
      const failures: string[] = [];
      for (const p of coveredPods()) {
        for (const c of containersOf(p.template)) {
          const r = c.resources ?? {};
          if (!r.requests?.cpu || !r.requests?.memory) failures.push(`${label(p)} ${c.name}: requests ${JSON.stringify(r.requests)}`);
          if (!r.limits?.memory) failures.push(`${label(p)} ${c.name}: limits ${JSON.stringify(r.limits)}`);
        }
      }
      expect(failures).toEqual([]);
    });

    it('every container of a long-running workload has liveness and readiness probes', () => {
      const failures: string[] = [];
      for (const p of coveredPods().filter((x) => LONG_RUNNING_KINDS.has(x.owner.kind))) {
        for (const c of p.template.spec.containers) {
          if (!c.livenessProbe) failures.push(`${label(p)} ${c.name}: no livenessProbe`);
          if (!c.readinessProbe) failures.push(`${label(p)} ${c.name}: no readinessProbe`);
        }
      }
      expect(failures).toEqual([]);
      expect(coveredPods().filter((x) => LONG_RUNNING_KINDS.has(x.owner.kind)).length).toBeGreaterThanOrEqual(2);
    });

    it('every container runs with the restricted security context', () => {
      const failures: string[] = [];
      for (const p of coveredPods()) {
        for (const c of containersOf(p.template)) {
          const where = `${label(p)} ${c.name}`;
          if (effective(p.template, c, 'runAsNonRoot') !== true) failures.push(`${where}: runAsNonRoot`);
          const uid = effective(p.template, c, 'runAsUser');
          if (typeof uid !== 'number' || uid === 0) failures.push(`${where}: runAsUser ${String(uid)}`);
          if (c.securityContext?.readOnlyRootFilesystem !== true) failures.push(`${where}: readOnlyRootFilesystem`);
          if (c.securityContext?.allowPrivilegeEscalation !== false) failures.push(`${where}: allowPrivilegeEscalation`);
          if (c.securityContext?.privileged === true) failures.push(`${where}: privileged`);
          const caps = c.securityContext?.capabilities as { drop?: string[]; add?: string[] } | undefined;
          if (!caps?.drop?.includes('ALL')) failures.push(`${where}: capabilities.drop ALL`);
          if (caps?.add?.length) failures.push(`${where}: capabilities.add ${caps.add.join(',')}`);
          const seccomp = effective(p.template, c, 'seccompProfile') as { type?: string } | undefined;
          if (seccomp?.type !== 'RuntimeDefault' && seccomp?.type !== 'Localhost') failures.push(`${where}: seccompProfile ${JSON.stringify(seccomp)}`);
        }
        if (p.template.spec.automountServiceAccountToken !== false) failures.push(`${label(p)}: automountServiceAccountToken`);
        for (const hostKey of ['hostNetwork', 'hostPID', 'hostIPC']) if (p.template.spec[hostKey]) failures.push(`${label(p)}: ${hostKey}`);
      }
      expect(failures).toEqual([]);
    });

    it('credentials reach containers only through secretKeyRef', () => {
      const failures: string[] = [];
      for (const p of pods) {
        for (const c of containersOf(p.template)) {
          for (const e of c.env ?? []) {
            if (/PASSWORD|SECRET|TOKEN|API_?KEY|CREDENTIAL/i.test(e.name) && e.value !== undefined) failures.push(`${label(p)} ${c.name}: ${e.name} has a literal value`);
          }
        }
      }
      expect(failures).toEqual([]);
    });
  });

  describe('production render: workloads', () => {
    const workloads = () => docs.map((d) => d.object).filter((o) => LONG_RUNNING_KINDS.has(o.kind) && covered.has(componentOf(o) ?? ''));

    it('every workload selector carries no version and selects its own pods', () => {
      for (const w of workloads()) {
        const selector = (w.spec as { selector: LabelSelector }).selector;
        const keys = Object.keys(selector.matchLabels ?? {});
        expect(keys, `${w.kind}/${w.metadata.name}`).not.toContain('app.kubernetes.io/version');
        expect(keys, `${w.kind}/${w.metadata.name}`).not.toContain('helm.sh/chart');
        expect(keys.sort(), `${w.kind}/${w.metadata.name}`).toEqual(['app.kubernetes.io/component', 'app.kubernetes.io/instance', 'app.kubernetes.io/name']);
        expect(selectorMatches(selector, podTemplateOf(w)!.labels), `${w.kind}/${w.metadata.name}`).toBe(true);
      }
    });

    it('every Service selector carries no version', () => {
      for (const s of ofKind(docs, 'Service')) {
        const selector = (s.spec as { selector?: Record<string, string> }).selector ?? {};
        expect(Object.keys(selector), `Service/${s.metadata.name}`).not.toContain('app.kubernetes.io/version');
      }
    });

    it('every workload has a PodDisruptionBudget selecting exactly its pods', () => {
      const pdbs = ofKind(docs, 'PodDisruptionBudget');
      for (const w of workloads()) {
        const podLabels = podTemplateOf(w)!.labels;
        const matching = pdbs.filter((pdb) => selectorMatches((pdb.spec as { selector: LabelSelector }).selector, podLabels));
        expect(matching.map((m) => m.metadata.name), `${w.kind}/${w.metadata.name}`).toHaveLength(1);
        // ...and that PDB selects no other workload's pods.
        const others = docs
          .map((d) => d.object)
          .filter((o) => LONG_RUNNING_KINDS.has(o.kind) && o !== w)
          .filter((o) => selectorMatches((matching[0]!.spec as { selector: LabelSelector }).selector, podTemplateOf(o)!.labels));
        expect(others.map((o) => o.metadata.name)).toEqual([]);
      }
    });

    it.each([
      ['frontend', 3, 15],
      ['backend', 2, 10],
    ])('the %s HPA scales %i–%i on CPU and memory, and the Deployment leaves replicas to it', (component, min, max) => {
      const hpa = ofKind(docs, 'HorizontalPodAutoscaler').find((h) => componentOf(h) === component)!;
      expect(hpa.apiVersion).toBe('autoscaling/v2');
      const spec = hpa.spec as { minReplicas: number; maxReplicas: number; scaleTargetRef: { kind: string; name: string }; metrics: { resource: { name: string } }[]; behavior?: { scaleUp?: unknown; scaleDown?: unknown } };
      expect([spec.minReplicas, spec.maxReplicas]).toEqual([min, max]);
      expect(spec.metrics.map((m) => m.resource.name).sort()).toEqual(['cpu', 'memory']);
      expect(spec.behavior?.scaleUp).toBeTruthy();
      expect(spec.behavior?.scaleDown).toBeTruthy();
      const deployment = ofKind(docs, 'Deployment').find((d) => d.metadata.name === spec.scaleTargetRef.name)!;
      expect(deployment, spec.scaleTargetRef.name).toBeTruthy();
      expect(componentOf(deployment)).toBe(component);
      expect((deployment.spec as { replicas?: number }).replicas).toBeUndefined();
    });

    it('every VPA only recommends (updateMode Off) so it never fights the HPA', () => {
      const vpas = ofKind(docs, 'VerticalPodAutoscaler').filter((v) => covered.has(componentOf(v) ?? ''));
      expect(vpas.map(componentOf).sort()).toEqual(['backend', 'frontend']);
      for (const v of vpas) expect((v.spec as { updatePolicy: { updateMode: string } }).updatePolicy.updateMode).toBe('Off');
    });

    it('pod templates carry checksum annotations of their ConfigMaps', () => {
      for (const component of ['frontend', 'backend']) {
        const d = ofKind(docs, 'Deployment').find((o) => componentOf(o) === component)!;
        const annotations = ((d.spec as { template: { metadata: { annotations?: Record<string, string> } } }).template.metadata.annotations) ?? {};
        expect(annotations['checksum/configmap'], component).toMatch(/^[0-9a-f]{64}$/);
      }
    });

    it('the migration Job is a pre-upgrade hook with a deadline and a TTL', () => {
      const job = ofKind(docs, 'Job').find((j) => componentOf(j) === 'migrations')!;
      expect(job.metadata.annotations?.['helm.sh/hook']?.split(',')).toContain('pre-upgrade');
      const spec = job.spec as { activeDeadlineSeconds?: number; ttlSecondsAfterFinished?: number; backoffLimit?: number };
      expect(spec.activeDeadlineSeconds).toBeGreaterThan(0);
      expect(spec.ttlSecondsAfterFinished).toBeGreaterThanOrEqual(0);
    });

    it('creates the migration Job\'s ServiceAccount and NetworkPolicy as earlier hooks of the same events', () => {
      const hooks = docs.map((d) => d.object).filter((o) => componentOf(o) === 'migrations');
      const job = hooks.find((o) => o.kind === 'Job')!;
      const weight = (o: K8sObject) => Number(o.metadata.annotations?.['helm.sh/hook-weight'] ?? 0);
      for (const kind of ['ServiceAccount', 'NetworkPolicy']) {
        const o = hooks.find((h) => h.kind === kind)!;
        expect(o, kind).toBeDefined();
        expect(o.metadata.annotations?.['helm.sh/hook'], kind).toBe(job.metadata.annotations?.['helm.sh/hook']);
        expect(weight(o), kind).toBeLessThan(weight(job));
      }
      expect(podTemplateOf(job)!.spec.serviceAccountName).toBe(hooks.find((h) => h.kind === 'ServiceAccount')!.metadata.name);
    });
  });

  describe('production render: network isolation', () => {
    it('every pod is selected by at least one NetworkPolicy, and isolated for ingress and egress', () => {
      const failures: string[] = [];
      for (const p of coveredPods()) {
        const selecting = policiesSelecting(docs, p.template.labels, NAMESPACE);
        const types = new Set(selecting.flatMap((np) => (np.spec as { policyTypes?: string[] }).policyTypes ?? []));
        if (!selecting.length) failures.push(`${label(p)}: no NetworkPolicy selects it`);
        else if (!types.has('Ingress') || !types.has('Egress')) failures.push(`${label(p)}: not isolated for ${['Ingress', 'Egress'].filter((t) => !types.has(t)).join(' and ')}`);
      }
      expect(failures).toEqual([]);
    });

    it('hooks bring the NetworkPolicy their pods need (normal objects do not exist yet at pre-install)', () => {
      for (const p of coveredPods().filter((x) => isHook(x.owner) && x.owner.metadata.annotations!['helm.sh/hook'] !== 'test')) {
        const own = policiesSelecting(docs, p.template.labels, NAMESPACE).filter((np) => componentOf(np) === p.template.labels['app.kubernetes.io/component']);
        expect(own.length, label(p)).toBeGreaterThan(0);
        expect(own.every((np) => np.metadata.annotations?.['helm.sh/hook'] === p.owner.metadata.annotations!['helm.sh/hook'])).toBe(true);
      }
    });

    it('the release default-deny selects every pod of the release', () => {
      const deny = ofKind(docs, 'NetworkPolicy').find((np) => np.metadata.name === 'nexus-default-deny')!;
      const spec = deny.spec as { podSelector: LabelSelector; policyTypes: string[]; ingress?: unknown; egress?: unknown };
      expect(spec.policyTypes.sort()).toEqual(['Egress', 'Ingress']);
      expect(spec.ingress ?? []).toEqual([]);
      expect(spec.egress ?? []).toEqual([]);
      for (const p of pods) expect(selectorMatches(spec.podSelector, p.template.labels), label(p)).toBe(true);
    });
  });

  describe('production render: edge and secrets', () => {
    it('the Ingress terminates TLS for every host it routes', () => {
      const ingresses = ofKind(docs, 'Ingress');
      expect(ingresses.length).toBeGreaterThan(0);
      for (const ing of ingresses) {
        const spec = ing.spec as { ingressClassName?: string; tls?: { hosts?: string[]; secretName?: string }[]; rules: { host?: string; http: { paths: { path: string; backend: { service: { name: string } } }[] } }[] };
        expect(spec.ingressClassName).toBe('kong');
        expect(spec.tls?.length).toBeGreaterThan(0);
        for (const t of spec.tls!) expect(t.secretName).toBeTruthy();
        const tlsHosts = new Set(spec.tls!.flatMap((t) => t.hosts ?? []));
        for (const rule of spec.rules) expect(tlsHosts, rule.host).toContain(rule.host);
        const routes = Object.fromEntries(spec.rules.flatMap((r) => r.http.paths.map((p) => [p.path, p.backend.service.name])));
        expect(routes).toEqual({ '/': 'nexus-frontend', '/api': 'nexus-backend' });
      }
    });

    it('no Secret carries a literal credential', () => {
      for (const s of ofKind(docs, 'Secret')) {
        const data = { ...((s.data as Record<string, string>) ?? {}), ...((s.stringData as Record<string, string>) ?? {}) };
        expect(Object.keys(data), `Secret/${s.metadata.name} renders credentials into the manifest`).toEqual([]);
      }
    });
  });
});
