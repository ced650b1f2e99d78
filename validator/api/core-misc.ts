/**
 * The other core kinds charts ship: ConfigMap, Secret, ServiceAccount, PersistentVolumeClaim,
 * Namespace, LimitRange, ResourceQuota (pkg/apis/core/validation), PriorityClass
 * (pkg/apis/scheduling/validation), and their server warnings.
 */
import type { X509Certificate } from 'node:crypto';
import { byteLength, isConfigMapKey, isQualifiedName } from './formats.ts';
import { validateFinalizerName } from './meta.ts';
import { FieldPath } from './path.ts';
import { validateResourceQuantity } from './pod-resources.ts';
import { validatePvcSpec } from './pvc.ts';
import { compareQuantity, parseQuantity, hasFractionalUnits, type Quantity } from './quantity.ts';
import { claimSpecWarnings } from './warnings.ts';
import type { Reporter } from './report.ts';
import { containerResourceNameProblems, isOvercommitAllowed, isStandardQuotaResourceName, resourceNameProblems } from './resource-names.ts';
import { arr, has, isObj, num, obj, str, strMap, type Obj } from './values.ts';

const MAX_SIZE = 1024 * 1024;

/** Decoded byte length of base64 data (the schema stage reports bad base64). */
function base64Bytes(s: string): Buffer {
  return Buffer.from(s, 'base64');
}

export function validateConfigMap(rep: Reporter, o: Obj): void {
  const data = strMap(o.data);
  const binary = strMap(o.binaryData);
  const binaryKeys = new Set(binary.map(([k]) => k));
  let total = 0;
  for (const [k, v] of data) {
    const p = FieldPath.root().child('data').key(k);
    for (const m of isConfigMapKey(k)) rep.invalid('api/configmap/data', p, k, m, 'keys may use letters, digits, "-", "_" and "." only');
    if (binaryKeys.has(k)) rep.invalid('api/configmap/data', p, k, 'duplicate of key present in binaryData');
    total += byteLength(v);
  }
  for (const [k, v] of binary) {
    for (const m of isConfigMapKey(k)) rep.invalid('api/configmap/data', FieldPath.root().child('binaryData').key(k), k, m);
    total += base64Bytes(v).length;
  }
  if (total > MAX_SIZE) rep.tooLong('api/configmap/size', FieldPath.root().child('data'), MAX_SIZE, 'bytes', `the data takes ${total} bytes; split it or mount it another way`);
}

function pemBlocks(text: string): Array<{ type: string; pem: string }> {
  return [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g)].map((m) => ({ type: m[1]!, pem: m[0] }));
}

/** Go's tls.X509KeyPair, as far as the warning goes: the first certificate and a private key that belongs to it. */
function keyPairProblem(cert: string, key: string): string | undefined {
  const certBlocks = pemBlocks(cert);
  if (certBlocks.length === 0) return 'tls: failed to find any PEM data in certificate input';
  const certBlock = certBlocks.find((b) => b.type === 'CERTIFICATE');
  if (!certBlock) return `tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks of the following types: [${certBlocks.map((b) => b.type).join(' ')}]`;
  const keyBlocks = pemBlocks(key);
  if (keyBlocks.length === 0) return 'tls: failed to find any PEM data in key input';
  const keyBlock = keyBlocks.find((b) => b.type === 'PRIVATE KEY' || b.type.endsWith(' PRIVATE KEY'));
  if (!keyBlock) return `tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input after skipping PEM blocks of the following types: [${keyBlocks.map((b) => b.type).join(' ')}]`;
  // node:crypto is loaded here, on the first TLS Secret, not with the stage: it costs every run several ms.
  const { createPrivateKey, X509Certificate } = process.getBuiltinModule('node:crypto');
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(certBlock.pem);
  } catch {
    return 'x509: malformed certificate';
  }
  try {
    return x509.checkPrivateKey(createPrivateKey(keyBlock.pem)) ? undefined : 'tls: private key does not match public key';
  } catch {
    return 'tls: failed to parse private key';
  }
}

