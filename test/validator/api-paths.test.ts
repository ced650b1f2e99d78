/**
 * The API stage's field paths (validator/api/path.ts) in both notations, and the string-map readers
 * (validator/api/values.ts) that stand in for building strMap's entry list.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FieldPath } from '../../validator/api/path.ts';
import { labelMap } from '../../validator/api/selector.ts';
import { hasStrings, strAt, strMap } from '../../validator/api/values.ts';

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

  it('strAt(m, k) is new Map(strMap(m)).get(k); hasStrings(m) is strMap(m).length > 0; labelMap is new Map(strMap(m))', () => {
    fc.assert(
      fc.property(maps, fc.oneof(fc.string(), fc.constantFrom('constructor', 'toString', '__proto__', 'hasOwnProperty')), (m, key) => {
        const ref = new Map(strMap(m));
        expect(strAt(m, key)).toBe(ref.get(key));
        for (const k of ref.keys()) expect(strAt(m, k)).toBe(ref.get(k));
        expect(hasStrings(m)).toBe(ref.size > 0);
        expect([...labelMap(m)]).toEqual([...ref]);
      }),
      { seed: 20261206, numRuns: 2000 },
    );
  });
});
