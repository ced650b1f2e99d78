/**
 * autoscaling/v2 (and v1) HorizontalPodAutoscaler and policy/v1 PodDisruptionBudget
 * (pkg/apis/autoscaling/validation, pkg/apis/policy/validation) with their defaults: minReplicas 1,
 * a CPU utilization metric when none is given, behaviour rules filled from the defaults.
 */
import { isDNS1123Label, isValidPathSegmentName } from './formats.ts';
import { validateIntOrPercent, validateNotMoreThan100Percent } from './intstr.ts';
import { FieldPath } from './path.ts';
import { isNegative, isZero, parseQuantity } from './quantity.ts';
import type { Reporter } from './report.ts';
import { containerResourceNameProblems } from './resource-names.ts';
import { validateLabelSelector } from './selector.ts';
import { arr, has, isObj, num, obj, str, type Obj } from './values.ts';

const H = 'api/hpa/spec' as const;
const METRIC_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];

function validateRef(rep: Reporter, ref: Obj, path: FieldPath): void {
  for (const f of ['kind', 'name']) {
    const v = str(ref[f]) ?? '';
    if (!v) rep.required(H, path.child(f));
    else for (const m of isValidPathSegmentName(v)) rep.invalid(H, path.child(f), v, m);
  }
}

function positive(rep: Reporter, v: unknown, path: FieldPath): void {
  if (v === undefined || v === null) return;
  const q = parseQuantity(v);
  if (q && (isNegative(q) || isZero(q))) rep.invalid(H, path, q.text, 'must be positive');
}

function validateTarget(rep: Reporter, t: Obj, path: FieldPath): void {
  const type = str(t.type) ?? '';
  if (!type) rep.required(H, path.child('type'), 'must specify a metric target type');
  if (type !== 'Utilization' && type !== 'Value' && type !== 'AverageValue') rep.invalid(H, path.child('type'), type, 'must be either Utilization, Value, or AverageValue');
  positive(rep, t.value, path.child('value'));
  positive(rep, t.averageValue, path.child('averageValue'));
  const au = num(t.averageUtilization);
  if (au !== undefined && au < 1) rep.invalid(H, path.child('averageUtilization'), au, 'must be greater than 0');
}

function validateMetricName(rep: Reporter, metric: Obj, path: FieldPath): void {
  const name = str(metric.name) ?? '';
  if (!name) rep.required(H, path.child('name'), 'must specify a metric name');
  else for (const m of isValidPathSegmentName(name)) rep.invalid(H, path.child('name'), name, m);
}

function validateMetric(rep: Reporter, m: Obj, path: FieldPath): void {
  const type = str(m.type) ?? '';
  if (!type) rep.required(H, path.child('type'), 'must specify a metric source type');
  if (!METRIC_TYPES.includes(type)) rep.unsupported(H, path.child('type'), type, METRIC_TYPES);
  const present = ['object', 'external', 'pods', 'resource', 'containerResource'].filter((k) => has(m, k));
  const first = present[0];
  const src = first ? (obj(m[first]) ?? {}) : undefined;
  if (first && src) {
    const p = path.child(first);
    const target = obj(src.target) ?? {};
    const tp = p.child('target');
    if (first === 'object') {
      validateRef(rep, obj(src.describedObject) ?? {}, p.child('describedObject'));
      validateMetricName(rep, obj(src.metric) ?? {}, p.child('metric'));
      validateTarget(rep, target, tp);
      if (!has(target, 'value') && !has(target, 'averageValue')) rep.required(H, tp.child('averageValue'), 'must set either a target value or averageValue');
    } else if (first === 'external') {
      validateMetricName(rep, obj(src.metric) ?? {}, p.child('metric'));
      validateTarget(rep, target, tp);
      if (!has(target, 'value') && !has(target, 'averageValue')) rep.required(H, tp.child('averageValue'), 'must set either a target value for metric or a per-pod target');
      if (has(target, 'value') && has(target, 'averageValue')) rep.forbidden(H, tp.child('value'), 'may not set both a target value for metric and a per-pod target');
    } else if (first === 'pods') {
      validateMetricName(rep, obj(src.metric) ?? {}, p.child('metric'));
      validateTarget(rep, target, tp);
      if (!has(target, 'averageValue')) rep.required(H, tp.child('averageValue'), 'must specify a positive target averageValue');
    } else {
      const name = str(src.name) ?? '';
      if (!name) rep.required(H, p.child('name'), 'must specify a resource name');
      else if (first === 'containerResource') for (const e of containerResourceNameProblems(name)) rep.invalid(H, p.child('name'), name, e);
      if (first === 'containerResource') {
        const c = str(src.container) ?? '';
        if (!c) rep.required(H, p.child('container'), 'must specify a container');
        else for (const e of isDNS1123Label(c)) rep.invalid(H, p.child('container'), c, e);
      }
      validateTarget(rep, target, tp);
      if (!has(target, 'averageUtilization') && !has(target, 'averageValue')) rep.required(H, tp.child('averageUtilization'), 'must set either a target raw value or a target utilization');
      if (has(target, 'averageUtilization') && has(target, 'averageValue')) rep.forbidden(H, tp.child('averageValue'), 'may not set both a target raw value and a target utilization');
    }
  }
  const expected = { Object: 'object', Pods: 'pods', Resource: 'resource', External: 'external', ContainerResource: 'containerResource' }[type];
  if (expected && !has(m, expected)) rep.required(H, path.child(expected), 'must populate information for the given metric source');
  if (present.length > 1) for (const k of present) if (k !== expected) rep.forbidden(H, path.child(k), 'must populate the given metric source only');
}