export function validateSecret(rep: Reporter, o: Obj): void {
  // stringData is merged into data (and wins) before validation.
  const merged = new Map<string, Buffer>();
  const origin = new Map<string, FieldPath>();
  for (const [k, v] of strMap(o.data)) {
    merged.set(k, base64Bytes(v));
    origin.set(k, FieldPath.root().child('data').key(k));
  }
  for (const [k, v] of strMap(o.stringData)) {
    merged.set(k, Buffer.from(v, 'utf8'));
    origin.set(k, FieldPath.root().child('stringData').key(k));
  }
  let total = 0;
  for (const [k, v] of merged) {
    for (const m of isConfigMapKey(k)) rep.invalid('api/secret/data', origin.get(k)!, k, m, 'keys may use letters, digits, "-", "_" and "." only');
    total += v.length;
  }
  if (total > MAX_SIZE) rep.tooLong('api/secret/size', FieldPath.root().child('data'), MAX_SIZE, 'bytes', `the data takes ${total} bytes`);
  const type = str(o.type) || 'Opaque';
  const T = 'api/secret/type' as const;
  const dataKey = (k: string) => FieldPath.root().child('data').key(k);
  const annotations = new Map(strMap(obj(o.metadata)?.annotations));
  switch (type) {
    case 'kubernetes.io/service-account-token':
      if (!annotations.get('kubernetes.io/service-account.name')) rep.required(T, FieldPath.root().child('metadata', 'annotations').key('kubernetes.io/service-account.name'), '', 'name the ServiceAccount the token is for');
      break;
    case 'kubernetes.io/dockercfg':
    case 'kubernetes.io/dockerconfigjson': {
      const key = type === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
      const v = merged.get(key);
      if (!v) rep.required(T, dataKey(key));
      else {
        let ok = true;
        try {
          const parsed: unknown = JSON.parse(v.toString('utf8'));
          ok = isObj(parsed);
        } catch {
          ok = false;
        }
        if (!ok) rep.invalid(T, origin.get(key)!, '<secret contents redacted>', 'must be a valid JSON object');
      }
      break;
    }
    case 'kubernetes.io/basic-auth':
      if (!merged.has('username') && !merged.has('password')) {
        rep.required(T, dataKey('username'));
        rep.required(T, dataKey('password'));
      }
      break;
    case 'kubernetes.io/ssh-auth':
      if (!merged.get('ssh-privatekey')?.length) rep.required(T, dataKey('ssh-privatekey'));
      break;
    case 'kubernetes.io/tls': {
      if (!merged.has('tls.crt')) rep.required(T, dataKey('tls.crt'), '', 'a TLS Secret needs tls.crt and tls.key');
      if (!merged.has('tls.key')) rep.required(T, dataKey('tls.key'), '', 'a TLS Secret needs tls.crt and tls.key');
      const problem = keyPairProblem(merged.get('tls.crt')?.toString('utf8') ?? '', merged.get('tls.key')?.toString('utf8') ?? '');
      if (problem) rep.warn('api/warning/tls-key-mismatch', origin.get('tls.key') ?? dataKey('tls.key'), problem, 'put the certificate and its own private key into the Secret');
      break;
    }
    default:
      break;
  }
}

export function validateServiceAccount(rep: Reporter, o: Obj): void {
  const key = 'kubernetes.io/enforce-mountable-secrets';
  if (new Map(strMap(obj(o.metadata)?.annotations)).has(key)) {
    rep.warn('api/warning/deprecated-annotation', FieldPath.root().child('metadata', 'annotations').key(key), `metadata.annotations[${key}]: deprecated in v1.32+; prefer separate namespaces to isolate access to mounted secrets`, 'remove the annotation; isolate secrets with namespaces');
  }
}

