import { defineUpgradeRule } from '../types.ts';
import { immutableDataViolations } from './immutable-data.ts';

export default defineUpgradeRule({
  meta: {
    id: 'upgrade/immutable-configmap',
    title: 'Immutable ConfigMap changed',
    kinds: ['core/ConfigMap'],
    description: 'A ConfigMap created with `immutable: true` can never change its data or binaryData, nor become mutable again; only deletion is allowed. (Making a mutable ConfigMap immutable is fine.)',
    remediation: 'Put changed content into a ConfigMap with a new name (a content-hash suffix) and reference that name from the workloads.',
    upstream: 'ValidateConfigMapUpdate (pkg/apis/core/validation)',
    references: ['https://kubernetes.io/docs/concepts/configuration/configmap/#configmap-immutable'],
  },
  check: ({ live, next, manifest }) => immutableDataViolations('ConfigMap', live, next, manifest, ['data', 'binaryData']),
});
