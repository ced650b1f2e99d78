/**
 * The Pod Security Standards check set, and which checks are active for a level + policy version
 * (version gating and restricted overrides of baseline checks, as upstream Pod Security Admission).
 */
import allowPrivilegeEscalation from '../pod-security/pss-allow-privilege-escalation.ts';
import appArmor from '../pod-security/pss-apparmor-profile.ts';
import capabilitiesBaseline from '../pod-security/pss-capabilities-baseline.ts';
import capabilitiesRestricted from '../pod-security/pss-capabilities-restricted.ts';
import hostNamespaces from '../pod-security/pss-host-namespaces.ts';
import hostPathVolumes from '../pod-security/pss-host-path-volumes.ts';
import hostPorts from '../pod-security/pss-host-ports.ts';
import hostProbes from '../pod-security/pss-host-probes-and-lifecycle.ts';
import hostProcess from '../pod-security/pss-host-process.ts';
import privileged from '../pod-security/pss-privileged.ts';
import procMount from '../pod-security/pss-proc-mount.ts';
import procMountRestricted from '../pod-security/pss-proc-mount-restricted.ts';
import restrictedVolumes from '../pod-security/pss-restricted-volumes.ts';
import runAsNonRoot from '../pod-security/pss-run-as-non-root.ts';
import runAsUser from '../pod-security/pss-run-as-user.ts';
import seccompBaseline from '../pod-security/pss-seccomp-profile-baseline.ts';
import seccompRestricted from '../pod-security/pss-seccomp-profile-restricted.ts';
import selinux from '../pod-security/pss-selinux-options.ts';
import sysctls from '../pod-security/pss-sysctls.ts';
import type { PodView } from '../util/pod.ts';
import { versionedCheck, type PssPolicy, type PssVersionedCheck, type PssViolation } from './check.ts';
import { minorOf, type PssLevel, type PssVersion } from './version.ts';

export const PSS_POLICIES: readonly PssPolicy[] = [
  hostProcess, hostNamespaces, privileged, capabilitiesBaseline, hostPathVolumes, hostPorts, appArmor, selinux,
  procMount, seccompBaseline, sysctls, hostProbes,
  restrictedVolumes, allowPrivilegeEscalation, runAsNonRoot, runAsUser, seccompRestricted, capabilitiesRestricted, procMountRestricted,
];

export type ActiveChecks = ReadonlyMap<string, PssVersionedCheck>;
const memo = new Map<string, ActiveChecks>();
const NONE: ActiveChecks = new Map();

/** Upstream check id → implementation, for the checks that apply at `level` and `version`. */
export function activeChecks(level: PssLevel | 'privileged', version: PssVersion): ActiveChecks {
  if (level === 'privileged') return NONE;
  const minor = minorOf(version);
  const key = `${level}@${minor}`;
  const hit = memo.get(key);
  if (hit) return hit;
  const chosen = new Map<string, PssVersionedCheck>();
  const overridden = new Set<string>();
  for (const p of PSS_POLICIES) {
    if (p.pss.level === 'restricted' && level !== 'restricted') continue;
    const v = versionedCheck(p.pss, minor);
    if (!v) continue;
    chosen.set(p.pss.id, v);
    for (const o of v.overrides ?? []) overridden.add(o);
  }
  for (const o of overridden) chosen.delete(o);
  memo.set(key, chosen);
  return chosen;
}

export interface PssResult {
  checkId: string;
  policyId: string;
  violations: PssViolation[];
}

/** Evaluates one pod (template) at a level and version: the failing checks, empty when allowed. */
export function evaluatePss(pod: PodView, level: PssLevel | 'privileged', version: PssVersion): PssResult[] {
  const active = activeChecks(level, version);
  const out: PssResult[] = [];
  for (const p of PSS_POLICIES) {
    const v = active.get(p.pss.id);
    if (!v) continue;
    const violations = v.check(pod);
    if (violations.length) out.push({ checkId: p.pss.id, policyId: p.meta.id, violations });
  }
  return out;
}
