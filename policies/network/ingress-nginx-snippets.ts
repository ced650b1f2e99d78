import { definePolicy } from '../util/define.ts';
import { obj, ptr } from '../util/json.ts';
import type { Violation } from '../types.ts';

/**
 * Any annotation named `<prefix>/…-snippet(s)`: ingress-nginx (`nginx.ingress.kubernetes.io/configuration-snippet`),
 * NGINX Inc's controller (`nginx.org/server-snippets`, `nginx.org/location-snippets`) and HAProxy
 * (`haproxy.org/backend-config-snippet`) all paste such values into the proxy configuration verbatim.
 */
const SNIPPET_ANNOTATION = /^([a-z0-9.-]+\/)?([a-z0-9-]*-)?snippets?$/;

export default definePolicy({
  meta: {
    id: 'ingress-nginx-snippets',
    title: 'No configuration-snippet annotations on Ingresses',
    category: 'network',
    severity: 'error',
    scope: 'resource',
    kinds: ['Ingress', 'ConfigMap'],
    description:
      'ingress-nginx copies `*-snippet` annotations (`configuration-snippet`, `server-snippet`, `auth-snippet`, `stream-snippet`…) verbatim into the controller\'s nginx configuration; NGINX Inc\'s controller does the same with `nginx.org/*-snippets`, HAProxy with `haproxy.org/*-config-snippet`, so any annotation named `…-snippet(s)` is judged (as Kyverno does). Anyone who can edit an Ingress can then read the controller\'s ServiceAccount token and every Secret it serves (CVE-2021-25742, CVE-2025-1974 family). Ingresses must not carry them; and an ingress-nginx controller ConfigMap must not turn `allow-snippet-annotations` on. Scope: a ConfigMap is judged only when it carries that key.',
    remediation: 'Use the controller\'s dedicated annotations (rewrite, headers, auth-url), or a global ConfigMap setting reviewed by the platform team.',
    references: ['https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/configmap/#allow-snippet-annotations', 'https://github.com/kubernetes/ingress-nginx/issues/7837'],
    messages: {
      annotation: 'annotation {{annotation}} injects raw nginx configuration',
      allowed: 'allow-snippet-annotations is "{{value}}": every Ingress can inject nginx configuration',
    },
    equivalents: ['checkov:CKV_K8S_153', 'kyverno:disallow-ingress-nginx-custom-snippets'],
  },
  check(r) {
    const out: Violation[] = [];
    if (r.kind === 'ConfigMap') {
      const v = obj(r.object.data)?.['allow-snippet-annotations'];
      if (typeof v === 'string' && v.trim().toLowerCase() === 'true') out.push({ messageId: 'allowed', data: { value: v }, pointer: '/data/allow-snippet-annotations' });
      return out;
    }
    const annotations = obj(obj(r.object.metadata)?.annotations) ?? {};
    for (const key of Object.keys(annotations).sort()) {
      if (SNIPPET_ANNOTATION.test(key)) out.push({ messageId: 'annotation', data: { annotation: key }, pointer: ptr('/metadata/annotations', key) });
    }
    return out;
  },
});
