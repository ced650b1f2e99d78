import { immutableFieldRule } from './immutable-field.ts';

export default immutableFieldRule(
  {
    id: 'upgrade/runtimeclass-handler',
    title: 'RuntimeClass handler changed',
    kinds: ['node.k8s.io/RuntimeClass'],
    description: "A RuntimeClass's handler (the CRI runtime configuration it selects) cannot change.",
    remediation: 'Create a RuntimeClass with a new name for the other handler and move the pods to it.',
    upstream: 'ValidateRuntimeClassUpdate (pkg/apis/node/validation)',
    references: ['https://kubernetes.io/docs/concepts/containers/runtime-class/'],
  },
  ['handler'],
  'Create a RuntimeClass with a new name for the other handler.',
);
