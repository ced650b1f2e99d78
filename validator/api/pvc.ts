/**
 * PersistentVolumeClaim specs (ValidatePersistentVolumeClaimSpec), shared by PVCs, ephemeral volume
 * claim templates and StatefulSet volumeClaimTemplates; and the claim-template metadata rule (only
 * labels and annotations may be set).
 */
import { isDNS1123Label, isDNS1123Subdomain } from './formats.ts';
import { validateAnnotations, validateLabels } from './meta.ts';
import type { FieldPath } from './path.ts';
import { isNegative, isZero, parseQuantity } from './quantity.ts';
import type { Reporter } from './report.ts';
import type { ApiRuleId } from './rules.ts';
import { validateLabelSelector } from './selector.ts';
import { arr, has, obj, str, type Obj } from './values.ts';

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

/**
 * `created`: the spec is that of a claim the API creates (a PVC, or a StatefulSet's claim the controller
 * submits), so the registry's create-time normalization applies before validation; false for a pod's
 * ephemeral volume template, which pod validation checks as written.
 */
export function validatePvcSpec(rep: Reporter, rule: ApiRuleId, specIn: unknown, path: FieldPath, minor: number, created = true): void {
  const spec: Obj = obj(specIn) ?? {};
  const modes = arr(spec.accessModes);
  if (modes.length === 0) rep.required(rule, path.child('accessModes'), 'at least 1 access mode is required');
  if (has(spec, 'selector')) validateLabelSelector(rep, rule, spec.selector, path.child('selector'));
  let rwop = false;
  let other = false;
  for (const m of modes) {
    if (typeof m !== 'string') continue;
    if (!ACCESS_MODES.includes(m)) rep.unsupported(rule, path.child('accessModes'), m, ACCESS_MODES);
    else if (m === 'ReadWriteOncePod') rwop = true;
    else other = true;
  }
  if (rwop && other) rep.forbidden(rule, path.child('accessModes'), 'may not use ReadWriteOncePod with other access modes');
  const requests = obj(obj(spec.resources)?.requests);
  const storagePath = path.child('resources', 'requests').key('storage');
  if (!requests || requests.storage === undefined || requests.storage === null) rep.required(rule, storagePath, '', 'request storage, e.g. resources.requests.storage: 1Gi');
  else {
    const q = parseQuantity(requests.storage);
    if (q && (isNegative(q) || isZero(q))) rep.invalid(rule, storagePath, q.text, 'must be greater than zero');
  }
  const sc = str(spec.storageClassName);
  if (sc) for (const m of isDNS1123Subdomain(sc)) rep.invalid(rule, path.child('storageClassName'), sc, m);
  const vm = str(spec.volumeMode);
  if (vm !== undefined && vm !== 'Block' && vm !== 'Filesystem') rep.unsupported(rule, path.child('volumeMode'), vm, ['Block', 'Filesystem']);
  validateDataSources(rep, rule, spec, path, created);
  // VolumeAttributesClass: off before 1.34 (the field is dropped).
  const vac = str(spec.volumeAttributesClassName);
  if (minor >= 34 && vac) for (const m of isDNS1123Subdomain(vac)) rep.invalid(rule, path.child('volumeAttributesClassName'), vac, m);
}

/** The data source kinds an old client could set: a PVC (core group) or a CSI VolumeSnapshot. */
function isPvcOrSnapshot(ds: Obj): boolean {
  const group = str(ds.apiGroup) ?? '';
  return (ds.kind === 'PersistentVolumeClaim' && group === '') || (ds.kind === 'VolumeSnapshot' && group === 'snapshot.storage.k8s.io');
}

function validateDataSourceFields(rep: Reporter, rule: ApiRuleId, ds: Obj, dp: FieldPath, withNamespace: boolean): void {
  if (!str(ds.name)) rep.required(rule, dp.child('name'));
  const kind = str(ds.kind) ?? '';
  if (!kind) rep.required(rule, dp.child('kind'));
  const group = str(ds.apiGroup) ?? '';
  if (!group && kind !== 'PersistentVolumeClaim') rep.invalid(rule, dp, kind, "must be 'PersistentVolumeClaim' when referencing the default apiGroup");
  if (group) for (const m of isDNS1123Subdomain(group)) rep.invalid(rule, dp.child('apiGroup'), group, m);
  const ns = withNamespace ? str(ds.namespace) : undefined;
  if (ns) for (const m of isDNS1123Label(ns)) rep.invalid(rule, dp.child('namespace'), ns, m);
}

/**
 * dataSource and dataSourceRef. On create the registry first drops dataSourceRef.namespace (the
 * CrossNamespaceVolumeDataSource gate is alpha, off), then silently drops a dataSource that is neither
 * a PVC nor a VolumeSnapshot (old clients' behaviour, KEP 1495), then copies whichever of the two is set
 * into the other; only then is the pair validated. So `dataSource: {kind: Pod}` alone is accepted (and
 * lost), while the same reference in dataSourceRef is refused.
 */
function validateDataSources(rep: Reporter, rule: ApiRuleId, spec: Obj, path: FieldPath, created: boolean): void {
  let ds = obj(spec.dataSource);
  const dsr = obj(spec.dataSourceRef);
  if (created && ds && !isPvcOrSnapshot(ds)) ds = undefined;
  if (ds) validateDataSourceFields(rep, rule, ds, path.child('dataSource'), false);
  if (dsr) validateDataSourceFields(rep, rule, dsr, path.child('dataSourceRef'), !created);
  const crossNamespace = !created && dsr !== undefined && !!str(dsr.namespace);
  if (ds && dsr && crossNamespace) rep.invalid(rule, path, 'dataSource', 'may not be specified when dataSourceRef.namespace is specified');
  else if (ds && dsr && ((str(ds.apiGroup) ?? '') !== (str(dsr.apiGroup) ?? '') || str(ds.kind) !== str(dsr.kind) || str(ds.name) !== str(dsr.name))) {
    rep.invalid(rule, path, 'dataSource', 'must match dataSourceRef');
  }
}

/** ValidateTemplateObjectMeta: labels and annotations only. */
export function validateClaimTemplateMeta(rep: Reporter, rule: ApiRuleId, meta: unknown, path: FieldPath): void {
  const m = obj(meta);
  if (!m) return;
  validateLabels(rep, m.labels, path.child('labels'));
  validateAnnotations(rep, m.annotations, path.child('annotations'));
  for (const k of Object.keys(m)) {
    if (k === 'labels' || k === 'annotations') continue;
    const v = m[k];
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    rep.forbidden(rule, path.child(k), 'cannot be set');
  }
}
