/**
 * The `helm test` Pods take the knobs a test Pod needs (schema/tests.ts): extra env (proxies, CA
 * bundles), placement, labels and annotations (e.g. no mesh sidecar); the hook annotations and the
 * chart's labels win; Secrets they name are declared external; without knobs nothing changes.
 */
import { describe, expect, it } from 'vitest';
import { isHook, ofKind, renderChart, type K8sObject } from './helpers.ts';

type Any = Record<string, any>;
const smokePods = (docs: Awaited<ReturnType<typeof renderChart>>): Any[] => ofKind(docs, 'Pod').filter((p: K8sObject) => p.metadata.labels?.['app.kubernetes.io/component'] === 'smoke-test') as Any[];

const knobs = {
  tests: {
    extraEnv: [{ name: 'HTTPS_PROXY', value: 'http://proxy.{{ .Release.Namespace }}:3128' }],
    extraEnvFrom: [{ secretRef: { name: 'proxy-creds' } }],
    nodeSelector: { pool: 'ci' },
    tolerations: [{ key: 'ci', operator: 'Exists', effect: 'NoSchedule' }],
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['ci'] }] }] } } },
    priorityClassName: 'ci-low',
    runtimeClassName: 'gvisor',
    hostAliases: [{ ip: '10.0.0.9', hostnames: ['proxy.example.com'] }],
    dnsConfig: { options: [{ name: 'ndots', value: '2' }] },
    podLabels: { team: 'qa', 'app.kubernetes.io/component': 'not-mine' },
    podAnnotations: { 'sidecar.istio.io/inject': 'false', 'helm.sh/hook': 'post-install' },
  },
};

describe('smoke-test Pod knobs', () => {
  it('land on every smoke-test Pod, the chart\'s labels and hook annotations winning', async () => {
    const pods = smokePods(await renderChart({ namespace: 'nexus', valuesJson: knobs }));
    expect(pods.map((p) => p.metadata.name).sort()).toEqual(['nexus-smoke-test-backend', 'nexus-smoke-test-frontend']);
    for (const pod of pods) {
      expect(isHook(pod as K8sObject)).toBe(true);
      expect(pod.metadata.annotations).toMatchObject({ 'helm.sh/hook': 'test', 'sidecar.istio.io/inject': 'false', 'nexus.dev/external-secrets': 'proxy-creds' });
      expect(pod.metadata.labels).toMatchObject({ team: 'qa', 'app.kubernetes.io/component': 'smoke-test' });
      const t = knobs.tests;
      for (const key of ['nodeSelector', 'tolerations', 'affinity', 'priorityClassName', 'runtimeClassName', 'hostAliases', 'dnsConfig'] as const) expect(pod.spec[key], `${pod.metadata.name} ${key}`).toEqual(t[key]);
      const c = pod.spec.containers[0];
      expect(c.env).toEqual([{ name: 'HTTPS_PROXY', value: 'http://proxy.nexus:3128' }]);
      expect(c.envFrom).toEqual(t.extraEnvFrom);
    }
  });

  it('change nothing when unset', async () => {
    for (const pod of smokePods(await renderChart({}))) {
      for (const key of ['nodeSelector', 'tolerations', 'affinity', 'priorityClassName', 'runtimeClassName', 'hostAliases', 'dnsConfig']) expect(pod.spec[key], key).toBeUndefined();
      expect(pod.spec.containers[0].env).toBeUndefined();
      expect(Object.keys(pod.metadata.annotations).sort()).toEqual(['helm.sh/hook', 'helm.sh/hook-delete-policy']);
    }
  });
});
