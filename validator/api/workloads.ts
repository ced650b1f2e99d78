/**
 * Workload controllers (apps/v1 Deployment, ReplicaSet, DaemonSet, StatefulSet; v1
 * ReplicationController and PodTemplate): selectors against template labels, strategies, counts, and
 * the pod template. StatefulSet templates are not validated by the server at create time; their pod
 * rules are checked as controller follow-ups (followup.ts).
 */
import { intOrPercentValue, validateIntOrPercent, validateNotMoreThan100Percent } from './intstr.ts';
import { FieldPath } from './path.ts';
import { effectiveRestartPolicy, validatePodAnnotations, validatePodTemplate } from './pod.ts';
import { validateAnnotations, validateLabels } from './meta.ts';
import type { Reporter } from './report.ts';
import { labelMap, selectorMatches, toSelector, validateLabelSelector } from './selector.ts';
import { has, isObj, num, obj, str, strMap, type Obj } from './values.ts';

const W = 'api/workload/spec' as const;
const SEL = 'api/workload/selector' as const;

function nonNegative(rep: Reporter, rule: typeof W | 'api/statefulset/spec', v: unknown, path: FieldPath): void {
  const n = num(v);
  if (n !== undefined && n < 0) rep.invalid(rule, path, n, 'must be greater than or equal to 0');
}

/** The selector checks shared by Deployment, ReplicaSet and StatefulSet. */
function validateSelectorAndTemplateLabels(rep: Reporter, spec: Obj, kindWord: string, specPath: FieldPath): void {
  const selector = spec.selector;
  if (selector === undefined || selector === null) rep.required(SEL, specPath.child('selector'), '', 'add spec.selector.matchLabels with the template\'s identifying labels');
  else {
    validateLabelSelector(rep, SEL, selector, specPath.child('selector'));
    const s = obj(selector);
    if (s && strMap(s.matchLabels).length + (Array.isArray(s.matchExpressions) ? s.matchExpressions.length : 0) === 0) rep.invalid(SEL, specPath.child('selector'), selector, `empty selector is invalid for ${kindWord}`);
  }
  const sel = toSelector(selector);
  if (sel.kind === 'invalid') rep.invalid(SEL, specPath.child('selector'), selector, kindWord === 'statefulset' ? '' : 'invalid label selector');
  else if (sel.kind !== 'everything') {
    const template = obj(spec.template);
    const labels = obj(template?.metadata)?.labels;
    if (!selectorMatches(sel, labelMap(labels))) {
      rep.invalid(SEL, specPath.child('template', 'metadata', 'labels'), labels ?? null, '`selector` does not match template `labels`', 'every key/value of spec.selector.matchLabels must also be in spec.template.metadata.labels');
    }
  }
}

function validateTemplateForController(rep: Reporter, spec: Obj, kindWord: string, specPath: FieldPath, minor: number): void {
  const tp = specPath.child('template');
  if (!has(spec, 'template')) return rep.required(W, tp);
  validatePodTemplate(rep, spec.template, tp, minor);
  const pspec = obj(obj(spec.template)?.spec);
  const rp = effectiveRestartPolicy(pspec);
  if (rp !== 'Always') rep.unsupported('api/pod/restart-policy', tp.child('spec', 'restartPolicy'), rp, ['Always'], `a ${kindWord} restarts its pods itself: remove restartPolicy or set Always`);
  if (has(pspec, 'activeDeadlineSeconds')) rep.forbidden(W, tp.child('spec', 'activeDeadlineSeconds'), `activeDeadlineSeconds in ${kindWord} is not Supported`);
}

export function validateDeployment(rep: Reporter, o: Obj, minor: number): void {
  const specPath = FieldPath.root().child('spec');
  const spec = obj(o.spec) ?? {};
  nonNegative(rep, W, spec.replicas, specPath.child('replicas'));
  validateSelectorAndTemplateLabels(rep, spec, 'deployment', specPath);
  validateTemplateForController(rep, spec, 'ReplicaSet', specPath, minor);
  validateDeploymentStrategy(rep, spec.strategy, specPath.child('strategy'));
  const minReady = num(spec.minReadySeconds) ?? 0;
  nonNegative(rep, W, spec.minReadySeconds, specPath.child('minReadySeconds'));
  nonNegative(rep, W, spec.revisionHistoryLimit, specPath.child('revisionHistoryLimit'));
  const pds = num(spec.progressDeadlineSeconds) ?? 600; // defaulted
  nonNegative(rep, W, pds, specPath.child('progressDeadlineSeconds'));
  if (pds <= minReady) rep.invalid(W, specPath.child('progressDeadlineSeconds'), pds, 'must be greater than minReadySeconds', has(spec, 'progressDeadlineSeconds') ? undefined : 'progressDeadlineSeconds defaults to 600: set it above minReadySeconds');
}

