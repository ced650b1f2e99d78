/**
 * Label selectors: the server's structural checks (ValidateLabelSelector), their conversion into a
 * selector (LabelSelectorAsSelector, which fails on bad operators, keys or values), and matching
 * against a label set.
 */
import { isQualifiedName, isValidLabelValue } from './formats.ts';
import { validateLabels } from './meta.ts';
import type { FieldPath } from './path.ts';
import type { Reporter } from './report.ts';
import type { ApiRuleId } from './rules.ts';
import { arr, isObj, obj, str, strMap } from './values.ts';

export function validateLabelSelector(rep: Reporter, rule: ApiRuleId, selector: unknown, path: FieldPath, opts: { allowInvalidValues?: boolean } = {}): void {
  const s = obj(selector);
  if (!s) return;
  // matchLabels are labels: same key and value rules (reported under this rule, not api/meta/labels).
  validateLabels(rep, s.matchLabels, path.child('matchLabels'), rule);
  arr(s.matchExpressions).forEach((e, i) => {
    if (!isObj(e)) return;
    const p = path.child('matchExpressions').index(i);
    const op = str(e.operator) ?? '';
    const values = arr(e.values);
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) rep.required(rule, p.child('values'), "must be specified when `operator` is 'In' or 'NotIn'");
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0) rep.forbidden(rule, p.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
    } else rep.invalid(rule, p.child('operator'), op, 'not a valid selector operator');
    const key = str(e.key) ?? '';
    for (const m of isQualifiedName(key)) rep.invalid(rule, p.child('key'), key, m);
    if (!opts.allowInvalidValues) values.forEach((v, j) => {
      if (typeof v === 'string') for (const m of isValidLabelValue(v)) rep.invalid(rule, p.child('values').index(j), v, m);
    });
  });
}

interface Requirement {
  key: string;
  op: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

/** LabelSelectorAsSelector: `nothing` (nil selector), `everything` (empty), requirements, or `invalid`. */
export type Selector = { kind: 'nothing' } | { kind: 'everything' } | { kind: 'invalid' } | { kind: 'requirements'; reqs: Requirement[] };

export function toSelector(selector: unknown): Selector {
  if (selector === undefined || selector === null) return { kind: 'nothing' };
  const s = obj(selector);
  if (!s) return { kind: 'invalid' };
  const labels = strMap(s.matchLabels);
  const exprs = arr(s.matchExpressions);
  if (labels.length === 0 && exprs.length === 0) return { kind: 'everything' };
  const reqs: Requirement[] = [];
  for (const [k, v] of labels) {
    if (isQualifiedName(k).length || isValidLabelValue(v).length) return { kind: 'invalid' };
    reqs.push({ key: k, op: 'In', values: [v] });
  }
  for (const e of exprs) {
    if (!isObj(e)) return { kind: 'invalid' };
    const key = str(e.key) ?? '';
    const op = str(e.operator) ?? '';
    const values = arr(e.values).filter((v): v is string => typeof v === 'string');
    if (isQualifiedName(key).length) return { kind: 'invalid' };
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) return { kind: 'invalid' };
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0) return { kind: 'invalid' };
    } else return { kind: 'invalid' };
    if (values.some((v) => isValidLabelValue(v).length)) return { kind: 'invalid' };
    reqs.push({ key, op: op as Requirement['op'], values });
  }
  return { kind: 'requirements', reqs };
}

export function selectorMatches(sel: Selector, labels: ReadonlyMap<string, string>): boolean {
  if (sel.kind === 'everything') return true;
  if (sel.kind !== 'requirements') return false;
  return sel.reqs.every((r) => {
    const v = labels.get(r.key);
    switch (r.op) {
      case 'In':
        return v !== undefined && r.values.includes(v);
      case 'NotIn':
        return v === undefined || !r.values.includes(v);
      case 'Exists':
        return v !== undefined;
      case 'DoesNotExist':
        return v === undefined;
    }
  });
}

/** A label set to match selectors against (string values only, as strMap reads them). */
export function labelMap(labels: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (isObj(labels)) for (const k in labels) if (typeof labels[k] === 'string') out.set(k, labels[k]);
  return out;
}

