/**
 * Security contexts of pods and containers (validatePodSpecSecurityContext, ValidateSecurityContext):
 * ID ranges, sysctls, seccomp and AppArmor profiles, privileged vs allowPrivilegeEscalation, and the
 * options a pod's declared OS forbids.
 */
import { byteLength, inclusiveRangeError, isDNS1123Subdomain } from './formats.ts';
import type { FieldPath } from './path.ts';
import type { PodContext } from './pod-context.ts';
import { localDescendingPathProblems } from './pod-containers.ts';
import { arr, has, isObj, num, obj, str, type Obj } from './values.ts';

const MAX_ID = 2147483647;
const SYSCTL_RE = /^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/;
const IPC_SYSCTLS = new Set(['kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced', 'kernel.shm', 'kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.msg']);

function checkId(ctx: PodContext, v: unknown, path: FieldPath): void {
  const n = num(v);
  if (n !== undefined && (n < 0 || n > MAX_ID)) ctx.rep.invalid('api/pod/security-context', path, n, inclusiveRangeError(0, MAX_ID));
}

/** sysctl names may use "/" as separator: net/ipv4/ip_forward is net.ipv4.ip_forward. */
function normalizeSysctl(name: string): string {
  const i = name.search(/[./]/);
  if (i < 0 || name[i] === '.') return name;
  return name.replace(/[./]/g, (c) => (c === '.' ? '/' : '.'));
}

function sysctlNamespace(name: string): 'net' | 'ipc' | undefined {
  let n = normalizeSysctl(name);
  const star = n.indexOf('*');
  if (star >= 0) n = n.slice(0, star);
  if (IPC_SYSCTLS.has(n)) return 'ipc';
  if (n.startsWith('net.')) return 'net';
  if (n.startsWith('fs.mqueue.')) return 'ipc';
  return undefined;
}

export function validateSeccompProfile(ctx: PodContext, profile: unknown, path: FieldPath): void {
  const p = obj(profile);
  if (!p) return;
  const { rep } = ctx;
  const type = str(p.type) ?? '';
  const supported = ['Localhost', 'RuntimeDefault', 'Unconfined'];
  if (!type) rep.required('api/pod/security-context', path.child('type'), 'type is required when seccompProfile is set');
  else if (!supported.includes(type)) rep.unsupported('api/pod/security-context', path.child('type'), type, supported);
  if (type === 'Localhost') {
    const lp = str(p.localhostProfile);
    if (lp === undefined) rep.required('api/pod/security-context', path.child('localhostProfile'), 'must be set when seccomp type is Localhost');
    else for (const m of localDescendingPathProblems(lp)) rep.invalid('api/pod/security-context', path.child('localhostProfile'), lp, m);
  } else if (has(p, 'localhostProfile')) rep.invalid('api/pod/security-context', path.child('localhostProfile'), p, 'can only be set when seccomp type is Localhost');
}

export function validateAppArmorProfile(ctx: PodContext, profile: unknown, path: FieldPath): void {
  const p = obj(profile);
  if (!p) return;
  const { rep } = ctx;
  const type = str(p.type) ?? '';
  if (type === 'Localhost') {
    const lp = str(p.localhostProfile);
    if (lp === undefined) rep.required('api/pod/security-context', path.child('localhostProfile'), 'must be set when AppArmor type is Localhost');
    else if (lp.trim() !== lp) rep.invalid('api/pod/security-context', path.child('localhostProfile'), lp, 'must not be padded with whitespace');
    else if (lp === '') rep.required('api/pod/security-context', path.child('localhostProfile'), 'must be set when AppArmor type is Localhost');
    if (lp !== undefined && lp.length > 4095) rep.tooLong('api/pod/security-context', path.child('localhostProfile'), 4095, 'characters');
  } else if (type === 'RuntimeDefault' || type === 'Unconfined') {
    if (has(p, 'localhostProfile')) rep.invalid('api/pod/security-context', path.child('localhostProfile'), p.localhostProfile, 'can only be set when AppArmor type is Localhost');
  } else if (!type) rep.required('api/pod/security-context', path.child('type'), 'type is required when appArmorProfile is set');
  else rep.unsupported('api/pod/security-context', path.child('type'), type, ['Localhost', 'RuntimeDefault', 'Unconfined']);
}

