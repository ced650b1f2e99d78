import { definePolicy, POD_TEMPLATE_KINDS } from '../util/define.ts';
import { isMutableTag, parseImage } from '../util/image.ts';
import { containersOf, podOf } from '../util/pod.ts';
import type { Violation } from '../types.ts';

export default definePolicy({
  meta: {
    id: 'image-tag-pinned',
    title: 'Images are pinned to a version',
    category: 'images',
    severity: 'error',
    scope: 'resource',
    kinds: POD_TEMPLATE_KINDS,
    description: 'An image without a tag, or with a moving tag (`latest`, `main`, `stable`, `edge`, `dev`, `nightly`), changes under a running release: two pods of one ReplicaSet can run different code, and a rollback does not roll back. An image pinned by digest passes whatever its tag.',
    remediation: 'Use an immutable version tag (e.g. `2.4.1`) and, in production, a digest (`repo:2.4.1@sha256:…`).',
    references: ['https://kubernetes.io/docs/concepts/containers/images/#image-names'],
    messages: { mutable: 'container "{{container}}" uses image "{{image}}" with {{what}}' },
    equivalents: ['polaris:tagNotSpecified', 'kube-linter:latest-tag', 'kube-score:container-image-tag', 'checkov:CKV_K8S_14', 'kyverno:disallow-latest-tag'],
  },
  check(r) {
    const pod = podOf(r);
    if (!pod) return [];
    const out: Violation[] = [];
    for (const c of containersOf(pod)) {
      const image = c.container.image;
      if (typeof image !== 'string') continue;
      const ref = parseImage(image);
      if (ref.digest || !isMutableTag(ref.tag)) continue;
      out.push({ messageId: 'mutable', data: { container: c.name, image, what: ref.tag ? `the moving tag "${ref.tag}"` : 'no tag (means latest)' }, pointer: `${c.pointer}/image`, container: c.name });
    }
    return out;
  },
});
