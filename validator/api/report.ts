/**
 * The API-validation stage's issue collector. Its helpers mirror the error kinds of the API server
 * (apimachinery `field.Invalid`, `Required`, `Forbidden`, `NotSupported`, `Duplicate`, `NotFound`,
 * `TooLong`, `TooMany`), so every message reads like the server's own, e.g.
 * `spec.replicas: Invalid value: -1: must be greater than or equal to 0`.
 */
import type { Severity } from '../../core/types.ts';
import type { FieldPath } from './path.ts';
import type { ApiRuleId } from './rules.ts';

export interface ApiIssue {
  ruleId: ApiRuleId;
  severity: Severity;
  pointer: string;
  message: string;
  hint?: string;
}

/** A value as the server prints it: strings quoted, numbers and booleans bare, the rest as compact JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 120 ? `${value.slice(0, 117)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}

export class Reporter {
  readonly issues: ApiIssue[] = [];
  /** Appended to every error message (e.g. why a StatefulSet template fault only shows later). */
  private suffix = '';

  /** Kubernetes minor version the rules are for (e.g. 32 for 1.32). */
  constructor(readonly minor: number) {}

  /** Runs `fn` with `note` appended to the errors it reports. */
  withNote(note: string, fn: () => void): void {
    const prev = this.suffix;
    this.suffix = note;
    try {
      fn();
    } finally {
      this.suffix = prev;
    }
  }

  private push(ruleId: ApiRuleId, severity: Severity, path: FieldPath, message: string, hint?: string): void {
    this.issues.push({ ruleId, severity, pointer: path.pointer, message: severity === 'error' ? `${message}${this.suffix}` : message, ...(hint ? { hint } : {}) });
  }

  invalid(ruleId: ApiRuleId, path: FieldPath, value: unknown, detail: string, hint?: string): void {
    this.push(ruleId, 'error', path, `${path}: Invalid value: ${formatValue(value)}: ${detail}`, hint);
  }

  required(ruleId: ApiRuleId, path: FieldPath, detail = '', hint?: string): void {
    this.push(ruleId, 'error', path, `${path}: Required value${detail ? `: ${detail}` : ''}`, hint);
  }

  forbidden(ruleId: ApiRuleId, path: FieldPath, detail: string, hint?: string): void {
    this.push(ruleId, 'error', path, `${path}: Forbidden: ${detail}`, hint);
  }

  unsupported(ruleId: ApiRuleId, path: FieldPath, value: unknown, supported: readonly string[], hint?: string): void {
    this.push(ruleId, 'error', path, `${path}: Unsupported value: ${formatValue(value)}: supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`, hint);
  }

  duplicate(ruleId: ApiRuleId, path: FieldPath, value: unknown, hint?: string): void {
    this.push(ruleId, 'error', path, `${path}: Duplicate value: ${formatValue(value)}`, hint);
  }

  notFound(ruleId: ApiRuleId, path: FieldPath, value: unknown, hint?: string): void {
    this.push(ruleId, 'error', path, `${path}: Not found: ${formatValue(value)}`, hint);
  }

  tooLong(ruleId: ApiRuleId, path: FieldPath, max: number, unit: 'bytes' | 'characters', hint?: string): void {
    this.push(ruleId, 'error', path, `${path}: Too long: may not be more than ${max} ${unit}`, hint);
  }

  tooMany(ruleId: ApiRuleId, path: FieldPath, actual: number, max: number, hint?: string): void {
    this.push(ruleId, 'error', path, `${path}: Too many: ${actual}: must have at most ${max} items`, hint);
  }

  /** A server warning: the object is admitted, but the server says this (the text is the server's). */
  warn(ruleId: ApiRuleId, path: FieldPath, text: string, hint?: string): void {
    this.push(ruleId, 'warning', path, text, hint);
  }

  /** Re-reports another reporter's issue under `ruleId`, as an error with `note` appended (controller follow-ups). */
  adopt(ruleId: ApiRuleId, issue: ApiIssue, note: string): void {
    this.issues.push({ ruleId, severity: 'error', pointer: issue.pointer, message: `${issue.message}${note}`, ...(issue.hint ? { hint: issue.hint } : {}) });
  }

  /** An error in free wording (controller follow-ups, where there is no server message to mirror). */
  error(ruleId: ApiRuleId, path: FieldPath, text: string, hint?: string): void {
    this.push(ruleId, 'error', path, text, hint);
  }
}
