/** Policies never throw on malformed objects (the schema stage reports those); property-based. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePolicies } from '../../policies/engine.ts';
import { POLICIES } from '../../policies/index.ts';
import type { K8sResource } from '../../core/types.ts';

const kinds = [...new Set(POLICIES.flatMap((p) => p.meta.kinds).filter((k) => k !== '*')), 'Namespace', 'ServiceAccount', 'Secret'];
const keys = ['spec', 'template', 'jobTemplate', 'containers', 'initContainers', 'ephemeralContainers', 'securityContext', 'capabilities', 'add', 'drop', 'ports', 'volumes', 'selector', 'matchLabels', 'matchExpressions', 'rules', 'verbs', 'resources', 'env', 'valueFrom', 'secretKeyRef', 'name', 'metadata', 'labels', 'annotations', 'podSelector', 'ingress', 'from', 'tls', 'scaleTargetRef', 'metrics', 'data', 'image', 'readinessProbe', 'httpGet', 'port', 'host', 'minAvailable', 'maxUnavailable', 'replicas', 'sysctls', 'type'];
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), fc.integer({ min: -2, max: 70000 }), fc.constantFrom('', 'ALL', 'NET_RAW', '*', 'Unconfined', 'web', 'latest', 'http', '100%', 'None'), fc.array(tie('value'), { maxLength: 3 }), tie('object')),
  object: fc.dictionary(fc.constantFrom(...keys), tie('value'), { maxKeys: 5 }),
}));

describe('policy robustness', () => {
  it('never throws, whatever the object shape', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...kinds), json.object), { minLength: 1, maxLength: 6 }), (docs) => {
        const resources: K8sResource[] = docs.map(([kind, object], i) => ({ source: 'fuzz', docIndex: i, line: 1, apiVersion: 'v1', kind, name: `n${i}`, object: { ...object, kind } }));
        const findings = evaluatePolicies(resources, { environment: 'production' });
        for (const f of findings) expect(f.jsonPointer).toMatch(/^(\/|$)/);
      }),
      { numRuns: 400 },
    );
  });
});
