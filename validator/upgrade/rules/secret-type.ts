import { defineUpgradeRule } from '../types.ts';

export default defineUpgradeRule({
  meta: {
    id: 'upgrade/secret-type',
    title: 'Secret type changed',
    kinds: ['core/Secret'],
    description: "A Secret's type (Opaque when not set) is immutable: turning an Opaque Secret into kubernetes.io/tls or kubernetes.io/dockerconfigjson, or back, fails the upgrade.",
    remediation: 'Create the Secret of the new type under a new name and point the consumers at it; keep the old one until nothing uses it.',
    upstream: 'ValidateSecretUpdate (pkg/apis/core/validation)',
    references: ['https://kubernetes.io/docs/concepts/configuration/secret/#secret-types'],
  },
  check({ live, next }) {
    if (live.type === next.type) return [];
    return [
      {
        path: ['type'],
        message: `type changes from ${JSON.stringify(live.type)} to ${JSON.stringify(next.type)}: field is immutable${next.type === 'Opaque' ? ' (a Secret without type is Opaque)' : ''}`,
        hint: 'Keep the previous type, or create a Secret with a new name and the new type and point the consumers at it.',
      },
    ];
  },
});
