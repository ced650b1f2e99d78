/**
 * Scheduling constraints of a pod spec: tolerations, node and pod (anti-)affinity, topology spread
 * constraints, node selector, scheduling and readiness gates, priority/runtime class, and DNS.
 */
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from './formats.ts';
import { parseIPSloppy } from './net.ts';
import type { FieldPath } from './path.ts';
import type { PodContext } from './pod-context.ts';
import { validateLabelSelector } from './selector.ts';
import { arr, has, isObj, num, obj, str, strMap, type Obj } from './values.ts';

const S = 'api/pod/scheduling' as const;
const D = 'api/pod/dns' as const;

function labelName(ctx: PodContext, key: string, path: FieldPath): void {
  for (const m of isQualifiedName(key)) ctx.rep.invalid(S, path, key, m);
}

export function validateTolerations(ctx: PodContext, tolerations: unknown, path: FieldPath): void {
  const { rep } = ctx;
  arr(tolerations).forEach((t, i) => {
    if (!isObj(t)) return;
    const p = path.index(i);
    const key = str(t.key) ?? '';
    const op = str(t.operator) ?? '';
    const effect = str(t.effect) ?? '';
    const value = str(t.value) ?? '';
    if (key) labelName(ctx, key, p.child('key'));
    if (!key && op !== 'Exists') rep.invalid(S, p.child('operator'), op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"');
    if (has(t, 'tolerationSeconds') && effect !== 'NoExecute') rep.invalid(S, p.child('effect'), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set");
    if (op === 'Equal' || op === '') {
      const errs = isValidLabelValue(value);
      if (errs.length) rep.invalid(S, p.child('operator'), value, errs.join(';'));
    } else if (op === 'Exists') {
      if (value) rep.invalid(S, p.child('operator'), value, "value must be empty when `operator` is 'Exists'");
    } else rep.unsupported(S, p.child('operator'), op, ['Equal', 'Exists']);
    if (effect && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(effect)) rep.unsupported(S, p.child('effect'), effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']);
  });
}

function validateNodeSelectorTerm(ctx: PodContext, term: Obj, path: FieldPath, checkValues: boolean): void {
  const { rep } = ctx;
  arr(term.matchExpressions).forEach((rq, j) => {
    if (!isObj(rq)) return;
    const p = path.child('matchExpressions').index(j);
    const op = str(rq.operator) ?? '';
    const values = arr(rq.values);
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) rep.required(S, p.child('values'), "must be specified when `operator` is 'In' or 'NotIn'");
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0) rep.forbidden(S, p.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
    } else if (op === 'Gt' || op === 'Lt') {
      if (values.length !== 1) rep.required(S, p.child('values'), "must be specified single value when `operator` is 'Lt' or 'Gt'");
    } else rep.invalid(S, p.child('operator'), op, 'not a valid selector operator');
    labelName(ctx, str(rq.key) ?? '', p.child('key'));
    if (checkValues) values.forEach((v, k) => {
      if (typeof v === 'string') for (const m of isValidLabelValue(v)) rep.invalid(S, p.child('values').index(k), v, m);
    });
  });
  arr(term.matchFields).forEach((rq, j) => {
    if (!isObj(rq)) return;
    const p = path.child('matchFields').index(j);
    const op = str(rq.operator) ?? '';
    const values = arr(rq.values);
    if (op === 'In' || op === 'NotIn') {
      if (values.length !== 1) rep.required(S, p.child('values'), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector");
    } else rep.invalid(S, p.child('operator'), op, 'not a valid selector operator');
    const key = str(rq.key) ?? '';
    if (key !== 'metadata.name') rep.invalid(S, p.child('key'), key, 'not a valid field selector key');
    else values.forEach((v, k) => {
      if (typeof v === 'string') for (const m of isDNS1123Subdomain(v)) rep.invalid(S, p.child('values').index(k), v, m);
    });
  });
}

function validatePodAffinityTerm(ctx: PodContext, term: Obj, path: FieldPath): void {
  const { rep } = ctx;
  validateLabelSelector(rep, S, term.labelSelector, path.child('labelSelector'));
  validateLabelSelector(rep, S, term.namespaceSelector, path.child('namespaceSelector'));
  for (const ns of arr(term.namespaces)) if (typeof ns === 'string') for (const m of isDNS1123Label(ns)) rep.invalid(S, path.child('namespace'), ns, m);
  const match = arr(term.matchLabelKeys).filter((k): k is string => typeof k === 'string');
  const mismatch = arr(term.mismatchLabelKeys).filter((k): k is string => typeof k === 'string');
  for (const [keys, field] of [[match, 'matchLabelKeys'], [mismatch, 'mismatchLabelKeys']] as const) {
    if (!keys.length) continue;
    if (!has(term, 'labelSelector')) rep.forbidden(S, path.child(field), 'must not be specified when labelSelector is not set');
    else keys.forEach((k, i) => labelName(ctx, k, path.child(field).index(i)));
  }
  const mismatchSet = new Set(mismatch);
  match.forEach((k, i) => {
    if (mismatchSet.has(k)) rep.invalid(S, path.child('matchLabelKeys').index(i), k, 'exists in both matchLabelKeys and mismatchLabelKeys');
  });
  const tk = str(term.topologyKey) ?? '';
  if (!tk) rep.required(S, path.child('topologyKey'), 'can not be empty');
  labelName(ctx, tk, path.child('topologyKey'));
}

function validatePodAffinity(ctx: PodContext, a: Obj, path: FieldPath): void {
  arr(a.requiredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
    if (isObj(t)) validatePodAffinityTerm(ctx, t, path.child('requiredDuringSchedulingIgnoredDuringExecution').index(i));
  });
  arr(a.preferredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
    if (!isObj(t)) return;
    const p = path.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
    const w = num(t.weight) ?? 0;
    if (w <= 0 || w > 100) ctx.rep.invalid(S, p.child('weight'), w, 'must be in the range 1-100');
    validatePodAffinityTerm(ctx, obj(t.podAffinityTerm) ?? {}, p.child('podAffinityTerm'));
  });
}

