/**
 * batch/v1 Job and CronJob (pkg/apis/batch/validation, with the Job strategy's generated selector and
 * labels): counts, completion modes, pod failure and success policies, the pod template with its
 * restartPolicy, the job-name label the name becomes, and for CronJobs the schedule, time zone and
 * the 52-character name limit.
 */
import { canFire, parseCron } from './cron.ts';
import { isDNS1123Label, isDomainPrefixedPath, isQualifiedName, maxLenError } from './formats.ts';
import { FieldPath } from './path.ts';
import { effectiveRestartPolicy, validatePodTemplate } from './pod.ts';
import type { Reporter } from './report.ts';
import { labelMap, selectorMatches, toSelector, validateLabelSelector } from './selector.ts';
import { isKnownTimeZone } from './time-zones.ts';
import { arr, has, isObj, num, obj, str, type Obj } from './values.ts';

const J = 'api/job/spec' as const;
const PFP = 'api/job/pod-failure-policy' as const;

function nonNegative(rep: Reporter, rule: typeof J | 'api/cronjob/spec', v: unknown, path: FieldPath): void {
  const n = num(v);
  if (n !== undefined && n < 0) rep.invalid(rule, path, n, 'must be greater than or equal to 0');
}

const PFP_ACTIONS = ['Count', 'FailIndex', 'FailJob', 'Ignore'];

function validatePodFailurePolicy(rep: Reporter, spec: Obj, path: FieldPath): void {
  const pfp = obj(spec.podFailurePolicy) ?? {};
  const rules = arr(pfp.rules);
  const rp = path.child('rules');
  if (rules.length > 20) rep.tooMany(PFP, rp, rules.length, 20);
  const template = obj(obj(spec.template)?.spec) ?? {};
  const containers = new Set<string>();
  for (const key of ['containers', 'initContainers']) for (const c of arr(template[key])) if (isObj(c) && typeof c.name === 'string') containers.add(c.name);
  rules.forEach((r, i) => {
    if (!isObj(r)) return;
    const p = rp.index(i);
    const action = str(r.action) ?? '';
    if (!action) rep.required(PFP, p.child('action'), `valid values: [${PFP_ACTIONS.map((a) => JSON.stringify(a)).join(' ')}]`);
    else if (action === 'FailIndex') {
      if (!has(spec, 'backoffLimitPerIndex')) rep.invalid(PFP, p.child('action'), action, 'requires the backoffLimitPerIndex to be set');
    } else if (!PFP_ACTIONS.includes(action)) rep.unsupported(PFP, p.child('action'), action, PFP_ACTIONS);
    const onExit = obj(r.onExitCodes);
    const onConds = arr(r.onPodConditions);
    if (onExit) {
      const ep = p.child('onExitCodes');
      const op = str(onExit.operator) ?? '';
      if (!op) rep.required(PFP, ep.child('operator'), 'valid values: ["In" "NotIn"]');
      else if (op !== 'In' && op !== 'NotIn') rep.unsupported(PFP, ep.child('operator'), op, ['In', 'NotIn']);
      const cn = str(onExit.containerName);
      if (cn !== undefined && !containers.has(cn)) rep.invalid(PFP, ep.child('containerName'), cn, 'must be one of the container or initContainer names in the pod template');
      const values = arr(onExit.values).filter((v): v is number => typeof v === 'number');
      const vp = ep.child('values');
      if (values.length === 0) rep.invalid(PFP, vp, [], 'at least one value is required');
      else if (values.length > 255) rep.tooMany(PFP, vp, values.length, 255);
      const seen = new Set<number>();
      let ordered = true;
      values.forEach((v, j) => {
        if (op === 'In' && v === 0) rep.invalid(PFP, vp.index(j), v, 'must not be 0 for the In operator', 'exit code 0 is success; a pod that succeeds is never a failure');
        if (seen.has(v)) rep.duplicate(PFP, vp.index(j), v);
        seen.add(v);
        if (j > 0 && values[j - 1]! > v) ordered = false;
      });
      if (!ordered) rep.invalid(PFP, vp, values, 'must be ordered');
    }
    if (onConds.length > 20) rep.tooMany(PFP, p.child('onPodConditions'), onConds.length, 20);
    onConds.forEach((c, j) => {
      if (!isObj(c)) return;
      const cp = p.child('onPodConditions').index(j);
      const type = str(c.type) ?? '';
      for (const m of isQualifiedName(type)) rep.invalid(PFP, cp.child('type'), type, m);
      const status = str(c.status) || 'True'; // defaulted
      if (!['False', 'True', 'Unknown'].includes(status)) rep.unsupported(PFP, cp.child('status'), status, ['False', 'True', 'Unknown']);
    });
    if (onExit && onConds.length) rep.invalid(PFP, p, '', 'specifying both OnExitCodes and OnPodConditions is not supported');
    if (!onExit && onConds.length === 0) rep.invalid(PFP, p, '', 'specifying one of OnExitCodes and OnPodConditions is required');
  });
}

