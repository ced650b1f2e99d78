/**
 * Helm's `--set` family (helm.sh/helm pkg/strvals), so that the values check sees exactly the values
 * helm renders with. Written here because no npm package implements helm's grammar; it follows the
 * upstream parser's behaviour, and test/validator/layered-values.test.ts compares it with real helm 4
 * and helm 3 (`toJson .Values`) on generated inputs.
 *
 *   name.sub=value,list[0]=a,list[1].x=b,arr={a,b}    keys split on `.` and `[n]`, pairs on `,`
 *   \ escapes the next character (`a\.b=1` sets the key "a.b")
 *   --set         value types: true/false/null (any case), 0, integers not starting with 0; else string
 *   --set-string  every value is a string
 *   --set-json    every value is JSON (an empty value is null)
 *   --set-file    every value is a path whose content (a string) is the value
 */

export type SetMode = 'set' | 'string' | 'json' | 'file';

/** helm's limits (strvals.MaxIndex, MaxNestedNameLevel). */
const MAX_INDEX = 65536;
const MAX_NESTED_NAME_LEVEL = 30;

export class StrvalsError extends Error {}

type Dict = Record<string, unknown>;

const isDict = (v: unknown): v is Dict => v !== null && typeof v === 'object' && !Array.isArray(v);

class Scanner {
  private i = 0;
  constructor(private readonly runes: string[]) {}
  read(): string | undefined {
    return this.i < this.runes.length ? this.runes[this.i++] : undefined;
  }
  unread(): void {
    this.i--;
  }
  rest(): string {
    return this.runes.slice(this.i).join('');
  }
  skip(n: number): void {
    this.i += n;
  }
}

const EOF = Symbol('eof');

/** Runes up to (not including) a stop rune, with `\` escaping; `last` is the stop rune or EOF. */
function runesUntil(sc: Scanner, stop: string): { value: string; last: string | typeof EOF } {
  let value = '';
  for (;;) {
    const r = sc.read();
    if (r === undefined) return { value, last: EOF };
    if (stop.includes(r)) return { value, last: r };
    if (r === '\\') {
      const next = sc.read();
      if (next === undefined) return { value, last: EOF };
      value += next;
    } else value += r;
  }
}

/** helm's typedVal: the scalar typing of plain `--set`. */
export function typedVal(text: string, asString: boolean): unknown {
  if (asString) return text;
  const lower = text.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (text === '0') return 0;
  // Go's strconv.ParseInt(s, 10, 64) for a value that does not start with "0".
  if (text.length && text[0] !== '0' && /^[+-]?[0-9]+$/.test(text)) {
    const n = BigInt(text);
    if (n >= -(2n ** 63n) && n < 2n ** 63n) return Number(n);
  }
  return text;
}

