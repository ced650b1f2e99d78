/**
 * kubeconform-compatible --schema-location: template variables as kubeconform renders them, a local
 * directory laid out like kubernetes-json-schema, and a URL template served over HTTP (127.0.0.1)
 * whose downloads land in the on-disk cache and are reused when the server is gone.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SchemaStage } from '../../validator/kube/schema-stage.ts';
import { renderLocation, templateData } from '../../validator/kube/schema-location.ts';
import { parseManifests } from '../../validator/manifests.ts';

const GADGET = { type: 'object', required: ['spec'], properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, spec: { type: 'object', properties: { size: { type: 'integer' } } } } };
const doc = (size: unknown, extra = '') => parseManifests(`apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\nspec:\n  size: ${JSON.stringify(size)}\n${extra}`, { source: 'g.yaml' }).resources;

let tmp: string;
let server: Server;
let port = 0;
let hits = 0;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'nexus-schemaloc-'));
  mkdirSync(join(tmp, 'dir', 'v1.30.0-standalone-strict'), { recursive: true });
  writeFileSync(join(tmp, 'dir', 'v1.30.0-standalone-strict', 'gadget-example-v1.json'), JSON.stringify(GADGET));
  server = createServer((req, res) => {
    hits++;
    if (req.url === '/schemas/example.com/gadget_v1.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(GADGET));
    } else res.writeHead(404).end('not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(tmp, { recursive: true, force: true });
});

describe('template variables (kubeconform semantics)', () => {
  it('renders core, grouped and CRD kinds like kubeconform', () => {
    const tpl = '{{ .NormalizedKubernetesVersion }}{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}|{{.Group}}|{{.ResourceAPIVersion}}';
    expect(renderLocation(tpl, templateData('v1', 'Service', '1.30.0', true))).toBe('v1.30.0-strict/service-v1|v1|v1');
    expect(renderLocation(tpl, templateData('apps/v1', 'Deployment', '1.30.0', false))).toBe('v1.30.0/deployment-apps-v1|apps|v1');
    expect(renderLocation(tpl, templateData('monitoring.coreos.com/v1', 'ServiceMonitor', 'master', true))).toBe('master-strict/servicemonitor-monitoring-v1|monitoring.coreos.com|v1');
    expect(renderLocation('/schemas', templateData('apps/v1', 'Deployment', '1.30.0', true))).toBe('/schemas/v1.30.0-standalone-strict/deployment-apps-v1.json');
    expect(() => renderLocation('{{ .Nope }}', templateData('v1', 'Pod', '1.30.0', true))).toThrow(/unknown variable/);
  });
});

describe('schema sources', () => {
  it('a local directory (kubernetes-json-schema layout) validates and closes objects in strict mode', async () => {
    const stage = new SchemaStage({ kubeVersion: '1.30', schemaLocations: [join(tmp, 'dir')] });
    expect((await stage.check(doc(3))).findings).toEqual([]);
    const bad = await stage.check(doc('big', '  sise: 1\n'));
    expect(bad.findings.map((f) => `${f.policyId} ${f.jsonPointer}`).sort()).toEqual(['kube-schema/invalid-type /spec/size', 'kube-schema/unknown-field /spec/sise']);
  });

  it('without `default`, built-in kinds are not found; with it they are (kubeconform rules)', async () => {
    const cm = parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n', { source: 'c' }).resources;
    expect((await new SchemaStage({ schemaLocations: [join(tmp, 'dir')] }).check(cm)).findings.map((f) => f.policyId)).toEqual(['kube-schema/missing-schema']);
    expect((await new SchemaStage({ schemaLocations: [join(tmp, 'dir')], ignoreMissingSchemas: true }).check(cm)).skipped.length).toBe(1);
    expect((await new SchemaStage({ schemaLocations: ['default', join(tmp, 'dir')] }).check(cm)).findings).toEqual([]);
  });

  it('a URL template is downloaded once, cached on disk, and served from the cache afterwards', async () => {
    const cacheDir = join(tmp, 'cache');
    const location = `http://127.0.0.1:${port}/schemas/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`;
    const first = await new SchemaStage({ schemaLocations: [location], cacheDir }).check(doc('big'));
    expect(first.findings.map((f) => f.policyId)).toEqual(['kube-schema/invalid-type']);
    expect(hits).toBe(1);
    expect(readdirSync(cacheDir).length).toBe(1);
    const second = await new SchemaStage({ schemaLocations: [location], cacheDir }).check(doc(2));
    expect(second.findings).toEqual([]);
    expect(hits).toBe(1);
    // a 404 falls through to the next location and is cached as "absent"
    const missing = await new SchemaStage({ schemaLocations: [`http://127.0.0.1:${port}/none/{{.ResourceKind}}.json`, join(tmp, 'dir')], cacheDir, kubeVersion: '1.30' }).check(doc(2));
    expect(missing.findings).toEqual([]);
  });
});
