/**
 * The floor schema check: every rendered object validates with kubernetes-models@5.1.0 (types,
 * required fields, enums, formats). CRD kinds (VPA, ServiceMonitor, KongPlugin, HTTPRoute, ...) have
 * no model there and are excluded here; the validator checks them against their CRD schemas.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { CRD_API_VERSIONS, CRD_GROUPS, apiGroupOf, kubernetesModelError, renderChart } from './helpers.ts';

const CASES: { name: string; valuesFiles: string[]; set?: Record<string, string> }[] = [
  { name: 'defaults', valuesFiles: [] },
  { name: 'staging', valuesFiles: ['values.staging.yaml'] },
  { name: 'production', valuesFiles: ['values.production.yaml'] },
  { name: 'production, gateway API mode, namespace objects', valuesFiles: ['values.production.yaml'], set: { 'gateway.mode': 'gatewayAPI', 'gateway.gatewayAPI.gatewayName': 'edge', 'namespace.create': 'true' } },
];

describe('kubernetes-models floor check', () => {
  it('uses kubernetes-models 5.1.0', () => {
    const require = createRequire(import.meta.url);
    const pkg = JSON.parse(readFileSync(require.resolve('kubernetes-models/package.json'), 'utf8')) as { version: string };
    expect(pkg.version).toBe('5.1.0');
  });

  it('rejects an invalid object (the check is live)', async () => {
    const error = await kubernetesModelError({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { selector: {}, template: { spec: { containers: [{ name: 'a', ports: [{ containerPort: 'http' }] }] } } } });
    expect(error).toMatch(/containerPort must be integer/);
    expect(await kubernetesModelError({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'x' } })).toMatch(/no model/);
  });

  it.each(CASES)('every object of the $name render validates', async ({ valuesFiles, set }) => {
    const docs = await renderChart({ valuesFiles, set, apiVersions: CRD_API_VERSIONS });
    const failures: string[] = [];
    let checked = 0;
    for (const { source, object } of docs) {
      if (CRD_GROUPS.has(apiGroupOf(object.apiVersion))) continue;
      checked++;
      const error = await kubernetesModelError(object);
      if (error) failures.push(`${source} ${object.kind}/${object.metadata.name}: ${error}`);
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(10);
  });
});
