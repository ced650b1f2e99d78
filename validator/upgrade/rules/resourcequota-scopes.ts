import { defineUpgradeRule } from '../types.ts';

const scopes = (o: Record<string, unknown>): string[] => {
  const spec = o.spec as { scopes?: unknown } | undefined;
  return Array.isArray(spec?.scopes) ? [...new Set(spec.scopes.map(String))].sort() : [];
};

export default defineUpgradeRule({
  meta: {
    id: 'upgrade/resourcequota-scopes',
    title: 'ResourceQuota scopes changed',
    kinds: ['core/ResourceQuota'],
    description: "A ResourceQuota's scopes (as a set) cannot change; its hard limits may.",
    remediation: 'Create a ResourceQuota with a new name for the other scopes and delete the old one.',
    upstream: 'ValidateResourceQuotaUpdate (pkg/apis/core/validation)',
    references: ['https://kubernetes.io/docs/concepts/policy/resource-quotas/#quota-scopes'],
  },
  check({ live, next }) {
    const a = scopes(live);
    const b = scopes(next);
    if (a.join('\u0000') === b.join('\u0000')) return [];
    return [{ path: ['spec', 'scopes'], message: `spec.scopes changes from ${JSON.stringify(a)} to ${JSON.stringify(b)}: field is immutable`, hint: 'Give the quota with the new scopes a new name (the upgrade then creates it and deletes the old one).' }];
  },
});
