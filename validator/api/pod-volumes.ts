/**
 * Pod volumes (ValidateVolumes): unique DNS-label names, exactly one source (a volume with none is
 * defaulted to emptyDir), and the rules of each source.
 */
import { isDNS1123Label, isDNS1123Subdomain } from './formats.ts';
import type { FieldPath } from './path.ts';
import type { PodContext } from './pod-context.ts';
import { localDescendingPathProblems, RESOURCE_FIELD_PATHS, validateObjectFieldSelector, VOLUME_FIELD_PATHS } from './pod-containers.ts';
import { validateClaimTemplateMeta, validatePvcSpec } from './pvc.ts';
import { isNegative, parseQuantity } from './quantity.ts';
import { arr, has, isObj, num, obj, str, type Obj } from './values.ts';

const SOURCES = [
  'emptyDir', 'hostPath', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi', 'glusterfs', 'flocker', 'persistentVolumeClaim', 'rbd', 'cinder', 'cephfs', 'quobyte',
  'downwardAPI', 'fc', 'flexVolume', 'configMap', 'azureFile', 'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'storageos', 'projected', 'scaleIO', 'csi', 'ephemeral', 'image',
] as const;

const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];
const FILE_MODE_MSG = 'must be a number between 0 and 0777 (octal), both inclusive';
const R = 'api/pod/volumes' as const;

/** Required string fields of the less common volume sources. */
const REQUIRED_FIELDS: Partial<Record<(typeof SOURCES)[number], string[]>> = {
  gcePersistentDisk: ['pdName'],
  awsElasticBlockStore: ['volumeID'],
  nfs: ['server', 'path'],
  iscsi: ['targetPortal', 'iqn'],
  glusterfs: ['endpoints', 'path'],
  rbd: ['image'],
  cinder: ['volumeID'],
  quobyte: ['volume'],
  flexVolume: ['driver'],
  azureFile: ['secretName', 'shareName'],
  vsphereVolume: ['volumePath'],
  photonPersistentDisk: ['pdID'],
  portworxVolume: ['volumeID'],
  azureDisk: ['diskName', 'diskURI'],
  storageos: ['volumeName'],
  scaleIO: ['gateway', 'system', 'volumeName'],
};

const ISCSI_IQN_RE = /iqn\.\d{4}-\d{2}\.([A-Za-z0-9\-.]+)(:[^,;*&$|\s]+)$/;
const ISCSI_EUI_RE = /^eui.[A-Za-z0-9]{16}$/;
const ISCSI_NAA_RE = /^naa.[A-Za-z0-9]{32}$/;

/** iSCSI qualified names: iqn.YYYY-MM.domain:name, eui. + 16 or naa. + 32 alphanumerics. */
function iscsiNameProblem(v: string): string | undefined {
  if (v.startsWith('iqn')) return ISCSI_IQN_RE.test(v) ? undefined : 'must be valid format';
  if (v.startsWith('eui')) return ISCSI_EUI_RE.test(v) ? undefined : 'must be valid format';
  if (v.startsWith('naa')) return ISCSI_NAA_RE.test(v) ? undefined : 'must be valid format';
  return 'must be valid format starting with iqn, eui, or naa';
}

/** Go's net.SplitHostPort succeeds: `host:port` or `[ipv6]:port` (the port may be empty, the colon may not). */
function isHostPort(s: string): boolean {
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0 || s[end + 1] !== ':') return false;
    const port = s.slice(end + 2);
    return !port.includes(':') && !port.includes('[') && !port.includes(']') && !s.slice(1, end).includes('[');
  }
  const colons = s.split(':').length - 1;
  return colons === 1 && !s.includes('[') && !s.includes(']');
}

function checkMode(ctx: PodContext, v: unknown, path: FieldPath): void {
  const n = num(v);
  if (n !== undefined && (n < 0 || n > 0o777)) ctx.rep.invalid(R, path, n, FILE_MODE_MSG);
}

/** ValidateLocalNonReservedPath: relative, no "..", not starting with "..". */
function validateLocalPath(ctx: PodContext, p: string, path: FieldPath): void {
  for (const m of localDescendingPathProblems(p)) ctx.rep.invalid(R, path, p, m);
  if (p.startsWith('..') && !p.startsWith('../')) ctx.rep.invalid(R, path, p, "must not start with '..'");
}

function validateKeyToPath(ctx: PodContext, item: Obj, path: FieldPath): void {
  if (!str(item.key)) ctx.rep.required(R, path.child('key'));
  const p = str(item.path) ?? '';
  if (!p) ctx.rep.required(R, path.child('path'));
  validateLocalPath(ctx, p, path.child('path'));
  checkMode(ctx, item.mode, path.child('mode'));
}

