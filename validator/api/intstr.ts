/** Int-or-percent fields (maxSurge, maxUnavailable, minAvailable) as apps/validation reads them. */
import { isValidPercent } from './formats.ts';
import type { FieldPath } from './path.ts';
import type { Reporter } from './report.ts';
import type { ApiRuleId } from './rules.ts';

/** ValidatePositiveIntOrPercent: a valid percentage string, or a non-negative integer. */
export function validateIntOrPercent(rep: Reporter, rule: ApiRuleId, v: unknown, path: FieldPath): void {
  if (typeof v === 'string') for (const m of isValidPercent(v)) rep.invalid(rule, path, v, m, 'use a whole number, or a percentage such as "25%"');
  else if (typeof v === 'number' && v < 0) rep.invalid(rule, path, v, 'must be greater than or equal to 0');
}

/** getIntOrPercentValue: the percentage number, or the integer (a non-numeric string counts as 0). */
export function intOrPercentValue(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (/^[0-9]+%$/.test(v)) return Number(v.slice(0, -1));
    return /^[+-]?[0-9]+$/.test(v) ? Number(v) : 0;
  }
  return 0;
}

export function validateNotMoreThan100Percent(rep: Reporter, rule: ApiRuleId, v: unknown, path: FieldPath): void {
  if (typeof v === 'string' && /^[0-9]+%$/.test(v) && Number(v.slice(0, -1)) > 100) rep.invalid(rule, path, v, 'must not be greater than 100%');
}
