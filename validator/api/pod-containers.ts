/**
 * Containers of a pod spec (regular, init, ephemeral): names, image, ports, env, mounts, resources,
 * probes and lifecycle hooks, container security context. Mirrors validateContainerCommon and its
 * callers in pkg/apis/core/validation.
 */
import { isConfigMapKey, isEnvVarName, isRelaxedEnvVarName, isDNS1123Label, isDNS1123Subdomain, isHTTPHeaderName, isQualifiedName, isValidPortName, isValidPortNum, inclusiveRangeError } from './formats.ts';
import type { FieldPath } from './path.ts';
import type { PodContext } from './pod-context.ts';
import { parseQuantity } from './quantity.ts';
import { validateResourceRequirements } from './pod-resources.ts';
import { validateContainerSecurityContext } from './pod-security.ts';
import { arr, has, isObj, num, obj, str, type Obj } from './values.ts';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];
const ENV_FIELD_PATHS = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'];
export const VOLUME_FIELD_PATHS = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];
export const RESOURCE_FIELD_PATHS = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory'];

export type ContainerClass = 'regular' | 'init' | 'ephemeral';

export function validateContainerCommon(ctx: PodContext, c: Obj, path: FieldPath): void {
  const { rep } = ctx;
  const name = str(c.name) ?? '';
  if (!name) rep.required('api/pod/containers', path.child('name'));
  else for (const m of isDNS1123Label(name)) rep.invalid('api/pod/containers', path.child('name'), name, m);
  const image = str(c.image) ?? '';
  if (!image) rep.required('api/pod/containers', path.child('image'));
  else if (ctx.isPod && image !== image.trim()) rep.invalid('api/pod/containers', path.child('image'), image, 'must not have leading or trailing whitespace');
  const tmp = str(c.terminationMessagePolicy);
  if (tmp !== undefined && tmp !== '' && !TERMINATION_MESSAGE_POLICIES.includes(tmp)) rep.unsupported('api/pod/containers', path.child('terminationMessagePolicy'), tmp, TERMINATION_MESSAGE_POLICIES);
  const pull = str(c.imagePullPolicy);
  if (pull !== undefined && pull !== '' && !PULL_POLICIES.includes(pull)) rep.unsupported('api/pod/containers', path.child('imagePullPolicy'), pull, PULL_POLICIES);
  validateContainerPorts(ctx, c.ports, path.child('ports'));
  validateEnv(ctx, c.env, path.child('env'));
  validateEnvFrom(ctx, c.envFrom, path.child('envFrom'));
  validateVolumeMounts(ctx, c, path);
  validateResourceRequirements(ctx.rep, c.resources, path.child('resources'));
  validateContainerSecurityContext(ctx, c.securityContext, path.child('securityContext'));
}

function validateContainerPorts(ctx: PodContext, ports: unknown, path: FieldPath): void {
  const { rep } = ctx;
  const names = new Set<string>();
  arr(ports).forEach((p, i) => {
    if (!isObj(p)) return;
    const ip = path.index(i);
    const name = str(p.name);
    if (name) {
      const errs = isValidPortName(name);
      for (const m of errs) rep.invalid('api/pod/ports', ip.child('name'), name, m);
      if (!errs.length) {
        if (names.has(name)) rep.duplicate('api/pod/ports', ip.child('name'), name);
        else names.add(name);
      }
    }
    const cp = num(p.containerPort);
    if (!cp) rep.required('api/pod/ports', ip.child('containerPort'));
    else for (const m of isValidPortNum(cp)) rep.invalid('api/pod/ports', ip.child('containerPort'), cp, m);
    const hp = num(p.hostPort);
    if (hp) for (const m of isValidPortNum(hp)) rep.invalid('api/pod/ports', ip.child('hostPort'), hp, m);
    const proto = str(p.protocol);
    if (proto !== undefined && proto !== '' && !PROTOCOLS.includes(proto)) rep.unsupported('api/pod/ports', ip.child('protocol'), proto, PROTOCOLS);
  });
}

