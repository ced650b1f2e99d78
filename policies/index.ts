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
import selectorMatchesTemplate from './reliability/selector-matches-template.ts';
import replicasMinimum from './reliability/replicas-minimum.ts';
import priorityClassName from './reliability/priority-class-name.ts';
import serviceAccountExists from './service-accounts/service-account-exists.ts';
import envDuplicateNames from './reliability/env-duplicate-names.ts';
import deploymentRollingUpdate from './reliability/deployment-rolling-update.ts';
import pdbUnhealthyEvictionPolicy from './reliability/pdb-unhealthy-eviction-policy.ts';
import resourcesEphemeralStorage from './resources/resources-ephemeral-storage.ts';
import probesIdentical from './probes/probes-identical.ts';
import namespaceNotDefault from './reliability/namespace-not-default.ts';
import rbacCreatePods from './rbac/rbac-create-pods.ts';
import rbacApproveCsr from './rbac/rbac-approve-csr.ts';
import rbacAdmissionWebhooks from './rbac/rbac-admission-webhooks.ts';
import runAsRootGroup from './security-context/run-as-root-group.ts';
import runAsHighUid from './security-context/run-as-high-uid.ts';
import cronjobStartingDeadline from './jobs/cronjob-starting-deadline.ts';
import portsSsh from './network/ports-ssh.ts';
import portsPrivileged from './network/ports-privileged.ts';
import ingressNginxSnippets from './network/ingress-nginx-snippets.ts';
import hookDestructiveUpgrade from './operations/hook-destructive-upgrade.ts';
import helmHookDeletePolicy from './operations/helm-hook-delete-policy.ts';
import podTemplateReleaseLabels from './operations/pod-template-release-labels.ts';
import serviceSelectsAllReplicas from './operations/service-selects-all-replicas.ts';
import databaseTls from './operations/database-tls.ts';
import gracefulShutdown from './operations/graceful-shutdown.ts';

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
  selectorMatchesTemplate,
  replicasMinimum,
  priorityClassName,
  serviceAccountExists,
  envDuplicateNames,
  deploymentRollingUpdate,
  pdbUnhealthyEvictionPolicy,
  resourcesEphemeralStorage,
  probesIdentical,
  namespaceNotDefault,
  rbacCreatePods,
  rbacApproveCsr,
  rbacAdmissionWebhooks,
  runAsRootGroup,
  runAsHighUid,
  cronjobStartingDeadline,
  portsSsh,
  portsPrivileged,
  ingressNginxSnippets,
  hookDestructiveUpgrade,
  helmHookDeletePolicy,
  podTemplateReleaseLabels,
  serviceSelectsAllReplicas,
  databaseTls,
  gracefulShutdown,
];

export const POLICY_IDS: ReadonlySet<string> = new Set(POLICIES.map((p) => p.meta.id));

export type { Policy, PolicyMeta, Category } from './types.ts';
export { CATEGORIES } from './types.ts';
