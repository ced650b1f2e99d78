/**
 * Pod specs and pod templates as the API server validates them (ValidatePodSpec,
 * ValidatePodTemplateSpec, ValidatePodCreate). The container, volume, security and scheduling
 * details live in the pod-*.ts modules; this one walks the spec and applies the server's defaults
 * that matter for validation (restartPolicy Always, dnsPolicy ClusterFirst, a 30 s grace period).
 */
import { inclusiveRangeError, isDNS1123Subdomain, isQualifiedName } from './formats.ts';
import { validateAnnotations, validateLabels } from './meta.ts';
import type { FieldPath } from './path.ts';
import type { PodContext } from './pod-context.ts';
import { localDescendingPathProblems, validateContainerCommon, validateProbesAndHooks } from './pod-containers.ts';
import { validateResourceRequirements } from './pod-resources.ts';
import { validateDns, validateSchedulingFields } from './pod-scheduling.ts';
import { validatePodOS, validatePodSecurityContext } from './pod-security.ts';
import { validateVolumes } from './pod-volumes.ts';
import type { Reporter } from './report.ts';
import { arr, has, isObj, num, obj, str, type Obj } from './values.ts';

export interface PodSpecOptions {
  isPod: boolean;
  minor: number;
  /** metadata.name of a Pod (for the names of its ephemeral volume claims). */
  podName?: string;
}

const MAX_INT32 = 2147483647;
const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];

/** The restartPolicy the server sees: defaulted to Always when unset. */
export const effectiveRestartPolicy = (spec: Obj | undefined) => str(spec?.restartPolicy) || 'Always';

function containerEntries(spec: Obj, path: FieldPath): Array<[Obj, FieldPath]> {
  const out: Array<[Obj, FieldPath]> = [];
  for (const key of ['containers', 'initContainers', 'ephemeralContainers']) {
    arr(spec[key]).forEach((c, i) => {
      if (isObj(c)) out.push([c, path.child(key).index(i)]);
    });
  }
  return out;
}

/** All container names of the spec (regular, init, ephemeral). */
export function containerNames(spec: Obj): Set<string> {
  const names = new Set<string>();
  for (const key of ['containers', 'initContainers', 'ephemeralContainers']) for (const c of arr(spec[key])) if (isObj(c) && typeof c.name === 'string') names.add(c.name);
  return names;
}

function checkHostPortConflicts(ctx: PodContext, containers: Array<[Obj, FieldPath]>): void {
  const seen = new Set<string>();
  for (const [c, p] of containers) {
    arr(c.ports).forEach((port, i) => {
      if (!isObj(port)) return;
      const hp = num(port.hostPort);
      if (!hp) return;
      const key = `${str(port.protocol) || 'TCP'}/${str(port.hostIP) ?? ''}/${hp}`;
      if (seen.has(key)) ctx.rep.duplicate('api/pod/ports', p.child('ports').index(i).child('hostPort'), key);
      else seen.add(key);
    });
  }
}

