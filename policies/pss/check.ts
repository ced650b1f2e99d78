/**
 * A Pod Security Standards check: upstream id, level, and one implementation per policy version
 * (`min` = first minor version it applies to; the newest one not above the requested version wins).
 * A restricted check may override baseline checks (upstream `OverrideCheckIDs`).
 */
import type { K8sResource } from '../../core/types.ts';
import type { CheckContext, Policy, PolicyMeta, Violation } from '../types.ts';
import { podOf, type PodView } from '../util/pod.ts';
import type { PssLevel } from './version.ts';

export interface PssViolation extends Violation {
  data: { reason: string; detail: string };
}

export interface PssVersionedCheck {
  min: number;
  overrides?: readonly string[];
  check: (pod: PodView) => PssViolation[];
}

export interface PssCheckDef {
  /** Upstream check id, e.g. `hostNamespaces`. */
  id: string;
  level: PssLevel;
  /** The upstream ForbiddenReason (appears in every message). */
  reason: string;
  versions: readonly PssVersionedCheck[];
}

export interface PssPolicy extends Policy {
  pss: PssCheckDef;
}

/** The implementation of `def` for a minor version, or undefined if the check does not exist yet. */
export function versionedCheck(def: PssCheckDef, minor: number): PssVersionedCheck | undefined {
  let best: PssVersionedCheck | undefined;
  for (const v of def.versions) if (v.min <= minor && (!best || v.min > best.min)) best = v;
  return best;
}

export function violation(def: PssCheckDef, pointer: string, detail: string, container?: string): PssViolation {
  const v: PssViolation = { messageId: 'forbidden', pointer, data: { reason: def.reason, detail } };
  if (container !== undefined) v.container = container;
  return v;
}

type MetaInput = Omit<PolicyMeta, 'category' | 'scope' | 'kinds' | 'messages' | 'pss' | 'severity'> & { severity?: PolicyMeta['severity'] };

export function definePssPolicy(def: PssCheckDef, meta: MetaInput): PssPolicy {
  return {
    pss: def,
    meta: {
      severity: 'error',
      ...meta,
      category: 'pod-security',
      scope: 'resource',
      kinds: ['Pod', 'PodTemplate', 'ReplicationController', 'ReplicaSet', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'],
      messages: { forbidden: `{{detail}} (Pod Security Standards ${def.level}: "{{reason}}")` },
      pss: { checkId: def.id, level: def.level },
      references: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/', ...meta.references],
    },
    check(resource: K8sResource, ctx: CheckContext): Violation[] {
      const pod = podOf(resource);
      if (!pod) return [];
      const { active } = ctx.pssFor(resource);
      const v = active.get(def.id);
      return v ? v.check(pod) : [];
    },
  };
}