export function validatePVC(rep: Reporter, o: Obj, minor: number): void {
  const sp = FieldPath.root().child('spec');
  validatePvcSpec(rep, 'api/pvc/spec', o.spec, sp, minor);
  claimSpecWarnings(rep, o.spec, sp);
  const beta = 'volume.beta.kubernetes.io/storage-class';
  if (new Map(strMap(obj(o.metadata)?.annotations)).has(beta)) rep.warn('api/warning/deprecated-annotation', FieldPath.root().child('metadata', 'annotations').key(beta), `metadata.annotations[${beta}]: deprecated since v1.8; use "storageClassName" attribute instead`, 'use spec.storageClassName');
}

const PSA_LEVELS = ['enforce', 'audit', 'warn'];

export function validateNamespace(rep: Reporter, o: Obj): void {
  const R = 'api/namespace/spec' as const;
  arr(obj(o.spec)?.finalizers).forEach((f, i) => {
    if (typeof f === 'string') validateFinalizerName(rep, f, FieldPath.root().child('spec', 'finalizers').index(i));
  });
  // The PodSecurity admission plugin checks its labels when a Namespace is created.
  const labels = FieldPath.root().child('metadata', 'labels');
  for (const [k, v] of strMap(obj(o.metadata)?.labels)) {
    const m = /^pod-security\.kubernetes\.io\/(enforce|audit|warn)(-version)?$/.exec(k);
    if (!m || !PSA_LEVELS.includes(m[1]!)) continue;
    if (m[2]) {
      if (v !== 'latest' && !/^v1\.([0-9]|[1-9][0-9]*)$/.test(v)) rep.invalid(R, labels.key(k), v, 'must be "latest" or "v1.x"', 'use e.g. v1.32 or latest');
    } else if (!['privileged', 'baseline', 'restricted'].includes(v)) rep.invalid(R, labels.key(k), v, 'must be one of privileged, baseline, restricted');
  }
}

const LIMIT_TYPES = ['Pod', 'Container', 'PersistentVolumeClaim'];

