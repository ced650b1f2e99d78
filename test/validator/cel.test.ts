/**
 * CRD validation rules (x-kubernetes-validations) evaluated like the API server: the Kubernetes CEL
 * libraries, RE2 `matches`, messages and paths, transition rules, defaults, list types.
 */
import { describe, expect, it } from 'vitest';
import { compileCel } from '../../validator/kube/cel/env.ts';
import { escapeProperty, toCel } from '../../validator/kube/cel/values.ts';
import { applyDefaults, checkExtensions, compileExtensions } from '../../validator/kube/crd-extensions.ts';

function run(expr: string, vars: Record<string, unknown> = {}): unknown {
  const c = compileCel(expr);
  if (!c.ok) throw new Error(c.error);
  return c.run(vars);
}

describe('Kubernetes CEL libraries', () => {
  it.each([
    // RE2 matches, not JavaScript regular expressions
    ["'Foo.Bar'.matches('^(?i)\\\\.?[a-z_][a-z_0-9]*(\\\\.[a-z_][a-z_0-9]*)*$')", true],
    ["matches('a-b', '^[[:alpha:]]\\\\-[[:alpha:]]$')", true],
    ["'abc 123 45'.find('[0-9]+')", '123'],
    ["'1, 2, 3'.findAll('[0-9]') == ['1', '2', '3']", true],
    ["'a1b2c3'.findAll('[0-9]', 2) == ['1', '2']", true],
    // strings
    ["'hello'.charAt(1) + 'a.b.c'.replace('.', '-') + 'a.b.c'.replace('.', '-', 1) + 'abc'.reverse()", 'ea-b-ca-b.ccba'],
    ["'x'.upperAscii() + 'A/B'.lowerAscii() + ' t '.trim() + 'a,b'.split(',').join('+')", 'Xa/bta+b'],
    ['strings.quote(\'a"b\')', '"a\\"b"'],
    // lists
    ['[1, 2, 2, 5].isSorted() && !([2, 1].isSorted()) && ["a", "b"].isSorted()', true],
    ['[1, 2, 3].sum() == 6 && [1.5, 2.5].sum() == 4.0 && [3, 1, 2].min() == 1 && [3, 1, 2].max() == 3', true],
    ['[1, 2, 1].indexOf(1) == 0 && [1, 2, 1].lastIndexOf(1) == 2 && [1].indexOf(5) == -1', true],
    // quantity
    ["quantity('1.5Gi').isGreaterThan(quantity('1Gi')) && quantity('200M').compareTo(quantity('0.2G')) == 0", true],
    ["quantity('50k').add(20).sub(quantity('100k')).sub(-50000).asInteger() == 20", true],
    ["isQuantity('1Gi') && !isQuantity('1GB') && quantity('500m').isInteger() == false && quantity('-1').sign() == -1", true],
    ["quantity('0.1').add(quantity('0.2')).compareTo(quantity('300m')) == 0", true],
    // url
    ["url('https://example.com:8080/a%20b?x=1&x=2').getHost() == 'example.com:8080' && url('https://example.com:8080/').getPort() == '8080'", true],
    ["url('https://[::1]:80/').getHostname() == '::1' && url('https://e.com/a b').getEscapedPath() == '/a%20b' && url('https://e.com/?x=1&x=2').getQuery()['x'] == ['1', '2']", true],
    ["isURL('https://example.com') && !isURL('not a url')", true],
    // ip / cidr
    ["isIP('10.0.0.1') && isIP('::1') && !isIP('010.0.0.1') && !isIP('fe80::1%eth0') && ip('10.0.0.1').family() == 4", true],
    ["ip.isCanonical('2001:db8::1') && !ip.isCanonical('2001:db8:0::1') && ip('127.0.0.1').isLoopback() && ip('8.8.8.8').isGlobalUnicast()", true],
    ["cidr('10.0.0.0/8').containsIP('10.1.2.3') && !cidr('10.0.0.0/8').containsIP(ip('11.0.0.1')) && cidr('10.0.0.0/8').containsCIDR('10.1.0.0/16')", true],
    ["string(cidr('10.1.2.3/8').masked()) == '10.0.0.0/8' && cidr('10.0.0.0/8').prefixLength() == 8 && isCIDR('::/0') && !isCIDR('10.0.0.0/33')", true],
    // format
    ["!format.dns1123Label().validate('my-name').hasValue() && format.dns1123Label().validate('My_Name').hasValue()", true],
    [`format.named('labelValue').value().validate('${'x'.repeat(64)}').hasValue() && !format.named('labelValue').value().validate('a.b_c').hasValue() && !format.named('nope').hasValue()`, true],
    // semver
    ["semver('1.2.3').isLessThan(semver('1.10.0')) && isSemver('v1.2', true) && !isSemver('v1.2') && semver('1.0.0-rc.1').compareTo(semver('1.0.0')) == -1", true],
    // sets, optional types, bind
    ['sets.contains([1, 2, 3], [1, 3]) && sets.equivalent([1, 2], [2, 1]) && sets.intersects([1], [1, 5])', true],
    ["{'a': 1}.?b.orValue(7) == 7 && cel.bind(x, 2, x * x) == 4", true],
  ])('%s', (expr, want) => {
    expect(run(expr as string)).toEqual(want);
  });

  it('has() works on fields of indexed expressions, as CEL allows', () => {
    expect(run('has(self.m[0].path) && !has(self.m[1].path)', { self: { m: [{ path: 'x' }, {}] } })).toBe(true);
  });

  it('a syntax error is returned, not thrown', () => {
    const c = compileCel('self.a ==');
    expect(c.ok).toBe(false);
  });
});

