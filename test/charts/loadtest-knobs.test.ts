/**
 * The k6 load-test Pod takes the knobs a test Pod needs, like the smoke tests (schema/loadtest.ts):
 * extra env (proxies, CA bundles, k6 settings), placement (a load generator belongs on its own nodes,
 * off the ones it measures), labels and annotations (e.g. no mesh sidecar); the chart's env, labels and
 * hook annotations win; Secrets and ConfigMaps it names are declared external; without knobs nothing
 * changes. Resources were already a knob.
 */
import { describe, expect, it } from 'vitest';
import { isHook, ofKind, renderChart, type K8sObject } from './helpers.ts';

type Any = Record<string, any>;
const k6Pod = (docs: Awaited<ReturnType<typeof renderChart>>): Any => {
  const pods = ofKind(docs, 'Pod').filter((p: K8sObject) => p.metadata.labels?.['app.kubernetes.io/component'] === 'loadtest');
  expect(pods.map((p) => p.metadata.name)).toEqual(['nexus-loadtest']);
  return pods[0] as Any;
};

const placement = {
  nodeSelector: { pool: 'load-generators' },
  tolerations: [{ key: 'load-generators', operator: 'Exists', effect: 'NoSchedule' }],
  affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['load-generators'] }] }] } } },
  priorityClassName: 'batch-low',
  runtimeClassName: 'gvisor',
  hostAliases: [{ ip: '10.0.0.9', hostnames: ['proxy.example.com'] }],
  dnsConfig: { options: [{ name: 'ndots', value: '2' }] },
};
const knobs = {
  global: { domain: 'nexus.example.com' },
  loadtest: {
    enabled: true,
    auth: { existingSecret: 'nexus-loadtest-token' },
    // The gateway's KongPlugin API is not served in these renders, so the consumer itself is not rendered.
    gatewayClient: { existingSecret: 'k6-gateway-key' },
    extraEnv: [
      { name: 'HTTPS_PROXY', value: 'http://proxy.{{ .Release.Namespace }}:3128' },
      { name: 'K6_WEB_DASHBOARD', value: 'false' },
      { name: 'CA_BUNDLE', valueFrom: { secretKeyRef: { name: 'corp-ca', key: 'ca.crt' } } },
    ],
    extraEnvFrom: [{ configMapRef: { name: 'k6-settings' } }],
    ...placement,
    resources: { requests: { cpu: '4', memory: '4Gi' }, limits: { cpu: '8', memory: '8Gi' } },
    podLabels: { team: 'perf', 'app.kubernetes.io/component': 'not-mine' },
    podAnnotations: { 'sidecar.istio.io/inject': 'false', 'helm.sh/hook': 'post-install', 'checksum/config': 'mine' },
  },
};

describe('load-test Pod knobs', () => {
  it('land on the k6 Pod at the Kubernetes paths, the chart\'s env, labels and hook annotations winning', async () => {
    const pod = k6Pod(await renderChart({ namespace: 'nexus', valuesJson: knobs }));
    expect(isHook(pod as K8sObject)).toBe(true);
    expect(pod.metadata.annotations).toMatchObject({ 'helm.sh/hook': 'test', 'helm.sh/hook-delete-policy': 'before-hook-creation', 'sidecar.istio.io/inject': 'false' });
    expect(pod.metadata.annotations['checksum/config']).toMatch(/^[0-9a-f]{64}$/);
    // The token Secret and what extraEnv/extraEnvFrom name are the user's: declared external for references-exist.
    expect(pod.metadata.annotations['nexus.dev/external-secrets']).toBe('corp-ca,nexus-loadtest-token');
    expect(pod.metadata.annotations['nexus.dev/external-configmaps']).toBe('k6-settings');
    expect(pod.metadata.labels).toMatchObject({ team: 'perf', 'app.kubernetes.io/component': 'loadtest' });
    for (const [key, value] of Object.entries(placement)) expect(pod.spec[key], key).toEqual(value);
    const k6 = pod.spec.containers[0];
    // The chart's variables first (the script reads them), the user's after.
    expect(k6.env.map((e: Any) => e.name)).toEqual(['NEXUS_LOADTEST_CONFIG', 'K6_NO_USAGE_REPORT', 'HOME', 'NEXUS_LOADTEST_TOKEN', 'HTTPS_PROXY', 'K6_WEB_DASHBOARD', 'CA_BUNDLE']);
    expect(k6.env.find((e: Any) => e.name === 'HTTPS_PROXY').value).toBe('http://proxy.nexus:3128');
    expect(k6.envFrom).toEqual([{ configMapRef: { name: 'k6-settings' } }]);
    expect(k6.resources).toEqual(knobs.loadtest.resources);
  });

  it('change nothing when unset', async () => {
    const pod = k6Pod(await renderChart({ namespace: 'nexus', valuesJson: { global: { domain: 'nexus.example.com' }, loadtest: { enabled: true, gatewayClient: { existingSecret: 'k6-gateway-key' } } } }));
    for (const key of Object.keys(placement)) expect(pod.spec[key], key).toBeUndefined();
    expect(pod.spec.containers[0].envFrom).toBeUndefined();
    expect(pod.spec.containers[0].env.map((e: Any) => e.name)).toEqual(['NEXUS_LOADTEST_CONFIG', 'K6_NO_USAGE_REPORT', 'HOME']);
    expect(Object.keys(pod.metadata.annotations).sort()).toEqual(['checksum/config', 'helm.sh/hook', 'helm.sh/hook-delete-policy', 'helm.sh/hook-weight']);
    expect(pod.metadata.labels.team).toBeUndefined();
  });
});
