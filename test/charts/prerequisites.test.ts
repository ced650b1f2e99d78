/**
 * The prerequisites list (schema/prerequisites.ts) is one list: the README's tables (evaluated in
 * TypeScript) and the chart's `nexus.prerequisites` (compiled to Go templates, printed by NOTES.txt and
 * checked live) agree on every overlay and on random configs; and it matches what the renders actually
 * reference: every Secret (with its keys) the chart does not create, every `existingSecret` declared on
 * a pod, every storageClassName, and every CRD-gated kind.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { pathsOf } from '../../schema/expr.ts';
import { PlatformConfig, PlatformConfigBase, prerequisites, prerequisiteTable } from '../../schema/index.ts';
import type { Prerequisite } from '../../schema/prerequisites.ts';
import { PROJECT_ROOT } from '../../util/paths.ts';
import { harnessChart } from '../helpers/chart-harness.ts';
import { candidatesFor, clone, prng, setAt, type Json } from '../schema/rule-cases.ts';
import { apiGroupOf, CRD_API_VERSIONS, CRD_GROUPS, ENV_FILES, ofKind, podTemplateOf, references, renderChart, type RenderedDoc } from './helpers.ts';
import { CLOUDNATIVEPG_API_VERSIONS } from '../helpers/database-mode.ts';

type Any = Record<string, any>;

/** A template that prints `nexus.prerequisites` as a ConfigMap, so a render carries the Go side's list. */
const DUMP = {
  'zz-prerequisites-dump.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: prerequisites-dump\ndata:\n  list: |\n    {{- include "nexus.prerequisites" . | nindent 4 }}\n',
};

async function goList(valuesJson: Record<string, unknown>): Promise<Prerequisite[]> {
  // The cluster serves the overlays' database operator (and the Go list does not depend on what is served).
  const docs = await renderChart({ chartDir: harnessChart(DUMP), valuesJson, apiVersions: [...CRD_API_VERSIONS, ...CLOUDNATIVEPG_API_VERSIONS] });
  const dump = ofKind(docs, 'ConfigMap').find((c) => c.metadata.name === 'prerequisites-dump') as Any;
  return (parse(dump.data.list) as Prerequisite[] | null) ?? [];
}

const overlay = (file: string) => parse(readFileSync(join(PROJECT_ROOT, file), 'utf8'), { version: '1.1' }) as Record<string, unknown>;

describe('one prerequisites list: README (TypeScript) and NOTES.txt / live check (Go) agree', () => {
  it.each([...ENV_FILES, '(defaults)'])('on %s', async (file) => {
    const values = file === '(defaults)' ? {} : overlay(file);
    const expected = prerequisites(PlatformConfigBase.parse(values));
    expect(await goList(values)).toEqual(expected);
    if (file !== '(defaults)') expect(expected.length).toBeGreaterThan(8);
  });

  it('on 12 random configs varying what the table reads', async () => {
    const paths = [...new Map(prerequisiteTable().flatMap((d) => [d.when, ...(d.name ? [d.name] : []), ...(d.each ? [d.each] : []), ...(d.keys ?? [])].flatMap(pathsOf)).map((p) => [p.join('.'), p])).values()].filter((p) => candidatesFor(p).length > 1);
    expect(paths.length).toBeGreaterThan(25);
    const random = prng(9);
    const base = clone(PlatformConfigBase.parse(overlay('values.production.yaml'))) as unknown as Json;
    const configs: Json[] = [];
    while (configs.length < 12) {
      const c = clone(base);
      setAt(c, ['global', 'environment'], 'development');
      for (let i = 0; i < 6; i++) {
        const p = paths[Math.floor(random() * paths.length)]!;
        const options = candidatesFor(p);
        setAt(c, p, options[Math.floor(random() * options.length)]!);
      }
      // Rule loadtest-targets refuses a load-test target without a URL when its tier is off: explicit URLs
      // keep more draws renderable (and in the sample) without changing the table.
      setAt(c, ['loadtest', 'targets', 'backend', 'url'], 'http://backend.example:8000');
      setAt(c, ['loadtest', 'targets', 'gateway', 'url'], 'https://gateway.example');
      // Only configs the chart renders (the rules' guards refuse the others).
      if (PlatformConfig.safeParse(c).success) configs.push(c);
    }
    for (const c of configs) {
      const values = c as Record<string, unknown>;
      expect(await goList(values), JSON.stringify(values)).toEqual(prerequisites(PlatformConfigBase.parse(values)));
    }
  });
});

