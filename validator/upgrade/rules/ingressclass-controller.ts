import { immutableFieldRule } from './immutable-field.ts';

export default immutableFieldRule(
  {
    id: 'upgrade/ingressclass-controller',
    title: 'IngressClass controller changed',
    kinds: ['networking.k8s.io/IngressClass'],
    description: "An IngressClass's spec.controller names the controller that owns it and cannot change; its parameters may.",
    remediation: 'Create a new IngressClass (another name) for the other controller and move the Ingresses to it.',
    upstream: 'ValidateIngressClassUpdate (pkg/apis/networking/validation)',
    references: ['https://kubernetes.io/docs/concepts/services-networking/ingress/#ingress-class'],
  },
  ['spec', 'controller'],
  'Create an IngressClass with a new name for the other controller and switch the Ingresses to it.',
);
