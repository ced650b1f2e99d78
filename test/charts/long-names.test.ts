/**
 * Long release names: every name is cut to 63 characters, and names derived from another name
 * (`-config`, `-scripts`, `-rules`, `-dashboards`, `-headless`, smoke-test pods) must neither collide
 * nor point at an object the cut renamed. Up to 50 characters every object name is unique; from 51
 * on, `<release>-<tier>-<component>` itself runs out of room (nexus.componentName), a known limit.
 */
import { describe, expect, it } from 'vitest';
import { CRD_API_VERSIONS, podTemplateOf, renderChart, type RenderedDoc } from './helpers.ts';

const names = (docs: RenderedDoc[], kind: string): Set<string> =>
  new Set(docs.filter((d) => d.object.kind === kind).map((d) => d.object.metadata.name));

describe('long release names', () => {
  it.each([20, 40, 45, 50])('a %i-character release renders unique names whose references resolve', async (length) => {
    const docs = await renderChart({ releaseName: 'r'.repeat(length), valuesFiles: ['values.production.yaml'], apiVersions: CRD_API_VERSIONS });
    const seen = new Map<string, number>();
    for (const { object } of docs) {
      expect(object.metadata.name.length, `${object.kind} ${object.metadata.name}`).toBeLessThanOrEqual(63);
      // Names are unique per kind and namespace (the logging agent's namespace has its own default-deny).
      const key = `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    expect([...seen].filter(([, n]) => n > 1).map(([k]) => k)).toEqual([]);

    const configMaps = names(docs, 'ConfigMap');
    const services = names(docs, 'Service');
    const problems: string[] = [];
    for (const { object } of docs) {
      const pod = podTemplateOf(object);
      for (const volume of (pod?.spec.volumes as { configMap?: { name: string } }[] | undefined) ?? []) {
        const ref = volume.configMap?.name;
        // kube-root-ca.crt-style ConfigMaps published by Kubernetes are not rendered by the chart.
        if (ref && !configMaps.has(ref) && !ref.startsWith('kube-')) problems.push(`${object.kind} ${object.metadata.name} mounts ConfigMap ${ref}`);
      }
      if (object.kind === 'StatefulSet') {
        const serviceName = (object.spec as { serviceName: string }).serviceName;
        if (!services.has(serviceName)) problems.push(`StatefulSet ${object.metadata.name} has serviceName ${serviceName}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
