/**
 * The API stage's field paths (validator/api/path.ts) in both notations, the string-map readers
 * (validator/api/values.ts) that stand in for building strMap's entry list, and the answers the stage
 * reuses from one object to the next.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FieldPath } from '../../validator/api/path.ts';
import { labelMap } from '../../validator/api/selector.ts';
import { arr, isObj, obj, strAt, strMap } from '../../validator/api/values.ts';
import { containerResourceNameProblems } from '../../validator/api/resource-names.ts';
import { runApiStage } from '../../validator/api/stage.ts';

describe('FieldPath', () => {
  it('renders the server notation and the JSON pointer of fields, indexes and map keys', () => {
    const p = FieldPath.root().child('spec', 'template', 'spec').child('containers').index(0).child('env').index(12).child('name');
    expect(String(p)).toBe('spec.template.spec.containers[0].env[12].name');
    expect(p.pointer).toBe('/spec/template/spec/containers/0/env/12/name');
    const k = FieldPath.root().child('metadata', 'annotations').key('example.com/a~b');
    expect(`${k}`).toBe('metadata.annotations[example.com/a~b]');
    expect(k.pointer).toBe('/metadata/annotations/example.com~1a~0b');
    expect(FieldPath.root().pointer).toBe('');
    expect(String(FieldPath.root())).toBe('');
    expect(String(FieldPath.root().index(3))).toBe('[3]');
  });

  it('child(a, b, …) is the same path as child(a).child(b)…, and children share but never change their parent', () => {
    const base = FieldPath.root().child('spec');
    const many = base.child('a', 'b', 'c', 'd', 'e');
    const chained = base.child('a').child('b').child('c').child('d').child('e');
    expect([String(many), many.pointer]).toEqual([String(chained), chained.pointer]);
    expect([String(base), base.pointer]).toEqual(['spec', '/spec']);
    const left = base.child('x').index(1);
    const right = base.child('y').key('k');
    expect([String(left), String(right), String(base)]).toEqual(['spec.x[1]', 'spec.y[k]', 'spec']);
  });
});

describe('string-map readers agree with strMap', () => {
  const values = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }), fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }));
  const maps = fc.oneof(fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('constructor', 'toString', '__proto__', 'hasOwnProperty')), values, { maxKeys: 6 }), values);

  it('strAt(m, k) is new Map(strMap(m)).get(k); labelMap is new Map(strMap(m))', () => {
    fc.assert(
      fc.property(maps, fc.oneof(fc.string(), fc.constantFrom('constructor', 'toString', '__proto__', 'hasOwnProperty')), (m, key) => {
        const ref = new Map(strMap(m));
        expect(strAt(m, key)).toBe(ref.get(key));
        for (const k of ref.keys()) expect(strAt(m, k)).toBe(ref.get(k));
        expect([...labelMap(m)]).toEqual([...ref]);
      }),
      { seed: 20261206, numRuns: 2000 },
    );
  });
});

describe('obj and arr', () => {
  it('obj answers exactly what isObj accepts; arr answers the array itself, or one shared empty list that cannot be changed', () => {
    const samples: unknown[] = [undefined, null, 0, 1, '', 'x', true, [], [1, 2], {}, { a: 1 }, Object.create(null), new Map(), () => 1];
    for (const v of samples) {
      expect(obj(v)).toBe(isObj(v) ? v : undefined);
      expect(arr(v)).toBe(Array.isArray(v) ? v : arr(undefined));
    }
    const none = arr('not a list');
    expect(none).toEqual([]);
    expect(Object.isFrozen(none)).toBe(true);
    expect(() => (none as unknown[]).push(1)).toThrow(TypeError);
    expect(arr(null)).toEqual([]);
  });
});

describe('answers the API stage reuses across objects', () => {
  it('container resource-name answers are per name, whatever was asked before', () => {
    const names = ['cpu', 'example.com/gpu', 'cpu', 'foo', 'hugepages-2Mi', 'foo', 'requests.cpu', 'example.com/gpu', 'a/b/c'];
    const answers = names.map((n) => [n, [...containerResourceNameProblems(n)]]);
    expect(answers).toEqual([
      ['cpu', []],
      ['example.com/gpu', []],
      ['cpu', []],
      ['foo', ['must be a standard resource type or fully qualified', 'must be a standard resource for containers']],
      ['hugepages-2Mi', []],
      ['foo', ['must be a standard resource type or fully qualified', 'must be a standard resource for containers']],
      ['requests.cpu', ['must be a standard resource for containers']],
      ['example.com/gpu', []],
      ['a/b/c', [expect.stringContaining('a qualified name must consist of alphanumeric characters'), "doesn't follow extended resource name standard"]],
    ]);
  });

  it('pod annotation warnings find their annotation among unrelated ones, per container, in every object of a run', () => {
    const pod = (annotations: Record<string, string>, containers = ['web', 'side']) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', annotations }, spec: { containers: containers.map((name) => ({ name, image: 'x' })) } });
    const objects = [
      pod({ 'checksum/config': 'a', 'example.com/x': 'y' }),
      pod({ 'checksum/config': 'a', 'container.seccomp.security.alpha.kubernetes.io/side': 'runtime/default' }),
      pod({ 'container.apparmor.security.beta.kubernetes.io/web': 'runtime/default', 'security.alpha.kubernetes.io/sysctls': 'a=b' }),
      pod({ 'example.com/x': 'y' }),
    ];
    const findings = runApiStage(objects.map((object, docIndex) => ({ source: 't.yaml', docIndex, line: 1, apiVersion: 'v1', kind: 'Pod', name: 'p', object })));
    expect(findings.filter((f) => f.policyId === 'api/warning/deprecated-annotation').map((f) => `${f.docIndex} ${f.jsonPointer}`)).toEqual([
      '1 /metadata/annotations/container.seccomp.security.alpha.kubernetes.io~1side',
      '2 /metadata/annotations/security.alpha.kubernetes.io~1sysctls',
      '2 /metadata/annotations/container.apparmor.security.beta.kubernetes.io~1web',
    ]);
  });
});
