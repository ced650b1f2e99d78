import { immutableFieldRule } from './immutable-field.ts';

export default immutableFieldRule(
  {
    id: 'upgrade/endpointslice-address-type',
    title: 'EndpointSlice addressType changed',
    kinds: ['discovery.k8s.io/EndpointSlice'],
    description: "An EndpointSlice's addressType (IPv4, IPv6, FQDN) cannot change.",
    remediation: 'Create a separate EndpointSlice (another name) for the other address type.',
    upstream: 'ValidateEndpointSliceUpdate (pkg/apis/discovery/validation)',
    references: ['https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/#address-types'],
  },
  ['addressType'],
  'Create a separate EndpointSlice for the other address type.',
);
