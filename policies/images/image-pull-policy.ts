import { definePolicy, POD_TEMPLATE_KINDS } from '../util/define.ts';
import { isMutableTag, parseImage } from '../util/image.ts';
import { containersOf, podOf } from '../util/pod.ts';
import type { Violation } from '../types.ts';

export default definePolicy({
  meta: {
    id: 'image-pull-policy',
    title: 'The pull policy fits the image reference',
    category: 'images',
    severity: 'warning',
    scope: 'resource',
    kinds: POD_TEMPLATE_KINDS,
    description: '`imagePullPolicy: Never` runs whatever happens to be cached on the node, so nodes diverge and a new node cannot start the pod. A mutable tag (or none) with `IfNotPresent` keeps stale images on some nodes. Pinned tags and digests may use `IfNotPresent` (the default). Scope: Polaris, kube-score and Checkov require `Always` on every container; this check flags only what makes nodes diverge. Without a policy, a `latest` or absent tag already defaults to `Always` (and `image-tag-pinned` reports the tag).',
    remediation: 'Pin the image and use `IfNotPresent`; use `Always` only with a mutable tag.',
    references: ['https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy'],
    messages: {
      never: 'container "{{container}}" uses imagePullPolicy Never',
      stale: 'container "{{container}}" pulls the mutable image "{{image}}" with IfNotPresent; nodes may run stale copies',
    },
    equivalents: ['polaris:pullPolicyNotAlways', 'kube-score:container-image-pull-policy', 'checkov:CKV_K8S_15', 'kyverno:imagepullpolicy-always'],
  },
  check(r) {
    const pod = podOf(r);
    if (!pod) return [];
    const out: Violation[] = [];
    for (const c of containersOf(pod)) {
      const policy = c.container.imagePullPolicy;
      if (policy === 'Never') out.push({ messageId: 'never', data: { container: c.name }, pointer: `${c.pointer}/imagePullPolicy`, container: c.name });
      else if (policy === 'IfNotPresent' && typeof c.container.image === 'string') {
        const ref = parseImage(c.container.image);
        if (!ref.digest && isMutableTag(ref.tag)) out.push({ messageId: 'stale', data: { container: c.name, image: c.container.image }, pointer: `${c.pointer}/imagePullPolicy`, container: c.name });
      }
    }
    return out;
  },
});