function validateDeploymentStrategy(rep: Reporter, strategyIn: unknown, path: FieldPath): void {
  const R = 'api/deployment/strategy' as const;
  const strategy = obj(strategyIn) ?? {};
  const type = str(strategy.type) || 'RollingUpdate';
  if (type === 'Recreate') {
    if (has(strategy, 'rollingUpdate')) rep.forbidden(R, path.child('rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'", 'remove rollingUpdate, or use type RollingUpdate');
  } else if (type === 'RollingUpdate') {
    const ru = obj(strategy.rollingUpdate) ?? {};
    const rp = path.child('rollingUpdate');
    const maxUnavailable = has(ru, 'maxUnavailable') ? ru.maxUnavailable : '25%';
    const maxSurge = has(ru, 'maxSurge') ? ru.maxSurge : '25%';
    validateIntOrPercent(rep, R, maxUnavailable, rp.child('maxUnavailable'));
    validateIntOrPercent(rep, R, maxSurge, rp.child('maxSurge'));
    if (intOrPercentValue(maxUnavailable) === 0 && intOrPercentValue(maxSurge) === 0) rep.invalid(R, rp.child('maxUnavailable'), maxUnavailable, 'may not be 0 when `maxSurge` is 0', 'a rollout could never replace a pod: allow maxSurge or maxUnavailable above 0');
    validateNotMoreThan100Percent(rep, R, maxUnavailable, rp.child('maxUnavailable'));
  } else rep.unsupported(R, path, strategyIn, ['Recreate', 'RollingUpdate']);
}

export function validateReplicaSet(rep: Reporter, o: Obj, minor: number): void {
  const specPath = FieldPath.root().child('spec');
  const spec = obj(o.spec) ?? {};
  nonNegative(rep, W, spec.replicas, specPath.child('replicas'));
  nonNegative(rep, W, spec.minReadySeconds, specPath.child('minReadySeconds'));
  validateSelectorAndTemplateLabels(rep, spec, 'deployment', specPath);
  validateTemplateForController(rep, spec, 'ReplicaSet', specPath, minor);
}

export function validateDaemonSet(rep: Reporter, o: Obj, minor: number): void {
  const specPath = FieldPath.root().child('spec');
  const spec = obj(o.spec) ?? {};
  validateLabelSelector(rep, SEL, spec.selector, specPath.child('selector'));
  const sel = toSelector(spec.selector);
  const labels = obj(obj(spec.template)?.metadata)?.labels;
  if (sel.kind !== 'invalid' && !selectorMatches(sel, labelMap(labels))) rep.invalid(SEL, specPath.child('template', 'metadata', 'labels'), labels ?? null, '`selector` does not match template `labels`', 'every key/value of spec.selector.matchLabels must also be in spec.template.metadata.labels');
  const s = obj(spec.selector);
  if (s && strMap(s.matchLabels).length + (Array.isArray(s.matchExpressions) ? s.matchExpressions.length : 0) === 0) rep.invalid(SEL, specPath.child('selector'), spec.selector, 'empty selector is invalid for daemonset');
  validateTemplateForController(rep, spec, 'DaemonSet', specPath, minor);
  nonNegative(rep, W, spec.minReadySeconds, specPath.child('minReadySeconds'));
  nonNegative(rep, W, spec.templateGeneration, specPath.child('templateGeneration'));
  nonNegative(rep, W, spec.revisionHistoryLimit, specPath.child('revisionHistoryLimit'));
  const R = 'api/daemonset/update-strategy' as const;
  const us = obj(spec.updateStrategy) ?? {};
  const up = specPath.child('updateStrategy');
  const type = str(us.type) || 'RollingUpdate';
  if (type === 'RollingUpdate') {
    const ru = obj(us.rollingUpdate) ?? {};
    const rp = up.child('rollingUpdate');
    const maxUnavailable = has(ru, 'maxUnavailable') ? ru.maxUnavailable : 1;
    const maxSurge = has(ru, 'maxSurge') ? ru.maxSurge : 0;
    validateIntOrPercent(rep, R, maxUnavailable, rp.child('maxUnavailable'));
    validateIntOrPercent(rep, R, maxSurge, rp.child('maxSurge'));
    validateNotMoreThan100Percent(rep, R, maxUnavailable, rp.child('maxUnavailable'));
    validateNotMoreThan100Percent(rep, R, maxSurge, rp.child('maxSurge'));
    const hasUnavailable = intOrPercentValue(maxUnavailable) !== 0;
    const hasSurge = intOrPercentValue(maxSurge) !== 0;
    if (hasUnavailable && hasSurge) rep.invalid(R, rp.child('maxSurge'), maxSurge, 'may not be set when maxUnavailable is non-zero', 'set maxUnavailable: 0 to surge instead');
    else if (!hasUnavailable && !hasSurge) rep.required(R, rp.child('maxUnavailable'), 'cannot be 0 when maxSurge is 0');
  } else if (type !== 'OnDelete') rep.unsupported(R, up, spec.updateStrategy, ['RollingUpdate', 'OnDelete']);
}

export function validateStatefulSet(rep: Reporter, o: Obj, minor: number): void {
  const R = 'api/statefulset/spec' as const;
  const specPath = FieldPath.root().child('spec');
  const spec = obj(o.spec) ?? {};
  const pmp = str(spec.podManagementPolicy) || 'OrderedReady';
  if (pmp !== 'OrderedReady' && pmp !== 'Parallel') rep.invalid(R, specPath.child('podManagementPolicy'), pmp, "must be 'OrderedReady' or 'Parallel'");
  const us = obj(spec.updateStrategy) ?? {};
  const up = specPath.child('updateStrategy');
  const type = str(us.type) || 'RollingUpdate';
  if (type === 'OnDelete') {
    if (has(us, 'rollingUpdate')) rep.invalid(R, up.child('rollingUpdate'), us.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'");
  } else if (type === 'RollingUpdate') {
    const ru = obj(us.rollingUpdate);
    if (ru) {
      nonNegative(rep, R, ru.partition, up.child('rollingUpdate', 'partition'));
      // maxUnavailable needs MaxUnavailableStatefulSet (alpha, off); the server drops it before 1.35.
      if (minor >= 35 && has(ru, 'maxUnavailable')) {
        validateIntOrPercent(rep, R, ru.maxUnavailable, up.child('rollingUpdate', 'maxUnavailable'));
        if (intOrPercentValue(ru.maxUnavailable) === 0) rep.invalid(R, up.child('rollingUpdate', 'maxUnavailable'), ru.maxUnavailable, 'cannot be 0');
        validateNotMoreThan100Percent(rep, R, ru.maxUnavailable, up.child('rollingUpdate', 'maxUnavailable'));
      }
    }
  } else rep.invalid(R, up, spec.updateStrategy, "must be 'RollingUpdate' or 'OnDelete'");
  const rpol = obj(spec.persistentVolumeClaimRetentionPolicy);
  if (rpol) {
    for (const f of ['whenDeleted', 'whenScaled']) {
      const v = str(rpol[f]) || 'Retain';
      if (v !== 'Retain' && v !== 'Delete') rep.unsupported(R, specPath.child('persistentVolumeClaimRetentionPolicy', f), v, ['Retain', 'Delete']);
    }
  }
  nonNegative(rep, W, spec.replicas, specPath.child('replicas'));
  nonNegative(rep, W, spec.minReadySeconds, specPath.child('minReadySeconds'));
  const ordinals = obj(spec.ordinals);
  if (ordinals) nonNegative(rep, R, ordinals.start, specPath.child('ordinals', 'start'));
  validateSelectorAndTemplateLabels(rep, spec, 'statefulset', specPath);
  // The server checks only the template's labels and annotations (and pod annotations) at create time.
  const template = obj(spec.template);
  const tp = specPath.child('template');
  if (!template) rep.required(W, tp);
  else {
    const meta = obj(template.metadata);
    validateLabels(rep, meta?.labels, tp.child('metadata', 'labels'));
    validateAnnotations(rep, meta?.annotations, tp.child('metadata', 'annotations'));
    validatePodAnnotations(rep, meta?.annotations, obj(template.spec) ?? {}, tp.child('metadata', 'annotations'));
  }
  const pspec = obj(template?.spec);
  const rp = effectiveRestartPolicy(pspec);
  if (rp !== 'Always') rep.unsupported('api/pod/restart-policy', tp.child('spec', 'restartPolicy'), rp, ['Always'], 'a StatefulSet restarts its pods itself: remove restartPolicy or set Always');
  if (has(pspec, 'activeDeadlineSeconds')) rep.forbidden(W, tp.child('spec', 'activeDeadlineSeconds'), 'activeDeadlineSeconds in StatefulSet is not Supported');
}

export function validateReplicationController(rep: Reporter, o: Obj, minor: number): void {
  const specPath = FieldPath.root().child('spec');
  const spec = obj(o.spec) ?? {};
  nonNegative(rep, W, spec.minReadySeconds, specPath.child('minReadySeconds'));
  nonNegative(rep, W, spec.replicas, specPath.child('replicas'));
  const template = obj(spec.template);
  // The v1 API defaults an empty selector to the template labels.
  const selector = strMap(spec.selector).length ? strMap(spec.selector) : strMap(obj(template?.metadata)?.labels);
  if (selector.length === 0) rep.required(SEL, specPath.child('selector'));
  for (const [k, v] of strMap(spec.selector)) {
    validateLabels(rep, { [k]: v }, specPath.child('selector'));
  }
  if (!template) return rep.required(W, specPath.child('template'));
  const labels = labelMap(obj(template.metadata)?.labels);
  if (selector.length && !selector.every(([k, v]) => labels.get(k) === v)) rep.invalid(SEL, specPath.child('template', 'metadata', 'labels'), obj(template.metadata)?.labels ?? null, '`selector` does not match template `labels`');
  validateTemplateForController(rep, spec, 'ReplicationController', specPath, minor);
}

export function validatePodTemplateObject(rep: Reporter, o: Obj, minor: number): void {
  if (isObj(o.template)) validatePodTemplate(rep, o.template, FieldPath.root().child('template'), minor);
}
