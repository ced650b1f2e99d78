/**
 * The Kubernetes CEL libraries that CRD validation rules use, on top of @marcbachmann/cel-js (which
 * brings the standard functions, macros, optional types, `cel.bind` and most of the strings
 * extension): the missing strings functions, the Kubernetes list, regex (RE2), URL, quantity, IP and
 * CIDR, format and semver libraries, and `sets`. Names and behaviour follow the API server's
 * (k8s.io/apiserver/pkg/cel/library and cel-go's ext packages).
 */
import { Optional, type Environment } from '@marcbachmann/cel-js';
import { compileRe2 } from '../re2.ts';
import { CIDR, IP } from './net.ts';
import { Quantity } from './quantity.ts';

class CelError extends Error {}
const fail = (msg: string): never => {
  throw new CelError(msg);
};

/** An RE2 pattern compiled once (global for find/findAll). */
const regexCache = new Map<string, RegExp>();
function re2(pattern: string, global = false): RegExp {
  const key = `${global ? 'g' : ''}${pattern}`;
  let r = regexCache.get(key);
  if (!r) {
    const c = compileRe2(pattern);
    if (!c.ok) fail(`invalid RE2 pattern ${JSON.stringify(pattern)}: ${c.reason}`);
    r = new RegExp(c.ok ? c.regexp.source : '', global ? 'gu' : 'u');
    regexCache.set(key, r);
  }
  r.lastIndex = 0;
  return r;
}

/** CEL equality for list functions: numbers across int/double, lists and maps deeply. */
export function celEquals(a: unknown, b: unknown): boolean {
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) return Number(a) === Number(b) && (typeof a !== 'bigint' || typeof b !== 'bigint' || a === b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => celEquals(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object' && Object.getPrototypeOf(a) === Object.prototype && Object.getPrototypeOf(b) === Object.prototype) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in (b as object) && celEquals((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}

function compare(a: unknown, b: unknown): number {
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) return Number(a) < Number(b) ? -1 : Number(a) > Number(b) ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (a instanceof Quantity && b instanceof Quantity) return a.compareTo(b);
  return fail(`no ordering between ${typeof a} and ${typeof b}`);
}

// ---- namespaces used as receivers: `sets.contains(…)`, `strings.quote(…)`, `format.dns1123Label()`, `ip.isCanonical(…)`
class SetsNamespace {}
class StringsNamespace {}
class FormatNamespace {}
class IPNamespace {}

export class URLValue {
  constructor(readonly url: URL) {}
}

export class Semver {
  constructor(
    readonly major: bigint,
    readonly minor: bigint,
    readonly patch: bigint,
    readonly pre: string,
  ) {}

  static parse(s: string, normalize = false): Semver | undefined {
    let t = s;
    if (normalize) {
      t = t.replace(/^v/, '');
      const core = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(.*)$/.exec(t);
      if (!core) return undefined;
      t = `${Number(core[1])}.${Number(core[2] ?? 0)}.${Number(core[3] ?? 0)}${core[4]}`;
    }
    const m = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/.exec(t);
    return m ? new Semver(BigInt(m[1]!), BigInt(m[2]!), BigInt(m[3]!), m[4] ?? '') : undefined;
  }

  compareTo(o: Semver): number {
    for (const k of ['major', 'minor', 'patch'] as const) if (this[k] !== o[k]) return this[k] < o[k] ? -1 : 1;
    if (this.pre === o.pre) return 0;
    if (!this.pre) return 1;
    if (!o.pre) return -1;
    const a = this.pre.split('.');
    const b = o.pre.split('.');
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (a[i] === undefined) return -1;
      if (b[i] === undefined) return 1;
      const na = /^\d+$/.test(a[i]!);
      const nb = /^\d+$/.test(b[i]!);
      if (na && nb && Number(a[i]) !== Number(b[i])) return Number(a[i]) < Number(b[i]) ? -1 : 1;
      if (na !== nb) return na ? -1 : 1;
      if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
    }
    return 0;
  }
}

/** apimachinery's validation formats (`format.<name>().validate(s)`), as error lists. */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function lengthAnd(max: number, re: RegExp, what: string): (s: string) => string[] {
  return (s) => [...(s.length > max ? [`must be no more than ${max} characters`] : []), ...(re.test(s) ? [] : [what])];
}

