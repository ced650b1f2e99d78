/**
 * Go RE2 regular expressions (CRD `pattern`s, CEL `matches()`) → JavaScript, with the same meaning.
 *
 * The API server checks CRD patterns with Go's `regexp` (RE2, Perl flavour), and JavaScript rejects
 * or misreads a good part of that syntax: inline flags `(?i)` / `(?i:…)` / `(?U)`, `\A`, `\z`,
 * POSIX classes `[[:alpha:]]`, `\Q…\E`, `(?P<name>…)`, `\pL`, escaped punctuation that `u`-mode
 * JavaScript refuses (`\-`, `\:`), a lone `{`, octal escapes. It also differs silently: RE2's `.`
 * matches `\r` and U+2028, JS's does not; RE2's `\s` is ASCII-only, JS's is Unicode.
 *
 * Why hand-written: no npm package translates RE2 syntax to JavaScript (RE2 engines exist — the
 * native `re2` needs a compiler, the WASM/JS ports run patterns 10–50× slower than V8's engine and
 * would have to be threaded through ajv's generated code). The translation parses the pattern into
 * tokens and re-emits each one in `u`-mode JavaScript with *no flags*: case-insensitivity, dot-all,
 * multi-line and ungreedy scopes are expanded in place (`(?i)ab` → `[aA][bB]`), so the result is a
 * plain pattern string that ajv's `pattern` keyword (always `u`, no flags) and `new RegExp(s, 'u')`
 * both accept. Anything that is not valid RE2 (look-arounds, back-references, `\Z`, repeat counts
 * over 1000) or has no exact JavaScript equivalent (`\C`, case-folded Unicode classes) is reported
 * with the reason instead of guessed at.
 */

export type Re2Result = { ok: true; source: string } | { ok: false; reason: string };

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  U: boolean;
}

class Re2Error extends Error {}

const MAX_REPEAT = 1000;

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

// Perl classes, RE2 meaning (ASCII only).
const PERL: Record<string, string> = { d: '0-9', s: '\\t\\n\\f\\r ', w: '0-9A-Za-z_' };

// RE2's Unicode general categories and scripts; JS wants `Script=` before a script name.
const CATEGORIES = new Set(['C', 'Cc', 'Cf', 'Co', 'Cs', 'L', 'Ll', 'Lm', 'Lo', 'Lt', 'Lu', 'M', 'Mc', 'Me', 'Mn', 'N', 'Nd', 'Nl', 'No', 'P', 'Pc', 'Pd', 'Pe', 'Pf', 'Pi', 'Po', 'Ps', 'S', 'Sc', 'Sk', 'Sm', 'So', 'Z', 'Zl', 'Zp', 'Zs']);

/** Characters that must be escaped to stand for themselves outside a class in `u` mode. */
const SYNTAX = new Set([...'^$\\.*+?()[]{}|/']);

function hex(cp: number): string {
  return cp <= 0xffff ? `\\u${cp.toString(16).padStart(4, '0')}` : `\\u{${cp.toString(16)}}`;
}

/** A code point as it may appear literally outside a class. */
function literal(cp: number): string {
  const ch = String.fromCodePoint(cp);
  if (SYNTAX.has(ch)) return `\\${ch}`;
  if (cp < 0x20 || cp === 0x7f || (cp >= 0x2028 && cp <= 0x2029) || (cp >= 0xd800 && cp <= 0xdfff)) return hex(cp);
  return ch;
}

/** A code point as it may appear inside a class. */
function classChar(cp: number): string {
  const ch = String.fromCodePoint(cp);
  if (ch === '\\' || ch === ']' || ch === '[' || ch === '-' || ch === '^') return `\\${ch}`;
  if (cp < 0x20 || cp === 0x7f || (cp >= 0x2028 && cp <= 0x2029) || (cp >= 0xd800 && cp <= 0xdfff)) return hex(cp);
  return ch;
}

