/** The generated kind catalogue and strict field tables must match the pinned npm packages. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildTables, serializeTables, TABLES_PATH } from '../../validator/kube/build-tables.ts';
import { API_LIFECYCLE, apiLifecycleFinding, parseKubeMinor } from '../../validator/kube/deprecations.ts';
import { findUnknownFields } from '../../validator/kube/strict.ts';
import { kubeTables } from '../../validator/kube/tables.ts';
import { minorsServing } from '../../validator/kube/versions/tables.ts';

describe('kube-tables.json', () => {
  it('is what build-tables.ts derives from node_modules (run `npx tsx validator/kube/build-tables.ts --write` after a bump)', async () => {
    expect(readFileSync(TABLES_PATH, 'utf8') === serializeTables(await buildTables())).toBe(true);
  });

  it('covers the prometheus-operator kinds (strict tables) and legacy APIs no supported release serves (validators only)', () => {
    const t = kubeTables();
    expect(t.sources).toEqual({ 'kubernetes-models': '5.1.0', '@kubernetes-models/prometheus-operator': '6.0.0' });
    expect(t.kinds['monitoring.coreos.com/v1/ServiceMonitor']!.fields).toMatch(/^d:/);
    expect(t.kinds['policy/v1beta1/PodSecurityPolicy']).toEqual({ validator: expect.stringMatching(/^kubernetes-models\/_schemas\//) });
    // Anything a supported release serves belongs to the version tables, never to this catalogue.
    for (const key of Object.keys(t.kinds)) expect(minorsServing(key), key).toEqual([]);
    expect(t.kinds['apps/v1/Deployment']).toBeUndefined();
  });

  it('strict walker (.d.ts tables): unknown keys at any depth with suggestions; maps stay open', () => {
    const t = kubeTables();
    const type = t.kinds['monitoring.coreos.com/v1/ServiceMonitor']!.fields!;
    const obj = { spec: { selector: { matchLabels: { anything: 'goes' } }, endpoints: [{ port: 'http', intervall: '30s' }] } };
    expect(findUnknownFields(obj, type, t.models).map((u) => [u.pointer, u.suggestion])).toEqual([['/spec/endpoints/0/intervall', 'interval']]);
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
