import { definePolicy } from '../util/define.ts';
import { isObj, ptr } from '../util/json.ts';
import { isPlaceholder, isSecretName, secretAssignment, secretValueKind } from '../util/secret-detect.ts';
import type { Violation } from '../types.ts';

export default definePolicy({
  meta: {
    id: 'secrets-in-configmap',
    title: 'No secrets in ConfigMaps',
    category: 'secrets',
    severity: 'error',
    scope: 'resource',
    kinds: ['ConfigMap'],
    description:
      'ConfigMaps are readable by anyone with `get configmaps`, are not encrypted at rest and are printed freely. Flags keys named like a secret with a literal value, values that look like key material, and config files that assign a secret-named setting (`password = ...`, redis `requirepass`) a literal value. Names and value formats come from the same generated upstream lists as `secrets-env-literal` (Polaris `sensitiveConfigmapContent`, detect-secrets, gitleaks; versions in `policies/secrets/generated/secret-patterns.json`). Deliberate scope: multi-line values are judged by their content (assignments, key formats), not by their key name.',
    remediation: 'Move the value into a Secret and reference it (env `secretKeyRef`, a mounted Secret, or an include file the app reads).',
    references: ['https://kubernetes.io/docs/concepts/configuration/configmap/'],
    messages: {
      key: 'key {{key}} looks like a secret with a literal value',
      value: 'key {{key}} contains {{what}}',
      assignment: 'key {{key}} assigns the secret setting "{{setting}}" a literal value',
    },
    equivalents: ['polaris:sensitiveConfigmapContent'],
  },
  check(r) {
    const out: Violation[] = [];
    const data = r.object.data;
    if (!isObj(data)) return out;
    for (const [key, value] of Object.entries(data).sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (typeof value !== 'string') continue;
      const pointer = ptr('/data', key);
      const what = secretValueKind(value);
      if (what) {
        out.push({ messageId: 'value', data: { key, what }, pointer });
        continue;
      }
      if (!value.includes('\n') && isSecretName(key) && !isPlaceholder(value)) {
        out.push({ messageId: 'key', data: { key }, pointer });
        continue;
      }
      const setting = secretAssignment(value);
      if (setting) out.push({ messageId: 'assignment', data: { key, setting }, pointer });
    }
    return out;
  },
});