/** validateIndexesFormat: "1,3-5,7" against completions; the number of indexes, or an error text. */
function parseIndexes(s: string, completions: number): number | string {
  if (!s) return 0;
  let last: number | undefined;
  let total = 0;
  for (const interval of s.split(',')) {
    const parts = interval.split('-');
    if (parts.length > 2) return `the fragment ${JSON.stringify(interval)} violates the requirement that an index interval can have at most two parts separated by '-'`;
    const nums: number[] = [];
    for (const part of parts) {
      if (!/^[+-]?\d+$/.test(part)) return `cannot convert string to integer for index: ${JSON.stringify(part)}`;
      const n = Number(part);
      if (n >= completions) return `too large index: ${JSON.stringify(part)}`;
      nums.push(n);
    }
    const [x, y = x] = nums as [number, number?];
    if (parts.length > 1 && x >= y) return `non-increasing order, previous: ${x}, current: ${y}`;
    if (last !== undefined && last >= x) return `non-increasing order, previous: ${last}, current: ${x}`;
    total += y - x + 1;
    last = y;
  }
  return total;
}

/** validateJobSpec: everything a Job and a CronJob's jobTemplate share. */
function validateJobSpec(rep: Reporter, spec: Obj, path: FieldPath, minor: number): void {
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex', 'maxFailedIndexes']) nonNegative(rep, J, spec[f], path.child(f));
  if (has(spec, 'maxFailedIndexes') && !has(spec, 'backoffLimitPerIndex')) rep.required(J, path.child('backoffLimitPerIndex'), 'when maxFailedIndexes is specified');
  // JobManagedBy is beta (on) from 1.32; earlier the server drops the field.
  const managedBy = str(spec.managedBy);
  if (minor >= 32 && managedBy !== undefined) {
    for (const [v, m] of isDomainPrefixedPath(managedBy)) {
      if (!m) rep.required(J, path.child('managedBy'));
      else rep.invalid(J, path.child('managedBy'), v, m);
    }
    if (managedBy.length > 63) rep.tooLong(J, path.child('managedBy'), 63, 'characters');
  }
  const mode = str(spec.completionMode) || 'NonIndexed';
  const completions = num(spec.completions) ?? (has(spec, 'parallelism') ? undefined : 1);
  const parallelism = num(spec.parallelism) ?? 1;
  if (mode !== 'NonIndexed' && mode !== 'Indexed') rep.unsupported(J, path.child('completionMode'), mode, ['NonIndexed', 'Indexed']);
  if (mode === 'Indexed') {
    if (completions === undefined) rep.required(J, path.child('completions'), 'when completion mode is Indexed');
    if (parallelism > 100000) rep.invalid(J, path.child('parallelism'), parallelism, 'must be less than or equal to 100000 when completion mode is Indexed');
    const mfi = num(spec.maxFailedIndexes);
    if (completions !== undefined && mfi !== undefined && mfi > completions) rep.invalid(J, path.child('maxFailedIndexes'), mfi, 'must be less than or equal to completions');
    if (mfi !== undefined && mfi > 100000) rep.invalid(J, path.child('maxFailedIndexes'), mfi, 'must be less than or equal to 100000');
    if (completions !== undefined && completions > 100000 && has(spec, 'backoffLimitPerIndex')) {
      if (mfi === undefined) rep.required(J, path.child('maxFailedIndexes'), 'must be specified when completions is above 100000');
      if (parallelism > 10000) rep.invalid(J, path.child('parallelism'), parallelism, 'must be less than or equal to 10000 when completions are above 100000 and used with backoff limit per index');
      if (mfi !== undefined && mfi > 10000) rep.invalid(J, path.child('maxFailedIndexes'), mfi, 'must be less than or equal to 10000 when completions are above 100000 and used with backoff limit per index');
    }
  } else {
    if (has(spec, 'backoffLimitPerIndex')) rep.invalid(J, path.child('backoffLimitPerIndex'), spec.backoffLimitPerIndex, 'requires indexed completion mode', 'set completionMode: Indexed');
    if (has(spec, 'maxFailedIndexes')) rep.invalid(J, path.child('maxFailedIndexes'), spec.maxFailedIndexes, 'requires indexed completion mode', 'set completionMode: Indexed');
  }
  if (has(spec, 'podFailurePolicy')) validatePodFailurePolicy(rep, spec, path.child('podFailurePolicy'));
  // JobSuccessPolicy: beta (on) from 1.31.
  const sp = obj(spec.successPolicy);
  if (sp && minor >= 31) {
    const spp = path.child('successPolicy');
    if (mode !== 'Indexed') rep.invalid(J, spp, sp, 'requires indexed completion mode');
    else {
      const rules = arr(sp.rules);
      if (rules.length === 0) rep.required(J, spp.child('rules'), 'at least one rules must be specified when the successPolicy is specified');
      if (rules.length > 20) rep.tooMany(J, spp.child('rules'), rules.length, 20);
      rules.forEach((r, i) => {
        if (!isObj(r)) return;
        const rp = spp.child('rules').index(i);
        if (!has(r, 'succeededCount') && !has(r, 'succeededIndexes')) rep.required(J, rp, 'at least one of succeededCount or succeededIndexes must be specified');
        let total = 0;
        const si = str(r.succeededIndexes);
        if (si !== undefined && completions !== undefined) {
          if (si.length > 64 * 1024) rep.tooLong(J, rp.child('succeededIndexes'), 64 * 1024, 'characters');
          const parsed = parseIndexes(si, completions);
          if (typeof parsed === 'string') rep.invalid(J, rp.child('succeededIndexes'), si, `error parsing succeededIndexes: ${parsed}`);
          else total = parsed;
        }
        const sc = num(r.succeededCount);
        if (sc !== undefined) {
          if (sc < 0) rep.invalid(J, rp.child('succeededCount'), sc, 'must be greater than or equal to 0');
          if (completions !== undefined && sc > completions) rep.invalid(J, rp.child('succeededCount'), sc, `must be less than or equal to ${completions} (the number of specified completions)`);
          if (si !== undefined && sc > total) rep.invalid(J, rp.child('succeededCount'), sc, `must be less than or equal to ${total} (the number of indexes in the specified succeededIndexes field)`);
        }
      });
    }
  }
  const prp = str(spec.podReplacementPolicy);
  if (prp !== undefined) {
    if (has(spec, 'podFailurePolicy')) {
      if (prp !== 'Failed') rep.unsupported(J, path.child('podReplacementPolicy'), prp, ['Failed'], 'with a podFailurePolicy, pods are replaced only once they have failed');
    } else if (prp !== 'Failed' && prp !== 'TerminatingOrFailed') rep.unsupported(J, path.child('podReplacementPolicy'), prp, ['Failed', 'TerminatingOrFailed']);
  }
  const tp = path.child('template');
  validatePodTemplate(rep, spec.template, tp, minor);
  const pspec = obj(obj(spec.template)?.spec);
  const rp = effectiveRestartPolicy(pspec);
  const rpPath = tp.child('spec', 'restartPolicy');
  if (rp === 'Always') rep.required('api/pod/restart-policy', rpPath, 'valid values: "OnFailure", "Never"', has(pspec, 'restartPolicy') ? 'Jobs need restartPolicy OnFailure or Never' : 'restartPolicy defaults to Always, which Jobs do not allow: set OnFailure or Never');
  else if (rp !== 'OnFailure' && rp !== 'Never') rep.unsupported('api/pod/restart-policy', rpPath, rp, ['OnFailure', 'Never']);
  else if (has(spec, 'podFailurePolicy') && rp !== 'Never') rep.invalid('api/pod/restart-policy', rpPath, rp, 'only "Never" is supported when podFailurePolicy is specified');
}