/** Simple case folding orbit of a code point (what RE2's (?i) matches it with). */
function foldOrbit(cp: number): number[] {
  // The two ASCII letters whose orbit leaves ASCII (Go's unicode.SimpleFold).
  if (cp === 0x6b || cp === 0x4b || cp === 0x212a) return [0x4b, 0x6b, 0x212a];
  if (cp === 0x73 || cp === 0x53 || cp === 0x17f) return [0x53, 0x73, 0x17f];
  const ch = String.fromCodePoint(cp);
  const out = new Set<number>([cp]);
  for (const v of [ch.toLowerCase(), ch.toUpperCase()]) if ([...v].length === 1) out.add(v.codePointAt(0)!);
  return [...out].sort((a, b) => a - b);
}

type ClassItem = { kind: 'range'; lo: number; hi: number } | { kind: 'raw'; text: string; folds: boolean };

class Parser {
  private pos = 0;
  private readonly cps: number[];
  constructor(pattern: string) {
    this.cps = [...pattern].map((c) => c.codePointAt(0)!);
  }

  private peek(offset = 0): number | undefined {
    return this.cps[this.pos + offset];
  }

  private peekChar(offset = 0): string {
    const cp = this.peek(offset);
    return cp === undefined ? '' : String.fromCodePoint(cp);
  }

  private lookingAt(s: string): boolean {
    const want = [...s];
    for (let i = 0; i < want.length; i++) if (this.peekChar(i) !== want[i]) return false;
    return true;
  }

  private fail(msg: string): never {
    throw new Re2Error(`${msg} at offset ${this.pos}`);
  }

  parse(): string {
    const out = this.alternation({ i: false, m: false, s: false, U: false }, 0);
    if (this.pos < this.cps.length) this.fail('unexpected `)`');
    return out;
  }

  /** alternation := concat ('|' concat)*; stops before `)` or at the end. Flags set by `(?i)` last to the group's end. */
  private alternation(outer: Flags, depth: number): string {
    if (depth > 200) this.fail('nesting too deep');
    const flags = { ...outer };
    const branches: string[] = [];
    let cur = '';
    for (;;) {
      const ch = this.peekChar();
      if (ch === '' || ch === ')') break;
      if (ch === '|') {
        this.pos++;
        branches.push(cur);
        cur = '';
        continue;
      }
      const atom = this.atom(flags, depth);
      if (atom === null) continue; // a flag group like (?i): changed `flags`, emits nothing
      cur += this.repeat(atom, flags);
    }
    branches.push(cur);
    return branches.join('|');
  }

  /** One atom, or null for a bare flag group. */
  private atom(flags: Flags, depth: number): { text: string; repeatable: boolean } | null {
    const ch = this.peekChar();
    switch (ch) {
      case '(':
        return this.group(flags, depth);
      case '[':
        return { text: this.charClass(flags), repeatable: true };
      case '.':
        this.pos++;
        return { text: flags.s ? '[^]' : '[^\\n]', repeatable: true };
      case '^':
        this.pos++;
        return { text: flags.m ? '(?:^|(?<=\\n))' : '^', repeatable: false };
      case '$':
        this.pos++;
        return { text: flags.m ? '(?:$|(?=\\n))' : '$', repeatable: false };
      case '\\':
        return this.escape(flags);
      case '*':
      case '+':
      case '?':
        this.fail(`missing argument to repetition operator \`${ch}\``);
      // falls through (fail throws)
      default: {
        // `{` that does not start a valid repeat, and a stray `]` or `}`, are literals in RE2.
        if (ch === '{' && this.repeatBounds() !== undefined) this.fail('missing argument to repetition operator `{`');
        const cp = this.peek()!;
        this.pos++;
        return { text: this.literalFolded(cp, flags), repeatable: true };
      }
    }
  }

  private literalFolded(cp: number, flags: Flags): string {
    if (!flags.i) return literal(cp);
    const orbit = foldOrbit(cp);
    return orbit.length > 1 ? `[${orbit.map(classChar).join('')}]` : literal(cp);
  }