const FORMATS: Record<string, (s: string) => string[]> = {
  dns1123Label: lengthAnd(63, DNS1123_LABEL, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"),
  dns1123Subdomain: lengthAnd(253, DNS1123_SUBDOMAIN, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"),
  dns1035Label: lengthAnd(63, DNS1035_LABEL, "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character"),
  dns1123LabelPrefix: (s) => FORMATS.dns1123Label!(s.endsWith('-') ? `${s}a` : s),
  dns1123SubdomainPrefix: (s) => FORMATS.dns1123Subdomain!(s.endsWith('-') || s.endsWith('.') ? `${s}a` : s),
  dns1035LabelPrefix: (s) => FORMATS.dns1035Label!(s.endsWith('-') ? `${s}a` : s),
  labelValue: lengthAnd(63, LABEL_VALUE, "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"),
  qualifiedName: (s) => {
    const parts = s.split('/');
    if (parts.length > 2) return ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', with an optional DNS subdomain prefix and '/'"];
    const name = parts[parts.length - 1]!;
    const errs = [...(name.length > 63 ? ['name part must be no more than 63 characters'] : []), ...(QUALIFIED_NAME_PART.test(name) ? [] : ["name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"])];
    if (parts.length === 2) errs.push(...FORMATS.dns1123Subdomain!(parts[0]!).map((e) => `prefix part ${e}`));
    return errs;
  },
  uri: (s) => {
    try {
      new URL(s);
      return [];
    } catch {
      return /^\//.test(s) ? [] : ['must be a URI'];
    }
  },
  uuid: (s) => (UUID.test(s) ? [] : ['must be a UUID']),
  byte: (s) => (/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s) ? [] : ['must be base64 encoded']),
  date: (s) => (/^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)) ? [] : ['must be a date (YYYY-MM-DD)']),
  datetime: (s) => (/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s) ? [] : ['must be an RFC 3339 date-time']),
};

class Format {
  constructor(readonly name: string) {}
}

function parseUrl(s: string): URL | undefined {
  try {
    const u = new URL(s);
    return u.protocol ? u : undefined;
  } catch {
    return undefined;
  }
}

function findAll(s: string, pattern: string, limit: number): string[] {
  if (limit === 0) return [];
  const out: string[] = [];
  for (const m of s.matchAll(re2(pattern, true))) {
    out.push(m[0]);
    if (limit > 0 && out.length >= limit) break;
  }
  return out;
}