const JOB_NAME_LABELS = ['job-name', 'batch.kubernetes.io/job-name'];
const CONTROLLER_UID_LABELS = ['controller-uid', 'batch.kubernetes.io/controller-uid'];

export function validateJob(rep: Reporter, o: Obj, minor: number): void {
  const meta = obj(o.metadata);
  const name = str(meta?.name) ?? '';
  const spec = obj(o.spec) ?? {};
  const specPath = FieldPath.root().child('spec');
  validateJobSpec(rep, spec, specPath, minor);
  const templateLabels = labelMap(obj(obj(spec.template)?.metadata)?.labels);
  const labelsPath = specPath.child('template', 'metadata', 'labels');
  if (spec.manualSelector === true) {
    if (!has(spec, 'selector')) rep.required('api/workload/selector', specPath.child('selector'));
    else validateLabelSelector(rep, 'api/workload/selector', spec.selector, specPath.child('selector'));
    const sel = toSelector(spec.selector);
    if (sel.kind !== 'invalid' && !selectorMatches(sel, templateLabels)) rep.invalid('api/workload/selector', labelsPath, Object.fromEntries(templateLabels), '`selector` does not match template `labels`');
  } else {
    // The Job strategy generates the selector (controller-uid) and labels the pods with it and the job name.
    for (const key of JOB_NAME_LABELS) {
      const v = templateLabels.get(key);
      if (v !== undefined && v !== name) rep.invalid('api/workload/selector', labelsPath.key(key), v, `must be '${name}'`, 'remove the label: the Job controller sets it');
    }
    for (const key of CONTROLLER_UID_LABELS) if (templateLabels.has(key)) rep.invalid('api/workload/selector', labelsPath.key(key), templateLabels.get(key), "must be '<the Job's uid>'", 'remove the label: the Job controller sets it');
    if (has(spec, 'selector')) {
      validateLabelSelector(rep, 'api/workload/selector', spec.selector, specPath.child('selector'));
      const sel = toSelector(spec.selector);
      const expected = new Map<string, string>([...JOB_NAME_LABELS.map((k) => [k, name] as [string, string]), ...CONTROLLER_UID_LABELS.map((k) => [k, '\u0000uid'] as [string, string])]);
      const userSelector = obj(spec.selector) ?? {};
      const selectsUid = CONTROLLER_UID_LABELS.some((k) => has(obj(userSelector.matchLabels), k));
      if (sel.kind === 'invalid' || selectsUid || (sel.kind === 'requirements' && !selectorMatches(sel, expected))) {
        rep.invalid('api/workload/selector', specPath.child('selector'), spec.selector, '`selector` not auto-generated', 'remove spec.selector (the Job controller generates it), or set manualSelector: true');
      }
    }
  }
  // The job name becomes a label value of every pod: at most 63 characters.
  if (name.length > 63) rep.invalid('api/job/name', FieldPath.root().child('metadata', 'name'), name, `${maxLenError(63)} (the Job name is the value of the pods' batch.kubernetes.io/job-name label)`, 'shorten the Job name to 63 characters or fewer');
  const completions = num(spec.completions);
  if (str(spec.completionMode) === 'Indexed' && completions !== undefined && completions > 0 && name) {
    const hostname = `${name}-${completions - 1}`;
    if (isDNS1123Label(hostname).length) rep.invalid('api/job/name', FieldPath.root().child('metadata', 'name'), name, `will not able to create pod with invalid DNS label: ${hostname}`);
  }
  const ads = num(spec.activeDeadlineSeconds);
  if (ads === 0) rep.error('api/controller/job-deadline-zero', specPath.child('activeDeadlineSeconds'), 'spec.activeDeadlineSeconds: 0 is accepted, but the Job controller fails the Job immediately (DeadlineExceeded) without running a pod', 'remove activeDeadlineSeconds or give it a positive value');
}