describe.each(ENV_FILES)('the prerequisites of %s match what the render references', (file) => {
  let docs: RenderedDoc[];
  let list: Prerequisite[];
  const named = (kind: string) => new Map(list.filter((p) => p.kind === kind).map((p) => [p.name, p]));

  beforeAll(async () => {
    docs = await renderChart({ valuesFiles: [file], apiVersions: CRD_API_VERSIONS });
    list = prerequisites(PlatformConfigBase.parse(overlay(file)));
  });

  /** Secrets the CloudNativePG operator creates for a Cluster of the render (its CA, server certificate, users). */
  const operatorSecrets = () => ofKind(docs, 'Cluster').flatMap((c) => ['ca', 'server', 'replication', 'app', 'superuser'].map((s) => `${c.metadata.name}-${s}`));

  it('every Secret the render references and does not create is listed, with the keys it reads', () => {
    const rendered = new Set([...ofKind(docs, 'Secret').map((s) => s.metadata.name), ...operatorSecrets()]);
    // cert-manager creates the certificate Secret of an Ingress it is asked to (its issuer is listed instead).
    for (const ing of ofKind(docs, 'Ingress') as Any[]) {
      const a = ing.metadata.annotations ?? {};
      if (a['cert-manager.io/cluster-issuer'] || a['cert-manager.io/issuer']) for (const t of ing.spec.tls ?? []) rendered.add(t.secretName);
    }
    const secrets = named('Secret');
    const referenced = docs.flatMap((d) => references(d.object)).filter((r) => r.kind === 'Secret' && !rendered.has(r.name));
    expect(referenced.length).toBeGreaterThan(5);
    for (const r of referenced) {
      const p = secrets.get(r.name);
      expect(p, `${r.from} reads Secret ${r.name}`).toBeDefined();
      for (const k of r.keys ?? []) expect(p!.keys, `${r.from} reads key ${k} of ${r.name}`).toContain(k);
    }
    // …and nothing is listed that no object reads.
    expect([...secrets.keys()].sort()).toEqual([...new Set(referenced.map((r) => r.name))].sort());
  });

  it('every existingSecret the pods declare (nexus.dev/external-secrets) is listed', () => {
    const declared = docs.flatMap((d) => (podTemplateOf(d.object) ? ((d.object.spec as Any).template?.metadata?.annotations ?? (d.object.spec as Any).jobTemplate?.spec?.template?.metadata?.annotations ?? {}) : {})['nexus.dev/external-secrets']?.split(',') ?? []);
    expect(declared.length).toBeGreaterThan(3);
    for (const name of declared.filter((n) => !operatorSecrets().includes(n))) expect(named('Secret').has(name), name).toBe(true);
  });

  it('every storageClassName is listed, and nothing else', () => {
    const classes = docs.flatMap((d) => {
      const o = d.object as Any;
      if (o.kind === 'PersistentVolumeClaim') return [o.spec.storageClassName];
      // The CloudNativePG operator creates its instances' claims from the Cluster's storage section.
      if (o.kind === 'Cluster' && o.apiVersion.startsWith('postgresql.cnpg.io/')) return [o.spec.storage?.storageClass];
      return (o.spec?.volumeClaimTemplates ?? []).map((t: Any) => t.spec.storageClassName);
    });
    expect(classes.length).toBeGreaterThan(3);
    expect([...named('StorageClass').keys()].sort()).toEqual([...new Set(classes.filter(Boolean))].sort());
  });

  it('every CRD-gated kind is listed by its API, and every listed API is used', () => {
    const used = new Set(docs.map((d) => d.object.apiVersion).filter((v) => CRD_GROUPS.has(apiGroupOf(v))));
    const ingress = ofKind(docs, 'Ingress')[0] as Any | undefined;
    const annotations: Record<string, string> = ingress?.metadata.annotations ?? {};
    if (annotations['cert-manager.io/cluster-issuer'] || annotations['cert-manager.io/issuer']) used.add('cert-manager.io/v1');
    expect([...named('API').keys()].sort()).toEqual([...used].sort());
    const issuer = annotations['cert-manager.io/cluster-issuer'];
    expect([...named('ClusterIssuer').keys()]).toEqual(issuer ? [issuer] : []);
    expect([...named('IngressClass').keys()]).toEqual(ingress ? [ingress.spec.ingressClassName] : []);
  });

  it('the application images come from the listed registry', () => {
    const registries = [...named('Registry').keys()];
    const app = docs.flatMap((d) => podTemplateOf(d.object)?.spec.containers.map((c) => c.image!) ?? []).filter((i) => /\/nexus\/(frontend|backend):/.test(i));
    expect(app.length).toBeGreaterThan(1);
    for (const image of app) expect(registries.some((r) => image.startsWith(`${r}/`)), image).toBe(true);
  });
});
