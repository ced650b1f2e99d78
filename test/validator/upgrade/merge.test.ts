/** The three-way merge an upgrade sends (Helm 3 / kubectl apply semantics), and semantic equality. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { differences, semanticEqual } from '../../../validator/upgrade/equality.ts';
import type { JsonObject } from '../../../validator/upgrade/json.ts';
import { threeWayMerge } from '../../../validator/upgrade/merge.ts';
import { compareQuantities, parseQuantity } from '../../../validator/upgrade/quantity.ts';

const o = (v: unknown) => v as JsonObject;

describe('threeWayMerge', () => {
  it('sets what the new manifest sets, deletes what it dropped, keeps what only the live object has', () => {
    const original = o({ spec: { replicas: 2, paused: true, minReadySeconds: 5 } });
    const modified = o({ spec: { replicas: 3, minReadySeconds: 5 } });
    // live drift (minReadySeconds 9) on a field the manifest sets is overwritten; a server default survives
    const current = o({ spec: { replicas: 7, paused: true, minReadySeconds: 9, progressDeadlineSeconds: 600 } });
    expect(threeWayMerge(original, modified, current)).toEqual({ spec: { replicas: 3, minReadySeconds: 5, progressDeadlineSeconds: 600 } });
  });
  it('merges containers by name, keeping live-only elements and fields, dropping removed ones', () => {
    const original = o({ containers: [{ name: 'app', image: 'a:1', env: [{ name: 'A', value: '1' }] }, { name: 'old', image: 'o:1' }] });
    const modified = o({ containers: [{ name: 'app', image: 'a:2', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }] });
    const current = o({
      containers: [
        { name: 'app', image: 'a:1', env: [{ name: 'A', value: '1' }, { name: 'INJECTED', value: 'x' }], terminationMessagePath: '/dev/termination-log' },
        { name: 'old', image: 'o:1' },
        { name: 'istio-proxy', image: 'proxy' },
      ],
    });
    expect(threeWayMerge(original, modified, current)).toEqual({
      containers: [
        { name: 'app', image: 'a:2', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }, { name: 'INJECTED', value: 'x' }], terminationMessagePath: '/dev/termination-log' },
        { name: 'istio-proxy', image: 'proxy' },
      ],
    });
  });
  it('merges container ports on containerPort and Service ports on port', () => {
    const svc = threeWayMerge(o({ ports: [{ port: 80, name: 'http' }] }), o({ ports: [{ port: 80, name: 'web' }] }), o({ ports: [{ port: 80, name: 'http', nodePort: 30080 }] }));
    expect(svc).toEqual({ ports: [{ port: 80, name: 'web', nodePort: 30080 }] });
    const ctr = threeWayMerge(o({ ports: [{ containerPort: 80 }] }), o({ ports: [{ containerPort: 80, name: 'http' }] }), o({ ports: [{ containerPort: 80, protocol: 'TCP' }] }));
    expect(ctr).toEqual({ ports: [{ containerPort: 80, name: 'http', protocol: 'TCP' }] });
  });
  it('replaces lists without a merge key (tolerations, args, volumeClaimTemplates)', () => {
    const merged = threeWayMerge(o({ args: ['a'], tolerations: [{ key: 'x' }] }), o({ args: ['b'], tolerations: [{ key: 'y' }] }), o({ args: ['a'], tolerations: [{ key: 'x' }, { key: 'admission' }] }));
    expect(merged).toEqual({ args: ['b'], tolerations: [{ key: 'y' }] });
  });
  it('merges finalizers as a set', () => {
    const merged = threeWayMerge(o({ finalizers: ['a', 'b'] }), o({ finalizers: ['a', 'c'] }), o({ finalizers: ['a', 'b', 'controller'] }));
    expect(merged).toEqual({ finalizers: ['a', 'controller', 'c'] });
  });
  it('retainKeys: a new Deployment strategy drops the rollingUpdate block the server defaulted', () => {
    const merged = threeWayMerge(o({ strategy: { type: 'RollingUpdate' } }), o({ strategy: { type: 'Recreate' } }), o({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } } }));
    expect(merged).toEqual({ strategy: { type: 'Recreate' } });
  });
  it('retainKeys on volumes: an element the manifest gives keeps only the keys it gives', () => {
    const merged = threeWayMerge(o({ volumes: [{ name: 'cfg', configMap: { name: 'a' } }] }), o({ volumes: [{ name: 'cfg', secret: { secretName: 'b' } }] }), o({ volumes: [{ name: 'cfg', configMap: { name: 'a', defaultMode: 420 }, emptyDir: {} }, { name: 'token', projected: {} }] }));
    expect(merged).toEqual({ volumes: [{ name: 'cfg', secret: { secretName: 'b' } }, { name: 'token', projected: {} }] });
  });
  it('null in the manifest deletes; JSON merge mode (custom resources) replaces keyed lists', () => {
    expect(threeWayMerge(o({}), o({ a: null, b: 1 }), o({ a: 5 }))).toEqual({ b: 1 });
    expect(threeWayMerge(o({ containers: [{ name: 'a' }] }), o({ containers: [{ name: 'a', x: 1 }] }), o({ containers: [{ name: 'a', y: 2 }, { name: 'b' }] }), false)).toEqual({ containers: [{ name: 'a', x: 1 }] });
  });
  it('is the identity when nothing changed between the manifests and the live object is the manifest', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
        const doc = o({ spec: v });
        expect(semanticEqual(threeWayMerge(structuredClone(doc), structuredClone(doc), structuredClone(doc)), doc)).toBe(true);
      }),
    );
  });
});

describe('semanticEqual', () => {
  it('treats Go zero values, empty collections and unset fields alike', () => {
    expect(semanticEqual({ a: [], b: {}, c: '', d: false, e: 0, f: null }, {})).toBe(true);
    expect(semanticEqual({ resources: {} }, {})).toBe(true);
    expect(semanticEqual({ securityContext: { capabilities: {} } }, {})).toBe(true);
  });
  it('keeps explicit zeros of pointer fields apart from unset', () => {
    expect(semanticEqual({ automountServiceAccountToken: false }, {})).toBe(false);
    expect(semanticEqual({ runAsUser: 0 }, {})).toBe(false);
    expect(semanticEqual({ storageClassName: '' }, {})).toBe(false);
    expect(semanticEqual({ hostNetwork: false }, {})).toBe(true);
  });
  it('compares quantities by value under resource maps only', () => {
    expect(semanticEqual({ requests: { storage: '1Gi' } }, { requests: { storage: '1024Mi' } })).toBe(true);
    expect(semanticEqual({ limits: { cpu: '0.5' } }, { limits: { cpu: '500m' } })).toBe(true);
    expect(semanticEqual({ image: '1.0' }, { image: '1.00' })).toBe(false);
    expect(semanticEqual({ requests: { storage: '1G' } }, { requests: { storage: '1Gi' } })).toBe(false);
  });
  it('cares about list order and not map order', () => {
    expect(semanticEqual({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(semanticEqual({ x: 1, y: 2 }, { y: 2, x: 1 })).toBe(true);
  });
  it('differences() names the changed leaves in a stable order', () => {
    expect(differences({ a: { b: 1, c: 2 }, l: [1] }, { a: { b: 1, c: 3 }, l: [1, 2], n: 'x' })).toEqual([['a', 'c'], ['l'], ['n']]);
  });
});

describe('quantities', () => {
  it('parses the Kubernetes grammar exactly', () => {
    expect(parseQuantity('1Ki')).toEqual([1024n, 1n]);
    expect(parseQuantity('1.5Gi')).toEqual([15n * (1n << 30n), 10n]);
    expect(parseQuantity('100m')).toEqual([100n, 1000n]);
    expect(parseQuantity('1e3')).toEqual([1000n, 1n]);
    expect(parseQuantity('-2M')).toEqual([-2000000n, 1n]);
    for (const bad of ['', 'Gi', '1 Gi', '1GB', '1.2.3', ' 1']) expect(parseQuantity(bad), bad).toBeUndefined();
  });
  it('orders equal amounts in different units as equal', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (n) => {
        expect(compareQuantities(`${n}Ki`, `${n * 1024}`)).toBe(0);
        expect(compareQuantities(`${n}`, `${n * 1000}m`)).toBe(0);
        expect(compareQuantities(`${n}Mi`, `${n + 1}Mi`)).toBe(-1);
      }),
    );
  });
});

describe('keys named like Object.prototype members', () => {
  it('are data like any other key (valueOf, toString, constructor, __proto__, hasOwnProperty)', () => {
    for (const name of ['valueOf', 'toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      const withKey = JSON.parse(`{"spec":{${JSON.stringify(name)}:{"x":1},"b":"y"}}`) as JsonObject;
      const withoutKey = o({ spec: { b: 'y' } });
      // Dropped from the manifest: the merge deletes it; set in the manifest: the merge keeps it.
      expect(threeWayMerge(structuredClone(withKey), structuredClone(withoutKey), structuredClone(withKey)), name).toEqual(withoutKey);
      const kept = threeWayMerge(structuredClone(withoutKey), structuredClone(withKey), structuredClone(withoutKey));
      expect(Object.getPrototypeOf(kept.spec), name).toBe(Object.prototype);
      expect(semanticEqual(kept, withKey), name).toBe(true);
      // Unset on one side only (null = unset): equal to the object without it, whatever its name.
      expect(semanticEqual(withoutKey, JSON.parse(`{"spec":{${JSON.stringify(name)}:null,"b":"y"}}`)), name).toBe(true);
      expect(differences(withoutKey, withKey), name).toEqual([['spec', name]]);
    }
  });
  it('the identity property holds for the counterexample fast-check found ({"valueOf":null,"":""})', () => {
    const doc = o({ spec: { valueOf: null, '': '' } });
    expect(semanticEqual(threeWayMerge(structuredClone(doc), structuredClone(doc), structuredClone(doc)), doc)).toBe(true);
  });
});
