/**
 * `global.imageRegistry` and the registry/repository split: every image default names its registry
 * apart from its repository, and every image the charts render (workloads, hooks, tests, exporters,
 * Sentinel, logging, the CloudNativePG Cluster) is built by nexus.image as this file expects, in each
 * mode, with and without a mirror. The expectation is computed here, independently of the template.
 */
import { describe, expect, it } from 'vitest';
import type { Path } from '../../schema/expr.ts';
import { defaultConfig, PlatformConfig, ruleModelOf } from '../../schema/index.ts';
import { collectImages } from '../../validator/images.ts';
import { parseManifests as parseStream } from '../../validator/manifests.ts';
import { NEXUS_DEFAULT_API_VERSIONS } from '../../validator/run.ts';
import { helm, renderChart, renderText, templateArgs, type RenderedDoc } from './helpers.ts';

interface ImageValues {
  registry: string;
  repository: string;
  tag: string;
  digest: string;
}

const HOST = /^([^/]*[.:][^/]*|localhost)\//;

/** What a container should pull, written from the documented rules (not from the template). */
function expectedReference(i: ImageValues, mirror: string, mode: 'flat' | 'path'): string {
  const host = HOST.exec(i.repository)?.[1];
  const registry = host ?? i.registry;
  const repository = host ? i.repository.slice(host.length + 1) : i.repository;
  let ref: string;
  if (!mirror) ref = registry ? `${registry}/${repository}` : repository;
  else if (mode === 'flat') ref = `${mirror}/${repository}`;
  else ref = `${mirror}/${registry || 'docker.io'}/${repository}`;
  return `${ref}${i.tag ? `:${i.tag}` : ''}${i.digest ? `@${i.digest}` : ''}`;
}

const at = (root: unknown, path: Path): ImageValues => path.reduce<any>((o, k) => o[k], root) as ImageValues;

/**
 * Two renders that together run every image of the model: the defaults with the load test, both
 * logging collectors and the backups' object storage uploader, in the bundled and in the CloudNativePG mode.
 */
const STORE = { 'database.backup.objectStorage.bucket': 'nexus-backups/prod', 'database.backup.objectStorage.existingSecret': 'nexus-backup-s3' };
const EVERYTHING = { 'loadtest.enabled': true, 'loadtest.targets.gateway.url': 'https://nexus.example.com', 'logging.enabled': true, 'logging.otlp.enabled': true, 'database.backup.objectStorage.enabled': true, ...STORE };
const CNPG = { 'database.mode': 'cloudnativepg', ...STORE };
const MODES = [
  { name: 'no mirror', global: {} as Record<string, string>, mirror: '', mode: 'flat' as const },
  { name: 'flat mirror', global: { 'global.imageRegistry': 'mirror.example.com/nexus' }, mirror: 'mirror.example.com/nexus', mode: 'flat' as const },
  { name: 'path mirror', global: { 'global.imageRegistry': 'mirror.example.com:5000', 'global.imageRegistryMode': 'path' }, mirror: 'mirror.example.com:5000', mode: 'path' as const },
];

async function renderedImages(set: Record<string, string | boolean>): Promise<string[]> {
  const refs: string[] = [];
  for (const extra of [{}, CNPG]) {
    const text = await renderText({ set: { ...EVERYTHING, ...extra, ...set }, apiVersions: NEXUS_DEFAULT_API_VERSIONS, namespace: 'nexus' });
    const { resources } = parseStream(text, { source: 'render' });
    refs.push(...collectImages(resources).map((i) => i.reference));
    // The one image outside a pod spec: the CloudNativePG Cluster's imageName.
    for (const r of resources) if (r.kind === 'Cluster') refs.push((r.object.spec as { imageName: string }).imageName);
  }
  return [...new Set(refs)].sort();
}

describe('image defaults', () => {
  const model = ruleModelOf();
  const defaults = defaultConfig();

  it('name their registry apart from the repository (no host inside a repository)', () => {
    expect(model.images.length).toBeGreaterThanOrEqual(16);
    for (const path of model.images) {
      const i = at(defaults, path);
      expect(i.registry, path.join('.')).toMatch(/^[a-z0-9.-]+\.[a-z]+$/);
      expect(HOST.test(i.repository), `${path.join('.')}.repository ${i.repository} names a host`).toBe(false);
      // Docker Hub official images carry their `library/` namespace, so a flat mirror gets the canonical path.
      if (i.registry === 'docker.io') expect(i.repository, path.join('.')).toContain('/');
    }
  });
});

describe.each(MODES)('every rendered image, $name', ({ global, mirror, mode }) => {
  it('is exactly the model\'s images as the documented rule builds them', async () => {
    const config = PlatformConfig.parse(nested(global));
    const expected = [...new Set(ruleModelOf().images.map((p) => expectedReference(at(config, p), mirror, mode)))].sort();
    const rendered = await renderedImages(global);
    expect(rendered).toEqual(expected);
    if (mirror) for (const ref of rendered) expect(ref.startsWith(`${mirror}/`), ref).toBe(true);
  });
});