export function validateLimitRange(rep: Reporter, o: Obj): void {
  const R = 'api/limitrange/spec' as const;
  const lp = FieldPath.root().child('spec', 'limits');
  const seenTypes = new Set<string>();
  arr(obj(o.spec)?.limits).forEach((l, i) => {
    if (!isObj(l)) return;
    const p = lp.index(i);
    const type = str(l.type) ?? '';
    const typeErrs = isQualifiedName(type);
    for (const m of typeErrs) rep.invalid(R, p.child('type'), type, m);
    if (!typeErrs.length && !type.includes('/') && !LIMIT_TYPES.includes(type)) rep.invalid(R, p.child('type'), type, 'must be a standard limit type or fully qualified', 'use Pod, Container or PersistentVolumeClaim (case-sensitive)');
    if (seenTypes.has(type)) rep.duplicate(R, p.child('type'), type);
    seenTypes.add(type);
    const nameProblems = (n: string) => (type === 'Pod' || type === 'Container' ? containerResourceNameProblems(n) : resourceNameProblems(n));
    const maps: Record<string, Map<string, Quantity>> = {};
    for (const f of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) {
      const m = new Map<string, Quantity>();
      maps[f] = m;
      const src = obj(l[f]);
      if (!src) continue;
      if (type === 'Pod' && (f === 'default' || f === 'defaultRequest')) {
        if (Object.keys(src).length) rep.forbidden(R, p.child(f), "may not be specified when `type` is 'Pod'");
        continue;
      }
      for (const k of Object.keys(src)) {
        for (const e of nameProblems(k)) rep.invalid(R, p.child(f).key(k), k, e);
        const q = parseQuantity(src[k]);
        if (q) m.set(k, q);
      }
    }
    if (type === 'PersistentVolumeClaim' && !maps.min!.has('storage') && !maps.max!.has('storage')) rep.required(R, p.child('limits'), 'either minimum or maximum storage value is required, but neither was provided');
    const keys = new Set(Object.values(maps).flatMap((m) => [...m.keys()]));
    for (const k of keys) {
      const [min, max, def, defReq, ratio] = ['min', 'max', 'default', 'defaultRequest', 'maxLimitRequestRatio'].map((f) => maps[f]!.get(k));
      if (min && max && compareQuantity(min, max) > 0) rep.invalid(R, p.child('min').key(k), min.text, `min value ${min.text} is greater than max value ${max.text}`);
      if (defReq && min && compareQuantity(min, defReq) > 0) rep.invalid(R, p.child('defaultRequest').key(k), defReq.text, `min value ${min.text} is greater than default request value ${defReq.text}`);
      if (defReq && max && compareQuantity(defReq, max) > 0) rep.invalid(R, p.child('defaultRequest').key(k), defReq.text, `default request value ${defReq.text} is greater than max value ${max.text}`);
      if (defReq && def && compareQuantity(defReq, def) > 0) rep.invalid(R, p.child('defaultRequest').key(k), defReq.text, `default request value ${defReq.text} is greater than default limit value ${def.text}`);
      if (def && min && compareQuantity(min, def) > 0) rep.invalid(R, p.child('default').key(k), min.text, `min value ${min.text} is greater than default value ${def.text}`);
      if (def && max && compareQuantity(def, max) > 0) rep.invalid(R, p.child('default').key(k), max.text, `default value ${def.text} is greater than max value ${max.text}`);
      if (ratio && compareQuantity(ratio, { n: 1n, d: 1n, text: '1' }) < 0) rep.invalid(R, p.child('maxLimitRequestRatio').key(k), ratio.text, `ratio ${ratio.text} is less than 1`);
      if (ratio && min && max && min.n !== 0n) {
        // ratio > max/min  ⇔  ratio.n·max.d·min.n... compared exactly as rationals
        const limit = { n: max.n * min.d, d: max.d * min.n };
        if (limit.d < 0n) {
          limit.n = -limit.n;
          limit.d = -limit.d;
        }
        if (compareQuantity(ratio, { ...limit, text: '' }) > 0) rep.invalid(R, p.child('maxLimitRequestRatio').key(k), ratio.text, `ratio ${ratio.text} is greater than max/min = ${(Number(limit.n) / Number(limit.d)).toFixed(6)}`);
      }
      if (!isOvercommitAllowed(k) && def && defReq && compareQuantity(def, defReq) !== 0) rep.invalid(R, p.child('defaultRequest').key(k), defReq.text, `default value ${def.text} must equal to defaultRequest value ${defReq.text} in ${k}`);
    }
  });
}

const SCOPES = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity'];
const POD_COMPUTE = new Set(['cpu', 'memory', 'limits.cpu', 'limits.memory', 'requests.cpu', 'requests.memory']);