function validateScalingRules(rep: Reporter, rules: Obj, path: FieldPath): void {
  const sws = num(rules.stabilizationWindowSeconds);
  if (sws !== undefined && sws < 0) rep.invalid(H, path.child('stabilizationWindowSeconds'), sws, 'must be greater than or equal to zero');
  if (sws !== undefined && sws > 3600) rep.invalid(H, path.child('stabilizationWindowSeconds'), sws, 'must be less than or equal to 3600');
  const sp = str(rules.selectPolicy);
  if (sp !== undefined && !['Disabled', 'Max', 'Min'].includes(sp)) rep.unsupported(H, path.child('selectPolicy'), sp, ['Disabled', 'Max', 'Min']);
  if (Array.isArray(rules.policies)) {
    if (rules.policies.length === 0) rep.required(H, path.child('policies'), 'must specify at least one Policy');
    rules.policies.forEach((p, i) => {
      if (!isObj(p)) return;
      const pp = path.child('policies').index(i);
      const type = str(p.type) ?? '';
      if (type !== 'Pods' && type !== 'Percent') rep.unsupported(H, pp.child('type'), type, ['Percent', 'Pods']);
      const value = num(p.value) ?? 0;
      if (value <= 0) rep.invalid(H, pp.child('value'), value, 'must be greater than zero');
      const period = num(p.periodSeconds) ?? 0;
      if (period <= 0) rep.invalid(H, pp.child('periodSeconds'), period, 'must be greater than zero');
      if (period > 1800) rep.invalid(H, pp.child('periodSeconds'), period, 'must be less than or equal to 1800');
    });
  }
}

export function validateHPA(rep: Reporter, o: Obj, version: 'v1' | 'v2'): void {
  const spec = obj(o.spec) ?? {};
  const sp = FieldPath.root().child('spec');
  const min = num(spec.minReplicas) ?? 1; // defaulted
  const max = num(spec.maxReplicas) ?? 0;
  // HPAScaleToZero is alpha (off): minReplicas must be at least 1.
  if (min < 1) rep.invalid(H, sp.child('minReplicas'), min, 'must be greater than or equal to 1');
  if (max < 1) rep.invalid(H, sp.child('maxReplicas'), max, 'must be greater than 0');
  if (max < min) rep.invalid(H, sp.child('maxReplicas'), max, 'must be greater than or equal to `minReplicas`', `raise maxReplicas to at least ${min}, or lower minReplicas`);
  validateRef(rep, obj(spec.scaleTargetRef) ?? {}, sp.child('scaleTargetRef'));
  if (version === 'v1') {
    const t = num(spec.targetCPUUtilizationPercentage);
    if (t !== undefined && t < 1) rep.invalid(H, sp.child('targetCPUUtilizationPercentage'), t, 'must be greater than 0');
    return;
  }
  arr(spec.metrics).forEach((m, i) => isObj(m) && validateMetric(rep, m, sp.child('metrics').index(i)));
  const behavior = obj(spec.behavior);
  if (behavior) {
    for (const k of ['scaleUp', 'scaleDown']) {
      const r = obj(behavior[k]);
      if (r) validateScalingRules(rep, r, sp.child('behavior', k));
    }
  }
}

export function validatePDB(rep: Reporter, o: Obj): void {
  const R = 'api/pdb/spec' as const;
  const spec = obj(o.spec) ?? {};
  const sp = FieldPath.root().child('spec');
  if (has(spec, 'minAvailable') && has(spec, 'maxUnavailable')) rep.invalid(R, sp, spec, 'minAvailable and maxUnavailable cannot be both set', 'keep one of minAvailable or maxUnavailable');
  for (const f of ['minAvailable', 'maxUnavailable']) {
    if (!has(spec, f)) continue;
    validateIntOrPercent(rep, R, spec[f], sp.child(f));
    validateNotMoreThan100Percent(rep, R, spec[f], sp.child(f));
  }
  validateLabelSelector(rep, R, spec.selector, sp.child('selector'));
  const uhp = str(spec.unhealthyPodEvictionPolicy);
  if (uhp !== undefined && uhp !== 'AlwaysAllow' && uhp !== 'IfHealthyBudget') rep.unsupported(R, sp.child('unhealthyPodEvictionPolicy'), uhp, ['AlwaysAllow', 'IfHealthyBudget']);
}