function validateDownwardAPIFile(ctx: PodContext, f: Obj, path: FieldPath): void {
  const { rep } = ctx;
  const p = str(f.path) ?? '';
  if (!p) rep.required(R, path.child('path'));
  validateLocalPath(ctx, p, path.child('path'));
  const fieldRef = obj(f.fieldRef);
  const rf = obj(f.resourceFieldRef);
  if (fieldRef) {
    validateObjectFieldSelector(ctx, fieldRef, VOLUME_FIELD_PATHS, path.child('fieldRef'), R);
    if (rf) rep.invalid(R, path, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously');
  } else if (rf) {
    const resource = str(rf.resource) ?? '';
    if (!str(rf.containerName)) rep.required(R, path.child('resourceFieldRef', 'containerName'));
    else if (!resource) rep.required(R, path.child('resourceFieldRef', 'resource'));
    else if (!RESOURCE_FIELD_PATHS.includes(resource) && !resource.startsWith('requests.hugepages-') && !resource.startsWith('limits.hugepages-')) rep.unsupported(R, path.child('resourceFieldRef', 'resource'), resource, RESOURCE_FIELD_PATHS);
  } else rep.required(R, path, 'one of fieldRef and resourceFieldRef is required');
  checkMode(ctx, f.mode, path.child('mode'));
}

function validateProjected(ctx: PodContext, src: Obj, path: FieldPath): void {
  const { rep } = ctx;
  checkMode(ctx, src.defaultMode, path.child('defaultMode'));
  const paths = new Set<string>();
  const seenPath = (p: string, at: FieldPath, value: string) => {
    if (!p) return;
    if (paths.has(p)) rep.invalid(R, at, value, 'conflicting duplicate paths');
    paths.add(p);
  };
  arr(src.sources).forEach((s, i) => {
    if (!isObj(s)) return;
    const sp = path.child('sources').index(i);
    let n = 0;
    for (const key of ['secret', 'configMap'] as const) {
      const o = obj(s[key]);
      if (!o) continue;
      n++;
      if (!str(o.name)) rep.required(R, sp.child(key, 'name'));
      arr(o.items).forEach((it, j) => {
        if (!isObj(it)) return;
        const ip = sp.child(key, 'items').index(j);
        validateKeyToPath(ctx, it, ip);
        seenPath(str(it.path) ?? '', ip.child('path'), str(o.name) ?? '');
      });
    }
    const dapi = obj(s.downwardAPI);
    if (dapi) {
      n++;
      arr(dapi.items).forEach((it, j) => {
        if (!isObj(it)) return;
        const ip = sp.child('downwardAPI', 'items').index(j);
        validateDownwardAPIFile(ctx, it, ip);
        seenPath(str(it.path) ?? '', ip.child('path'), str(it.path) ?? '');
      });
    }
    const sat = obj(s.serviceAccountToken);
    if (sat) {
      n++;
      const tp = sp.child('serviceAccountToken');
      const exp = num(sat.expirationSeconds);
      if (exp !== undefined && exp < 600) rep.invalid(R, tp.child('expirationSeconds'), exp, 'may not specify a duration less than 10 minutes');
      if (exp !== undefined && exp > 2 ** 32) rep.invalid(R, tp.child('expirationSeconds'), exp, 'may not specify a duration larger than 2^32 seconds');
      const p = str(sat.path) ?? '';
      if (!p) rep.required(R, tp.child('path'));
      else validateLocalPath(ctx, p, tp.child('path'));
      seenPath(p, tp.child('path'), p);
    }
    const ctb = obj(s.clusterTrustBundle);
    if (ctb) {
      n++;
      const cp = sp.child('clusterTrustBundle');
      const byName = has(ctb, 'name');
      const bySigner = has(ctb, 'signerName');
      if (byName && bySigner) rep.invalid(R, cp, ctb, 'only one of name and signerName may be used');
      else if (!byName && !bySigner) rep.required(R, cp, 'either name or signerName must be specified');
      const p = str(ctb.path) ?? '';
      if (!p) rep.required(R, cp.child('path'));
      validateLocalPath(ctx, p, cp.child('path'));
      seenPath(p, cp.child('path'), p);
    }
    if (n > 1) rep.forbidden(R, sp, 'may not specify more than 1 volume type per source');
  });
}

function validateSource(ctx: PodContext, key: (typeof SOURCES)[number], src: Obj, volName: string, path: FieldPath): void {
  const { rep } = ctx;
  switch (key) {
    case 'emptyDir': {
      const q = parseQuantity(src.sizeLimit);
      if (q && isNegative(q)) rep.forbidden(R, path.child('sizeLimit'), 'SizeLimit field must be a valid resource quantity');
      return;
    }
    case 'hostPath': {
      const p = str(src.path) ?? '';
      if (!p) return rep.required(R, path.child('path'));
      if (p.replace(/\\/g, '/').split('/').includes('..')) rep.invalid(R, path.child('path'), p, "must not contain '..'");
      const t = str(src.type);
      if (t !== undefined && !HOST_PATH_TYPES.includes(t)) rep.unsupported(R, path.child('type'), t, HOST_PATH_TYPES);
      return;
    }
    case 'gitRepo': {
      if (!str(src.repository)) rep.required(R, path.child('repository'));
      const d = str(src.directory) ?? '';
      for (const m of localDescendingPathProblems(d)) rep.invalid(R, path.child('directory'), d, m);
      return;
    }
    case 'secret':
    case 'configMap': {
      const nameKey = key === 'secret' ? 'secretName' : 'name';
      if (!str(src[nameKey])) rep.required(R, path.child(nameKey));
      checkMode(ctx, src.defaultMode, path.child('defaultMode'));
      arr(src.items).forEach((it, i) => {
        if (isObj(it)) validateKeyToPath(ctx, it, path.child('items').index(i));
      });
      return;
    }
    case 'persistentVolumeClaim':
      if (!str(src.claimName)) rep.required(R, path.child('claimName'));
      return;
    case 'downwardAPI':
      checkMode(ctx, src.defaultMode, path.child('defaultMode'));
      arr(src.items).forEach((it, i) => {
        if (isObj(it)) validateDownwardAPIFile(ctx, it, path.child('items').index(i));
      });
      return;
    case 'projected':
      return validateProjected(ctx, src, path);
    case 'csi': {
      const driver = str(src.driver) ?? '';
      if (!driver) rep.required(R, path.child('driver'));
      if (driver.length > 63) rep.tooLong(R, path.child('driver'), 63, 'characters');
      for (const m of isDNS1123Subdomain(driver.toLowerCase())) if (driver) rep.invalid(R, path.child('driver'), driver, m);
      const ref = obj(src.nodePublishSecretRef);
      if (ref) {
        const n = str(ref.name) ?? '';
        if (!n) rep.required(R, path.child('nodePublishSecretRef', 'name'));
        else for (const m of isDNS1123Subdomain(n)) rep.invalid(R, path.child('nodePublishSecretRef', 'name'), n, m);
      }
      return;
    }
    case 'ephemeral': {
      const vct = obj(src.volumeClaimTemplate);
      if (!vct) return rep.required(R, path.child('volumeClaimTemplate'));
      validateClaimTemplateMeta(rep, R, vct.metadata, path.child('volumeClaimTemplate', 'metadata'));
      validatePvcSpec(rep, R, vct.spec, path.child('volumeClaimTemplate', 'spec'), ctx.minor, false);
      return;
    }
    case 'image': {
      if (ctx.isPod && !str(src.reference)) rep.required(R, path.child('reference'));
      const pp = str(src.pullPolicy);
      if (pp !== undefined && !['Always', 'IfNotPresent', 'Never'].includes(pp)) rep.unsupported(R, path.child('pullPolicy'), pp, ['Always', 'IfNotPresent', 'Never']);
      return;
    }
    case 'quobyte': {
      const registry = str(src.registry) ?? '';
      const tenant = str(src.tenant) ?? '';
      const REGISTRY_MSG = 'must be a host:port pair or multiple pairs separated by commas';
      if (!registry && !tenant) rep.required(R, path.child('registry'), REGISTRY_MSG);
      else if (tenant.length >= 65) rep.required(R, path.child('tenant'), 'must be a UUID and may not exceed a length of 64 characters');
      else if (registry.split(',').some((pair) => !isHostPort(pair))) rep.invalid(R, path.child('registry'), registry, REGISTRY_MSG, 'e.g. registry.example.com:7861');
      break;
    }
    case 'iscsi': {
      for (const [f, v] of [['iqn', str(src.iqn)], ['initiatorname', str(src.initiatorName)]] as const) {
        if (!v) continue;
        // The server names initiatorName "initiatorname" in its path.
        const problem = iscsiNameProblem(v);
        if (problem) rep.invalid(R, path.child(f), v, problem, 'e.g. iqn.2001-04.com.example:storage.disk1');
      }
      const lun = num(src.lun);
      if (lun !== undefined && (lun < 0 || lun > 255)) rep.invalid(R, path.child('lun'), lun, 'must be between 0 and 255, inclusive');
      if ((src.chapAuthDiscovery === true || src.chapAuthSession === true) && !has(src, 'secretRef')) rep.required(R, path.child('secretRef'));
      if (has(src, 'initiatorName') && `${volName}:${str(src.targetPortal) ?? ''}`.length > 64) rep.invalid(R, path.child('name'), volName, 'Total length of <volume name>:<iscsi.targetPortal> must be under 64 characters if iscsi.initiatorName is specified.');
      break;
    }
    case 'rbd':
    case 'cephfs':
      if (arr(src.monitors).length === 0) rep.required(R, path.child('monitors'));
      break;
    case 'fc': {
      const wwns = arr(src.targetWWNs);
      const wwids = arr(src.wwids);
      if (!wwns.length && !wwids.length) rep.required(R, path.child('targetWWNs'), 'must specify either targetWWNs or wwids, but not both');
      if (wwns.length && wwids.length) rep.invalid(R, path.child('targetWWNs'), wwns, 'targetWWNs and wwids can not be specified simultaneously');
      if (wwns.length && !has(src, 'lun')) rep.required(R, path.child('lun'), 'lun is required if targetWWNs is specified');
      break;
    }
    case 'flocker': {
      const byName = str(src.datasetName) ?? '';
      const byUUID = str(src.datasetUUID) ?? '';
      if (!byName && !byUUID) rep.required(R, path, 'one of datasetName and datasetUUID is required');
      if (byName && byUUID) rep.invalid(R, path, 'resource', 'datasetName and datasetUUID can not be specified simultaneously');
      if (byName.includes('/')) rep.invalid(R, path.child('datasetName'), byName, "must not contain '/'");
      break;
    }
    case 'nfs': {
      const p = str(src.path) ?? '';
      if (p && !p.startsWith('/')) rep.invalid(R, path.child('path'), p, 'must be an absolute path');
      break;
    }
    default:
      break;
  }
  for (const f of REQUIRED_FIELDS[key] ?? []) if (!str(src[f])) rep.required(R, path.child(f));
  for (const f of ['partition'] as const) {
    const n = num(src[f]);
    if (n !== undefined && (n < 0 || n > 255)) rep.invalid(R, path.child(f), n, 'must be between 1 and 255, inclusive');
  }
}

/** Validates spec.volumes; records the valid ones (name → source) in ctx.volumes for mount checks. */
export function validateVolumes(ctx: PodContext, volumes: unknown, path: FieldPath, podName: string | undefined): void {
  const { rep } = ctx;
  const ephemeralClaims = new Set<string>();
  if (podName) for (const v of arr(volumes)) if (isObj(v) && has(v, 'ephemeral')) ephemeralClaims.add(`${podName}-${str(v.name) ?? ''}`);
  arr(volumes).forEach((v, i) => {
    if (!isObj(v)) return;
    const vp = path.index(i);
    const before = rep.issues.length;
    const name = str(v.name) ?? '';
    let source: string | undefined;
    for (const key of SOURCES) {
      if (!has(v, key)) continue;
      // ImageVolume is alpha (off) before 1.33: the server drops the field.
      if (key === 'image' && ctx.minor < 33) continue;
      if (source !== undefined) {
        rep.forbidden(R, vp.child(key), 'may not specify more than 1 volume type');
        continue;
      }
      source = key;
      validateSource(ctx, key, obj(v[key]) ?? {}, name, vp.child(key));
      if (key === 'ephemeral' && podName && name) {
        for (const m of isDNS1123Subdomain(`${podName}-${name}`)) rep.invalid(R, vp.child('name'), name, `PVC name "${podName}-${name}": ${m}`);
      }
    }
    source ??= 'emptyDir'; // defaulted
    if (!name) rep.required(R, vp.child('name'));
    else for (const m of isDNS1123Label(name)) rep.invalid(R, vp.child('name'), name, m);
    if (ctx.volumes.has(name)) rep.duplicate(R, vp.child('name'), name);
    if (rep.issues.length === before) ctx.volumes.set(name, source);
    const claim = str(obj(v.persistentVolumeClaim)?.claimName);
    if (claim && ephemeralClaims.has(claim)) rep.invalid(R, vp.child('persistentVolumeClaim', 'claimName'), claim, 'must not reference a PVC that gets created for an ephemeral volume');
  });
}

