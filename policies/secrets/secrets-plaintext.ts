import { definePolicy } from '../util/define.ts';
import { isObj } from '../util/json.ts';

export default definePolicy({
  meta: {
    id: 'secrets-plaintext',
    title: 'No Secret objects with data in production output',
    category: 'secrets',
    severity: 'error',
    scope: 'resource',
    kinds: ['Secret'],
    description: 'A rendered `kind: Secret` carrying `data` or `stringData` means the secret value is in the chart values or generated at render time, and so in Git, in CI logs or in Helm release history. In the environments of `settings.forbidPlaintextSecretsIn` (default `[production]`) credentials must come from existing Secrets (`existingSecret`) or an external secret operator.',
    remediation: 'Reference an existing Secret (`auth.existingSecret`) or an ExternalSecret/SealedSecret instead of rendering the value.',
    references: ['https://kubernetes.io/docs/concepts/security/secrets-good-practices/'],
    messages: { plaintext: 'Secret carries {{field}} in the {{environment}} render' },
  },
  check(r, ctx) {
    if (!ctx.environment || !ctx.settings.forbidPlaintextSecretsIn.includes(ctx.environment)) return [];
    const type = r.object.type;
    if (type === 'kubernetes.io/service-account-token') return [];
    for (const field of ['stringData', 'data']) {
      const v = r.object[field];
      if (isObj(v) && Object.keys(v).length > 0) return [{ messageId: 'plaintext', data: { field, environment: ctx.environment }, pointer: `/${field}` }];
    }
    return [];
  },
});
