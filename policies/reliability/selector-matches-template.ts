import { definePolicy } from '../util/define.ts';
import { obj } from '../util/json.ts';
import { podOf } from '../util/pod.ts';
import { describeSelector, mapSelector, matches, parseLabelSelector } from '../util/selector.ts';

export default definePolicy({
  meta: {
    id: 'selector-matches-template',
    title: 'Workload selectors select their own pod template',
    category: 'reliability',
    severity: 'error',
    scope: 'resource',
    kinds: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job'],
    description:
      'A controller owns the pods its `spec.selector` selects. When the selector does not match `spec.template.metadata.labels` the API server rejects the object (apps/v1), or, for a selector that also matches other pods, the controller fights over them. Checks Deployments, StatefulSets, DaemonSets and ReplicaSets (label selector), ReplicationControllers (map selector; absent means the template labels) and Jobs with `manualSelector: true` (Jobs otherwise get a generated selector). A broken selector (an `In` without values, an unknown operator) matches nothing and is reported too.',
    remediation: 'Make `spec.selector` a subset of the template labels: use the chart\'s selector labels (name, instance, component) in both places.',
    references: ['https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#selector', 'https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors'],
    messages: { mismatch: '{{kind}} selector {{selector}} does not select its pod template labels' },
    equivalents: ['kube-linter:mismatching-selector', 'kube-score:deployment-pod-selector-labels-match-template-metadata-labels', 'kube-score:statefulset-pod-selector-labels-match-template-metadata-labels'],
  },
  check(r) {
    const pod = podOf(r);
    const spec = obj(r.object.spec);
    if (!pod || !spec) return [];
    if (r.kind === 'Job' && spec.manualSelector !== true) return [];
    if (spec.selector === undefined || spec.selector === null) return [];
    const sel = r.kind === 'ReplicationController' ? mapSelector(spec.selector) : parseLabelSelector(spec.selector);
    if (!sel) return [];
    return matches(sel, pod.labels) ? [] : [{ messageId: 'mismatch', data: { kind: r.kind, selector: describeSelector(sel) }, pointer: '/spec/selector' }];
  },
});
