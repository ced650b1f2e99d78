/**
 * Redis clients never land on a replica: no Service the backend can use mixes the master and replicas.
 * With Sentinel the cache's client Service publishes only Sentinel and the backend gets the Sentinel
 * endpoint and master set (no REDIS_HOST); without Sentinel the Service selects the fixed master
 * (ordinal 0) only. A master hands its role over in preStop. The service-selects-all-replicas policy
 * passes with no exemption on any Service.
 */
import { describe, expect, it } from 'vitest';
import { evaluatePolicies } from '../../policies/engine.ts';
import { toResources } from '../policies/policy-tester.ts';
import { CRD_API_VERSIONS, ENV_FILES, podTemplateOf, renderChart, renderText, selectorMatches, type K8sObject } from './helpers.ts';

type Any = Record<string, any>;

function redisPods(docs: K8sObject[]) {
  const sts = docs.find((o) => o.kind === 'StatefulSet' && o.metadata.labels?.['app.kubernetes.io/component'] === 'redis')!;
  const replicas = (sts.spec as Any).replicas as number;
  const template = podTemplateOf(sts)!;
  // The labels each pod gets: the template's plus the StatefulSet controller's pod-name label.
  return { sts, template, pods: Array.from({ length: replicas }, (_, i) => ({ ...template.labels, 'statefulset.kubernetes.io/pod-name': `${sts.metadata.name}-${i}` })) };
}

const backendEnv = (docs: K8sObject[]) => {
  const backend = docs.find((o) => o.kind === 'Deployment' && o.metadata.name.endsWith('-backend'))!;
  const container = podTemplateOf(backend)!.spec.containers[0]!;
  const fromEnv = Object.fromEntries((container.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));
  const cm = (container.envFrom as Any[] | undefined)?.find((e) => e.configMapRef)?.configMapRef.name;
  const data = cm ? ((docs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === cm) as Any)?.data ?? {}) : {};
  return { ...data, ...fromEnv } as Record<string, string>;
};

describe.each([...ENV_FILES.map((f) => [f, {}] as const), ['values.production.yaml without Sentinel', { cache: { replicas: 3, sentinel: { enabled: false } }, backend: { redis: { sentinel: { enabled: false } } } }] as const])('%s', (label, extra) => {
  const file = label.split(' ')[0]!;
  const sentinel = !('cache' in extra);
  let docs: K8sObject[];
  let text: string;

  it('no non-headless Service selects more than one Redis node on the Redis port', async () => {
    text = await renderText({ valuesFiles: [file], valuesJson: extra as Record<string, unknown>, apiVersions: CRD_API_VERSIONS });
    docs = (await renderChart({ valuesFiles: [file], valuesJson: extra as Record<string, unknown>, apiVersions: CRD_API_VERSIONS })).map((d) => d.object);
    const { pods, sts } = redisPods(docs);
    expect(pods.length).toBe(3);
    const redisPort = (podTemplateOf(sts)!.spec.containers.find((c) => c.name === 'redis')!.ports as Any[])[0]!.containerPort;
    const services = docs.filter((o) => o.kind === 'Service') as Any[];
    const touching = services.filter((s) => pods.some((p) => selectorMatches({ matchLabels: s.spec.selector }, p)));
    // The client and headless Services; without Sentinel also the master-only Service (the fixed master;
    // with Sentinel it selects the HAProxy pods, not Redis nodes).
    expect(touching.map((s) => s.metadata.name).sort()).toEqual(sentinel ? ['nexus-cache', 'nexus-cache-headless'] : ['nexus-cache', 'nexus-cache-headless', 'nexus-cache-master']);
    for (const s of touching) {
      if (s.spec.clusterIP === 'None') continue;
      const selected = pods.filter((p) => selectorMatches({ matchLabels: s.spec.selector }, p));
      const servesRedis = (s.spec.ports as Any[]).some((p) => p.targetPort === 'tcp-redis' || p.port === redisPort);
      if (sentinel) {
        expect(servesRedis, `${s.metadata.name} publishes Redis`).toBe(false);
        expect((s.spec.ports as Any[]).map((p) => p.targetPort)).toEqual(['tcp-sentinel']);
      } else {
        expect(servesRedis).toBe(true);
        expect(selected.map((p) => p['statefulset.kubernetes.io/pod-name'])).toEqual([`${sts.metadata.name}-0`]);
      }
    }
  });

  it('the backend reaches the master the way the cache publishes it', () => {
    const env = backendEnv(docs);
    const client = (docs.filter((o) => o.kind === 'Service') as Any[]).find((s) => s.metadata.name === 'nexus-cache')!;
    if (sentinel) {
      expect(env.REDIS_HOST).toBeUndefined();
      expect(env.REDIS_PORT).toBeUndefined();
      expect(env.REDIS_SENTINEL_HOSTS).toBe(`nexus-cache:${client.spec.ports[0].port}`);
      expect(text).toMatch(new RegExp(`^\\s*sentinel monitor ${env.REDIS_SENTINEL_MASTER} `, 'm'));
    } else {
      expect(env.REDIS_SENTINEL_HOSTS).toBeUndefined();
      expect(`${env.REDIS_HOST}:${env.REDIS_PORT}`).toBe(`nexus-cache:${client.spec.ports[0].port}`);
    }
  });

  it('a master hands its role over before it stops (preStop), within the grace period', () => {
    const { template } = redisPods(docs);
    const redis = template.spec.containers.find((c) => c.name === 'redis')! as Any;
    if (sentinel) {
      expect(redis.lifecycle.preStop.exec.command).toEqual(['/bin/sh', '/scripts/redis-prestop.sh']);
      const scripts = (docs.filter((o) => o.kind === 'ConfigMap') as Any[]).find((c) => c.metadata.name === 'nexus-cache-scripts')!;
      expect(scripts.data['redis-prestop.sh']).toMatch(/SENTINEL FAILOVER/);
      const wait = Number(/FAILOVER_WAIT=\$\{FAILOVER_WAIT:-(\d+)\}/.exec(scripts.data['redis-prestop.sh'])![1]);
      expect(wait).toBeLessThan(template.spec.terminationGracePeriodSeconds as number);
    } else {
      expect(redis.lifecycle).toBeUndefined();
    }
  });

  it('service-selects-all-replicas passes with no exemption', () => {
    expect(text).not.toMatch(/nexus\.dev\/ignore-service-selects-all-replicas/);
    const findings = evaluatePolicies(toResources(text, 'render.yaml'), { only: ['service-selects-all-replicas'] });
    expect(findings.map((f) => `${f.name}: ${f.message}`)).toEqual([]);
  });
});

describe('the policy still catches a Service mixing roles (the check above can fail)', () => {
  it('flags a client Service on 6379 over three Redis nodes', async () => {
    const docs = (await renderChart({ valuesFiles: ['values.production.yaml'], apiVersions: CRD_API_VERSIONS })).map((d) => d.object);
    const client = (docs.filter((o) => o.kind === 'Service') as Any[]).find((s) => s.metadata.name === 'nexus-cache')!;
    const sts = docs.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'nexus-cache')!;
    const mixed = { ...client, spec: { ...client.spec, ports: [{ name: 'tcp-redis', port: 6379, targetPort: 'tcp-redis' }] } };
    const { stringify } = await import('yaml');
    const findings = evaluatePolicies(toResources([stringify(mixed), stringify(sts)].join('---\n'), 'mixed.yaml'), { only: ['service-selects-all-replicas'] });
    expect(findings.map((f) => f.name)).toEqual(['nexus-cache']);
  });
});