  private group(flags: Flags, depth: number): { text: string; repeatable: boolean } | null {
    this.pos++; // (
    let open = '(';
    const inner = { ...flags };
    if (this.peekChar() === '?') {
      if (this.lookingAt('?P<') || (this.lookingAt('?<') && !this.lookingAt('?<=') && !this.lookingAt('?<!'))) {
        this.pos += this.lookingAt('?P<') ? 3 : 2;
        let name = '';
        while (this.peekChar() !== '>') {
          if (this.peekChar() === '') this.fail('unterminated group name');
          name += this.peekChar();
          this.pos++;
        }
        this.pos++;
        if (!/^[A-Za-z0-9_]+$/.test(name)) this.fail(`invalid named capture \`${name}\``);
        // Names only matter for extraction; a name JS would refuse (leading digit) becomes a plain group.
        open = /^[A-Za-z_]/.test(name) ? `(?<${name}>` : '(';
      } else if (this.lookingAt('?=') || this.lookingAt('?!') || this.lookingAt('?<=') || this.lookingAt('?<!')) {
        this.fail('look-around assertions are not RE2');
      } else {
        // Flags: (?flags) or (?flags:re)
        this.pos++;
        let negate = false;
        let any = false;
        for (;;) {
          const c = this.peekChar();
          if (c === 'i' || c === 'm' || c === 's' || c === 'U') {
            inner[c] = !negate;
            any = true;
            this.pos++;
          } else if (c === '-') {
            if (negate) this.fail('invalid flag group');
            negate = true;
            this.pos++;
          } else if (c === ')' || c === ':') {
            if (!any && negate) this.fail('invalid flag group');
            break;
          } else this.fail(`invalid or unsupported flag \`${c || 'end of pattern'}\``);
        }
        if (this.peekChar() === ')') {
          this.pos++;
          Object.assign(flags, inner); // applies to the rest of the enclosing group
          return null;
        }
        this.pos++; // ':'
        open = '(?:';
      }
    }
    const body = this.alternation(inner, depth + 1);
    if (this.peekChar() !== ')') this.fail('missing closing `)`');
    this.pos++;
    return { text: `${open}${body})`, repeatable: true };
  }

  /** `{n}`, `{n,}`, `{n,m}` at the current position, without consuming; undefined if not a repeat. */
  private repeatBounds(): { min: number; max: number | undefined; length: number } | undefined {
    let i = 1;
    let digits = '';
    while (/[0-9]/.test(this.peekChar(i))) digits += this.peekChar(i++);
    if (!digits) return undefined;
    let max: number | undefined = Number(digits);
    if (this.peekChar(i) === ',') {
      i++;
      let d2 = '';
      while (/[0-9]/.test(this.peekChar(i))) d2 += this.peekChar(i++);
      max = d2 ? Number(d2) : undefined;
    }
    if (this.peekChar(i) !== '}') return undefined;
    return { min: Number(digits), max, length: i + 1 };
  }

  private repeat(atom: { text: string; repeatable: boolean }, flags: Flags): string {
    let text = atom.text;
    let repeated = false;
    for (;;) {
      const ch = this.peekChar();
      let op: string;
      if (ch === '*' || ch === '+' || ch === '?') {
        op = ch;
        this.pos++;
      } else if (ch === '{') {
        const b = this.repeatBounds();
        if (!b) break;
        if (b.min > MAX_REPEAT || (b.max ?? 0) > MAX_REPEAT) this.fail(`repeat count over ${MAX_REPEAT}`);
        if (b.max !== undefined && b.max < b.min) this.fail('invalid repeat count');
        op = b.max === b.min ? `{${b.min}}` : `{${b.min},${b.max ?? ''}}`;
        this.pos += b.length;
      } else break;
      if (repeated) this.fail('invalid nested repetition operator');
      if (!atom.repeatable) {
        // RE2 allows `^*`, and it means the empty-width assertion repeated: same as the assertion
        // (or nothing, for a zero minimum). Wrap it so JS accepts the quantifier.
        text = `(?:${text})`;
      }
      let lazy = false;
      if (this.peekChar() === '?') {
        lazy = true;
        this.pos++;
      }
      if (flags.U) lazy = !lazy;
      text = `${text}${op}${lazy ? '?' : ''}`;
      repeated = true; // RE2 rejects a second operator (`a**`, `a*??`, `a{2}{3}`): the next turn fails
    }
    return text;
  }

