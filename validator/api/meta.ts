/**
 * Object metadata as the API server checks it on create (apimachinery ValidateObjectMeta, plus the
 * name rule of each kind): name or generateName, namespace, labels, annotations, finalizers and
 * owner references. Every object gets this, custom resources included (their names are DNS
 * subdomains).
 */
import { byteLength, isDNS1123Label, isQualifiedName, isValidLabelValue, nameIsDNS1035Label, nameIsDNSLabel, nameIsDNSSubdomain, nameIsPathSegment, type NameCheck } from './formats.ts';
import { FieldPath } from './path.ts';
import type { Reporter } from './report.ts';
import type { ApiRuleId } from './rules.ts';
import { arr, isObj, obj, str, type Obj } from './values.ts';

/** metadata.name rules by `group/Kind` (group empty for the core API); DNS subdomain otherwise. */
const NAME_RULES: Record<string, NameCheck> = {
  '/Service': nameIsDNS1035Label,
  '/Namespace': nameIsDNSLabel,
  'apps/StatefulSet': nameIsDNSLabel,
  'rbac.authorization.k8s.io/Role': nameIsPathSegment,
  'rbac.authorization.k8s.io/ClusterRole': nameIsPathSegment,
  'rbac.authorization.k8s.io/RoleBinding': nameIsPathSegment,
  'rbac.authorization.k8s.io/ClusterRoleBinding': nameIsPathSegment,
};

export const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');

export function nameRuleFor(apiVersion: string, kind: string): NameCheck {
  return NAME_RULES[`${groupOf(apiVersion)}/${kind}`] ?? nameIsDNSSubdomain;
}

const TOTAL_ANNOTATION_SIZE = 256 * 1024;
const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/**
 * Label keys and values (ValidateLabels); also what selectors' matchLabels and a Service's selector are
 * checked with, under their own rule.
 */
export function validateLabels(rep: Reporter, labels: unknown, path: FieldPath, rule: ApiRuleId = 'api/meta/labels'): void {
  if (!isObj(labels)) return;
  // Every object has labels: a plain loop, not strMap's entry list (same entries: string values only).
  for (const k in labels) {
    const v = labels[k];
    if (typeof v !== 'string') continue;
    for (const m of isQualifiedName(k)) rep.invalid(rule, path.key(k), k, m);
    for (const m of isValidLabelValue(v)) rep.invalid(rule, path.key(k), v, m);
  }
}

export function validateAnnotations(rep: Reporter, annotations: unknown, path: FieldPath): void {
  if (!isObj(annotations)) return;
  let total = 0;
  for (const k in annotations) {
    const v = annotations[k];
    if (typeof v !== 'string') continue;
    for (const m of isQualifiedName(k.toLowerCase())) rep.invalid('api/meta/annotations', path.key(k), k, m);
    total += byteLength(k) + byteLength(v);
  }
  if (total > TOTAL_ANNOTATION_SIZE) rep.tooLong('api/meta/annotations', path, TOTAL_ANNOTATION_SIZE, 'bytes', `the annotations take ${total} bytes; move large data into a ConfigMap`);
}

export function validateFinalizerName(rep: Reporter, value: string, path: FieldPath, standardCheck = true): void {
  for (const m of isQualifiedName(value)) rep.invalid('api/meta/finalizers', path, value, m);
  if (standardCheck && !value.includes('/') && !STANDARD_FINALIZERS.has(value)) rep.invalid('api/meta/finalizers', path, value, 'name is neither a standard finalizer name nor is it fully qualified');
}

export interface MetaOptions {
  apiVersion: string;
  kind: string;
}

/** ValidateObjectMeta for a top-level object. */
export function validateObjectMeta(rep: Reporter, object: Obj, o: MetaOptions): void {
  const metaPath = FieldPath.root().child('metadata');
  const meta = obj(object.metadata);
  const nameCheck = nameRuleFor(o.apiVersion, o.kind);
  const name = str(meta?.name) ?? '';
  const generateName = str(meta?.generateName) ?? '';
  if (generateName) for (const m of nameCheck(generateName, true)) rep.invalid('api/meta/name', metaPath.child('generateName'), generateName, m);
  if (!name) {
    if (!generateName) rep.required('api/meta/name', metaPath.child('name'), 'name or generateName is required');
  } else {
    for (const m of nameCheck(name, false)) rep.invalid('api/meta/name', metaPath.child('name'), name, m);
  }
  const ns = str(meta?.namespace);
  if (ns) for (const m of isDNS1123Label(ns)) rep.invalid('api/meta/namespace', metaPath.child('namespace'), ns, m);
  if (!meta) return;
  validateLabels(rep, meta.labels, metaPath.child('labels'));
  validateAnnotations(rep, meta.annotations, metaPath.child('annotations'));
  validateOwnerReferences(rep, meta.ownerReferences, metaPath.child('ownerReferences'));
  const finalizers = arr(meta.finalizers);
  let orphan = false;
  let foreground = false;
  for (let i = 0; i < finalizers.length; i++) {
    const f = finalizers[i];
    if (typeof f !== 'string') continue;
    validateFinalizerName(rep, f, metaPath.child('finalizers').index(i));
    if (f === 'orphan') orphan = true;
    if (f === 'foregroundDeletion') foreground = true;
  }
  if (orphan && foreground) rep.invalid('api/meta/finalizers', metaPath.child('finalizers'), finalizers, 'finalizer orphan and foregroundDeletion cannot be both set');
}

function validateOwnerReferences(rep: Reporter, refs: unknown, path: FieldPath): void {
  let controller = '';
  arr(refs).forEach((ref, i) => {
    if (!isObj(ref)) return;
    const p = path.index(i);
    const apiVersion = str(ref.apiVersion) ?? '';
    const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
    if (!version) rep.invalid('api/meta/owner-references', p.child('apiVersion'), apiVersion, 'version must not be empty');
    if (!str(ref.kind)) rep.invalid('api/meta/owner-references', p.child('kind'), ref.kind ?? '', 'kind must not be empty');
    if (!str(ref.name)) rep.invalid('api/meta/owner-references', p.child('name'), ref.name ?? '', 'name must not be empty');
    if (!str(ref.uid)) rep.invalid('api/meta/owner-references', p.child('uid'), ref.uid ?? '', 'uid must not be empty');
    if (ref.controller === true) {
      const current = `${str(ref.kind) ?? ''}/${str(ref.name) ?? ''}`;
      if (controller) rep.invalid('api/meta/owner-references', path, '', `Only one reference can have Controller set to true. Found "true" in references for ${controller} and ${current}`);
      else controller = current;
    }
  });
}

/** Labels and annotations of an embedded template (pod templates, claim templates); other metadata is ignored there. */
export function validateTemplateMeta(rep: Reporter, meta: unknown, path: FieldPath): void {
  const m = obj(meta);
  if (!m) return;
  validateLabels(rep, m.labels, path.child('labels'));
  validateAnnotations(rep, m.annotations, path.child('annotations'));
}