function validateWindowsOptions(ctx: PodContext, w: unknown, path: FieldPath): void {
  const o = obj(w);
  if (!o) return;
  const { rep } = ctx;
  const gmsaName = str(o.gmsaCredentialSpecName);
  if (gmsaName !== undefined) for (const m of isDNS1123Subdomain(gmsaName)) rep.invalid('api/pod/security-context', path.child('gmsaCredentialSpecName'), gmsaName, m);
  const spec = str(o.gmsaCredentialSpec);
  if (spec !== undefined) {
    if (spec === '') rep.invalid('api/pod/security-context', path.child('gmsaCredentialSpec'), spec, 'gmsaCredentialSpec cannot be an empty string');
    else if (byteLength(spec) > 64 * 1024) rep.invalid('api/pod/security-context', path.child('gmsaCredentialSpec'), spec, 'gmsaCredentialSpec size must be under 64 KiB');
  }
  const user = str(o.runAsUserName);
  if (user === undefined) return;
  const up = path.child('runAsUserName');
  const bad = (msg: string) => rep.invalid('api/pod/security-context', up, user, msg);
  const parts = user.split('\\');
  if (user === '') return bad('runAsUserName cannot be an empty string');
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(user)) return bad('runAsUserName cannot contain control characters');
  if (parts.length > 2) return bad('runAsUserName cannot contain more than one backslash');
  const [domain, name] = parts.length === 2 ? [parts[0]!, parts[1]!] : ['', parts[0]!];
  if (byteLength(domain) >= 256) bad('runAsUserName\'s Domain length must be under 256 characters');
  if (parts.length === 2 && !(NETBIOS_RE.test(domain) || WINDOWS_DNS_RE.test(domain))) bad("runAsUserName's Domain doesn't match the NetBios nor the DNS format");
  if (name.length === 0) bad("runAsUserName's User cannot be empty");
  else if (byteLength(name) > 104) bad("runAsUserName's User length must not be longer than 104 characters");
  if (/^[. ]+$/.test(name)) bad("runAsUserName's User cannot contain only periods or spaces");
  if (/["/\\:;|=,+*?<>@[\]]/.test(name)) bad('runAsUserName\'s User cannot contain the following characters: "/\\:;|=,+*?<>@[]');
}

/** Windows domains: a NetBIOS name (1-15 characters, no \\ / : * ? " < > |, not starting with '.') or a DNS name. */
const NETBIOS_RE = /^[^\\/:*?"<>|.][^\\/:*?"<>|]{0,14}$/;
const WINDOWS_DNS_RE = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** The pod-level securityContext plus shareProcessNamespace/hostPID, which the server keeps there internally. */
export function validatePodSecurityContext(ctx: PodContext, spec: Obj, specPath: FieldPath): void {
  const { rep } = ctx;
  const sc = obj(spec.securityContext);
  const path = specPath.child('securityContext');
  if (spec.shareProcessNamespace === true && spec.hostPID === true) {
    rep.invalid('api/pod/security-context', specPath.child('shareProcessNamespace'), true, 'ShareProcessNamespace and HostPID cannot both be enabled');
  }
  if (!sc) return;
  checkId(ctx, sc.fsGroup, path.child('fsGroup'));
  checkId(ctx, sc.runAsUser, path.child('runAsUser'));
  checkId(ctx, sc.runAsGroup, path.child('runAsGroup'));
  arr(sc.supplementalGroups).forEach((g, i) => checkId(ctx, g, path.child('supplementalGroups').index(i)));
  const sysctls = arr(sc.sysctls);
  const seen = new Set<string>();
  sysctls.forEach((s, i) => {
    if (!isObj(s)) return;
    const np = path.child('sysctls').index(i).child('name');
    const name = str(s.name) ?? '';
    if (!name) rep.required('api/pod/security-context', np);
    else if (name.length > 253 || !SYSCTL_RE.test(name)) rep.invalid('api/pod/security-context', np, name, `must have at most 253 characters and match regex ${SYSCTL_RE.source}`);
    else if (seen.has(name)) rep.duplicate('api/pod/security-context', np, name);
    const ns = sysctlNamespace(name);
    if (spec.hostNetwork === true && ns === 'net') rep.invalid('api/pod/security-context', np, name, "may not be specified when 'hostNetwork' is true");
    else if (spec.hostIPC === true && ns === 'ipc') rep.invalid('api/pod/security-context', np, name, "may not be specified when 'hostIPC' is true");
    seen.add(name);
  });
  const fcp = str(sc.fsGroupChangePolicy);
  if (fcp !== undefined && fcp !== 'OnRootMismatch' && fcp !== 'Always') rep.unsupported('api/pod/security-context', path.child('fsGroupChangePolicy'), fcp, ['Always', 'OnRootMismatch']);
  validateSeccompProfile(ctx, sc.seccompProfile, path.child('seccompProfile'));
  validateWindowsOptions(ctx, sc.windowsOptions, path.child('windowsOptions'));
  validateAppArmorProfile(ctx, sc.appArmorProfile, path.child('appArmorProfile'));
  // SupplementalGroupsPolicy: beta, on by default from 1.33 (dropped before).
  const sgp = str(sc.supplementalGroupsPolicy);
  if (ctx.minor >= 33 && sgp !== undefined && sgp !== 'Merge' && sgp !== 'Strict') rep.unsupported('api/pod/security-context', path.child('supplementalGroupsPolicy'), sgp, ['Merge', 'Strict']);
}

export function validateContainerSecurityContext(ctx: PodContext, securityContext: unknown, path: FieldPath): void {
  const sc = obj(securityContext);
  if (!sc) return;
  const { rep } = ctx;
  checkId(ctx, sc.runAsUser, path.child('runAsUser'));
  checkId(ctx, sc.runAsGroup, path.child('runAsGroup'));
  validateSeccompProfile(ctx, sc.seccompProfile, path.child('seccompProfile'));
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged === true) rep.invalid('api/pod/security-context', path, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true', 'a privileged container always allows privilege escalation: drop one of the two');
    for (const cap of arr(obj(sc.capabilities)?.add)) {
      if (cap === 'CAP_SYS_ADMIN') rep.invalid('api/pod/security-context', path, sc, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN');
    }
  }
  validateWindowsOptions(ctx, sc.windowsOptions, path.child('windowsOptions'));
  validateAppArmorProfile(ctx, sc.appArmorProfile, path.child('appArmorProfile'));
}

const WINDOWS_POD_FORBIDDEN: Array<[string, 'sc' | 'spec']> = [
  ['appArmorProfile', 'sc'], ['seLinuxOptions', 'sc'], ['seccompProfile', 'sc'], ['fsGroup', 'sc'], ['fsGroupChangePolicy', 'sc'], ['sysctls', 'sc'],
  ['runAsUser', 'sc'], ['runAsGroup', 'sc'], ['supplementalGroups', 'sc'], ['supplementalGroupsPolicy', 'sc'], ['seLinuxChangePolicy', 'sc'],
  ['hostUsers', 'spec'], ['hostPID', 'spec'], ['hostIPC', 'spec'], ['shareProcessNamespace', 'spec'],
];
const WINDOWS_CONTAINER_FORBIDDEN = ['appArmorProfile', 'seLinuxOptions', 'seccompProfile', 'capabilities', 'readOnlyRootFilesystem', 'privileged', 'allowPrivilegeEscalation', 'procMount', 'runAsUser', 'runAsGroup'];

/** spec.os: a known name, and the fields each OS cannot use. */
export function validatePodOS(ctx: PodContext, spec: Obj, specPath: FieldPath, containers: Array<[Obj, FieldPath]>): void {
  const os = obj(spec.os);
  if (!os) return;
  const { rep } = ctx;
  const name = str(os.name) ?? '';
  if (!name) return rep.required('api/pod/security-context', specPath.child('os', 'name'), 'cannot be empty');
  if (name !== 'linux' && name !== 'windows') return rep.unsupported('api/pod/security-context', specPath.child('os'), name, ['linux', 'windows']);
  const sc = obj(spec.securityContext);
  if (name === 'linux') {
    if (sc && has(sc, 'windowsOptions')) rep.forbidden('api/pod/security-context', specPath.child('securityContext', 'windowsOptions'), 'windows options cannot be set for a linux pod');
    for (const [c, p] of containers) if (has(obj(c.securityContext), 'windowsOptions')) rep.forbidden('api/pod/security-context', p.child('securityContext', 'windowsOptions'), 'windows options cannot be set for a linux pod');
    return;
  }
  for (const [field, where] of WINDOWS_POD_FORBIDDEN) {
    if (where === 'sc') {
      if (sc && has(sc, field) && !(field === 'sysctls' && arr(sc.sysctls).length === 0)) rep.forbidden('api/pod/security-context', specPath.child('securityContext', field), 'cannot be set for a windows pod');
    } else if (field === 'hostPID' || field === 'hostIPC' ? spec[field] === true : has(spec, field)) rep.forbidden('api/pod/security-context', specPath.child(field), 'cannot be set for a windows pod');
  }
  for (const [c, p] of containers) {
    const csc = obj(c.securityContext);
    if (!csc) continue;
    for (const f of WINDOWS_CONTAINER_FORBIDDEN) if (has(csc, f)) rep.forbidden('api/pod/security-context', p.child('securityContext', f), 'cannot be set for a windows pod');
  }
}