  private escape(flags: Flags): { text: string; repeatable: boolean } | null {
    this.pos++; // backslash
    const c = this.peekChar();
    if (c === '') this.fail('trailing backslash');
    this.pos++;
    switch (c) {
      case 'A':
        return { text: '^', repeatable: false };
      case 'z':
        return { text: '$', repeatable: false };
      case 'b':
        return { text: '\\b', repeatable: false };
      case 'B':
        return { text: '\\B', repeatable: false };
      case 'd':
      case 's':
      case 'w':
        return { text: `[${PERL[c]}]`, repeatable: true };
      case 'D':
      case 'S':
      case 'W':
        return { text: `[^${PERL[c.toLowerCase()]}]`, repeatable: true };
      case 'p':
      case 'P': {
        const cls = this.unicodeClass(c === 'P');
        if (flags.i) this.fail('case-folded Unicode classes have no exact JavaScript equivalent');
        return { text: cls, repeatable: true };
      }
      case 'Q': {
        // \Q...\E: everything literal (RE2 allows a missing \E).
        let out = '';
        while (this.pos < this.cps.length && !this.lookingAt('\\E')) {
          const cp = this.peek()!;
          this.pos++;
          out += this.literalFolded(cp, flags);
        }
        if (this.lookingAt('\\E')) this.pos += 2;
        return out ? { text: `(?:${out})`, repeatable: true } : null;
      }
      case 'E':
        return null; // a stray \E is ignored by RE2
      case 'C':
        this.fail('`\\C` (any byte) is not supported by Go regexp');
      // falls through (fail throws)
      case 'Z':
        this.fail('`\\Z` is not RE2 (use `\\z`)');
      // falls through (fail throws)
      default: {
        this.pos--;
        const cp = this.escapedCodePoint();
        return { text: this.literalFolded(cp, flags), repeatable: true };
      }
    }
  }

  /** The code point of an escape that stands for one character (after the backslash). */
  private escapedCodePoint(): number {
    const c = this.peekChar();
    this.pos++;
    switch (c) {
      case 'a':
        return 7;
      case 'f':
        return 12;
      case 't':
        return 9;
      case 'n':
        return 10;
      case 'r':
        return 13;
      case 'v':
        return 11;
      case 'x': {
        if (this.peekChar() === '{') {
          this.pos++;
          let h = '';
          while (this.peekChar() !== '}') {
            if (!/[0-9A-Fa-f]/.test(this.peekChar())) this.fail('invalid escape `\\x{`');
            h += this.peekChar();
            this.pos++;
          }
          this.pos++;
          const cp = parseInt(h, 16);
          if (!h || cp > 0x10ffff) this.fail('invalid escape `\\x{}`');
          return cp;
        }
        const h = this.peekChar() + this.peekChar(1);
        if (!/^[0-9A-Fa-f]{2}$/.test(h)) this.fail('invalid escape `\\x`');
        this.pos += 2;
        return parseInt(h, 16);
      }
      default:
        if (/[0-7]/.test(c)) {
          // RE2: \0 or octal \1-\7 followed by up to two more octal digits (only when a digit follows for \1-\7).
          if (c !== '0' && !/[0-7]/.test(this.peekChar())) this.fail('back-references are not RE2');
          let o = c;
          while (o.length < 3 && /[0-7]/.test(this.peekChar())) o += this.peekChar(), this.pos++;
          return parseInt(o, 8);
        }
        if (/[8-9]/.test(c)) this.fail('back-references are not RE2');
        // Any ASCII character but a letter or digit may be escaped in RE2 and stands for itself.
        if (c && c.codePointAt(0)! < 0x80 && !/[0-9A-Za-z]/.test(c)) return c.codePointAt(0)!;
        this.fail(`invalid escape \`\\${c}\``);
    }
  }

