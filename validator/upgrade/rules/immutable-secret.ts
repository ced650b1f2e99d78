import { defineUpgradeRule } from '../types.ts';
import { immutableDataViolations } from './immutable-data.ts';

export default defineUpgradeRule({
  meta: {
    id: 'upgrade/immutable-secret',
    title: 'Immutable Secret changed',
    kinds: ['core/Secret'],
    description: 'A Secret created with `immutable: true` can never change its data (stringData included: the server folds it into data) nor become mutable again; only deletion is allowed.',
    remediation: 'Put changed content into a Secret with a new name (a content-hash suffix) and reference that name from the workloads.',
    upstream: 'ValidateSecretUpdate (pkg/apis/core/validation)',
    references: ['https://kubernetes.io/docs/concepts/configuration/secret/#secret-immutable'],
  },
  check: ({ live, next, manifest }) => immutableDataViolations('Secret', live, next, manifest, ['data']),
});