function envNameProblems(ctx: PodContext, name: string): readonly string[] {
  // RelaxedEnvironmentVariableValidation: beta and on by default from 1.32.
  return ctx.minor >= 32 ? isRelaxedEnvVarName(name) : isEnvVarName(name);
}

function validateEnv(ctx: PodContext, env: unknown, path: FieldPath): void {
  const { rep } = ctx;
  arr(env).forEach((e, i) => {
    if (!isObj(e)) return;
    const ip = path.index(i);
    const name = str(e.name) ?? '';
    if (!name) rep.required('api/pod/env', ip.child('name'));
    else for (const m of envNameProblems(ctx, name)) rep.invalid('api/pod/env', ip.child('name'), name, m);
    const vf = obj(e.valueFrom);
    if (!vf) return;
    const vp = ip.child('valueFrom');
    let sources = 0;
    const fieldRef = obj(vf.fieldRef);
    if (fieldRef) {
      sources++;
      validateObjectFieldSelector(ctx, fieldRef, ENV_FIELD_PATHS, vp.child('fieldRef'));
    }
    const rf = obj(vf.resourceFieldRef);
    if (rf) {
      sources++;
      validateResourceFieldSelector(ctx, rf, vp.child('resourceFieldRef'), false);
    }
    for (const key of ['configMapKeyRef', 'secretKeyRef'] as const) {
      const ref = obj(vf[key]);
      if (!ref) continue;
      sources++;
      const rp = vp.child(key);
      const refName = str(ref.name) ?? '';
      for (const m of isDNS1123Subdomain(refName)) rep.invalid('api/pod/env', rp.child('name'), refName, m);
      const k = str(ref.key) ?? '';
      if (!k) rep.required('api/pod/env', rp.child('key'));
      else for (const m of isConfigMapKey(k)) rep.invalid('api/pod/env', rp.child('key'), k, m);
    }
    if (sources === 0) rep.invalid('api/pod/env', vp, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`');
    else if (str(e.value)) rep.invalid('api/pod/env', vp, '', 'may not be specified when `value` is not empty', 'set either value or valueFrom');
    else if (sources > 1) rep.invalid('api/pod/env', vp, '', 'may not have more than one field specified at a time');
  });
}

/** fieldpath.SplitMaybeSubscriptedPath: `metadata.labels['key']` → [path, subscript]. */
function splitSubscript(fieldPath: string): [string, string] | undefined {
  if (!fieldPath.endsWith("']")) return undefined;
  const s = fieldPath.slice(0, -2);
  const at = s.indexOf("['");
  if (at <= 0) return undefined;
  return [s.slice(0, at), s.slice(at + 2)];
}

/** The field labels the v1 downward API converts (ConvertDownwardAPIFieldLabel); `spec.host` is an alias of spec.nodeName. */
const DOWNWARD_LABELS = new Set(['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.restartPolicy', 'spec.serviceAccountName', 'spec.schedulerName', 'status.phase', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs']);

export function validateObjectFieldSelector(ctx: PodContext, fs: Obj, allowed: readonly string[], path: FieldPath, rule: 'api/pod/env' | 'api/pod/volumes' = 'api/pod/env'): void {
  const { rep } = ctx;
  const apiVersion = str(fs.apiVersion) ?? 'v1'; // defaulted to v1
  const fieldPath = str(fs.fieldPath) ?? '';
  if (!apiVersion) return rep.required(rule, path.child('apiVersion'));
  if (!fieldPath) return rep.required(rule, path.child('fieldPath'));
  const fp = path.child('fieldPath');
  const sub = splitSubscript(fieldPath);
  let converted = fieldPath;
  if (apiVersion !== 'v1') return rep.invalid(rule, fp, fieldPath, `error converting fieldPath: unsupported pod version: ${apiVersion}`, 'use apiVersion: v1 (or leave it out)');
  if (sub) {
    if (sub[0] !== 'metadata.annotations' && sub[0] !== 'metadata.labels') return rep.invalid(rule, fp, fieldPath, `error converting fieldPath: field label does not support subscript: ${fieldPath}`);
  } else if (fieldPath === 'spec.host') converted = 'spec.nodeName';
  else if (!DOWNWARD_LABELS.has(fieldPath)) return rep.invalid(rule, fp, fieldPath, `error converting fieldPath: field label not supported: ${fieldPath}`, `use one of ${allowed.join(', ')}`);
  if (sub) {
    const key = sub[0] === 'metadata.annotations' ? sub[1].toLowerCase() : sub[1];
    for (const m of isQualifiedName(key)) rep.invalid(rule, path, key, m);
    return;
  }
  if (!allowed.includes(converted)) rep.unsupported(rule, fp, converted, allowed);
}

export function validateResourceFieldSelector(ctx: PodContext, fs: Obj, path: FieldPath, volume: boolean): void {
  const { rep } = ctx;
  const resource = str(fs.resource) ?? '';
  if (volume && !str(fs.containerName)) rep.required('api/pod/env', path.child('containerName'));
  else if (!resource) rep.required('api/pod/env', path.child('resource'));
  else if (!RESOURCE_FIELD_PATHS.includes(resource) && !resource.startsWith('requests.hugepages-') && !resource.startsWith('limits.hugepages-')) {
    rep.unsupported('api/pod/env', path.child('resource'), resource, RESOURCE_FIELD_PATHS);
  }
  validateDivisor(ctx, resource, fs.divisor, path.child('divisor'));
}

const BYTE_DIVISORS = "1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei";

/**
 * validateContainerResourceDivisor: the divisor's canonical form must be one of a few units — 1m or 1
 * for CPU; 1, 1k…1E or 1Ki…1Ei for memory, ephemeral storage and huge pages.
 */
function validateDivisor(ctx: PodContext, resource: string, divisor: unknown, path: FieldPath): void {
  const q = parseQuantity(divisor);
  if (!q || q.n === 0n) return;
  const exponent = /[eE][+-]?\d+$/.test(q.text);
  const binary = /[KMGTPE]i$/.test(q.text);
  const isValue = (n: bigint, d = 1n) => q.n * d === n * q.d;
  const what = resource.replace(/^(limits|requests)\./, '');
  if (what === 'cpu') {
    if (exponent || binary || !(isValue(1n) || isValue(1n, 1000n))) divisorError(ctx, resource, path, "only divisor's values 1m and 1 are supported with the cpu resource");
    return;
  }
  const kind = what === 'memory' ? 'memory' : what === 'ephemeral-storage' ? 'local ephemeral storage' : what.startsWith('hugepages-') ? 'hugepages' : undefined;
  if (!kind) return;
  const ok = !exponent && (binary ? [0n, 1n, 2n, 3n, 4n, 5n, 6n].some((k) => isValue(1n << (10n * k))) : [0n, 1n, 2n, 3n, 4n, 5n, 6n].some((k) => isValue(10n ** (3n * k))));
  if (!ok) divisorError(ctx, resource, path, `only divisor's values ${BYTE_DIVISORS} are supported with the ${kind} resource`);
}

const divisorError = (ctx: PodContext, resource: string, path: FieldPath, msg: string) => ctx.rep.invalid('api/pod/env', path, resource, msg, 'use a divisor such as 1m (CPU) or 1Mi (memory)');

function validateEnvFrom(ctx: PodContext, envFrom: unknown, path: FieldPath): void {
  const { rep } = ctx;
  arr(envFrom).forEach((e, i) => {
    if (!isObj(e)) return;
    const ip = path.index(i);
    const prefix = str(e.prefix);
    if (prefix) for (const m of envNameProblems(ctx, prefix)) rep.invalid('api/pod/env', ip.child('prefix'), prefix, m);
    let sources = 0;
    for (const key of ['configMapRef', 'secretRef'] as const) {
      const ref = obj(e[key]);
      if (!ref) continue;
      sources++;
      const n = str(ref.name) ?? '';
      if (!n) rep.required('api/pod/env', ip.child(key, 'name'));
      else for (const m of isDNS1123Subdomain(n.endsWith('-') && n.length > 1 ? `${n.slice(0, -2)}a` : n)) rep.invalid('api/pod/env', ip.child(key, 'name'), n, m);
    }
    if (sources === 0) rep.invalid('api/pod/env', ip, '', 'must specify one of: `configMapRef` or `secretRef`');
    else if (sources > 1) rep.invalid('api/pod/env', ip, '', 'may not have more than one field specified at a time');
  });
}

function hasBackstep(p: string): boolean {
  return p.replace(/\\/g, '/').split('/').includes('..');
}

/** validateLocalDescendingPath: relative, no ".." element. */
export function localDescendingPathProblems(p: string): string[] {
  const errs: string[] = [];
  if (p.startsWith('/')) errs.push('must be a relative path');
  if (hasBackstep(p)) errs.push("must not contain '..'");
  return errs;
}

function validateVolumeMounts(ctx: PodContext, c: Obj, path: FieldPath): void {
  const { rep } = ctx;
  const devices = new Map<string, string>();
  for (const d of arr(c.volumeDevices)) if (isObj(d)) devices.set(str(d.name) ?? '', str(d.devicePath) ?? '');
  const mounts = new Map<string, string>();
  const mountPaths = new Set<string>();
  const mp = path.child('volumeMounts');
  arr(c.volumeMounts).forEach((m, i) => {
    if (!isObj(m)) return;
    const ip = mp.index(i);
    const name = str(m.name) ?? '';
    const mountPath = str(m.mountPath) ?? '';
    mounts.set(name, mountPath);
    if (!name) rep.required('api/pod/volume-mounts', ip.child('name'));
    if (!ctx.volumes.has(name)) rep.notFound('api/pod/volume-mounts', ip.child('name'), name, 'declare the volume under spec.volumes, or fix the name');
    if (!mountPath) rep.required('api/pod/volume-mounts', ip.child('mountPath'));
    if (mountPaths.has(mountPath)) rep.invalid('api/pod/volume-mounts', ip.child('mountPath'), mountPath, 'must be unique');
    mountPaths.add(mountPath);
    if (devices.has(name)) rep.invalid('api/pod/volume-mounts', ip.child('name'), name, 'must not already exist in volumeDevices');
    if (devices.size > 0 && [...devices.values()].includes(mountPath)) rep.invalid('api/pod/volume-mounts', ip.child('mountPath'), mountPath, 'must not already exist as a path in volumeDevices');
    const subPath = str(m.subPath) ?? '';
    const subPathExpr = str(m.subPathExpr) ?? '';
    if (ctx.volumes.get(name) === 'image') {
      if (subPath) rep.invalid('api/pod/volume-mounts', ip.child('subPath'), subPath, 'not allowed in image volume sources');
      if (subPathExpr) rep.invalid('api/pod/volume-mounts', ip.child('subPathExpr'), subPathExpr, 'not allowed in image volume sources');
    }
    if (subPath) for (const e of localDescendingPathProblems(subPath)) rep.invalid('api/pod/volume-mounts', ip.child('subPath'), subPath, e);
    if (subPathExpr) {
      if (subPath) rep.invalid('api/pod/volume-mounts', ip.child('subPathExpr'), subPathExpr, 'subPathExpr and subPath are mutually exclusive');
      for (const e of localDescendingPathProblems(subPathExpr)) rep.invalid('api/pod/volume-mounts', ip.child('subPathExpr'), subPathExpr, e);
    }
    const prop = str(m.mountPropagation);
    if (prop !== undefined) {
      const supported = ['Bidirectional', 'HostToContainer', 'None'];
      if (!supported.includes(prop)) rep.unsupported('api/pod/volume-mounts', ip.child('mountPropagation'), prop, supported);
      else if (prop === 'Bidirectional' && obj(c.securityContext)?.privileged !== true) rep.forbidden('api/pod/volume-mounts', ip.child('mountPropagation'), 'Bidirectional mount propagation is available only to privileged containers');
    }
    const rro = str(m.recursiveReadOnly);
    if (rro !== undefined && ctx.minor >= 31) {
      if (rro === 'Enabled' || rro === 'IfPossible') {
        if (m.readOnly !== true) rep.forbidden('api/pod/volume-mounts', ip.child('recursiveReadOnly'), 'may only be specified when readOnly is true');
        if (prop !== undefined && prop !== 'None') rep.forbidden('api/pod/volume-mounts', ip.child('recursiveReadOnly'), 'may only be specified when mountPropagation is None or not specified');
      } else if (rro !== 'Disabled') rep.unsupported('api/pod/volume-mounts', ip.child('recursiveReadOnly'), rro, ['Disabled', 'Enabled', 'IfPossible']);
    }
  });
  const dp = path.child('volumeDevices');
  const devNames = new Set<string>();
  const devPaths = new Set<string>();
  arr(c.volumeDevices).forEach((d, i) => {
    if (!isObj(d)) return;
    const ip = dp.index(i);
    const name = str(d.name) ?? '';
    const devicePath = str(d.devicePath) ?? '';
    const source = ctx.volumes.get(name);
    if (!name) rep.required('api/pod/volume-mounts', ip.child('name'));
    if (devNames.has(name)) rep.invalid('api/pod/volume-mounts', ip.child('name'), name, 'must be unique');
    if (source !== undefined && source !== 'persistentVolumeClaim' && source !== 'ephemeral') rep.invalid('api/pod/volume-mounts', ip.child('name'), name, 'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode');
    if (source === undefined) rep.notFound('api/pod/volume-mounts', ip.child('name'), name);
    if (!devicePath) rep.required('api/pod/volume-mounts', ip.child('devicePath'));
    if (devPaths.has(devicePath)) rep.invalid('api/pod/volume-mounts', ip.child('devicePath'), devicePath, 'must be unique');
    if (devicePath && hasBackstep(devicePath)) rep.invalid('api/pod/volume-mounts', ip.child('devicePath'), devicePath, "can not contain backsteps ('..')");
    else devPaths.add(devicePath);
    if (mounts.has(name)) rep.invalid('api/pod/volume-mounts', ip.child('name'), name, 'must not already exist in volumeMounts');
    if ([...mounts.values()].includes(devicePath)) rep.invalid('api/pod/volume-mounts', ip.child('devicePath'), devicePath, 'must not already exist as a path in volumeMounts');
    if (name) devNames.add(name);
  });
}

// ── probes and lifecycle handlers ──

type HandlerKind = 'probe' | 'lifecycle';

function validatePortNumOrName(ctx: PodContext, rule: 'api/pod/probes' | 'api/pod/lifecycle', portIn: unknown, path: FieldPath): void {
  // An unset port is the int-or-string zero value: port 0.
  const port = portIn === undefined || portIn === null ? 0 : portIn;
  if (typeof port === 'number') for (const m of isValidPortNum(port)) ctx.rep.invalid(rule, path, port, m);
  else if (typeof port === 'string') for (const m of isValidPortName(port)) ctx.rep.invalid(rule, path, port, m);
}

function validateHandler(ctx: PodContext, h: Obj, kind: HandlerKind, path: FieldPath): void {
  const { rep } = ctx;
  const rule = kind === 'probe' ? 'api/pod/probes' : 'api/pod/lifecycle';
  const keys = kind === 'probe' ? ['exec', 'httpGet', 'tcpSocket', 'grpc'] : ['exec', 'httpGet', 'tcpSocket', 'sleep'];
  let n = 0;
  for (const k of keys) {
    const v = h[k];
    if (v === undefined || v === null) continue;
    if (n > 0) {
      rep.forbidden(rule, path.child(k), 'may not specify more than 1 handler type');
      continue;
    }
    n++;
    const o = obj(v) ?? {};
    const p = path.child(k);
    if (k === 'exec') {
      if (arr(o.command).length === 0) rep.required(rule, p.child('command'));
    } else if (k === 'httpGet') {
      validatePortNumOrName(ctx, rule, o.port, p.child('port'));
      const scheme = str(o.scheme);
      if (scheme !== undefined && scheme !== 'HTTP' && scheme !== 'HTTPS') rep.unsupported(rule, p.child('scheme'), scheme, ['HTTP', 'HTTPS']);
      for (const hdr of arr(o.httpHeaders)) {
        if (!isObj(hdr)) continue;
        const hn = str(hdr.name) ?? '';
        for (const m of isHTTPHeaderName(hn)) rep.invalid(rule, p.child('httpHeaders'), hn, m);
      }
    } else if (k === 'tcpSocket') validatePortNumOrName(ctx, rule, o.port, p.child('port'));
    else if (k === 'grpc') {
      const port = num(o.port) ?? 0;
      for (const m of isValidPortNum(port)) rep.invalid(rule, p.child('port'), port, m);
    } else if (k === 'sleep') {
      const secs = num(o.seconds) ?? 0;
      const grace = ctx.gracePeriod;
      if (grace !== undefined) {
        if (ctx.minor >= 33) {
          if (secs < 0 || secs > grace) rep.invalid(rule, p.child('seconds'), secs, `must be non-negative and less than terminationGracePeriodSeconds (${grace})`);
        } else if (secs <= 0 || secs > grace) {
          rep.invalid(rule, p.child('seconds'), secs, `must be greater than 0 and less than terminationGracePeriodSeconds (${grace}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.`);
        }
      }
    }
  }
  if (n === 0) rep.required(rule, path, 'must specify a handler type');
}

export function validateProbe(ctx: PodContext, probe: unknown, which: 'livenessProbe' | 'readinessProbe' | 'startupProbe', path: FieldPath): void {
  const p = obj(probe);
  if (!p) return;
  const { rep } = ctx;
  validateHandler(ctx, p, 'probe', path);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    const v = num(p[f]);
    if (v !== undefined && v < 0) rep.invalid('api/pod/probes', path.child(f), v, 'must be greater than or equal to 0');
  }
  const tgp = num(p.terminationGracePeriodSeconds);
  if (tgp !== undefined && tgp <= 0) rep.invalid('api/pod/probes', path.child('terminationGracePeriodSeconds'), tgp, 'must be greater than 0');
  if (which === 'readinessProbe') {
    if (has(p, 'terminationGracePeriodSeconds')) rep.invalid('api/pod/probes', path.child('terminationGracePeriodSeconds'), p.terminationGracePeriodSeconds, 'must not be set for readinessProbes');
  } else {
    // A successThreshold of 0 is defaulted to 1.
    const st = num(p.successThreshold);
    if (st !== undefined && st !== 0 && st !== 1) rep.invalid('api/pod/probes', path.child('successThreshold'), st, 'must be 1', 'liveness and startup probes succeed on the first success: remove successThreshold');
  }
}

export function validateLifecycle(ctx: PodContext, lifecycle: unknown, path: FieldPath): void {
  const l = obj(lifecycle);
  if (!l) return;
  for (const hook of ['postStart', 'preStop']) {
    const h = obj(l[hook]);
    if (h) validateHandler(ctx, h, 'lifecycle', path.child(hook));
  }
}

export function validateProbesAndHooks(ctx: PodContext, c: Obj, path: FieldPath): void {
  if (has(c, 'lifecycle')) validateLifecycle(ctx, c.lifecycle, path.child('lifecycle'));
  validateProbe(ctx, c.livenessProbe, 'livenessProbe', path.child('livenessProbe'));
  validateProbe(ctx, c.readinessProbe, 'readinessProbe', path.child('readinessProbe'));
  validateProbe(ctx, c.startupProbe, 'startupProbe', path.child('startupProbe'));
}

export { inclusiveRangeError };
