/**
 * `nexus images`: exactly the images of both environment renders (hooks and test Pods included),
 * compared with an independent walk of every pod spec in those renders; and reference parsing as the
 * container runtimes normalise names.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectImages, parseImageReference, podSpecsOf } from '../../validator/images.ts';
import { parseManifests } from '../../validator/manifests.ts';
import { CRD_API_VERSIONS, ENV_FILES, isHook, podTemplateOf, renderChart, renderText, type RenderedDoc } from '../charts/helpers.ts';
import { nexusAsync as nexus } from '../helpers/cli.ts';

interface JsonImages {
  images: { reference: string; registry: string; repository: string; tag?: string; digest?: string; usedBy: { source: string; kind: string; name: string; container: string; pointer: string }[] }[];
}

let tmp: string;
const renders = new Map<string, RenderedDoc[]>();
let textOut = '';
let json: JsonImages;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'nexus-images-'));
  const [text, js] = await Promise.all([nexus(['images']), nexus(['images', '--format', 'json', '-o', join(tmp, 'images.json')])]);
  expect(text.code, text.stderr).toBe(0);
  expect(js.code, js.stderr).toBe(0);
  textOut = text.stdout;
  json = JSON.parse(readFileSync(join(tmp, 'images.json'), 'utf8')) as JsonImages;
  for (const file of ENV_FILES) renders.set(file, await renderChart({ valuesFiles: [file], namespace: 'nexus', apiVersions: CRD_API_VERSIONS }));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * Independent of validator/images.ts: every container of every pod template the test helpers know, the
 * CloudNativePG Pooler's pod template (`spec.template`) and the Cluster's instance image (`spec.imageName`).
 */
function walkedImages(docs: RenderedDoc[]): { image: string; hook: boolean }[] {
  const found: { image: string; hook: boolean }[] = [];
  for (const { object } of docs) {
    const cnpg = object.apiVersion.startsWith('postgresql.cnpg.io/') ? (object.spec as { imageName?: string; template?: { spec?: { containers?: { image: string }[] } } }) : undefined;
    const spec = podTemplateOf(object)?.spec ?? (object.kind === 'Pooler' ? cnpg?.template?.spec : undefined);
    for (const c of [...((spec as { initContainers?: { image: string }[] })?.initContainers ?? []), ...(spec?.containers ?? [])]) found.push({ image: c.image as string, hook: isHook(object) });
    if (object.kind === 'Cluster' && cnpg?.imageName) found.push({ image: cnpg.imageName, hook: false });
  }
  return found;
}