function scopeValidFor(scope: string, resource: string): boolean {
  if (scope === 'BestEffort') return resource === 'pods';
  if (['Terminating', 'NotTerminating', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity'].includes(scope)) return resource === 'pods' || POD_COMPUTE.has(resource);
  return true;
}

export function validateResourceQuota(rep: Reporter, o: Obj): void {
  const R = 'api/resourcequota/spec' as const;
  const spec = obj(o.spec) ?? {};
  const sp = FieldPath.root().child('spec');
  const hard = obj(spec.hard) ?? {};
  for (const k of Object.keys(hard)) {
    const p = sp.child('hard').key(k);
    for (const e of resourceNameProblems(k)) rep.invalid(R, p, k, e);
    if (!k.includes('/') && !isStandardQuotaResourceName(k)) rep.invalid(R, p, k, 'must be a standard resource for quota', 'use quota names such as requests.cpu, limits.memory, pods, count/deployments.apps');
    const q = parseQuantity(hard[k]);
    if (q) validateResourceQuantity(rep, R, k, q, p);
  }
  const scopes = arr(spec.scopes).filter((s): s is string => typeof s === 'string');
  for (const s of scopes) {
    if (!SCOPES.includes(s)) rep.invalid(R, sp.child('scopes'), scopes, 'unsupported scope');
    for (const k of Object.keys(hard).sort()) if (isStandardQuotaResourceName(k) && !scopeValidFor(s, k)) rep.invalid(R, sp.child('scopes'), scopes, 'unsupported scope applied to resource');
  }
  const scopeSet = new Set(scopes);
  if ((scopeSet.has('BestEffort') && scopeSet.has('NotBestEffort')) || (scopeSet.has('Terminating') && scopeSet.has('NotTerminating'))) rep.invalid(R, sp.child('scopes'), scopes, 'conflicting scopes');
  const sel = obj(spec.scopeSelector);
  if (sel) {
    const mp = sp.child('scopeSelector', 'matchExpressions');
    const selScopes = new Set<string>();
    arr(sel.matchExpressions).forEach((e, i) => {
      if (!isObj(e)) return;
      const p = mp.index(i);
      const name = str(e.scopeName) ?? '';
      const op = str(e.operator) ?? '';
      if (!SCOPES.includes(name)) rep.invalid(R, p.child('scopeName'), name, 'unsupported scope');
      for (const k of Object.keys(hard).sort()) if (isStandardQuotaResourceName(k) && !scopeValidFor(name, k)) rep.invalid(R, mp, sel, 'unsupported scope applied to resource');
      if (['BestEffort', 'NotBestEffort', 'Terminating', 'NotTerminating', 'CrossNamespacePodAffinity'].includes(name) && op !== 'Exists') rep.invalid(R, p.child('operator'), op, 'must be \'Exists\' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity');
      const values = arr(e.values);
      if (op === 'In' || op === 'NotIn') {
        if (values.length === 0) rep.required(R, p.child('values'), "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector");
      } else if (op === 'Exists' || op === 'DoesNotExist') {
        if (values.length) rep.invalid(R, p.child('values'), values, "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector");
      } else rep.invalid(R, p.child('operator'), op, 'not a valid selector operator');
      selScopes.add(name);
    });
    if ((selScopes.has('BestEffort') && selScopes.has('NotBestEffort')) || (selScopes.has('Terminating') && selScopes.has('NotTerminating'))) rep.invalid(R, mp, scopes, 'conflicting scopes');
  }
}

const SYSTEM_PRIORITY_CLASSES: Record<string, number> = { 'system-cluster-critical': 2000000000, 'system-node-critical': 2000001000 };

export function validatePriorityClass(rep: Reporter, o: Obj): void {
  const R = 'api/priorityclass/spec' as const;
  const name = str(obj(o.metadata)?.name) ?? '';
  const value = num(o.value) ?? 0;
  if (name.startsWith('system-')) {
    const known = SYSTEM_PRIORITY_CLASSES[name];
    const why = known === undefined ? `${name} is not a known system priority class` : value !== known ? `value of ${name} PriorityClass must be ${known}` : o.globalDefault === true ? `globalDefault of ${name} PriorityClass must be false` : undefined;
    if (why) rep.forbidden(R, FieldPath.root().child('metadata', 'name'), `priority class names with 'system-' prefix are reserved for system use only. error: ${why}`, 'rename the PriorityClass');
  } else if (value > 1000000000) rep.forbidden(R, FieldPath.root().child('value'), 'maximum allowed value of a user defined priority is 1000000000', 'values above one billion are reserved for system classes');
  const pp = str(o.preemptionPolicy);
  if (pp !== undefined) {
    if (!pp) rep.required(R, FieldPath.root().child('preemptionPolicy'));
    else if (pp !== 'PreemptLowerPriority' && pp !== 'Never') rep.unsupported(R, FieldPath.root().child('preemptionPolicy'), pp, ['PreemptLowerPriority', 'Never']);
  }
}

