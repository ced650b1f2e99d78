/** Pod Security checks evaluate the pod template of every kind Pod Security Admission knows, at the right pointer. */
import { describe, expect, it } from 'vitest';
import { evaluatePolicies } from '../../policies/engine.ts';
import { toResources } from './policy-tester.ts';

const podSpec = (indent: string) =>
  ['hostNetwork: true', 'containers:', '  - name: c', '    image: x:1'].map((l) => indent + l).join('\n');

const cases: [string, string, string][] = [
  ['Pod', `apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n${podSpec('  ')}`, '/spec/hostNetwork'],
  ['PodTemplate', `apiVersion: v1\nkind: PodTemplate\nmetadata: {name: x}\ntemplate:\n  spec:\n${podSpec('    ')}`, '/template/spec/hostNetwork'],
  ...(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'] as const).map((k): [string, string, string] => [k, `apiVersion: apps/v1\nkind: ${k}\nmetadata: {name: x}\nspec:\n  template:\n    spec:\n${podSpec('      ')}`, '/spec/template/spec/hostNetwork']),
  ['ReplicationController', `apiVersion: v1\nkind: ReplicationController\nmetadata: {name: x}\nspec:\n  template:\n    spec:\n${podSpec('      ')}`, '/spec/template/spec/hostNetwork'],
  ['Job', `apiVersion: batch/v1\nkind: Job\nmetadata: {name: x}\nspec:\n  template:\n    spec:\n${podSpec('      ')}`, '/spec/template/spec/hostNetwork'],
  ['CronJob', `apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: x}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n${podSpec('          ')}`, '/spec/jobTemplate/spec/template/spec/hostNetwork'],
];

describe('Pod Security checks per workload kind', () => {
  it.each(cases)('%s', (_kind, yaml, pointer) => {
    const f = evaluatePolicies(toResources(yaml, 'x.yaml'), { only: ['pss-host-namespaces'] });
    expect(f.map((x) => x.jsonPointer)).toEqual([pointer]);
  });
  it('ignores kinds without a pod template', () => {
    expect(evaluatePolicies(toResources('apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec:\n  hostNetwork: true\n', 'x.yaml'), { only: ['pss-host-namespaces'] })).toEqual([]);
  });
});
