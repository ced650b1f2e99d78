/** Every upgrade rule (explicit registry, sorted by id). */
import csidriverImmutable from './csidriver-immutable.ts';
import endpointsliceAddressType from './endpointslice-address-type.ts';
import immutableConfigmap from './immutable-configmap.ts';
import immutableSecret from './immutable-secret.ts';
import ingressclassController from './ingressclass-controller.ts';
import jobImmutableFields from './job-immutable-fields.ts';
import jobTemplate from './job-template-immutable.ts';
import persistentvolumeSource from './persistentvolume-source.ts';
import podImmutableSpec from './pod-immutable-spec.ts';
import priorityclassImmutable from './priorityclass-immutable.ts';
import pvcExpansion from './pvc-expansion.ts';
import pvcImmutableSpec from './pvc-immutable-spec.ts';
import pvcShrink from './pvc-shrink.ts';
import resourcequotaScopes from './resourcequota-scopes.ts';
import roleRef from './role-ref.ts';
import runtimeclassHandler from './runtimeclass-handler.ts';
import secretType from './secret-type.ts';
import selectorImmutable from './selector-immutable.ts';
import serviceClusterIp from './service-cluster-ip.ts';
import serviceHealthCheckNodePort from './service-health-check-node-port.ts';
import serviceIpFamilies from './service-ip-families.ts';
import serviceLoadBalancerClass from './service-load-balancer-class.ts';
import statefulsetSpec from './statefulset-immutable-spec.ts';
import statefulsetUpdateStrategy from './statefulset-update-strategy.ts';
import storageclassImmutable from './storageclass-immutable.ts';
import type { UpgradeRule } from '../types.ts';

export const UPGRADE_RULES: readonly UpgradeRule[] = [
  csidriverImmutable,
  endpointsliceAddressType,
  immutableConfigmap,
  immutableSecret,
  ingressclassController,
  jobImmutableFields,
  jobTemplate,
  persistentvolumeSource,
  podImmutableSpec,
  priorityclassImmutable,
  pvcExpansion,
  pvcImmutableSpec,
  pvcShrink,
  resourcequotaScopes,
  roleRef,
  runtimeclassHandler,
  secretType,
  selectorImmutable,
  serviceClusterIp,
  serviceHealthCheckNodePort,
  serviceIpFamilies,
  serviceLoadBalancerClass,
  statefulsetSpec,
  statefulsetUpdateStrategy,
  storageclassImmutable,
];

/** Rules by `group/kind`. */
export function rulesFor(typeKey: string): UpgradeRule[] {
  return UPGRADE_RULES.filter((r) => r.meta.kinds.includes(typeKey));
}