  /** `\pL`, `\p{Greek}`, `\p{^L}` (after `\p`/`\P`) → JS `\p{…}`. */
  private unicodeClass(negated: boolean): string {
    let name: string;
    if (this.peekChar() === '{') {
      this.pos++;
      name = '';
      while (this.peekChar() !== '}') {
        if (this.peekChar() === '') this.fail('unterminated `\\p{`');
        name += this.peekChar();
        this.pos++;
      }
      this.pos++;
    } else {
      name = this.peekChar();
      this.pos++;
    }
    if (name.startsWith('^')) {
      negated = !negated;
      name = name.slice(1);
    }
    if (name === 'Any') return negated ? '[^\\s\\S]' : '[\\s\\S]';
    if (!/^[A-Za-z_]+$/.test(name)) this.fail(`invalid Unicode class \`${name}\``);
    const prop = CATEGORIES.has(name) ? name : `Script=${name}`;
    try {
      new RegExp(`\\p{${prop}}`, 'u');
    } catch {
      this.fail(`Unicode class \`${name}\` is unknown to JavaScript`);
    }
    return `\\${negated ? 'P' : 'p'}{${prop}}`;
  }

  /** `[...]` → a JS class (case-folded under (?i)). */
  private charClass(flags: Flags): string {
    this.pos++; // [
    let negated = false;
    if (this.peekChar() === '^') {
      negated = true;
      this.pos++;
    }
    const items: ClassItem[] = [];
    let first = true;
    for (;;) {
      const ch = this.peekChar();
      if (ch === '') this.fail('missing closing `]`');
      if (ch === ']' && !first) {
        this.pos++;
        break;
      }
      first = false;
      if (this.lookingAt('[:')) {
        const end = this.cps.indexOf(':'.codePointAt(0)!, this.pos + 2);
        const name = end > 0 && this.peekChar(end - this.pos + 1) === ']' ? String.fromCodePoint(...this.cps.slice(this.pos + 2, end)) : undefined;
        if (name !== undefined) {
          const neg = name.startsWith('^');
          const body = POSIX[neg ? name.slice(1) : name];
          if (body === undefined) this.fail(`invalid POSIX class \`[:${name}:]\``);
          this.pos = end + 2;
          if (neg) items.push({ kind: 'raw', text: this.negatedAscii(body), folds: false });
          else items.push(...this.rangesOf(body));
          continue;
        }
      }
      let lo: ClassItem | number;
      if (ch === '\\') {
        lo = this.classEscape(flags);
      } else {
        lo = this.peek()!;
        this.pos++;
      }
      if (typeof lo === 'number' && this.peekChar() === '-' && this.peekChar(1) !== ']' && this.peekChar(1) !== '') {
        this.pos++;
        let hi: ClassItem | number;
        if (this.peekChar() === '\\') hi = this.classEscape(flags);
        else {
          hi = this.peek()!;
          this.pos++;
        }
        if (typeof hi !== 'number') this.fail('invalid character class range');
        if (hi < lo) this.fail('invalid character class range');
        items.push({ kind: 'range', lo, hi });
      } else if (typeof lo === 'number') items.push({ kind: 'range', lo, hi: lo });
      else items.push(lo);
    }
    let parts = items;
    if (flags.i) {
      if (items.some((it) => it.kind === 'raw' && it.folds)) this.fail('case-folded Unicode classes have no exact JavaScript equivalent');
      parts = foldRanges(items);
    }
    const body = parts.map((it) => (it.kind === 'raw' ? it.text : it.lo === it.hi ? classChar(it.lo) : `${classChar(it.lo)}-${classChar(it.hi)}`)).join('');
    if (!body) return negated ? '[^]' : '[]';
    return `[${negated ? '^' : ''}${body}]`;
  }

  /** `[^…]` of an ASCII set, as a nested-free class body (JS cannot nest classes without the v flag). */
  private negatedAscii(body: string): string {
    const re = new RegExp(`[${body}]`, 'u');
    const ranges: string[] = [];
    let start = -1;
    for (let cp = 0; cp <= 0x80; cp++) {
      const inSet = cp < 0x80 && re.test(String.fromCodePoint(cp));
      if (!inSet && cp < 0x80 && start < 0) start = cp;
      if ((inSet || cp === 0x80) && start >= 0) {
        ranges.push(`${classChar(start)}-${classChar(cp - 1)}`);
        start = -1;
      }
    }
    return `${ranges.join('')}\\u0080-\\u{10ffff}`;
  }