describe('values as rules see them', () => {
  it('escapes property names like the API server', () => {
    expect(['namespace', 'x-prop', 'redact__d', 'a.b/c', 'string', '1bad'].map(escapeProperty)).toEqual(['__namespace__', 'x__dash__prop', 'redact__underscores__d', 'a__dot__b__slash__c', 'string', undefined]);
  });

  it('types from the schema: ints, int-or-string, bytes, times; maps keep their keys; unknown fields are hidden', () => {
    const schema = {
      type: 'object',
      properties: {
        n: { type: 'integer' },
        d: { type: 'number' },
        p: { 'x-kubernetes-int-or-string': true },
        b: { type: 'string', format: 'byte' },
        t: { type: 'string', format: 'date-time' },
        m: { type: 'object', additionalProperties: { type: 'integer' } },
        namespace: { type: 'string' },
      },
    };
    const v = toCel({ n: 3, d: 2, p: 80, b: 'aGk=', t: '2024-01-01T00:00:00Z', m: { 'a-b': 1 }, namespace: 'x', extra: 1 }, schema) as Record<string, unknown>;
    expect(v).toEqual({ n: 3n, d: 2, p: 80n, b: Uint8Array.from([104, 105]), t: new Date('2024-01-01T00:00:00Z'), m: { 'a-b': 1n }, __namespace__: 'x' });
  });
});

const schema = (props: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: 'object', properties: props, ...extra });

function problems(s: Record<string, unknown>, obj: unknown): string[] {
  const node = compileExtensions(s);
  if (!node) return [];
  return checkExtensions(applyDefaults(obj, node), node).map((p) => `${p.policyId} ${p.jsonPointer} ${p.message}`);
}

describe('x-kubernetes-validations', () => {
  const replicas = schema(
    { min: { type: 'integer' }, max: { type: 'integer' }, name: { type: 'string' } },
    {
      'x-kubernetes-validations': [
        { rule: 'self.min <= self.max', message: 'min must not exceed max', fieldPath: '.min', reason: 'FieldValueForbidden' },
        { rule: "self.name.startsWith('app-')", messageExpression: "'name ' + self.name + ' must start with app-'" },
        { rule: 'self.min >= 0' },
      ],
    },
  );

  it('reports each failing rule at its node (or fieldPath), with message, messageExpression and reason', () => {
    expect(problems({ type: 'object', properties: { spec: replicas } }, { spec: { min: 5, max: 2, name: 'web' } })).toEqual([
      'kube-schema/cel /spec/min spec.min: Forbidden: min must not exceed max',
      'kube-schema/cel /spec spec: Invalid value: "object": name web must start with app-',
    ]);
    expect(problems({ type: 'object', properties: { spec: replicas } }, { spec: { min: -1, max: 2, name: 'app-x' } })).toEqual(['kube-schema/cel /spec spec: Invalid value: "object": failed rule: self.min >= 0']);
    expect(problems({ type: 'object', properties: { spec: replicas } }, { spec: { min: 1, max: 2, name: 'app-x' } })).toEqual([]);
  });

  it('rules on list items and map values run per entry, at their index', () => {
    const s = schema({ ports: { type: 'array', items: schema({ port: { type: 'integer' } }, { 'x-kubernetes-validations': [{ rule: 'self.port < 65536', message: 'port out of range' }] }) } });
    expect(problems(s, { ports: [{ port: 80 }, { port: 70000 }] })).toEqual(['kube-schema/cel /ports/1 ports[1]: Invalid value: "object": port out of range']);
  });

  it('transition rules (oldSelf) do not run on create, unless optionalOldSelf', () => {
    const s = schema({ a: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'immutable' }, { rule: "oldSelf.hasValue() || self != 'x'", optionalOldSelf: true, message: 'x is not allowed on create' }] } });
    expect(problems(s, { a: 'y' })).toEqual([]);
    expect(problems(s, { a: 'x' })).toEqual(['kube-schema/cel /a a: Invalid value: "string": x is not allowed on create']);
  });

  it('defaults are applied first, so rules see them; the input is not modified', () => {
    const s = schema({ type: { type: 'string', default: 'PathPrefix' }, value: { type: 'string' } }, { 'x-kubernetes-validations': [{ rule: "self.type == 'PathPrefix' ? self.value.startsWith('/') : true", message: 'must start with /' }] });
    const obj = { value: 'api' };
    expect(problems(s, obj)).toEqual(['kube-schema/cel  the object: Invalid value: "object": must start with /']);
    expect(obj).toEqual({ value: 'api' });
  });

  it('an evaluation error and a rule that does not compile are findings, never crashes', () => {
    expect(problems(schema({ a: { type: 'object', properties: { b: { type: 'string' } }, 'x-kubernetes-validations': [{ rule: "self.b == 'x'" }] } }), { a: {} })).toEqual([
      'kube-schema/cel /a a: Invalid value: "object": rule `self.b == \'x\'` could not be evaluated: No such key: b',
    ]);
    expect(problems(schema({ a: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self ==' }] } }), { a: 'x' })[0]).toMatch(/^kube-schema\/cel \/a a: validation rule `self ==` does not compile/);
  });

  it('list types: set entries and map keys must be unique', () => {
    const s = schema({
      tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
      ports: { type: 'array', items: schema({ name: { type: 'string' }, port: { type: 'integer' } }), 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
    });
    expect(problems(s, { tags: ['a', 'b', 'a'], ports: [{ name: 'http', port: 80 }, { name: 'http', port: 8080 }] })).toEqual([
      'kube-schema/duplicate-item /tags/2 tags[2]: Duplicate value: "a"',
      'kube-schema/duplicate-item /ports/1 ports[1]: Duplicate value: {"name":"http"}',
    ]);
  });
});