export function registerKubernetesLibraries(env: Environment): void {
  const fn = (sig: string, impl: (...args: never[]) => unknown) => env.registerFunction(sig, impl as (...args: unknown[]) => unknown);

  // has(<expression>.field) for expressions the library's has() refuses (see source.ts)
  fn('hasField(dyn, string): bool', (o: unknown, f: string) => (o instanceof Map ? o.has(f) : o !== null && typeof o === 'object' && Object.hasOwn(o, f)));

  // strings extension (the parts the library lacks)
  fn('string.charAt(int): string', (s: string, i: bigint) => (i < 0n || i > BigInt([...s].length) ? fail('charAt: index out of range') : ([...s][Number(i)] ?? '')));
  fn('string.replace(string, string): string', (s: string, a: string, b: string) => s.split(a).join(b));
  fn('string.replace(string, string, int): string', (s: string, a: string, b: string, n: bigint) => {
    if (n < 0n) return s.split(a).join(b);
    const parts = s.split(a);
    return parts.slice(0, Number(n) + 1).join(b) + (parts.length > Number(n) + 1 ? a + parts.slice(Number(n) + 1).join(a) : '');
  });
  fn('string.reverse(): string', (s: string) => [...s].reverse().join(''));
  env.registerType('StringsNamespace', StringsNamespace);
  env.registerConstant('strings', 'StringsNamespace', new StringsNamespace());
  fn('StringsNamespace.quote(string): string', (_: StringsNamespace, s: string) => JSON.stringify(s));

  // Kubernetes list library
  fn('list.isSorted(): bool', (l: unknown[]) => l.every((x, i) => i === 0 || compare(l[i - 1], x) <= 0));
  fn('list.sum(): dyn', (l: unknown[]) => (l.length === 0 ? 0n : l.reduce((a, b) => (typeof a === 'bigint' && typeof b === 'bigint' ? a + b : Number(a) + Number(b)))));
  fn('list.min(): dyn', (l: unknown[]) => (l.length ? l.reduce((a, b) => (compare(b, a) < 0 ? b : a)) : fail('min called on an empty list')));
  fn('list.max(): dyn', (l: unknown[]) => (l.length ? l.reduce((a, b) => (compare(b, a) > 0 ? b : a)) : fail('max called on an empty list')));
  fn('list.indexOf(dyn): int', (l: unknown[], x: unknown) => BigInt(l.findIndex((y) => celEquals(y, x))));
  fn('list.lastIndexOf(dyn): int', (l: unknown[], x: unknown) => {
    for (let i = l.length - 1; i >= 0; i--) if (celEquals(l[i], x)) return BigInt(i);
    return -1n;
  });

  // regex (RE2 semantics)
  fn('string.re2Matches(string): bool', (s: string, p: string) => re2(p).test(s));
  fn('re2Matches(string, string): bool', (s: string, p: string) => re2(p).test(s));
  fn('string.find(string): string', (s: string, p: string) => re2(p).exec(s)?.[0] ?? '');
  fn('string.findAll(string): list<string>', (s: string, p: string) => findAll(s, p, -1));
  fn('string.findAll(string, int): list<string>', (s: string, p: string, n: bigint) => findAll(s, p, Number(n)));

  // URL
  env.registerType('URL', URLValue);
  fn('url(string): URL', (s: string) => new URLValue(parseUrl(s) ?? fail(`URL parse error: ${s}`)));
  fn('isURL(string): bool', (s: string) => parseUrl(s) !== undefined);
  fn('URL.getScheme(): string', (u: URLValue) => u.url.protocol.replace(/:$/, ''));
  fn('URL.getHost(): string', (u: URLValue) => u.url.host);
  fn('URL.getHostname(): string', (u: URLValue) => u.url.hostname.replace(/^\[|\]$/g, ''));
  fn('URL.getPort(): string', (u: URLValue) => u.url.port);
  fn('URL.getEscapedPath(): string', (u: URLValue) => u.url.pathname);
  fn('URL.getQuery(): map<string, list<string>>', (u: URLValue) => {
    const out: Record<string, string[]> = {};
    for (const [k, v] of u.url.searchParams) (out[k] ??= []).push(v);
    return out;
  });

  // quantity
  env.registerType('Quantity', Quantity);
  const q = (s: string) => Quantity.parse(s) ?? fail(`quantities must match the regular expression: ${JSON.stringify(s)}`);
  fn('quantity(string): Quantity', q);
  fn('isQuantity(string): bool', (s: string) => Quantity.parse(s) !== undefined);
  fn('Quantity.isInteger(): bool', (a: Quantity) => a.isInteger());
  fn('Quantity.asInteger(): int', (a: Quantity) => a.asInteger() ?? fail('cannot convert value to integer'));
  fn('Quantity.asApproximateFloat(): double', (a: Quantity) => a.asApproximateFloat());
  fn('Quantity.sign(): int', (a: Quantity) => BigInt(a.sign()));
  fn('Quantity.add(Quantity): Quantity', (a: Quantity, b: Quantity) => a.add(b));
  fn('Quantity.add(int): Quantity', (a: Quantity, b: bigint) => a.add(Quantity.ofInt(b)));
  fn('Quantity.sub(Quantity): Quantity', (a: Quantity, b: Quantity) => a.sub(b));
  fn('Quantity.sub(int): Quantity', (a: Quantity, b: bigint) => a.sub(Quantity.ofInt(b)));
  fn('Quantity.isLessThan(Quantity): bool', (a: Quantity, b: Quantity) => a.compareTo(b) < 0);
  fn('Quantity.isGreaterThan(Quantity): bool', (a: Quantity, b: Quantity) => a.compareTo(b) > 0);
  fn('Quantity.compareTo(Quantity): int', (a: Quantity, b: Quantity) => BigInt(a.compareTo(b)));

  // IP and CIDR
  env.registerType('IP', IP);
  env.registerType('CIDR', CIDR);
  env.registerType('IPNamespace', IPNamespace);
  env.registerConstant('ip', 'IPNamespace', new IPNamespace());
  const ip = (s: string) => IP.parse(s) ?? fail(`IP Address ${JSON.stringify(s)} parse error`);
  const cidr = (s: string) => CIDR.parse(s) ?? fail(`network address parse error during conversion from string: ${JSON.stringify(s)}`);
  fn('ip(string): IP', ip);
  fn('isIP(string): bool', (s: string) => IP.parse(s) !== undefined);
  fn('IPNamespace.isCanonical(string): bool', (_: IPNamespace, s: string) => ip(s).toString() === s);
  fn('string(IP): string', (a: IP) => a.toString());
  fn('IP.family(): int', (a: IP) => BigInt(a.family));
  fn('IP.isUnspecified(): bool', (a: IP) => a.isUnspecified());
  fn('IP.isLoopback(): bool', (a: IP) => a.isLoopback());
  fn('IP.isLinkLocalMulticast(): bool', (a: IP) => a.isLinkLocalMulticast());
  fn('IP.isLinkLocalUnicast(): bool', (a: IP) => a.isLinkLocalUnicast());
  fn('IP.isGlobalUnicast(): bool', (a: IP) => a.isGlobalUnicast());
  fn('cidr(string): CIDR', cidr);
  fn('isCIDR(string): bool', (s: string) => CIDR.parse(s) !== undefined);
  fn('string(CIDR): string', (c: CIDR) => c.toString());
  fn('CIDR.containsIP(IP): bool', (c: CIDR, a: IP) => c.containsIP(a));
  fn('CIDR.containsIP(string): bool', (c: CIDR, a: string) => c.containsIP(ip(a)));
  fn('CIDR.containsCIDR(CIDR): bool', (c: CIDR, o: CIDR) => c.containsCIDR(o));
  fn('CIDR.containsCIDR(string): bool', (c: CIDR, o: string) => c.containsCIDR(cidr(o)));
  fn('CIDR.ip(): IP', (c: CIDR) => c.ip);
  fn('CIDR.masked(): CIDR', (c: CIDR) => c.masked());
  fn('CIDR.prefixLength(): int', (c: CIDR) => BigInt(c.prefix));

  // format library
  env.registerType('Format', Format);
  env.registerType('FormatNamespace', FormatNamespace);
  env.registerConstant('format', 'FormatNamespace', new FormatNamespace());
  for (const name of Object.keys(FORMATS)) fn(`FormatNamespace.${name}(): Format`, () => new Format(name));
  fn('FormatNamespace.named(string): optional<Format>', (_: FormatNamespace, name: string) => (FORMATS[name] ? Optional.of(new Format(name)) : Optional.none()));
  fn('Format.validate(string): optional<list<string>>', (f: Format, s: string) => {
    const errs = FORMATS[f.name]!(s);
    return errs.length ? Optional.of(errs) : Optional.none();
  });

  // semver
  env.registerType('Semver', Semver);
  const sv = (s: string, n = false) => Semver.parse(s, n) ?? fail(`invalid semver: ${JSON.stringify(s)}`);
  fn('semver(string): Semver', (s: string) => sv(s));
  fn('semver(string, bool): Semver', (s: string, n: boolean) => sv(s, n));
  fn('isSemver(string): bool', (s: string) => Semver.parse(s) !== undefined);
  fn('isSemver(string, bool): bool', (s: string, n: boolean) => Semver.parse(s, n) !== undefined);
  fn('Semver.major(): int', (v: Semver) => v.major);
  fn('Semver.minor(): int', (v: Semver) => v.minor);
  fn('Semver.patch(): int', (v: Semver) => v.patch);
  fn('Semver.isLessThan(Semver): bool', (a: Semver, b: Semver) => a.compareTo(b) < 0);
  fn('Semver.isGreaterThan(Semver): bool', (a: Semver, b: Semver) => a.compareTo(b) > 0);
  fn('Semver.compareTo(Semver): int', (a: Semver, b: Semver) => BigInt(a.compareTo(b)));

  // sets extension
  env.registerType('SetsNamespace', SetsNamespace);
  env.registerConstant('sets', 'SetsNamespace', new SetsNamespace());
  fn('SetsNamespace.contains(list, list): bool', (_: SetsNamespace, a: unknown[], b: unknown[]) => b.every((x) => a.some((y) => celEquals(x, y))));
  fn('SetsNamespace.equivalent(list, list): bool', (_: SetsNamespace, a: unknown[], b: unknown[]) => b.every((x) => a.some((y) => celEquals(x, y))) && a.every((x) => b.some((y) => celEquals(x, y))));
  fn('SetsNamespace.intersects(list, list): bool', (_: SetsNamespace, a: unknown[], b: unknown[]) => b.some((x) => a.some((y) => celEquals(x, y))));
}
