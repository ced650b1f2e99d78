import { definePolicy, POD_TEMPLATE_KINDS } from '../util/define.ts';
import { objs } from '../util/json.ts';
import { containersOf, podOf } from '../util/pod.ts';
import { isPlaceholder, isSecretName, secretValueKind } from '../util/secret-detect.ts';
import type { Violation } from '../types.ts';

export default definePolicy({
  meta: {
    id: 'secrets-env-literal',
    title: 'No secrets as literal environment values',
    category: 'secrets',
    severity: 'error',
    scope: 'resource',
    kinds: POD_TEMPLATE_KINDS,
    description:
      'A secret written into `env[].value` ends up in the chart, in `helm get values`, in the ReplicaSet history and in every `kubectl describe`. Flags env vars whose name says secret, with a literal value, and any value that looks like key material. Names follow the maintained lists of Polaris (`sensitiveContainerEnvVar`: AWS_SECRET_ACCESS_KEY, AZURE_*KEY, OCI_CLI_KEY_CONTENT, GOOGLE_APPLICATION_CREDENTIALS, password, token, bearer, secret) and detect-secrets (KeywordDetector: api_key, private_key, db_pass, pwd…); values follow the gitleaks default rules (provider key formats with their entropy thresholds) plus private-key headers and credentials inside URLs. The lists are generated into `policies/secrets/generated/secret-patterns.json` with their upstream versions. Deliberate scope: names that refer to a secret rather than hold it (`*_FILE`, `*_PATH`, `*_NAME`, `*_URL`, `*_TTL`…) and values that are file paths, `$(VAR)` expansions or templates are not flagged, where Polaris flags every literal value of a secret-like name.',
    remediation: 'Use `valueFrom.secretKeyRef` (or mount the Secret as a file) instead of a literal value.',
    references: ['https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables'],
    messages: {
      name: 'container "{{container}}" sets the secret-looking variable {{env}} to a literal value',
      value: 'container "{{container}}" variable {{env}} contains {{what}}',
    },
    equivalents: ['polaris:sensitiveContainerEnvVar', 'kube-linter:env-var-secret'],
  },
  check(r) {
    const pod = podOf(r);
    if (!pod) return [];
    const out: Violation[] = [];
    for (const c of containersOf(pod)) {
      objs(c.container.env).forEach((e, i) => {
        if (typeof e.name !== 'string' || typeof e.value !== 'string') return;
        const what = secretValueKind(e.value);
        const pointer = `${c.pointer}/env/${i}/value`;
        if (what) out.push({ messageId: 'value', data: { container: c.name, env: e.name, what }, pointer, container: c.name });
        else if (isSecretName(e.name) && !isPlaceholder(e.value)) out.push({ messageId: 'name', data: { container: c.name, env: e.name }, pointer, container: c.name });
      });
    }
    return out;
  },
});
