/**
 * Checks a built-in Kubernetes object against one version's API table in a single pass: types, int32
 * ranges, required fields, enums, quantities, int-or-string, RFC 3339 times, base64 bytes, Go
 * durations, and (strict) unknown fields with a "did you mean". It follows what the API server's
 * decoder does with a manifest: `null` is the zero value anywhere; a number where a string is
 * declared, a string where a number is, or a bad quantity stops decoding (HTTP 400).
 *
 * Why not ajv here: the tables of eight versions would mean compiling (or shipping precompiled) a JSON
 * Schema per kind and version, and the strict unknown-field walk was a second pass over every object
 * anyway. One walk over the table does both, needs no compilation, and knows Go's decoding rules
 * (null, int32 overflow) that JSON Schema would need workarounds for. Types are compiled lazily, once
 * per version table, and shared by every object.
 */
import { suggestKey } from '../../../util/suggest.ts';
import { escapePointerSegment } from '../../../core/json-pointer.ts';
import { describeValue, fieldName, typeHint, TYPE_WORD, unknownFieldProblem, type SchemaProblem } from '../ajv-findings.ts';
import type { VersionTable } from './format.ts';

// Same grammar as apimachinery's resource.Quantity.
const QUANTITY = /^[+-]?(?:\d+|\d+\.\d+|\d+\.|\.\d+)(?:[KMGTPE]i|[YZEPTGMkhdcmunpfazy]|da|[eE][+-]?(?:\d+|\d+\.\d+|\d+\.|\.\d+))?$/;
// Go's time.RFC3339 (metav1.Time / MicroTime).
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;
// Go's encoding/base64 StdEncoding ([]byte fields); the decoder skips \r and \n.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// Go's time.ParseDuration (metav1.Duration).
const DURATION = /^[-+]?(?:0|(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

type Leaf = 's' | 'b' | 'i' | 'l' | 'n' | 'q' | 'o' | 't' | 'y' | 'd' | '*';

type TypeNode =
  | { kind: 'leaf'; leaf: Leaf; enumValues?: readonly string[]; enumSet?: ReadonlySet<string> }
  | { kind: 'list'; of: TypeNode }
  | { kind: 'map'; of: TypeNode }
  | { kind: 'model'; name: string; fields?: Map<string, FieldNode>; required?: string[]; names?: string[] };

interface FieldNode {
  type: TypeNode;
  required: boolean;
}

const LEAVES = new Set(['s', 'b', 'i', 'l', 'n', 'q', 'o', 't', 'y', 'd', '*']);

/** Compiled types of one version table, built on first use. */
export class TableChecker {
  private readonly types = new Map<string, TypeNode>();

  constructor(readonly table: VersionTable) {}

  /** The model name of a kind in this version, or undefined when the version does not serve it. */
  kindModel(key: string): string | undefined {
    return this.table.kinds[key];
  }

  private type(enc: string): TypeNode {
    let t = this.types.get(enc);
    if (t) return t;
    if (enc.startsWith('[]')) t = { kind: 'list', of: this.type(enc.slice(2)) };
    else if (enc.startsWith('{}')) t = { kind: 'map', of: this.type(enc.slice(2)) };
    else if (enc.startsWith('s|')) {
      const values = enc.slice(2).split('|');
      t = { kind: 'leaf', leaf: 's', enumValues: values, enumSet: new Set(values) };
    } else if (LEAVES.has(enc)) t = { kind: 'leaf', leaf: enc as Leaf };
    else if (this.table.models[enc]) t = { kind: 'model', name: enc };
    else t = { kind: 'leaf', leaf: '*' }; // unknown reference: accept rather than invent a failure
    this.types.set(enc, t);
    return t;
  }

  private fieldsOf(t: Extract<TypeNode, { kind: 'model' }>): Map<string, FieldNode> {
    if (t.fields) return t.fields;
    const fields = new Map<string, FieldNode>();
    const required: string[] = [];
    for (const [name, enc] of Object.entries(this.table.models[t.name] ?? {})) {
      const req = enc.startsWith('!');
      fields.set(name, { type: this.type(req ? enc.slice(1) : enc), required: req });
      if (req) required.push(name);
    }
    t.required = required;
    t.names = [...fields.keys()];
    t.fields = fields;
    return fields;
  }

  /**
   * The walk's position: the path segments from `base` down to the value being checked. Pointers are
   * built from it only when there is a problem to report; building one per field (string concatenation
   * plus escaping for every key of every object) was most of the walk's time and garbage.
   */
  private base = '';
  private readonly segs: Array<string | number> = [];

  /** Problems of `obj` (at `pointer` in its document) as an instance of `model`; `strict` adds unknown fields. */
  check(obj: unknown, model: string, strict: boolean, pointer = ''): SchemaProblem[] {
    const out: SchemaProblem[] = [];
    this.base = pointer;
    this.segs.length = 0;
    this.walk(obj, this.type(model), strict, out, false);
    return out;
  }

  /** The JSON pointer of the current position, plus `last` when given. */
  private pointer(last?: string): string {
    let p = this.base;
    for (const s of this.segs) p += `/${escapePointerSegment(s)}`;
    return last === undefined ? p : `${p}/${escapePointerSegment(last)}`;
  }

  private walk(value: unknown, t: TypeNode, strict: boolean, out: SchemaProblem[], required: boolean): void {
    if (value === null || value === undefined) return; // Go: null is the zero value
    const segs = this.segs;
    switch (t.kind) {
      case 'leaf':
        this.leaf(value, t, out, required);
        return;
      case 'list':
        if (!Array.isArray(value)) return void out.push(typeProblem(this.pointer(), 'array', value));
        for (let i = 0; i < value.length; i++) {
          const item = value[i];
          segs.push(i);
          // A null item decodes to the zero value: for an object, every required field is missing.
          this.walk(item === null && t.of.kind === 'model' ? {} : item, t.of, strict, out, false);
          segs.pop();
        }
        return;
      case 'map': {
        if (typeof value !== 'object' || Array.isArray(value)) return void out.push(typeProblem(this.pointer(), 'object', value));
        const obj = value as Record<string, unknown>;
        for (const k in obj) {
          segs.push(k);
          this.walk(obj[k], t.of, strict, out, false);
          segs.pop();
        }
        return;
      }
      case 'model': {
        if (typeof value !== 'object' || Array.isArray(value)) return void out.push(typeProblem(this.pointer(), 'object', value));
        const fields = this.fieldsOf(t);
        const obj = value as Record<string, unknown>;
        for (const name of t.required!) {
          if (obj[name] === undefined) {
            const pointer = this.pointer();
            out.push({ policyId: 'kube-schema/missing-required', severity: 'error', message: `missing required field \`${name}\` in ${fieldName(pointer)}`, jsonPointer: `${pointer}/${escapePointerSegment(name)}`, hint: `add \`${name}:\`` });
          }
        }
        for (const k in obj) {
          const f = fields.get(k);
          if (!f) {
            if (strict) out.push(unknownFieldProblem(this.pointer(k), k, t.names!));
            continue;
          }
          segs.push(k);
          this.walk(obj[k], f.type, strict, out, f.required);
          segs.pop();
        }
        return;
      }
    }
  }

  private leaf(value: unknown, t: Extract<TypeNode, { kind: 'leaf' }>, out: SchemaProblem[], required: boolean): void {
    switch (t.leaf) {
      case '*':
        return;
      case 's':
        if (typeof value !== 'string') return void out.push(typeProblem(this.pointer(), 'string', value));
        // "" is Go's zero value: an optional enum field left empty is defaulted, not rejected.
        if (t.enumSet && !t.enumSet.has(value) && (value !== '' || required)) out.push(enumProblem(this.pointer(), value, t.enumValues!));
        return;
      case 'b':
        if (typeof value !== 'boolean') out.push(typeProblem(this.pointer(), 'boolean', value));
        return;
      case 'i':
      case 'l':
        if (typeof value !== 'number' || !Number.isInteger(value)) return void out.push(typeProblem(this.pointer(), 'integer', value));
        if (t.leaf === 'i' && (value < INT32_MIN || value > INT32_MAX)) {
          const pointer = this.pointer();
          out.push({ policyId: 'kube-schema/invalid-type', severity: 'error', message: `${fieldName(pointer)} is ${value}, which does not fit a 32-bit integer (${INT32_MIN} to ${INT32_MAX})`, jsonPointer: pointer });
        }
        return;
      case 'n':
        if (typeof value !== 'number') out.push(typeProblem(this.pointer(), 'number', value));
        return;
      case 'q': {
        if ((typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && QUANTITY.test(value))) return;
        const pointer = this.pointer();
        out.push({
          policyId: 'kube-schema/invalid-quantity',
          severity: 'error',
          message: `${fieldName(pointer)} is ${describeValue(value)}, which is not a Kubernetes quantity`,
          jsonPointer: pointer,
          hint: 'use a number with an optional suffix, e.g. `500m` or `1` for CPU, `256Mi` or `1Gi` for memory',
        });
        return;
      }
      case 'o': {
        if (typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX)) return;
        const pointer = this.pointer();
        out.push({ policyId: 'kube-schema/int-or-string', severity: 'error', message: `${fieldName(pointer)} is ${describeValue(value)}; it must be an integer or a string (int-or-string)`, jsonPointer: pointer, hint: 'use a whole number (e.g. 8080) or a named port / percentage string (e.g. "http", "25%")' });
        return;
      }
      case 't':
        if (typeof value !== 'string') return void out.push(typeProblem(this.pointer(), 'string', value));
        if (!RFC3339.test(value)) out.push(formatProblem(this.pointer(), value, 'RFC 3339 time (e.g. 2024-01-31T12:00:00Z)'));
        return;
      case 'y':
        if (typeof value !== 'string') return void out.push(typeProblem(this.pointer(), 'string', value));
        if (!BASE64.test(value.replace(/[\r\n]/g, ''))) out.push({ ...formatProblem(this.pointer(), value, 'base64 value'), hint: 'encode the value with base64 (e.g. `printf %s value | base64`), or put plain text under stringData' });
        return;
      case 'd':
        if (typeof value !== 'string') return void out.push(typeProblem(this.pointer(), 'string', value));
        if (!DURATION.test(value)) out.push(formatProblem(this.pointer(), value, 'duration (e.g. 30s, 1h30m)'));
        return;
    }
  }
}

function typeProblem(pointer: string, expected: 'string' | 'boolean' | 'integer' | 'number' | 'object' | 'array', value: unknown): SchemaProblem {
  const hint = typeHint(expected, value);
  return { policyId: 'kube-schema/invalid-type', severity: 'error', message: `${fieldName(pointer)} must be ${TYPE_WORD[expected]}, but is ${describeValue(value)}`, jsonPointer: pointer, ...(hint ? { hint } : {}) };
}

function enumProblem(pointer: string, value: string, allowed: readonly string[]): SchemaProblem {
  const guess = suggestKey(value, allowed);
  return { policyId: 'kube-schema/invalid-enum', severity: 'error', message: `${fieldName(pointer)} is ${describeValue(value)}; allowed: ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, jsonPointer: pointer, ...(guess ? { hint: `did you mean \`${guess}\`?` } : {}) };
}

function formatProblem(pointer: string, value: unknown, what: string): SchemaProblem {
  return { policyId: 'kube-schema/invalid-format', severity: 'error', message: `${fieldName(pointer)} is ${describeValue(value)}, which is not a valid ${what}`, jsonPointer: pointer };
}
