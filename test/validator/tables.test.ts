/** The generated kind catalogue and strict field tables must match the pinned npm packages. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildTables, serializeTables, TABLES_PATH } from '../../validator/kube/build-tables.ts';
import { API_LIFECYCLE, apiLifecycleFinding, parseKubeMinor } from '../../validator/kube/deprecations.ts';
import { findUnknownFields } from '../../validator/kube/strict.ts';
import { kubeTables } from '../../validator/kube/tables.ts';

describe('kube-tables.json', () => {
  it('is what build-tables.ts derives from node_modules (run `npx tsx validator/kube/build-tables.ts --write` after a bump)', async () => {
    expect(readFileSync(TABLES_PATH, 'utf8') === serializeTables(await buildTables())).toBe(true);
  });

  it('gives every kind a validator and a strict table, core kinds from client-node attributeTypeMap', () => {
    const t = kubeTables();
    expect(t.sources).toEqual({ '@kubernetes/client-node': '2.0.1', 'kubernetes-models': '5.1.0', '@kubernetes-models/prometheus-operator': '6.0.0' });
    expect(Object.values(t.kinds).every((k) => k.validator && k.fields)).toBe(true);
    expect(t.kinds['apps/v1/Deployment']!.fields).toBe('V1Deployment');
    expect(t.kinds['events.k8s.io/v1/Event']!.fields).toBe('EventsV1Event');
    expect(t.kinds['v1/Event']!.fields).toBe('CoreV1Event');
    expect(t.models.V1Container!.livenessProbe).toBe('V1Probe');
    expect(t.kinds['monitoring.coreos.com/v1/ServiceMonitor']!.fields).toMatch(/^d:/);
  });

  it('strict walker: unknown keys at any depth with suggestions; maps and open objects stay open', () => {
    const t = kubeTables();
    const obj = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', labels: { anything: 'goes' } }, spec: { containers: [{ name: 'a', image: 'b', livenessProbe: { periodSecond: 1 }, resources: { limits: { 'example.com/gpu': 1 } } }] } };
    expect(findUnknownFields(obj, 'V1Pod', t.models)).toEqual([
      { pointer: '/spec/containers/0/livenessProbe/periodSecond', key: 'periodSecond', suggestion: 'periodSeconds', allowed: Object.keys(t.models.V1Probe!) },
    ]);
  });
});

describe('removed/deprecated API table', () => {
  it('covers removals across 1.16–1.32 and knows replacements', () => {
    const removedIn = new Set(API_LIFECYCLE.flatMap((e) => (e.removedIn ? [e.removedIn] : [])));
    for (const v of [16, 22, 25, 26, 27, 29, 32]) expect(removedIn.has(v)).toBe(true);
    for (const e of API_LIFECYCLE) expect(e.replacement).not.toBe('');
  });

  it('answers for every target from 1.16 to 1.36', () => {
    for (let minor = 16; minor <= 36; minor++) {
      const psp = apiLifecycleFinding('policy/v1beta1', 'PodSecurityPolicy', minor);
      expect(psp?.policyId).toBe(minor >= 25 ? 'kube-api/removed' : minor >= 21 ? 'kube-api/deprecated' : undefined);
      const hpa = apiLifecycleFinding('autoscaling/v2beta2', 'HorizontalPodAutoscaler', minor);
      expect(hpa?.policyId).toBe(minor >= 26 ? 'kube-api/removed' : minor >= 23 ? 'kube-api/deprecated' : undefined);
      expect(apiLifecycleFinding('apps/v1', 'Deployment', minor)).toBeUndefined();
    }
    expect(apiLifecycleFinding('extensions/v1beta1', 'Deployment', 16)?.hint).toBe('migrate to apps/v1 Deployment');
  });

  it('parses versions like kubectl prints them', () => {
    expect(parseKubeMinor('1.25')).toBe(25);
    expect(parseKubeMinor('v1.30.2')).toBe(30);
    expect(parseKubeMinor('1.29.0-gke.100')).toBe(29);
    expect(() => parseKubeMinor('latest')).toThrow(/invalid Kubernetes version/);
  });
});
