/**
 * The per-version API tables (validator/kube/versions): the committed files are canonical and
 * self-consistent, 1.36 agrees with kubernetes-models@5.1.0 (generated independently from the same
 * release), and `--kube-version` really selects the release: fields, kinds, removals.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INDEX_FILE, serializeIndex, serializeVersion, versionFile } from '../../validator/kube/versions/build.ts';
import { TableChecker } from '../../validator/kube/versions/check.ts';
import { LATEST_MINOR, OLDEST_MINOR, SUPPORTED_MINORS, type StoredVersion } from '../../validator/kube/versions/format.ts';
import { minorsServing, versionTable } from '../../validator/kube/versions/tables.ts';
import { STAGE_RULES } from '../../validator/rules.ts';
import type { K8sResource } from '../../core/types.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const stored = new Map(SUPPORTED_MINORS.map((m) => [`1.${m}`, JSON.parse(readFileSync(versionFile(`1.${m}`), 'utf8')) as StoredVersion]));

describe('committed version tables', () => {
  it('cover 1.29–1.36: the latest whole, the others as differences from it, each naming its source', () => {
    expect([OLDEST_MINOR, LATEST_MINOR]).toEqual([29, 36]);
    for (const [version, v] of stored) {
      expect(v.version).toBe(version);
      expect(v.$comment).toMatch(/do not edit/);
      expect(v.source.repository).toBe('kubernetes-sigs/reference-docs');
      expect(v.source.path).toBe(`gen-apidocs/config/v1_${version.split('.')[1]}/swagger.json`);
      expect(v.source.blob).toMatch(/^[0-9a-f]{40}$/);
      expect(v.base).toBe(version === '1.36' ? undefined : '1.36');
    }
    // 1.29–1.33 were published without enums; they borrow 1.34's (see build.ts).
    expect([...stored.values()].map((v) => v.source.enumsFrom)).toEqual(['1.34', '1.34', '1.34', '1.34', '1.34', '1.34', '1.35', '1.36']);
  });

  it('are byte-for-byte what the generator writes (canonical, sorted), with a matching kinds index', () => {
    for (const [version, v] of stored) expect(serializeVersion(v) === readFileSync(versionFile(version), 'utf8'), version).toBe(true);
    expect(serializeIndex(stored) === readFileSync(INDEX_FILE, 'utf8')).toBe(true);
    for (const v of stored.values()) {
      expect(Object.keys(v.kinds)).toEqual([...Object.keys(v.kinds)].sort());
      expect(Object.keys(v.models)).toEqual([...Object.keys(v.models)].sort());
    }
  });

  it('resolve every kind and field type to a model or a leaf in every version', () => {
    for (const m of SUPPORTED_MINORS) {
      const t = versionTable(m);
      for (const model of Object.values(t.kinds)) expect(t.models[model], `1.${m} ${model}`).toBeDefined();
      for (const [name, fields] of Object.entries(t.models)) {
        for (const [field, enc] of Object.entries(fields)) {
          const ref = enc.replace(/^!/, '').replace(/^(\[\]|\{\})+/, '');
          if (/^([sbilnqotyd*]|s\|.*)$/.test(ref)) continue;
          expect(t.models[ref], `1.${m} ${name}.${field} → ${ref}`).toBeDefined();
        }
      }
    }
  });

  it('stay small: a fraction of eight full tables', () => {
    const dir = join(ROOT, 'validator', 'kube', 'generated', 'versions');
    const total = readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
    const full = statSync(versionFile('1.36')).size;
    expect(total).toBeLessThan(full * 4);
  });
});

describe('1.36 agrees with kubernetes-models@5.1.0 (the same release, generated independently)', () => {
  it('field names, required fields and enums of every model both have', () => {
    const files = new Map<string, string>();
    const walk = (d: string) => {
      for (const f of readdirSync(d)) {
        const p = join(d, f);
        if (f === '_schemas' || f === 'node_modules') continue;
        if (statSync(p).isDirectory()) walk(p);
        else if (f.endsWith('.d.ts')) for (const m of readFileSync(p, 'utf8').matchAll(/ as I(IoK8s\w+)/g)) files.set(m[1]!, p);
      }
    };
    walk(join(ROOT, 'node_modules', 'kubernetes-models'));
    walk(join(ROOT, 'node_modules', '@kubernetes-models', 'apimachinery'));
    const prefixes = ['io.k8s.api.', 'io.k8s.apimachinery.pkg.apis.', 'io.k8s.apimachinery.pkg.', 'io.k8s.apiextensions-apiserver.pkg.apis.', 'io.k8s.kube-aggregator.pkg.apis.'];
    const pascal = (s: string) => s.split(/[.-]/).map((x) => x.charAt(0).toUpperCase() + x.slice(1)).join('');
    const t = versionTable(36);
    const problems: string[] = [];
    let compared = 0;
    for (const [short, fields] of Object.entries(t.models)) {
      const full = prefixes.map((p) => pascal(p + short)).find((n) => files.has(n));
      if (!full) continue;
      const text = readFileSync(files.get(full)!, 'utf8');
      const body = /export interface I\w+ \{([\s\S]*?)\n\}/.exec(text)?.[1]?.replace(/\/\*\*[\s\S]*?\*\//g, '');
      if (!body) continue;
      const theirs = new Map([...body.matchAll(/^\s{4}"([^"]+)"(\?)?: ([^;]+);/gm)].map((m) => [m[1]!, { optional: !!m[2], type: m[3]! }]));
      compared++;
      if (Object.keys(fields).sort().join() !== [...theirs.keys()].sort().join()) problems.push(`${short}: fields differ`);
      for (const [f, enc] of Object.entries(fields)) {
        const d = theirs.get(f);
        if (!d || f === 'apiVersion' || f === 'kind') continue;
        if (enc.startsWith('!') === d.optional) problems.push(`${short}.${f}: required differs`);
        const literals = d.type.includes('Array') ? [] : [...d.type.matchAll(/"([^"]*)"/g)].map((m) => m[1]!).sort();
        const ours = /s\|(.*)$/.exec(enc)?.[1]?.split('|').sort() ?? [];
        if (literals.length && literals.join('|') !== ours.join('|')) problems.push(`${short}.${f}: enum differs`);
      }
    }
    expect(compared).toBeGreaterThan(400);
    expect(problems).toEqual([]);
  });
});

const doc = (apiVersion: string, kind: string, body: Record<string, unknown>): K8sResource => ({ source: 't.yaml', docIndex: 0, line: 1, apiVersion, kind, name: 'x', object: { apiVersion, kind, metadata: { name: 'x' }, ...body } });

async function findingsAt(v: string, ...resources: Array<Record<string, unknown>>) {
  const { SchemaStage } = await import('../../validator/kube/schema-stage.ts');
  const res = resources.map((o, i) => ({ ...doc(String(o.apiVersion), String(o.kind), {}), docIndex: i, object: o }));
  return (await new SchemaStage({ kubeVersion: v }).check(res)).findings.map((f) => `${f.policyId} ${f.jsonPointer ?? ''}`);
}

describe('--kube-version selects the release', () => {
  const pod = (extra: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'x', ...extra }] } });

  it('a field added in 1.33 (lifecycle.stopSignal) is unknown at 1.32 and fine from 1.33', async () => {
    const p = pod({ lifecycle: { stopSignal: 'SIGTERM' } });
    expect(await findingsAt('1.32', p)).toEqual(['kube-schema/unknown-field /spec/containers/0/lifecycle/stopSignal']);
    expect(await findingsAt('1.33', p)).toEqual([]);
    expect(await findingsAt('1.36', p)).toEqual([]);
  });

  it('a field added in 1.34 (PodSpec.hostnameOverride) is unknown before it', async () => {
    const p = { ...pod({}), spec: { ...pod({}).spec, hostnameOverride: 'h' } };
    expect(await findingsAt('1.33', p)).toEqual(['kube-schema/unknown-field /spec/hostnameOverride']);
    expect(await findingsAt('1.34', p)).toEqual([]);
  });

  it('beta kinds validate where the release serves them, and are "not served" before', async () => {
    const claim = (v: string) => ({ apiVersion: `resource.k8s.io/${v}`, kind: 'ResourceClaim', metadata: { name: 'c' }, spec: { devices: { requests: [] } } });
    expect(await findingsAt('1.34', claim('v1beta1'), claim('v1beta2'), claim('v1'))).toEqual([]);
    expect(await findingsAt('1.32', claim('v1beta2'))).toEqual(['kube-api/not-served /apiVersion']);
    expect(await findingsAt('1.33', claim('v1beta2'))).toEqual([]);
    expect(await findingsAt('1.34', { ...claim('v1beta2'), spec: { devices: { requests: [{ name: 'r', exactly: { deviceClassName: 'gpu', count: 'two' } }] } } })).toEqual(['kube-schema/invalid-type /spec/devices/requests/0/exactly/count']);
    const vac = { apiVersion: 'storage.k8s.io/v1beta1', kind: 'VolumeAttributesClass', metadata: { name: 'v' }, driverName: 'csi.example.com' };
    expect(await findingsAt('1.34', vac)).toEqual([]);
    const { driverName: _, ...noDriver } = vac;
    expect(await findingsAt('1.34', { ...noDriver, driverNam: 'x' })).toEqual(['kube-schema/missing-required /driverName', 'kube-schema/unknown-field /driverNam']);
  });

  it('every one of the 24 beta and alpha kinds of 1.34 that kubernetes-models lacks has a schema', () => {
    const t = versionTable(34);
    const prerelease = Object.keys(t.kinds).filter((k) => /\/v\d+(alpha|beta)\d+\/[A-Za-z]+$/.test(k) && !k.endsWith('List'));
    expect(prerelease.length).toBe(24);
    for (const k of prerelease) expect(t.models[t.kinds[k]!], k).toBeDefined();
    expect(prerelease).toEqual(expect.arrayContaining(['coordination.k8s.io/v1beta1/LeaseCandidate', 'networking.k8s.io/v1beta1/IPAddress', 'networking.k8s.io/v1beta1/ServiceCIDR', 'storage.k8s.io/v1beta1/VolumeAttributesClass', 'resource.k8s.io/v1beta1/DeviceClass', 'resource.k8s.io/v1beta2/ResourceSlice']));
  });

  it('a kind gone from a later release is removed there, with the version to use instead', async () => {
    const vap = { apiVersion: 'admissionregistration.k8s.io/v1beta1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'v' }, spec: {} };
    expect(await findingsAt('1.33', vap)).toEqual([]);
    const { SchemaStage } = await import('../../validator/kube/schema-stage.ts');
    const f = (await new SchemaStage({ kubeVersion: '1.34' }).check([doc(vap.apiVersion, vap.kind, { spec: {} })])).findings;
    expect(f.map((x) => [x.policyId, x.severity, x.message, x.hint])).toEqual([
      ['kube-api/removed', 'error', 'admissionregistration.k8s.io/v1beta1 ValidatingAdmissionPolicy was removed in Kubernetes 1.34 (target 1.34); the API server will reject it', 'use admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy, which 1.34 serves'],
    ]);
    expect(minorsServing('admissionregistration.k8s.io/v1beta1/ValidatingAdmissionPolicy')).toEqual([29, 30, 31, 32, 33]);
  });

  it('kind-level findings are worked out per apiVersion and kind, and reported for every object of it', async () => {
    const { SchemaStage } = await import('../../validator/kube/schema-stage.ts');
    const hpa = (apiVersion: string, kind = 'HorizontalPodAutoscaler') => doc(apiVersion, kind, { spec: { scaleTargetRef: { kind: 'Deployment', name: 'd' }, maxReplicas: 2 } });
    // Same kind, two versions, interleaved; and a garbage pair whose apiVersion/kind joins to the same key.
    const objects = [hpa('autoscaling/v2'), hpa('autoscaling/v2beta2'), hpa('autoscaling/v2'), hpa('autoscaling/v2beta2'), hpa('autoscaling', 'v2beta2/HorizontalPodAutoscaler'), hpa('vx/v1', 'Nothing')];
    const res = objects.map((r, i) => ({ ...r, docIndex: i }));
    const f = (await new SchemaStage({ kubeVersion: '1.34' }).check(res)).findings;
    expect(f.map((x) => `${x.docIndex} ${x.policyId} ${x.message}`)).toEqual([
      '1 kube-api/removed autoscaling/v2beta2 HorizontalPodAutoscaler was removed in Kubernetes 1.26 (target 1.34); the API server will reject it',
      '3 kube-api/removed autoscaling/v2beta2 HorizontalPodAutoscaler was removed in Kubernetes 1.26 (target 1.34); the API server will reject it',
      '4 kube-api/removed autoscaling v2beta2/HorizontalPodAutoscaler was removed in Kubernetes 1.26 (target 1.34); the API server will reject it',
      '5 kube-schema/missing-schema no schema for vx/v1 Nothing: it cannot be validated',
    ]);
    const skipped = await new SchemaStage({ kubeVersion: '1.34', ignoreMissingSchemas: true }).check(res);
    expect(skipped.skipped.map((r) => r.docIndex)).toEqual([5]);
  });

  it('alpha kinds are validated, with a note that clusters must enable them', async () => {
    const svm = { apiVersion: 'storagemigration.k8s.io/v1alpha1', kind: 'StorageVersionMigration', metadata: { name: 's' }, spec: { resource: { group: 'apps', version: 'v1', resource: 'deployments' } } };
    expect(await findingsAt('1.32', svm)).toEqual(['kube-api/alpha /apiVersion']);
    expect(STAGE_RULES.find((x) => x.id === 'kube-api/alpha')?.severity).toBe('info');
  });

  it('required fields follow the release: 1.32 does not require StatefulSet serviceName (the real server accepted it)', async () => {
    const sts = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'a', image: 'x' }] } } } };
    for (const v of ['1.29', '1.32', '1.36']) expect(await findingsAt(v, sts), v).toEqual([]);
  });
});

describe('the table walker follows the API server decoder', () => {
  const c = new TableChecker(versionTable(36));
  const check = (obj: unknown, model = 'core.v1.Container') => c.check(obj, model, true).map((p) => `${p.policyId} ${p.jsonPointer}`);

  it('null is the zero value anywhere; a null list item of objects still needs its required fields', () => {
    expect(check({ name: 'a', image: null, ports: null, env: [{ name: 'X', value: null }] })).toEqual([]);
    expect(check({ name: 'a', ports: [null] })).toEqual(['kube-schema/missing-required /ports/0/containerPort']);
  });

  it('types: int32 range, integers, booleans, strings, lists, mappings', () => {
    expect(check({ name: 'a', ports: [{ containerPort: 2147483648 }] })).toEqual(['kube-schema/invalid-type /ports/0/containerPort']);
    expect(check({ name: 'a', ports: [{ containerPort: 80.5 }] })).toEqual(['kube-schema/invalid-type /ports/0/containerPort']);
    expect(check({ name: 'a', stdin: 'true', args: 'x', env: { a: 1 } })).toEqual(['kube-schema/invalid-type /stdin', 'kube-schema/invalid-type /args', 'kube-schema/invalid-type /env']);
    expect(check({ name: 5 })).toEqual(['kube-schema/invalid-type /name']);
  });

  it('quantities (numbers or the grammar), int-or-string (whole int32 or string)', () => {
    expect(check({ name: 'a', resources: { limits: { cpu: 1, memory: '1Gi', x: '1.5e3', y: '.5' } } })).toEqual([]);
    expect(check({ name: 'a', resources: { limits: { cpu: '1 core', memory: '1GB' } } })).toEqual(['kube-schema/invalid-quantity /resources/limits/cpu', 'kube-schema/invalid-quantity /resources/limits/memory']);
    expect(check({ name: 'a', livenessProbe: { httpGet: { port: 'http' } }, readinessProbe: { httpGet: { port: 8080 } } })).toEqual([]);
    expect(check({ name: 'a', livenessProbe: { httpGet: { port: 1.5 } }, readinessProbe: { httpGet: { port: true } } })).toEqual(['kube-schema/int-or-string /livenessProbe/httpGet/port', 'kube-schema/int-or-string /readinessProbe/httpGet/port']);
  });

  it('enums: a wrong value is an error with a suggestion; "" in an optional enum field is the default', () => {
    const p = c.check({ name: 'a', imagePullPolicy: 'ifnotpresent' }, 'core.v1.Container', true);
    expect(p.map((x) => [x.policyId, x.hint])).toEqual([['kube-schema/invalid-enum', 'did you mean `IfNotPresent`?']]);
    expect(check({ name: 'a', imagePullPolicy: '' })).toEqual([]);
  });

  it('base64 bytes (newlines skipped like Go), RFC 3339 times', () => {
    expect(check({ data: { a: 'aGVsbG8=', b: 'aGVs\nbG8=' } }, 'core.v1.Secret')).toEqual([]);
    expect(check({ data: { a: 'hello!' } }, 'core.v1.Secret')).toEqual(['kube-schema/invalid-format /data/a']);
    expect(check({ creationTimestamp: '2024-01-31T12:00:00Z' }, 'meta.v1.ObjectMeta')).toEqual([]);
    expect(check({ creationTimestamp: 'yesterday' }, 'meta.v1.ObjectMeta')).toEqual(['kube-schema/invalid-format /creationTimestamp']);
  });

  it('pointers and field names are exact at every depth: escaped map keys, list indexes, siblings after a problem, a base pointer', () => {
    // The walk keeps its position as a segment stack and renders a pointer only for a problem.
    const secret = { data: { 'a/b': 'x!', 'c~d': 'aGk=', 'e~/f': '?' }, metadata: { labels: { 'x/y': 1 } } };
    expect(c.check(secret, 'core.v1.Secret', true).map((x) => [x.jsonPointer, x.message])).toEqual([
      ['/data/a~1b', 'data.a/b is the string "x!", which is not a valid base64 value'],
      ['/data/e~0~1f', 'data.e~/f is the string "?", which is not a valid base64 value'],
      ['/metadata/labels/x~1y', 'metadata.labels.x/y must be a string, but is the integer 1'],
    ]);
    const pod = { containers: [{ name: 'a', ports: [{ containerPort: 'x' }, {}], env: [{ name: 'E', valueFrom: { fieldRef: {} } }] }, null, { name: 'c', ports: [{ containerPort: 1, protocl: 'TCP' }] }] };
    expect(c.check(pod, 'core.v1.PodSpec', true, '/spec/template/spec').map((x) => `${x.policyId} ${x.jsonPointer}`)).toEqual([
      'kube-schema/invalid-type /spec/template/spec/containers/0/ports/0/containerPort',
      'kube-schema/missing-required /spec/template/spec/containers/0/ports/1/containerPort',
      'kube-schema/missing-required /spec/template/spec/containers/0/env/0/valueFrom/fieldRef/fieldPath',
      'kube-schema/missing-required /spec/template/spec/containers/1/name',
      'kube-schema/unknown-field /spec/template/spec/containers/2/ports/0/protocl',
    ]);
    // A problem deep in one object leaves nothing behind for the next check.
    expect(check({ name: 'a', imagePullPolicy: 'Never' })).toEqual([]);
    expect(check({ name: 5 })).toEqual(['kube-schema/invalid-type /name']);
  });

  it('strict: unknown fields at any depth, with "did you mean"; maps and raw JSON stay open; off when not strict', () => {
    const obj = { name: 'a', livenessProbe: { periodSecond: 1 }, resources: { limits: { 'example.com/gpu': 1 } } };
    const p = c.check(obj, 'core.v1.Container', true);
    expect(p.map((x) => [x.policyId, x.jsonPointer, x.message])).toEqual([['kube-schema/unknown-field', '/livenessProbe/periodSecond', 'unknown field `periodSecond` in livenessProbe; did you mean `periodSeconds`?']]);
    expect(c.check(obj, 'core.v1.Container', false)).toEqual([]);
    expect(check({ revision: 1, data: { anything: { goes: [1] } } }, 'apps.v1.ControllerRevision')).toEqual([]);
  });
});
