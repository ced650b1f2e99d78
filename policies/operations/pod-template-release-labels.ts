import { definePolicy } from '../util/define.ts';
import { ptr } from '../util/json.ts';
import { containersOf, podOf } from '../util/pod.ts';
import type { Violation } from '../types.ts';

/** Label keys whose value is, by convention, the chart or application version. */
const VERSION_KEYS = /^(helm\.sh\/chart|app\.kubernetes\.io\/version|chart|version|(.+\/)?(chart|app|image)-version|release-version)$/;

function imageTags(containers: readonly { container: Record<string, unknown> }[]): Set<string> {
  const tags = new Set<string>();
  for (const c of containers) {
    const image = typeof c.container.image === 'string' ? c.container.image.split('@')[0]! : '';
    const slash = image.lastIndexOf('/');
    const colon = image.lastIndexOf(':');
    if (colon > slash) tags.add(image.slice(colon + 1));
  }
  return tags;
}

export default definePolicy({
  meta: {
    id: 'pod-template-release-labels',
    title: 'Pod templates carry no labels that change every release',
    category: 'operations',
    severity: 'warning',
    scope: 'resource',
    kinds: ['Deployment', 'StatefulSet', 'DaemonSet'],
    description:
      'Any change to a pod template rolls every pod. Labels such as `helm.sh/chart: nexus-1.4.2` or `app.kubernetes.io/version` inside `spec.template.metadata.labels`, or a label whose value is the image tag, change on every chart release, so each `helm upgrade` restarts every database and cache even when nothing about them changed (and a StatefulSet restarts its pods one by one, failing over each primary). Keep version labels on the workload\'s own `metadata.labels`; roll pods on purpose with checksum annotations.',
    remediation: 'Move `helm.sh/chart` and `app.kubernetes.io/version` out of the pod template labels (the library chart\'s selector labels are enough there).',
    references: ['https://helm.sh/docs/chart_best_practices/labels/', 'https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#updating-a-deployment'],
    messages: { label: 'pod template label {{key}}="{{value}}" changes with every release and restarts all pods' },
  },
  check(r) {
    const pod = podOf(r);
    if (!pod) return [];
    const tags = imageTags(containersOf(pod));
    const out: Violation[] = [];
    for (const key in pod.labels) {
      const value = pod.labels[key]!;
      if (VERSION_KEYS.test(key) || (value.length > 2 && tags.has(value) && /\d/.test(value))) out.push({ messageId: 'label', data: { key, value }, pointer: ptr(`${pod.metadataPointer}/labels`, key) });
    }
    // By label key (found rarely; sorting only what was found).
    return out.length > 1 ? out.sort((a, b) => (a.data!.key! < b.data!.key! ? -1 : 1)) : out;
  },
});