export function validateAffinity(ctx: PodContext, affinity: unknown, path: FieldPath): void {
  const a = obj(affinity);
  if (!a) return;
  const na = obj(a.nodeAffinity);
  if (na) {
    const np = path.child('nodeAffinity');
    const req = obj(na.requiredDuringSchedulingIgnoredDuringExecution);
    if (req) {
      const tp = np.child('requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms');
      const terms = arr(req.nodeSelectorTerms);
      if (terms.length === 0) ctx.rep.required(S, tp, 'must have at least one node selector term');
      terms.forEach((t, i) => {
        if (isObj(t)) validateNodeSelectorTerm(ctx, t, tp.index(i), true);
      });
    }
    arr(na.preferredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
      if (!isObj(t)) return;
      const p = np.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
      const w = num(t.weight) ?? 0;
      if (w <= 0 || w > 100) ctx.rep.invalid(S, p.child('weight'), w, 'must be in the range 1-100');
      validateNodeSelectorTerm(ctx, obj(t.preference) ?? {}, p.child('preference'), false);
    });
  }
  const pa = obj(a.podAffinity);
  if (pa) validatePodAffinity(ctx, pa, path.child('podAffinity'));
  const paa = obj(a.podAntiAffinity);
  if (paa) validatePodAffinity(ctx, paa, path.child('podAntiAffinity'));
}

