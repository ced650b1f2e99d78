import { describe, expect, it } from 'vitest';
import { evaluatePolicies } from '../../policies/engine.ts';
import { parsePolicyConfig } from '../../policies/config-file.ts';
import { POLICY_IDS } from '../../policies/index.ts';
import { NexusError } from '../../util/errors.ts';
import type { K8sResource } from '../../core/types.ts';
import { toResources } from './policy-tester.ts';

const deployment = (name: string, ns: string | undefined, extra = '', podAnnotations = '') => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}${ns ? `\n  namespace: ${ns}` : ''}${extra}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata:
      labels: {app: ${name}}${podAnnotations}
    spec:
      containers:
        - {name: app, image: "ghcr.io/acme/${name}:latest"}
        - {name: sidecar, image: "ghcr.io/acme/sidecar:latest"}
`;

const render = (...docs: string[]) => toResources(docs.join('\n---\n'), 'render.yaml');

describe('policy engine', () => {
  it('reports findings with policy id, severity, pointer, and resource identity', () => {
    const f = evaluatePolicies(render(deployment('web', 'shop')), { only: ['image-tag-pinned'] });
    expect(f.map((x) => [x.policyId, x.severity, x.kind, x.name, x.namespace, x.jsonPointer])).toEqual([
      ['image-tag-pinned', 'error', 'Deployment', 'web', 'shop', '/spec/template/spec/containers/0/image'],
      ['image-tag-pinned', 'error', 'Deployment', 'web', 'shop', '/spec/template/spec/containers/1/image'],
    ]);
    expect(f[0]!.message).toBe('container "app" uses image "ghcr.io/acme/web:latest" with the moving tag "latest"');
    expect(f[0]!.hint).toMatch(/immutable version tag/);
  });

  it('disables policies and changes severities from the config', () => {
    const resources = render(deployment('web', 'shop'));
    const off = evaluatePolicies(resources, { config: { policies: { 'image-tag-pinned': 'off' } }, only: ['image-tag-pinned'] });
    expect(off).toEqual([]);
    const info = evaluatePolicies(resources, { config: { policies: { 'image-tag-pinned': { severity: 'info' } } }, only: ['image-tag-pinned'] });
    expect(info.map((x) => x.severity)).toEqual(['info', 'info']);
    const short = evaluatePolicies(resources, { config: { policies: { 'image-tag-pinned': 'warning' } }, only: ['image-tag-pinned'] });
    expect(short.map((x) => x.severity)).toEqual(['warning', 'warning']);
  });

  it('enables an off-by-default policy from the config', () => {
    const resources = render(deployment('web', 'shop'));
    expect(evaluatePolicies(resources, { only: ['resources-cpu-limit'] })).toEqual([]);
    expect(evaluatePolicies(resources, { only: ['resources-cpu-limit'], config: { policies: { 'resources-cpu-limit': { enabled: true } } } })).toHaveLength(2);
  });

  it('scopes config exemptions by namespace, kind, name and container, and reports them as skipped', () => {
    const resources = render(deployment('web', 'shop'), deployment('api', 'shop'), deployment('web', 'other'));
    const f = evaluatePolicies(resources, {
      only: ['image-tag-pinned'],
      config: { exemptions: [{ policies: ['image-tag-pinned'], namespace: 'shop', kind: 'Deploy*', name: 'web', container: 'sidecar', reason: 'vendor sidecar, pinned upstream' }] },
    });
    const skipped = f.filter((x) => x.exemption);
    expect(skipped.map((x) => [x.namespace, x.name, x.jsonPointer, x.exemption])).toEqual([
      ['shop', 'web', '/spec/template/spec/containers/1/image', { reason: 'vendor sidecar, pinned upstream', via: 'config' }],
    ]);
    expect(f.filter((x) => !x.exemption)).toHaveLength(5);
  });

  it('honours nexus.dev/ignore-<id> annotations with a reason, on the object or the pod template', () => {
    const onObject = deployment('web', 'shop', '\n  annotations: {nexus.dev/ignore-image-tag-pinned: "  built in CI from main  "}');
    const onPod = deployment('api', 'shop', '', '\n      annotations: {nexus.dev/ignore-image-tag-pinned: "dev image"}');
    const f = evaluatePolicies(render(onObject, onPod), { only: ['image-tag-pinned'] });
    expect(f).toHaveLength(4);
    expect(f.every((x) => x.exemption?.via === 'annotation')).toBe(true);
    expect(f.find((x) => x.name === 'web')!.exemption!.reason).toBe('built in CI from main');
  });

  it('does not exempt on an empty reason and reports the annotation itself', () => {
    const d = deployment('web', 'shop', '\n  annotations: {nexus.dev/ignore-image-tag-pinned: ""}');
    const f = evaluatePolicies(render(d), { only: ['image-tag-pinned', 'exemption-annotations'] });
    expect(f.filter((x) => x.policyId === 'image-tag-pinned' && !x.exemption)).toHaveLength(2);
    expect(f.filter((x) => x.policyId === 'exemption-annotations').map((x) => x.jsonPointer)).toEqual(['/metadata/annotations/nexus.dev~1ignore-image-tag-pinned']);
  });

  describe('Pod Security level and version', () => {
    const ns = (name: string, labels: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n  labels: {${labels}}`;
    const rootPod = (n: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ${n}}\nspec:\n  containers:\n    - name: c\n      image: x:1\n      readinessProbe: {httpGet: {host: 10.0.0.1, port: 80}}`;
    const ids = (f: ReturnType<typeof evaluatePolicies>) => [...new Set(f.filter((x) => x.policyId.startsWith('pss-')).map((x) => x.policyId))].sort();

    it('defaults to restricted/latest', () => {
      expect(ids(evaluatePolicies(render(rootPod('a'))))).toEqual(['pss-allow-privilege-escalation', 'pss-capabilities-restricted', 'pss-host-probes-and-lifecycle', 'pss-run-as-non-root', 'pss-seccomp-profile-restricted']);
    });
    it('follows the enforce labels of a Namespace in the render', () => {
      expect(ids(evaluatePolicies(render(ns('a', 'pod-security.kubernetes.io/enforce: baseline'), rootPod('a'))))).toEqual(['pss-host-probes-and-lifecycle']);
      expect(ids(evaluatePolicies(render(ns('a', 'pod-security.kubernetes.io/enforce: baseline, pod-security.kubernetes.io/enforce-version: v1.33'), rootPod('a'))))).toEqual([]);
      expect(ids(evaluatePolicies(render(ns('a', 'pod-security.kubernetes.io/enforce: privileged'), rootPod('a'))))).toEqual([]);
    });
    it('lets the options win over the labels', () => {
      const r = render(ns('a', 'pod-security.kubernetes.io/enforce: privileged'), rootPod('a'));
      expect(ids(evaluatePolicies(r, { pssLevel: 'baseline', pssVersion: 'v1.34' }))).toEqual(['pss-host-probes-and-lifecycle']);
      expect(ids(evaluatePolicies(r, { config: { pss: { level: 'baseline', version: 'v1.30' } } }))).toEqual([]);
    });
  });

  it('returns the same sorted findings whatever the input order', () => {
    const docs = [deployment('b', 'x'), deployment('a', 'x'), deployment('c', 'y')];
    const forward = render(...docs);
    const backward = [...forward].reverse();
    const a = evaluatePolicies(forward);
    const b = evaluatePolicies(backward);
    expect(a.length).toBeGreaterThan(10);
    expect(b).toEqual(a);
    // Within one input, order is by document, line, policy id, pointer.
    const docIdx = a.map((f) => f.docIndex!);
    expect(docIdx).toEqual([...docIdx].sort((x, y) => x - y));
  });

  it('locates findings at the nearest existing ancestor of the pointer', () => {
    const [r] = render(deployment('web', 'shop')) as [K8sResource];
    r.templateFile = 'chart/templates/deployment.yaml';
    r.locate = (p) => (p === '/spec/template/spec/containers/0' ? { line: 14, column: 11 } : undefined);
    const f = evaluatePolicies([r], { only: ['resources-memory-limit'], positions: true }).find((x) => x.jsonPointer?.includes('/containers/0/'));
    expect(f).toMatchObject({ file: 'chart/templates/deployment.yaml', line: 14, column: 11, jsonPointer: '/spec/template/spec/containers/0/resources/limits/memory' });
    // By default a rendered resource (with a templateFile) is left to the validator's template-line mapping.
    const auto = evaluatePolicies([r], { only: ['resources-memory-limit'] });
    expect(auto.map((x) => [x.line, x.column])).toEqual([[1, undefined], [1, undefined]]);
  });
});

describe('.nexus-policy.yaml', () => {
  it('parses a full config', () => {
    const c = parsePolicyConfig(
      'pss: {level: baseline, version: v1.35}\nsettings: {requireCpuLimit: true, externalSecrets: [db]}\npolicies:\n  ha-spread: off\n  image-pull-policy: {severity: info}\nexemptions:\n  - policies: [pss-run-as-non-root]\n    namespace: legacy\n    reason: vendor image\n',
      '.nexus-policy.yaml',
      POLICY_IDS,
    );
    expect(c.pss).toEqual({ level: 'baseline', version: 'v1.35' });
    expect(c.policies?.['ha-spread']).toBe('off');
  });
  const error = (text: string) => {
    try {
      parsePolicyConfig(text, 'p.yaml', POLICY_IDS);
    } catch (e) {
      if (e instanceof NexusError) return e;
    }
    throw new Error('expected a NexusError');
  };
  it('rejects unknown keys with their position', () => {
    const e = error('settings:\n  requireCpuLimits: true\n');
    expect(e.location).toMatchObject({ file: 'p.yaml', line: 2, column: 3 });
    expect(e.message).toMatch(/requireCpuLimits/);
  });
  it('rejects unknown policy ids with a suggestion', () => {
    const e = error('policies:\n  ha-spraed: off\n');
    expect(e.message).toBe('unknown policy id "ha-spraed"');
    expect(e.location.line).toBe(2);
    expect(e.hint).toMatch(/ha-spread/);
  });
  it('requires a reason on every exemption', () => {
    const e = error('exemptions:\n  - policies: [ha-spread]\n    reason: "  "\n');
    expect(e.message).toMatch(/reason/);
    expect(e.location.line).toBe(3);
  });
});

describe('Pod Security version follows the target cluster', () => {
  const pod = `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n  containers:\n    - name: c\n      image: x:1\n      securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}\n      readinessProbe: {tcpSocket: {host: 10.0.0.1, port: 80}}`;
  const ids = (kubeVersion?: string) => evaluatePolicies(toResources(pod, 'p.yaml'), kubeVersion ? { kubeVersion } : {}).filter((f) => f.policyId.startsWith('pss-')).map((f) => f.policyId);
  it('treats `latest` as the cluster version when one is given', () => {
    expect(ids()).toEqual(['pss-host-probes-and-lifecycle']);
    expect(ids('1.36')).toEqual(['pss-host-probes-and-lifecycle']);
    // A 1.33 API server does not have the hostProbesAndHostLifecycle check (added in policy v1.34).
    expect(ids('1.33')).toEqual([]);
  });
});

describe('selectors with non-string label values', () => {
  it('match nothing, instead of silently ignoring the pair', () => {
    const r = toResources(
      'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  selector: {app: web, version: 2}\n  ports: [{port: 80}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {app: web}}\nspec: {containers: [{name: c, image: "x:1"}]}\n',
      's.yaml',
    );
    expect(evaluatePolicies(r, { only: ['service-selector-matches'] }).map((f) => f.jsonPointer)).toEqual(['/spec/selector']);
  });
});