describe('images that already name a registry in `repository` (values written before the split)', () => {
  const OLD = { 'monitoring.prometheus.image.repository': 'quay.io/prometheus/prometheus', 'cache.image.registry': '', 'cache.image.repository': 'redis', 'backend.image.repository': 'localhost:5000/nexus/backend' };
  const imagesOf = (docs: RenderedDoc[]) => {
    const byComponent = new Map<string, string>();
    for (const { object } of docs) {
      const spec = (object.spec as any)?.template?.spec;
      const c = spec?.containers?.[0];
      if (c && object.kind !== 'Job') byComponent.set(object.metadata.labels?.['app.kubernetes.io/component'] ?? object.metadata.name, c.image);
    }
    return byComponent;
  };

  it.each(MODES)('keep their host as the registry ($name)', async ({ global, mirror, mode }) => {
    const images = imagesOf(await renderChart({ set: { ...OLD, ...global } }));
    const tag = (p: string) => at(defaultConfig(), p.split('.')).tag;
    const prom = tag('monitoring.prometheus.image');
    const redis = tag('cache.image');
    const backend = tag('backend.image');
    if (!mirror) {
      expect(images.get('prometheus')).toBe(`quay.io/prometheus/prometheus:${prom}`); // not quay.io/quay.io/...
      expect(images.get('redis')).toBe(`redis:${redis}`); // no registry: as written (Docker Hub)
      expect(images.get('backend')).toBe(`localhost:5000/nexus/backend:${backend}`); // registry.invalid ignored
    } else if (mode === 'flat') {
      expect(images.get('prometheus')).toBe(`${mirror}/prometheus/prometheus:${prom}`);
      expect(images.get('redis')).toBe(`${mirror}/redis:${redis}`);
      expect(images.get('backend')).toBe(`${mirror}/nexus/backend:${backend}`);
    } else {
      expect(images.get('prometheus')).toBe(`${mirror}/quay.io/prometheus/prometheus:${prom}`);
      expect(images.get('redis')).toBe(`${mirror}/docker.io/redis:${redis}`);
      expect(images.get('backend')).toBe(`${mirror}/localhost:5000/nexus/backend:${backend}`);
    }
  });

  it('a repository naming its registry satisfies the production application-image rule (Zod and Helm)', async () => {
    const set = { 'frontend.image.repository': 'ghcr.io/acme/frontend', 'backend.image.repository': 'ghcr.io/acme/backend' };
    const docs = await renderChart({ valuesFiles: ['values.production.yaml'], set: { ...set, 'frontend.image.registry': 'registry.invalid', 'backend.image.registry': 'registry.invalid' } });
    expect(imagesOf(docs).get('frontend')).toMatch(/^ghcr\.io\/acme\/frontend:/);
    const r = PlatformConfig.safeParse({ global: { environment: 'production' }, frontend: { image: { repository: 'ghcr.io/acme/frontend' } }, backend: { image: { repository: 'ghcr.io/acme/backend' } } });
    const messages = r.success ? [] : r.error.issues.map((i) => i.message);
    expect(messages.filter((m) => m.includes('application image'))).toEqual([]);
  });
});

describe('production application images under a mirror', () => {
  const production = (set: Record<string, string>) => helm('helm4', templateArgs({ valuesFiles: ['values.production.yaml'], set: { 'frontend.image.registry': 'registry.invalid', ...set } }));

  it('a flat mirror replaces the placeholder registry: accepted', async () => {
    const r = await production({ 'global.imageRegistry': 'mirror.example.com' });
    expect(r.stderr).not.toContain('production-application-images');
    expect(r.code, r.stderr).toBe(0);
  });

  it('a path mirror keeps the placeholder in the pulled path: refused, naming the field', async () => {
    const r = await production({ 'global.imageRegistry': 'mirror.example.com', 'global.imageRegistryMode': 'path' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('[production-application-images] frontend.image.registry');
    expect(r.stderr).toContain('`registry.invalid`');
  });
});

describe('global.imageRegistryMode', () => {
  it('accepts flat and path only, and defaults to flat', () => {
    expect(defaultConfig().global.imageRegistryMode).toBe('flat');
    const r = PlatformConfig.safeParse({ global: { imageRegistryMode: 'prefix' } });
    expect(r.success).toBe(false);
  });
});

function nested(flat: Record<string, string>): Record<string, unknown> {
  const out: Record<string, any> = {};
  for (const [k, v] of Object.entries(flat)) {
    const keys = k.split('.');
    let o = out;
    for (const key of keys.slice(0, -1)) o = o[key] ??= {};
    o[keys.at(-1)!] = v;
  }
  return out;
}
