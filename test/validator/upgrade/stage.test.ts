/** The upgrade stage around the rules: pairing by identity, hooks, pointers, strategies, cluster facts. */
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../../validator/manifests.ts';
import { identityOf, typeKeyOf } from '../../../validator/upgrade/identity.ts';
import { checkUpgrade, clusterFacts, manifestPointer } from '../../../validator/upgrade/stage.ts';
import { classify } from '../../../validator/upgrade/source.ts';

const stream = (...docs: object[]) => parseManifests(docs.map((d) => JSON.stringify(d)).join('\n---\n'), { source: 'render', file: 'render' }).resources;

const deployment = (selector: Record<string, string>, extra: { apiVersion?: string; namespace?: string; annotations?: Record<string, string> } = {}) => ({
  apiVersion: extra.apiVersion ?? 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', ...(extra.namespace ? { namespace: extra.namespace } : {}), ...(extra.annotations ? { annotations: extra.annotations } : {}) },
  spec: { selector: { matchLabels: selector }, template: { metadata: { labels: selector }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
});

describe('identity', () => {
  it('is group, kind, namespace and name; not the version; moved kinds keep their storage group', () => {
    expect(typeKeyOf('v1', 'Service')).toBe('core/Service');
    expect(typeKeyOf('extensions/v1beta1', 'Deployment')).toBe('apps/Deployment');
    expect(typeKeyOf('extensions/v1beta1', 'Ingress')).toBe('networking.k8s.io/Ingress');
    const hpa = (apiVersion: string) => ({ apiVersion, kind: 'HorizontalPodAutoscaler', name: 'web', namespace: 'shop' });
    expect(identityOf(hpa('autoscaling/v1'), 'x')).toBe(identityOf(hpa('autoscaling/v2'), 'x'));
    expect(identityOf({ apiVersion: 'v1', kind: 'Service', name: 'web' }, 'shop')).toBe(identityOf({ apiVersion: 'v1', kind: 'Service', name: 'web', namespace: 'shop' }, 'other'));
    expect(identityOf({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'r', namespace: 'ignored' }, 'shop')).toBe(identityOf({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'r' }, 'other'));
  });
});

describe('checkUpgrade', () => {
  it('pairs objects across apiVersions of one group and counts created and deleted objects', () => {
    const before = stream(deployment({ app: 'web' }, { apiVersion: 'extensions/v1beta1' }), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gone' } });
    const after = stream(deployment({ app: 'web', tier: 'front' }), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'new' } });
    const r = checkUpgrade(before, after, { namespace: 'shop' });
    expect({ updated: r.updated, created: r.created, deleted: r.deleted }).toEqual({ updated: 1, created: 1, deleted: 1 });
    // extensions/v1beta1 allowed selector changes, but the new manifest is apps/v1: the server refuses.
    expect(r.findings.map((f) => [f.policyId, f.jsonPointer, f.kind, f.name, f.source])).toEqual([['upgrade/selector-immutable', '/spec/selector/matchLabels/tier', 'Deployment', 'web', 'render']]);
  });
  it('pairs an object without a namespace with the same object in the release namespace', () => {
    const r = checkUpgrade(stream(deployment({ app: 'web' }, { namespace: 'shop' })), stream(deployment({ app: 'web2' })), { namespace: 'shop' });
    expect(r.updated).toBe(1);
    expect(r.findings).toHaveLength(1);
    expect(checkUpgrade(stream(deployment({ app: 'web' }, { namespace: 'other' })), stream(deployment({ app: 'web2' })), { namespace: 'shop' }).findings).toEqual([]);
  });
  it('skips Helm hooks, which Helm re-creates instead of updating', () => {
    const hook = { 'helm.sh/hook': 'pre-upgrade', 'helm.sh/hook-delete-policy': 'before-hook-creation' };
    const r = checkUpgrade(stream(deployment({ app: 'a' }, { annotations: hook })), stream(deployment({ app: 'b' }, { annotations: hook })), { namespace: 'shop' });
    expect({ hooks: r.hooks, findings: r.findings }).toEqual({ hooks: 1, findings: [] });
  });
  it('reports at the deepest field the new manifest has, and names the previous release', () => {
    const pvc = (spec: object) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec });
    const r = checkUpgrade(stream(pvc({ storageClassName: 'gp3', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } })), stream(pvc({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } })), {
      namespace: 'shop',
      previousLabel: 'shop 1.2.0',
    });
    expect(r.findings.map((f) => f.jsonPointer)).toEqual(['/spec']);
    expect(r.findings[0]!.message).toMatch(/spec\.storageClassName changes from "gp3" to \(unset\).*\(upgrading from shop 1\.2\.0\)$/);
    expect(manifestPointer({ spec: { a: [{ b: 1 }] } }, ['spec', 'a', 0, 'c', 'd'])).toBe('/spec/a/0');
    expect(manifestPointer({ metadata: { labels: { 'a/b': 'x' } } }, ['metadata', 'labels', 'a/b'])).toBe('/metadata/labels/a~1b');
  });
  it('replace (helm upgrade --force) loses what the server generated: a Job selector, a bound claim', () => {
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'seed' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 's', image: 'busybox:1.37' }] } } } };
    const jobWith = { ...job, spec: { ...job.spec, backoffLimit: 1 } };
    expect(checkUpgrade(stream(job), stream(jobWith), { namespace: 'x' }).findings).toEqual([]);
    const replaced = checkUpgrade(stream(job), stream(jobWith), { namespace: 'x', strategy: 'replace' });
    expect(replaced.findings.map((f) => f.policyId).sort()).toEqual(['upgrade/job-immutable-fields', 'upgrade/job-template-immutable']);
  });
  it('learns expandable and default StorageClasses from the flags and the renders (the new render wins)', () => {
    const sc = (name: string, extra: object) => ({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name }, provisioner: 'p', ...extra });
    const facts = clusterFacts(
      { namespace: 'x', expandableStorageClasses: ['flagged', 'fixed-now'] },
      stream(sc('fixed-now', { allowVolumeExpansion: true })),
      stream(sc('fixed-now', { allowVolumeExpansion: false }), sc('ssd', { allowVolumeExpansion: true, metadata: { name: 'ssd', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } })),
    );
    expect([...facts.expandableStorageClasses].sort()).toEqual(['flagged', 'ssd']);
    expect([...facts.fixedStorageClasses]).toEqual(['fixed-now']);
    expect(facts.defaultStorageClass).toBe('ssd');
  });
});

describe('--upgrade-from references', () => {
  it('recognises OCI references with and without a version, repositories, charts and manifests', () => {
    expect(classify('oci://ghcr.io/acme/charts/shop:1.4.0')).toEqual({ kind: 'oci', registry: 'oci://ghcr.io/acme/charts', name: 'shop', version: '1.4.0' });
    expect(classify('oci://127.0.0.1:5000/shop')).toEqual({ kind: 'oci', registry: 'oci://127.0.0.1:5000', name: 'shop' });
    expect(classify('https://acme.github.io/charts#shop')).toEqual({ kind: 'repo', repo: 'https://acme.github.io/charts', name: 'shop' });
    expect(classify('charts/nexus')).toEqual({ kind: 'chart', path: 'charts/nexus' });
    expect(classify('-')).toEqual({ kind: 'manifests', paths: ['-'] });
    expect(classify('package.json')).toEqual({ kind: 'manifests', paths: ['package.json'] });
    expect(() => classify('no/such/file.yaml')).toThrow(/no such file or directory/);
    expect(() => classify('s3://bucket/chart.tgz')).toThrow(/unsupported --upgrade-from/);
  });
});