  /** Class body text of POSIX / Perl sets → range items (so (?i) folding can apply). */
  private rangesOf(body: string): ClassItem[] {
    const re = new RegExp(`[${body}]`, 'u');
    const out: ClassItem[] = [];
    let start = -1;
    for (let cp = 0; cp <= 0x80; cp++) {
      const inSet = cp < 0x80 && re.test(String.fromCodePoint(cp));
      if (inSet && start < 0) start = cp;
      if (!inSet && start >= 0) {
        out.push({ kind: 'range', lo: start, hi: cp - 1 });
        start = -1;
      }
    }
    return out;
  }

  /** An escape inside a class: a code point, or a class item (`\d`, `\pL`). */
  private classEscape(_flags: Flags): ClassItem | number {
    this.pos++; // backslash
    const c = this.peekChar();
    if (c === 'd' || c === 's' || c === 'w') {
      this.pos++;
      const items = this.rangesOf(PERL[c]!);
      return items.length === 1 ? items[0]! : { kind: 'raw', text: PERL[c]!, folds: false };
    }
    if (c === 'D' || c === 'S' || c === 'W') {
      this.pos++;
      return { kind: 'raw', text: this.negatedAscii(PERL[c.toLowerCase()]!), folds: false };
    }
    if (c === 'p' || c === 'P') {
      this.pos++;
      return { kind: 'raw', text: this.unicodeClass(c === 'P'), folds: true };
    }
    if (c === 'Q' || c === 'E' || c === 'A' || c === 'z' || c === 'b' || c === 'B' || c === 'C') this.fail(`\`\\${c}\` is not allowed in a character class`);
    return this.escapedCodePoint();
  }
}

/** Adds the case-fold orbit of every letter in the ranges (large non-ASCII ranges fold by blocks). */
function foldRanges(items: ClassItem[]): ClassItem[] {
  const out: ClassItem[] = [...items];
  for (const it of items) {
    if (it.kind !== 'range') continue;
    const hi = Math.min(it.hi, it.lo + 0x3000); // beyond this, the range already covers its cases in practice
    for (let cp = it.lo; cp <= hi; cp++) for (const f of foldOrbit(cp)) if (f !== cp) out.push({ kind: 'range', lo: f, hi: f });
  }
  return mergeRanges(out);
}

function mergeRanges(items: ClassItem[]): ClassItem[] {
  const raws = items.filter((i) => i.kind === 'raw');
  const ranges = (items.filter((i) => i.kind === 'range') as Array<{ kind: 'range'; lo: number; hi: number }>).sort((a, b) => a.lo - b.lo || a.hi - b.hi);
  const merged: Array<{ kind: 'range'; lo: number; hi: number }> = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r.lo <= last.hi + 1) last.hi = Math.max(last.hi, r.hi);
    else merged.push({ ...r });
  }
  return [...merged, ...raws];
}

const cache = new Map<string, Re2Result>();

/** Translates an RE2 pattern to an equivalent flag-free JavaScript pattern for `new RegExp(source, 'u')`. */
export function translateRe2(pattern: string): Re2Result {
  let r = cache.get(pattern);
  if (r) return r;
  try {
    const source = new Parser(pattern).parse();
    new RegExp(source, 'u'); // our output must compile; if not, that is a translation bug: report it, never crash
    r = { ok: true, source };
  } catch (err) {
    r = { ok: false, reason: err instanceof Re2Error ? err.message : `no JavaScript equivalent (${(err as Error).message})` };
  }
  if (cache.size > 5000) cache.clear();
  cache.set(pattern, r);
  return r;
}

/** A compiled RegExp for an RE2 pattern, or the reason it has none. */
export function compileRe2(pattern: string): { ok: true; regexp: RegExp } | { ok: false; reason: string } {
  const t = translateRe2(pattern);
  return t.ok ? { ok: true, regexp: new RegExp(t.source, 'u') } : t;
}