describe('nexus images (both environment overlays)', () => {
  it('lists exactly the images of every pod spec in the two renders, sorted and de-duplicated', () => {
    const walked = [...renders.values()].flatMap(walkedImages).map((w) => w.image);
    const expected = [...new Set(walked)].sort();
    const listed = textOut.split('\n').filter(Boolean);
    expect(listed).toEqual(expected);
    expect(new Set(listed).size).toBe(listed.length);
    expect(json.images.map((i) => i.reference)).toEqual(expected);
    // Every `image:` line helm printed is in the list (nothing outside a pod spec was missed either),
    // and the CloudNativePG Cluster's `imageName` (its instances' image, outside any pod spec).
    let clusterImages = 0;
    for (const docs of renders.values()) {
      for (const { object } of docs) {
        for (const m of JSON.stringify(object).matchAll(/"image(?:Name)?":"([^"]+)"/g)) expect(listed).toContain(m[1]);
        if (object.kind === 'Cluster') clusterImages++;
      }
    }
    expect(clusterImages).toBe(2);
  });

  it('includes the images only hooks and test Pods use', () => {
    const hookOnly = [...renders.values()].flatMap(walkedImages);
    const fromHooks = new Set(hookOnly.filter((w) => w.hook).map((w) => w.image));
    expect(fromHooks.size).toBeGreaterThan(0);
    for (const image of fromHooks) expect(textOut).toContain(`${image}\n`);
    // The smoke-test image is used by test hooks only, and the k6 image by the staging load test.
    const smoke = json.images.find((i) => i.repository === 'curlimages/curl')!;
    expect(smoke.usedBy.every((u) => u.kind === 'Pod' && u.name.startsWith('nexus-smoke-test'))).toBe(true);
    expect(json.images.find((i) => i.repository === 'grafana/k6')?.usedBy.map((u) => `${u.source} ${u.name}`)).toEqual(['values.staging.yaml nexus-loadtest']);
  });

  it('names where each image is used: render, object, container and pointer', () => {
    // The production pin (tag and digest) of the CloudNativePG instances' PostgreSQL, used by both overlays' Cluster.
    const postgres = json.images.find((i) => i.repository === 'cloudnative-pg/postgresql' && i.digest)!;
    expect(postgres.registry).toBe('ghcr.io');
    const uses = postgres.usedBy.map((u) => `${u.source} ${u.kind}/${u.name} ${u.container} ${u.pointer}`);
    expect(uses).toContain('values.production.yaml Cluster/nexus-database postgres /spec/imageName');
    const pooler = json.images.find((i) => i.repository === 'cloudnative-pg/pgbouncer' && i.digest)!;
    expect(pooler.usedBy.map((u) => `${u.source} ${u.kind}/${u.name} ${u.container} ${u.pointer}`)).toContain('values.production.yaml Pooler/nexus-database-pgbouncer pgbouncer /spec/template/spec/containers/0');
    // Sorted by where the image is used: render, object, then pointer (a pod's init containers after its containers).
    const order = postgres.usedBy.map((u) => [u.source, u.kind, u.name, u.pointer].join('\u0000'));
    expect([...order].sort()).toEqual(order);
  });

  it('lists the PostgreSQL image a CloudNativePG Cluster names outside any pod spec (spec.imageName)', () => {
    const cluster = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'nexus-database' }, spec: { instances: 3, imageName: 'ghcr.io/cloudnative-pg/postgresql:16.15-system-trixie' } };
    const images = collectImages([{ source: 'r', docIndex: 0, line: 1, apiVersion: cluster.apiVersion, kind: cluster.kind, name: cluster.metadata.name, object: cluster }]);
    expect(images).toEqual([{ reference: 'ghcr.io/cloudnative-pg/postgresql:16.15-system-trixie', registry: 'ghcr.io', repository: 'cloudnative-pg/postgresql', tag: '16.15-system-trixie', usedBy: [{ source: 'r', kind: 'Cluster', name: 'nexus-database', container: 'postgres', pointer: '/spec/imageName' }] }]);
  });

  it('names the bundled database\'s images in a bundled render (StatefulSet, backup CronJob)', async () => {
    const r = await nexus(['images', '--format', 'json', '-f', 'values.production.yaml', '--set', 'database.mode=bundled', '--set', 'backend.database.caSecret=nexus-db-tls']);
    expect(r.code, r.stderr).toBe(0);
    const postgres = (JSON.parse(r.stdout) as JsonImages).images.find((i) => i.repository === 'library/postgres' && i.digest)!;
    expect(postgres.registry).toBe('docker.io');
    const uses = postgres.usedBy.map((u) => `${u.kind}/${u.name} ${u.container} ${u.pointer}`);
    expect(uses).toContain('StatefulSet/nexus-database postgresql /spec/template/spec/containers/0');
    expect(uses.some((u) => u.startsWith('CronJob/nexus-database-backup ') && u.includes('/spec/jobTemplate/spec/template/spec/'))).toBe(true);
  });

  it('is byte-stable from run to run', async () => {
    const again = await nexus(['images']);
    expect(again.stdout).toBe(textOut);
  });

  it('a failed render prints the error and no list (exit 1)', async () => {
    const r = await nexus(['images', '-f', 'values.staging.yaml', '-f', join(tmp, 'missing.yaml')]);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
  });

  it('reads manifests from stdin instead of rendering', async () => {
    const text = await renderText({ valuesFiles: ['values.production.yaml'], namespace: 'nexus' });
    const r = await nexus(['images', '-'], { input: text });
    expect(r.code, r.stderr).toBe(0);
    const expected = [...new Set(walkedImages(renders.get('values.production.yaml')!).map((w) => w.image))].sort();
    expect(r.stdout.split('\n').filter(Boolean)).toEqual(expected);
  });
});

describe('image references', () => {
  it.each([
    ['redis:7.2.16-bookworm', { registry: 'docker.io', repository: 'library/redis', tag: '7.2.16-bookworm' }],
    ['grafana/k6:1.3.0', { registry: 'docker.io', repository: 'grafana/k6', tag: '1.3.0' }],
    ['docker.io/library/postgres:16.15-trixie@sha256:' + 'a'.repeat(64), { registry: 'docker.io', repository: 'library/postgres', tag: '16.15-trixie', digest: 'sha256:' + 'a'.repeat(64) }],
    ['index.docker.io/redis', { registry: 'docker.io', repository: 'library/redis' }],
    ['quay.io/prometheus/prometheus:v3.5.0', { registry: 'quay.io', repository: 'prometheus/prometheus', tag: 'v3.5.0' }],
    ['localhost/nexus/backend:1.0.0', { registry: 'localhost', repository: 'nexus/backend', tag: '1.0.0' }],
    ['registry.local:5000/nexus/backend@sha256:' + 'b'.repeat(64), { registry: 'registry.local:5000', repository: 'nexus/backend', digest: 'sha256:' + 'b'.repeat(64) }],
    ['Registry/team/app', { registry: 'Registry', repository: 'team/app' }],
  ])('%s', (reference, expected) => {
    const { reference: _, ...parsed } = parseImageReference(reference);
    expect(parsed).toEqual(expected);
  });

  it('finds pod specs in CronJobs, init containers and custom resources', () => {
    const stream = [
      'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: "@daily"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          initContainers: [{name: init, image: "busybox:1.37"}]\n          containers: [{name: main, image: "alpine:3.22"}]\n',
      'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r}\nspec:\n  template:\n    spec:\n      containers: [{name: app, image: "ghcr.io/acme/app:2"}]\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {image: "not-an-image:1"}\n',
    ].join('---\n');
    const images = collectImages(parseManifests(stream, { source: 'inline' }).resources);
    expect(images.map((i) => `${i.reference} ${i.usedBy[0]!.pointer}`)).toEqual([
      'alpine:3.22 /spec/jobTemplate/spec/template/spec/containers/0',
      'busybox:1.37 /spec/jobTemplate/spec/template/spec/initContainers/0',
      'ghcr.io/acme/app:2 /spec/template/spec/containers/0',
    ]);
    expect(podSpecsOf({ spec: { containers: 'x' } }, 'Deployment')).toEqual([]);
  });
});