export function validateCronJob(rep: Reporter, o: Obj, minor: number): void {
  const meta = obj(o.metadata);
  const name = str(meta?.name) ?? '';
  const spec = obj(o.spec) ?? {};
  const specPath = FieldPath.root().child('spec');
  const schedule = str(spec.schedule) ?? '';
  const sp = specPath.child('schedule');
  if (!schedule) rep.required('api/cronjob/spec', sp, '', 'set a five-field cron schedule such as "0 3 * * *"');
  else {
    const parsed = parseCron(schedule, isKnownTimeZone);
    if ('error' in parsed) rep.invalid('api/cronjob/schedule', sp, schedule, parsed.error);
    else if (!canFire(parsed.schedule)) rep.error('api/controller/cronjob-never-runs', sp, `spec.schedule: ${JSON.stringify(schedule)} is accepted, but it names a day that never comes: the CronJob controller reports InvalidSchedule and never creates a Job`, 'pick a day of month that exists in the chosen months');
    if (schedule.includes('TZ')) rep.invalid('api/cronjob/schedule', sp, schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead', 'move the zone into spec.timeZone');
  }
  nonNegative(rep, 'api/cronjob/spec', spec.startingDeadlineSeconds, specPath.child('startingDeadlineSeconds'));
  const tz = spec.timeZone;
  if (typeof tz === 'string') {
    const tzp = specPath.child('timeZone');
    if (tz === '') rep.invalid('api/cronjob/time-zone', tzp, tz, 'timeZone must be nil or non-empty string');
    else if (tz.split('/').some((part) => part === '.' || part === '..' || part.startsWith('-') || !/^[A-Za-z.\-_0-9+]{1,14}$/.test(part))) rep.invalid('api/cronjob/time-zone', tzp, tz, `unknown time zone ${tz}`);
    else {
      if (tz.toLowerCase() === 'local') rep.invalid('api/cronjob/time-zone', tzp, tz, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones', 'use the zone the schedule is meant for, e.g. "Etc/UTC"');
      else if (!isKnownTimeZone(tz)) rep.invalid('api/cronjob/time-zone', tzp, tz, `unknown time zone ${tz}`, 'use an IANA name (case-sensitive) such as "Etc/UTC" or "Europe/Berlin"');
    }
  }
  const cp = str(spec.concurrencyPolicy);
  if (cp !== undefined && cp !== '' && !['Allow', 'Forbid', 'Replace'].includes(cp)) rep.unsupported('api/cronjob/spec', specPath.child('concurrencyPolicy'), cp, ['Allow', 'Forbid', 'Replace']);
  const jt = obj(spec.jobTemplate) ?? {};
  const jtp = specPath.child('jobTemplate', 'spec');
  const jspec = obj(jt.spec) ?? {};
  validateJobSpec(rep, jspec, jtp, minor);
  if (has(jspec, 'selector')) rep.invalid('api/cronjob/spec', jtp.child('selector'), jspec.selector, '`selector` will be auto-generated', 'remove the selector from the jobTemplate');
  if (jspec.manualSelector === true) rep.unsupported('api/cronjob/spec', jtp.child('manualSelector'), true, ['nil', 'false']);
  nonNegative(rep, 'api/cronjob/spec', spec.successfulJobsHistoryLimit, specPath.child('successfulJobsHistoryLimit'));
  nonNegative(rep, 'api/cronjob/spec', spec.failedJobsHistoryLimit, specPath.child('failedJobsHistoryLimit'));
  if (name.length > 52) rep.invalid('api/cronjob/name', FieldPath.root().child('metadata', 'name'), name, 'must be no more than 52 characters', 'the controller appends 11 characters to name each Job: shorten the name to 52 characters');
  if (num(jspec.activeDeadlineSeconds) === 0) rep.error('api/controller/job-deadline-zero', jtp.child('activeDeadlineSeconds'), 'spec.jobTemplate.spec.activeDeadlineSeconds: 0 is accepted, but every Job fails immediately (DeadlineExceeded) without running a pod', 'remove activeDeadlineSeconds or give it a positive value');
}