export function validatePodSpec(rep: Reporter, specIn: unknown, path: FieldPath, o: PodSpecOptions): void {
  const spec: Obj = obj(specIn) ?? {};
  const grace = num(spec.terminationGracePeriodSeconds);
  const ctx: PodContext = { rep, isPod: o.isPod, minor: o.minor, volumes: new Map(), gracePeriod: grace === undefined ? 30 : Math.max(grace, 1) };
  validateVolumes(ctx, spec.volumes, path.child('volumes'), o.podName);

  // regular containers
  const regular = arr(spec.containers);
  const regularEntries: Array<[Obj, FieldPath]> = [];
  if (regular.length === 0) rep.required('api/pod/containers', path.child('containers'), '', 'a pod needs at least one container');
  const names = new Set<string>();
  regular.forEach((c, i) => {
    if (!isObj(c)) return;
    const p = path.child('containers').index(i);
    regularEntries.push([c, p]);
    validateContainerCommon(ctx, c, p);
    const name = str(c.name) ?? '';
    if (names.has(name)) rep.duplicate('api/pod/containers', p.child('name'), name, 'container names must be unique across containers, initContainers and ephemeralContainers');
    else names.add(name);
    validateProbesAndHooks(ctx, c, p);
    if (has(c, 'restartPolicy')) rep.forbidden('api/pod/restart-policy', p.child('restartPolicy'), 'may not be set for non-init containers');
  });
  checkHostPortConflicts(ctx, regularEntries);

  // init containers (sidecars when restartPolicy: Always)
  arr(spec.initContainers).forEach((c, i) => {
    if (!isObj(c)) return;
    const p = path.child('initContainers').index(i);
    validateContainerCommon(ctx, c, p);
    const rp = str(c.restartPolicy);
    if (rp !== undefined && rp !== 'Always') rep.unsupported('api/pod/restart-policy', p.child('restartPolicy'), rp, ['Always']);
    const name = str(c.name) ?? '';
    if (names.has(name)) rep.duplicate('api/pod/containers', p.child('name'), name, 'container names must be unique across containers, initContainers and ephemeralContainers');
    else if (name) names.add(name);
    checkHostPortConflicts(ctx, [[c, p]]);
    if (rp === 'Always') validateProbesAndHooks(ctx, c, p);
    else {
      const why = 'may not be set for init containers without restartPolicy=Always';
      if (has(c, 'lifecycle')) rep.forbidden('api/pod/lifecycle', p.child('lifecycle'), why);
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) if (has(c, probe)) rep.forbidden('api/pod/probes', p.child(probe), why, 'only sidecars (restartPolicy: Always) can have probes');
    }
  });

  // ephemeral containers: never allowed on create, but still named uniquely
  const ephemeral = arr(spec.ephemeralContainers);
  ephemeral.forEach((c, i) => {
    if (!isObj(c)) return;
    const p = path.child('ephemeralContainers').index(i);
    validateContainerCommon(ctx, c, p);
    const name = str(c.name) ?? '';
    if (names.has(name)) rep.duplicate('api/pod/containers', p.child('name'), name);
    else names.add(name);
  });
  if (ephemeral.length) rep.forbidden('api/pod/containers', path.child('ephemeralContainers'), o.isPod ? 'cannot be set on create' : 'ephemeral containers not allowed in pod template', 'ephemeral containers are added to running pods with kubectl debug');

  // hostNetwork: a hostPort must equal its containerPort
  if (spec.hostNetwork === true) {
    for (const [c, p] of regularEntries) {
      arr(c.ports).forEach((port, i) => {
        if (!isObj(port)) return;
        const hp = num(port.hostPort) ?? 0;
        const cp = num(port.containerPort) ?? 0;
        if (hp !== 0 && hp !== cp) rep.invalid('api/pod/ports', p.child('ports').index(i).child('hostPort'), hp, 'must match `containerPort` when `hostNetwork` is true');
      });
    }
  }

  const restartPolicy = effectiveRestartPolicy(spec);
  if (!RESTART_POLICIES.includes(restartPolicy)) rep.unsupported('api/pod/restart-policy', path.child('restartPolicy'), restartPolicy, RESTART_POLICIES);

  validateDns(ctx, spec, path);
  validatePodSecurityContext(ctx, spec, path);
  validateSchedulingFields(ctx, spec, path);
  const containers = containerEntries(spec, path);
  validatePodOS(ctx, spec, path, containers);
  validateWindowsHostProcess(ctx, spec, path, containers);

  const sa = str(spec.serviceAccountName);
  if (sa) for (const m of isDNS1123Subdomain(sa)) rep.invalid('api/pod/spec', path.child('serviceAccountName'), sa, m);
  const node = str(spec.nodeName);
  if (node) for (const m of isDNS1123Subdomain(node)) rep.invalid('api/pod/spec', path.child('nodeName'), node, m);
  const ads = num(spec.activeDeadlineSeconds);
  if (ads !== undefined && (ads < 1 || ads > MAX_INT32)) rep.invalid('api/pod/spec', path.child('activeDeadlineSeconds'), ads, inclusiveRangeError(1, MAX_INT32));
  arr(spec.readinessGates).forEach((g, i) => {
    const t = str(obj(g)?.conditionType) ?? '';
    for (const m of isQualifiedName(t)) rep.invalid('api/pod/spec', path.child('readinessGates').index(i).child('conditionType'), t, m);
  });
  if (has(spec, 'overhead')) {
    validateResourceRequirements(rep, { limits: spec.overhead }, path.child('overhead'), 'api/pod/spec');
    // The RuntimeClass admission plugin sets overhead from the RuntimeClass; a pod that brings its own is refused.
    if (!str(spec.runtimeClassName)) rep.forbidden('api/pod/spec', path.child('overhead'), 'pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead', 'remove spec.overhead: the RuntimeClass admission sets it');
  }
}

