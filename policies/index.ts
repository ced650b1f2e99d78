/**
 * The explicit policy registry. Every policy module is imported here by name (no directory scanning),
 * so docs, SARIF rules and meta-tests see exactly what runs.
 */
import type { Policy } from './types.ts';
import { PSS_POLICIES } from './pss/registry.ts';
import imageDigest from './images/image-digest.ts';
import imagePullPolicy from './images/image-pull-policy.ts';
import imageTagPinned from './images/image-tag-pinned.ts';
import cronjobConcurrency from './jobs/cronjob-concurrency.ts';
import cronjobHistoryLimits from './jobs/cronjob-history-limits.ts';
import jobDeadline from './jobs/job-deadline.ts';
import jobTtl from './jobs/job-ttl.ts';
import exemptionAnnotations from './policy/exemption-annotations.ts';
import ingressBackendExists from './network/ingress-backend-exists.ts';
import ingressTls from './network/ingress-tls.ts';
import networkPolicyCoverage from './network/network-policy-coverage.ts';
import networkPolicySelectsNothing from './network/network-policy-selects-nothing.ts';
import serviceSelectorMatches from './network/service-selector-matches.ts';
import serviceTargetPort from './network/service-target-port.ts';
import serviceTypeExposed from './network/service-type-exposed.ts';
import probesLiveness from './probes/probes-liveness.ts';
import probesPortExists from './probes/probes-port-exists.ts';
import probesReadiness from './probes/probes-readiness.ts';
import rbacClusterAdminBinding from './rbac/rbac-cluster-admin-binding.ts';
import rbacEscalationVerbs from './rbac/rbac-escalation-verbs.ts';
import rbacPodsExec from './rbac/rbac-pods-exec.ts';
import rbacSecretsAccess from './rbac/rbac-secrets-access.ts';
import rbacWildcard from './rbac/rbac-wildcard.ts';
import referencesExist from './references/references-exist.ts';
import haSpread from './reliability/ha-spread.ts';
import hpaStaticReplicas from './reliability/hpa-static-replicas.ts';
import hpaTargetExists from './reliability/hpa-target-exists.ts';
import hpaVpaConflict from './reliability/hpa-vpa-conflict.ts';
import pdbBlocksEviction from './reliability/pdb-blocks-eviction.ts';
import pdbRequired from './reliability/pdb-required.ts';
import servicemonitorSelector from './reliability/servicemonitor-selector.ts';
import statefulsetHeadlessService from './reliability/statefulset-headless-service.ts';
import resourcesCpuLimit from './resources/resources-cpu-limit.ts';
import resourcesMemoryLimit from './resources/resources-memory-limit.ts';
import resourcesRequests from './resources/resources-requests.ts';
import secretsEnvLiteral from './secrets/secrets-env-literal.ts';
import secretsInConfigmap from './secrets/secrets-in-configmap.ts';
import secretsPlaintext from './secrets/secrets-plaintext.ts';
import capabilitiesDangerous from './security-context/capabilities-dangerous.ts';
import capabilitiesNetRaw from './security-context/capabilities-net-raw.ts';
import readOnlyRootFilesystem from './security-context/read-only-root-filesystem.ts';
import serviceAccountDefault from './service-accounts/service-account-default.ts';
import serviceAccountTokenAutomount from './service-accounts/service-account-token-automount.ts';

export const POLICIES: readonly Policy[] = [
  ...PSS_POLICIES,
  imageDigest,
  imagePullPolicy,
  imageTagPinned,
  cronjobConcurrency,
  cronjobHistoryLimits,
  jobDeadline,
  jobTtl,
  exemptionAnnotations,
  ingressBackendExists,
  ingressTls,
  networkPolicyCoverage,
  networkPolicySelectsNothing,
  serviceSelectorMatches,
  serviceTargetPort,
  serviceTypeExposed,
  probesLiveness,
  probesPortExists,
  probesReadiness,
  rbacClusterAdminBinding,
  rbacEscalationVerbs,
  rbacPodsExec,
  rbacSecretsAccess,
  rbacWildcard,
  referencesExist,
  haSpread,
  hpaStaticReplicas,
  hpaTargetExists,
  hpaVpaConflict,
  pdbBlocksEviction,
  pdbRequired,
  servicemonitorSelector,
  statefulsetHeadlessService,
  resourcesCpuLimit,
  resourcesMemoryLimit,
  resourcesRequests,
  secretsEnvLiteral,
  secretsInConfigmap,
  secretsPlaintext,
  capabilitiesDangerous,
  capabilitiesNetRaw,
  readOnlyRootFilesystem,
  serviceAccountDefault,
  serviceAccountTokenAutomount,
];

export const POLICY_IDS: ReadonlySet<string> = new Set(POLICIES.map((p) => p.meta.id));

export type { Policy, PolicyMeta, Category } from './types.ts';
export { CATEGORIES } from './types.ts';
