/**
 * Container resource requirements (validateResourceRequirements): resource names, non-negative
 * quantities, integers for extended resources, requests ≤ limits (= for resources that cannot be
 * overcommitted), huge pages only with cpu or memory.
 */
import type { FieldPath } from './path.ts';
import { compareQuantity, hasFractionalUnits, isNegative, parseQuantity, type Quantity } from './quantity.ts';
import type { Reporter } from './report.ts';
import { containerResourceNameProblems, isHugePages, isIntegerResourceName, isOvercommitAllowed } from './resource-names.ts';
import type { ApiRuleId } from './rules.ts';
import { obj } from './values.ts';

/** ValidateResourceQuantityValue: non-negative, and whole for integer resources. */
export function validateResourceQuantity(rep: Reporter, rule: ApiRuleId, name: string, q: Quantity, path: FieldPath): void {
  if (isNegative(q)) rep.invalid(rule, path, q.text, 'must be greater than or equal to 0');
  if (isIntegerResourceName(name) && hasFractionalUnits(q)) rep.invalid(rule, path, q.text, 'must be an integer');
}

function quantities(v: unknown): Array<[string, Quantity]> {
  const o = obj(v);
  if (!o) return [];
  const out: Array<[string, Quantity]> = [];
  for (const k in o) {
    const q = parseQuantity(o[k]);
    if (q) out.push([k, q]);
  }
  return out;
}

/** The huge page size named by `hugepages-<size>`, in bytes, or undefined. */
function hugePageSize(name: string): Quantity | undefined {
  return parseQuantity(name.slice('hugepages-'.length));
}

/** A huge-pages quantity must be a whole multiple of its page size. */
function checkHugePageMultiple(rep: Reporter, rule: ApiRuleId, name: string, q: Quantity, p: FieldPath): void {
  const size = hugePageSize(name);
  const ok = size !== undefined && size.n > 0n && !hasFractionalUnits(size) && (q.n * size.d) % (size.n * q.d) === 0n;
  if (!ok) rep.invalid(rule, p, q.text, `${q.text} is not positive integer multiple of ${name}`);
}

export function validateResourceRequirements(rep: Reporter, resources: unknown, path: FieldPath, rule: ApiRuleId = 'api/pod/resources'): void {
  const r = obj(resources);
  if (!r) return;
  const limPath = path.child('limits');
  const reqPath = path.child('requests');
  const limits = new Map(quantities(r.limits));
  let cpuOrMemory = false;
  let hugePages = false;
  for (const [name, q] of limits) {
    const p = limPath.key(name);
    for (const m of containerResourceNameProblems(name)) rep.invalid(rule, p, name, m);
    validateResourceQuantity(rep, rule, name, q, p);
    if (isHugePages(name)) {
      hugePages = true;
      checkHugePageMultiple(rep, rule, name, q, p);
    }
    if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
  }
  for (const [name, q] of quantities(r.requests)) {
    const p = reqPath.key(name);
    for (const m of containerResourceNameProblems(name)) rep.invalid(rule, p, name, m);
    validateResourceQuantity(rep, rule, name, q, p);
    const limit = limits.get(name);
    if (limit) {
      const c = compareQuantity(q, limit);
      if (c !== 0 && !isOvercommitAllowed(name)) rep.invalid(rule, p, q.text, `must be equal to ${name} limit of ${limit.text}`);
      else if (c > 0) rep.invalid(rule, p, q.text, `must be less than or equal to ${name} limit of ${limit.text}`, `raise limits.${name} or lower requests.${name}`);
    } else if (!isOvercommitAllowed(name)) rep.required(rule, limPath, 'Limit must be set for non overcommitable resources');
    if (isHugePages(name)) {
      hugePages = true;
      checkHugePageMultiple(rep, rule, name, q, p);
    }
    if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
  }
  if (hugePages && !cpuOrMemory) rep.forbidden(rule, path, 'HugePages require cpu or memory');
}
