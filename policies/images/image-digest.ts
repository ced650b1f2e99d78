import { definePolicy, POD_TEMPLATE_KINDS } from '../util/define.ts';
import { DIGEST_RE, parseImage } from '../util/image.ts';
import { containersOf, podOf } from '../util/pod.ts';

export default definePolicy({
  meta: {
    id: 'image-digest',
    title: 'Images are pinned by digest where required',
    category: 'images',
    severity: 'error',
    scope: 'resource',
    kinds: POD_TEMPLATE_KINDS,
    description: 'A tag can be re-pushed; only a digest names exactly one image. In the environments listed in `settings.requireDigestIn` (none by default; e.g. `[production]`) every container image must carry `@sha256:<64 hex>`. Outside them the check does nothing. The digest must be well formed (`sha256:` and 64 hex digits; the runtime rejects anything else), where Checkov accepts any `@`.',
    remediation: 'Render the image as `registry/repository:tag@sha256:…` (the NEXUS `image.digest` value).',
    references: ['https://kubernetes.io/docs/concepts/containers/images/#image-names'],
    messages: { missing: 'container "{{container}}" image "{{image}}" is not pinned by digest (required in {{environment}})' },
    equivalents: ['checkov:CKV_K8S_43', 'kyverno:require-image-checksum'],
  },
  check(r, ctx) {
    if (!ctx.environment || !ctx.settings.requireDigestIn.includes(ctx.environment)) return [];
    const pod = podOf(r);
    if (!pod) return [];
    return containersOf(pod)
      .filter((c) => typeof c.container.image === 'string' && !DIGEST_RE.test(parseImage(c.container.image).digest ?? ''))
      .map((c) => ({ messageId: 'missing', data: { container: c.name, image: String(c.container.image), environment: ctx.environment! }, pointer: `${c.pointer}/image`, container: c.name }));
  },
});