export function validateTopologySpread(ctx: PodContext, constraints: unknown, path: FieldPath): void {
  const { rep } = ctx;
  const list = arr(constraints);
  list.forEach((c, i) => {
    if (!isObj(c)) return;
    const p = path.index(i);
    const maxSkew = num(c.maxSkew) ?? 0;
    if (maxSkew <= 0) rep.invalid(S, p.child('maxSkew'), maxSkew, 'must be greater than zero');
    const tk = str(c.topologyKey) ?? '';
    if (!tk) rep.required(S, p.child('topologyKey'), 'can not be empty');
    const wu = str(c.whenUnsatisfiable) ?? '';
    if (wu !== 'DoNotSchedule' && wu !== 'ScheduleAnyway') rep.unsupported(S, p.child('whenUnsatisfiable'), wu, ['DoNotSchedule', 'ScheduleAnyway']);
    for (let j = i + 1; j < list.length; j++) {
      const o = obj(list[j]);
      if (o && str(o.topologyKey) === tk && str(o.whenUnsatisfiable) === wu) {
        rep.duplicate(S, p, `{${tk}, ${wu}}`, 'two constraints with the same topologyKey and whenUnsatisfiable');
        break;
      }
    }
    if (has(c, 'minDomains')) {
      const md = num(c.minDomains) ?? 0;
      if (md <= 0) rep.invalid(S, p.child('minDomains'), md, 'must be greater than zero');
      if (wu !== 'DoNotSchedule') rep.invalid(S, p.child('minDomains'), md, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${wu}`);
    }
    for (const f of ['nodeAffinityPolicy', 'nodeTaintsPolicy']) {
      const v = str(c[f]);
      if (v !== undefined && v !== 'Honor' && v !== 'Ignore') rep.unsupported(S, p.child(f), v, ['Honor', 'Ignore']);
    }
    const keys = arr(c.matchLabelKeys).filter((k): k is string => typeof k === 'string');
    if (keys.length) {
      const sel = obj(c.labelSelector);
      if (!sel) rep.forbidden(S, p.child('matchLabelKeys'), 'must not be specified when labelSelector is not set');
      const selKeys = new Set<string>([...strMap(sel?.matchLabels).map(([k]) => k), ...arr(sel?.matchExpressions).map((e) => str(obj(e)?.key) ?? '')]);
      keys.forEach((k, j) => {
        labelName(ctx, k, p.child('matchLabelKeys').index(j));
        if (selKeys.has(k)) rep.invalid(S, p.child('matchLabelKeys').index(j), k, 'exists in both matchLabelKeys and labelSelector');
      });
    }
    validateLabelSelector(rep, S, c.labelSelector, p.child('labelSelector'));
  });
}

export function validateSchedulingFields(ctx: PodContext, spec: Obj, path: FieldPath): void {
  const { rep } = ctx;
  for (const [k, v] of strMap(spec.nodeSelector)) {
    labelName(ctx, k, path.child('nodeSelector').key(k));
    for (const m of isValidLabelValue(v)) rep.invalid(S, path.child('nodeSelector').key(k), v, m);
  }
  validateTolerations(ctx, spec.tolerations, path.child('tolerations'));
  validateAffinity(ctx, spec.affinity, path.child('affinity'));
  validateTopologySpread(ctx, spec.topologySpreadConstraints, path.child('topologySpreadConstraints'));
  const seen = new Set<string>();
  arr(spec.schedulingGates).forEach((g, i) => {
    if (!isObj(g)) return;
    const name = str(g.name) ?? '';
    for (const m of isQualifiedName(name)) rep.invalid(S, path.child('schedulingGates').index(i), name, m);
    if (seen.has(name)) rep.duplicate(S, path.child('schedulingGates').index(i), name);
    seen.add(name);
  });
  if (ctx.isPod && str(spec.nodeName) && seen.size) rep.forbidden(S, path.child('nodeName'), 'cannot be set until all schedulingGates have been cleared');
  const pcn = str(spec.priorityClassName);
  if (pcn) for (const m of isDNS1123Subdomain(pcn)) rep.invalid(S, path.child('priorityClassName'), pcn, m);
  const rcn = str(spec.runtimeClassName);
  if (rcn !== undefined && rcn !== null) for (const m of isDNS1123Subdomain(rcn)) rep.invalid(S, path.child('runtimeClassName'), rcn, m);
  const pp = str(spec.preemptionPolicy);
  if (pp !== undefined) {
    if (!pp) rep.required(S, path.child('preemptionPolicy'));
    else if (pp !== 'PreemptLowerPriority' && pp !== 'Never') rep.unsupported(S, path.child('preemptionPolicy'), pp, ['PreemptLowerPriority', 'Never']);
  }
}

export function validateDns(ctx: PodContext, spec: Obj, path: FieldPath): void {
  const { rep } = ctx;
  const policy = str(spec.dnsPolicy) ?? 'ClusterFirst';
  const policies = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
  if (!policies.includes(policy)) rep.unsupported(D, path.child('dnsPolicy'), policy, policies);
  const cfg = obj(spec.dnsConfig);
  const cp = path.child('dnsConfig');
  if (policy === 'None') {
    if (!cfg) rep.required(D, cp, 'must provide `dnsConfig` when `dnsPolicy` is None');
    else if (arr(cfg.nameservers).length === 0) rep.required(D, cp.child('nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None');
  }
  if (cfg) {
    const ns = arr(cfg.nameservers);
    if (ns.length > 3) rep.invalid(D, cp.child('nameservers'), ns, 'must not have more than 3 nameservers');
    ns.forEach((n, i) => {
      if (typeof n === 'string' && !parseIPSloppy(n)) rep.invalid(D, cp.child('nameservers').index(i), n, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)');
    });
    const searches = arr(cfg.searches).filter((s): s is string => typeof s === 'string');
    if (searches.length > 32) rep.invalid(D, cp.child('searches'), searches, 'must not have more than 32 search paths');
    if (searches.join(' ').length > 2048) rep.invalid(D, cp.child('searches'), searches, 'must not have more than 2048 characters (including spaces) in the search list');
    searches.forEach((s, i) => {
      // RelaxedDNSSearchValidation (1.33+) also allows "." and underscores.
      if (ctx.minor >= 33 && s === '.') return;
      const name = s.endsWith('.') ? s.slice(0, -1) : s;
      const errs = ctx.minor >= 33 ? isDNS1123Subdomain(name.replace(/_/g, 'a')) : isDNS1123Subdomain(name);
      for (const m of errs) rep.invalid(D, cp.child('searches').index(i), name, m);
    });
    arr(cfg.options).forEach((o, i) => {
      if (isObj(o) && !str(o.name)) rep.required(D, cp.child('options').index(i), 'must not be empty');
    });
  }
  for (const f of ['hostname', 'subdomain']) {
    const v = str(spec[f]);
    if (v) for (const m of isDNS1123Label(v)) rep.invalid(D, path.child(f), v, m);
  }
  arr(spec.hostAliases).forEach((h, i) => {
    if (!isObj(h)) return;
    const ip = str(h.ip) ?? '';
    if (!parseIPSloppy(ip)) rep.invalid(D, path.child('hostAliases').index(i).child('ip'), ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)');
    arr(h.hostnames).forEach((hn, j) => {
      if (typeof hn === 'string') for (const m of isDNS1123Subdomain(hn)) rep.invalid(D, path.child('hostAliases').index(i).child('hostnames').index(j), hn, m);
    });
  });
}