function validateWindowsHostProcess(ctx: PodContext, spec: Obj, path: FieldPath, containers: Array<[Obj, FieldPath]>): void {
  const podHP = obj(obj(spec.securityContext)?.windowsOptions)?.hostProcess;
  let count = 0;
  let hostProcess = 0;
  for (const [c, p] of containers) {
    count++;
    const chp = obj(obj(c.securityContext)?.windowsOptions)?.hostProcess;
    if (typeof podHP === 'boolean' && typeof chp === 'boolean' && podHP !== chp) ctx.rep.invalid('api/pod/security-context', p.child('securityContext', 'windowsOptions', 'hostProcess'), chp, `pod hostProcess value must be identical if both are specified, was ${podHP}`);
    if (chp === true || (chp === undefined && podHP === true)) hostProcess++;
  }
  if (hostProcess > 0) {
    if (hostProcess !== count) ctx.rep.invalid('api/pod/security-context', path, '', 'If pod contains any hostProcess containers then all containers must be HostProcess containers');
    if (spec.hostNetwork !== true) ctx.rep.invalid('api/pod/security-context', path.child('hostNetwork'), false, 'hostNetwork must be true if pod contains any hostProcess containers');
  }
}

/** The pod annotations the server validates here and warns about in warnings.ts (the fields replaced them). */
export const SECCOMP_POD = 'seccomp.security.alpha.kubernetes.io/pod';
export const SECCOMP_CONTAINER = 'container.seccomp.security.alpha.kubernetes.io/';
export const APPARMOR_CONTAINER = 'container.apparmor.security.beta.kubernetes.io/';

function seccompAnnotationProblems(v: string): string[] {
  if (v === 'runtime/default' || v === 'docker/default' || v === 'unconfined') return [];
  if (v.startsWith('localhost/')) return localDescendingPathProblems(v.slice('localhost/'.length));
  return ['must be a valid seccomp profile'];
}

/** ValidatePodSpecificAnnotations: annotations the server reads for pods. */
export function validatePodAnnotations(rep: Reporter, annotations: unknown, spec: Obj, path: FieldPath): void {
  if (!isObj(annotations)) return;
  let names: Set<string> | undefined; // only an AppArmor annotation needs them
  for (const k in annotations) {
    const v = annotations[k];
    if (typeof v !== 'string') continue;
    const p = path.key(k);
    if (k === 'kubernetes.io/config.mirror' && !str(spec.nodeName)) rep.invalid('api/pod/spec', p, v, 'must set spec.nodeName if mirror pod annotation is set');
    if (k === 'controller.kubernetes.io/pod-deletion-cost' && !(/^[+-]?\d+$/.test(v) && Number(v) >= -2147483648 && Number(v) <= MAX_INT32)) rep.invalid('api/pod/spec', p, v, 'must be a 32bit integer');
    if (k === SECCOMP_POD || k.startsWith(SECCOMP_CONTAINER)) for (const m of seccompAnnotationProblems(v)) rep.invalid('api/pod/spec', p, v, m);
    if (k.startsWith(APPARMOR_CONTAINER)) {
      const container = k.slice(APPARMOR_CONTAINER.length);
      names ??= containerNames(spec);
      if (!names.has(container)) rep.invalid('api/pod/spec', p, container, 'container not found');
      if (v !== '' && v !== 'runtime/default' && v !== 'unconfined' && !v.startsWith('localhost/')) rep.invalid('api/pod/spec', p, v, `invalid AppArmor profile name: ${JSON.stringify(v)}`);
    }
  }
}

/** ValidatePodTemplateSpec: template labels/annotations, pod annotations, the spec; no ephemeral containers. */
export function validatePodTemplate(rep: Reporter, templateIn: unknown, path: FieldPath, minor: number): void {
  const template = obj(templateIn) ?? {};
  const meta = obj(template.metadata);
  const spec = obj(template.spec) ?? {};
  validateLabels(rep, meta?.labels, path.child('metadata', 'labels'));
  validateAnnotations(rep, meta?.annotations, path.child('metadata', 'annotations'));
  validatePodAnnotations(rep, meta?.annotations, spec, path.child('metadata', 'annotations'));
  validatePodSpec(rep, spec, path.child('spec'), { isPod: false, minor });
}