/** The length of the first JSON value in `text` (after leading whitespace), like Go's json.Decoder. */
function jsonPrefix(text: string): { value: unknown; length: number } {
  let i = 0;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  const start = i;
  if (i >= text.length) throw new StrvalsError('unexpected end of JSON input');
  const c = text[i]!;
  if (c === '{' || c === '[') {
    let depth = 0;
    let inString = false;
    for (; i < text.length; i++) {
      const ch = text[i]!;
      if (inString) {
        if (ch === '\\') i++;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) {
          i++;
          break;
        }
      }
    }
  } else if (c === '"') {
    for (i++; i < text.length; i++) {
      if (text[i] === '\\') i++;
      else if (text[i] === '"') {
        i++;
        break;
      }
    }
  } else {
    // a number, true, false or null: up to a delimiter
    while (i < text.length && !/[\s,{}[\]"]/.test(text[i]!)) i++;
  }
  const slice = text.slice(start, i);
  try {
    return { value: JSON.parse(slice) as unknown, length: i };
  } catch (err) {
    throw new StrvalsError(`invalid JSON value ${JSON.stringify(slice)}: ${(err as Error).message}`);
  }
}

function setKey(data: Dict, key: string, value: unknown): void {
  if (key.length === 0) return; // helm ignores an empty key
  data[key] = value;
}

function setIndex(list: unknown[], index: number, value: unknown): unknown[] {
  if (index < 0) throw new StrvalsError(`negative ${index} index not allowed`);
  if (index > MAX_INDEX) throw new StrvalsError(`index of ${index} is greater than maximum supported index of ${MAX_INDEX}`);
  const out = list.length <= index ? [...list, ...new Array<unknown>(index + 1 - list.length).fill(null)] : list;
  out[index] = value;
  return out;
}

class Parser {
  constructor(
    private readonly sc: Scanner,
    private readonly mode: SetMode,
    private readonly readFile: (path: string) => string,
  ) {}

  private value(text: string): unknown {
    if (this.mode === 'file') return this.readFile(text);
    return typedVal(text, this.mode === 'string');
  }

  parse(data: Dict): void {
    for (;;) {
      if (this.key(data, 0) === EOF) return;
    }
  }

  /** True when only spaces (then `,` or the end) follow: consumed. Otherwise nothing is consumed. */
  private emptyVal(): boolean {
    for (;;) {
      const r = this.sc.read();
      if (r === undefined || r === ',') return true;
      if (!/\s/.test(r)) {
        this.sc.unread();
        return false;
      }
    }
  }

  private jsonValue(): unknown {
    if (this.emptyVal()) return null;
    const { value, length } = jsonPrefix(this.sc.rest());
    this.sc.skip(length);
    this.emptyVal(); // blanks and the comma after the value
    return value;
  }

  /** `{a,b}` list syntax; undefined when the value is not a list (nothing consumed). */
  private valList(): unknown[] | undefined | typeof EOF {
    const r = this.sc.read();
    if (r === undefined) return EOF;
    if (r !== '{') {
      this.sc.unread();
      return undefined;
    }
    const list: unknown[] = [];
    for (;;) {
      const { value, last } = runesUntil(this.sc, ',}');
      if (last === EOF) throw new StrvalsError("list must terminate with '}'");
      list.push(this.value(value));
      if (last === '}') {
        const next = this.sc.read();
        if (next !== undefined && next !== ',') this.sc.unread();
        return list;
      }
    }
  }

  private scalarOrList(): unknown {
    const list = this.valList();
    if (list === EOF) return '';
    if (list !== undefined) return list;
    return this.value(runesUntil(this.sc, ',').value);
  }

  private keyIndex(): number {
    const { value, last } = runesUntil(this.sc, ']');
    if (last === EOF) throw new StrvalsError('error parsing index: unexpected end');
    if (!/^[+-]?\d+$/.test(value)) throw new StrvalsError(`error parsing index: strconv.Atoi: parsing ${JSON.stringify(value)}: invalid syntax`);
    return Number(value);
  }

  /** One `key…=value`; EOF when the input is used up. */
  private key(data: Dict, level: number): void | typeof EOF {
    const { value: k, last } = runesUntil(this.sc, '=[,.');
    if (last === EOF) {
      if (k.length === 0) return EOF;
      throw new StrvalsError(`key ${JSON.stringify(k)} has no value`);
    }
    if (last === '[') {
      const i = this.keyIndex();
      const existing = data[k];
      if (existing !== undefined && !Array.isArray(existing)) throw new StrvalsError(`unable to parse key: ${k} is not a list`);
      const [list, eof] = this.listItem((existing as unknown[] | undefined) ?? [], i, level);
      setKey(data, k, list);
      return eof ? EOF : undefined;
    }
    if (last === '=') {
      if (this.mode === 'json') {
        setKey(data, k, this.jsonValue());
        return;
      }
      const list = this.valList();
      if (list === EOF) {
        setKey(data, k, '');
        return EOF;
      }
      if (list !== undefined) {
        setKey(data, k, list);
        return;
      }
      setKey(data, k, this.value(runesUntil(this.sc, ',').value));
      return;
    }
    if (last === ',') {
      throw new StrvalsError(`key ${JSON.stringify(k)} has no value (cannot end with ,)`);
    }
    // last === '.'
    if (level + 1 > MAX_NESTED_NAME_LEVEL) throw new StrvalsError(`value name nested level is greater than maximum supported nested level of ${MAX_NESTED_NAME_LEVEL}`);
    const existing = data[k];
    if (existing !== undefined && !isDict(existing)) throw new StrvalsError(`unable to parse key: ${k} is not a map`);
    const inner: Dict = (existing as Dict | undefined) ?? {};
    const r = this.key(inner, level + 1);
    if (r !== EOF && Object.keys(inner).length === 0) throw new StrvalsError(`key map ${JSON.stringify(k)} has no value`);
    if (Object.keys(inner).length) setKey(data, k, inner);
    return r;
  }

  /**
   * The value after `[i]`. Returns the list and whether the input ended early: helm then keeps the
   * list as it was (`a[0]` alone sets `a` to `[]`; `a[0].b=` at the very end does not set `a[0]`).
   */
  private listItem(list: unknown[], i: number, level: number): [unknown[], boolean] {
    if (i < 0) throw new StrvalsError(`negative ${i} index not allowed`);
    const { value: k, last } = runesUntil(this.sc, '[.=');
    if (k.length > 0) throw new StrvalsError(`unexpected data at end of array index: ${JSON.stringify(k)}`);
    if (last === EOF) return [list, true];
    if (last === '=') {
      if (this.mode === 'json') return [setIndex(list, i, this.jsonValue()), false];
      return [setIndex(list, i, this.scalarOrList()), false];
    }
    if (last === '[') {
      const next = this.keyIndex();
      const existing = list.length > i ? list[i] : undefined;
      if (existing !== undefined && existing !== null && !Array.isArray(existing)) throw new StrvalsError(`unable to parse key: element ${i} is not a list`);
      const [inner, eof] = this.listItem((existing as unknown[] | null | undefined) ?? [], next, level);
      return eof ? [list, true] : [setIndex(list, i, inner), false];
    }
    // last === '.': an object in the list
    let inner: Dict = {};
    if (list.length > i) {
      const existing = list[i];
      if (isDict(existing)) inner = existing;
      else list[i] = inner; // indices out of order: helm starts an empty map there
    }
    if (this.key(inner, level) === EOF) return [list, true];
    return [setIndex(list, i, inner), false];
  }
}

/**
 * Applies one `--set`-style argument to `dest` (in place), as helm does. `readFile` serves
 * `--set-file` (and must return the file's text).
 */
export function applySet(dest: Dict, arg: string, mode: SetMode, readFile: (path: string) => string = () => ''): void {
  new Parser(new Scanner([...arg]), mode, readFile).parse(dest);
}

/** helm's mergeMaps for `-f` files: maps merge key by key, anything else is replaced by the later file. */
export function mergeValues(base: Dict, overlay: Dict): Dict {
  const out: Dict = { ...base };
  for (const [k, v] of Object.entries(overlay)) {
    const prev = out[k];
    out[k] = isDict(v) && isDict(prev) ? mergeValues(prev, v) : v;
  }
  return out;
}
