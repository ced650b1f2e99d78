/**
 * The string formats of the Kubernetes API (apimachinery `util/validation`): DNS-1123 labels and
 * subdomains, DNS-1035 labels, qualified names, label values, config keys, environment variable
 * names, port names and percentages. Each returns the server's explanations (empty when valid), so
 * messages match what `kubectl apply` prints. Lengths count UTF-8 bytes, as Go's len() does.
 */

export function byteLength(s: string): number {
  // Fast path: ASCII strings (nearly all names) are one byte per code unit.
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return Buffer.byteLength(s, 'utf8');
  return s.length;
}

export const maxLenError = (n: number) => `must be no more than ${n} characters`;

/**
 * The answer for a valid value: one shared frozen empty list, so the common case allocates nothing
 * (the checks run for every name, label and key of every object). Callers only read the lists.
 */
export const NONE: readonly string[] = Object.freeze([]);

/** Valid qualified names seen so far (label and annotation keys repeat across objects); bounded. */
const validQualifiedNames = new Set<string>();
export const EMPTY_ERROR = 'must be non-empty';

function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (!examples.length) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}'`).join(',  or ')}, regex used for validation is '${fmt}')`;
}

const QNAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QNAME_RE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const QNAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const DNS1035_LABEL_RE = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** A qualified name: `[prefix/]name`, prefix a DNS subdomain, name ≤ 63 of [-A-Za-z0-9_.] (label keys, annotation keys, finalizers). */
export function isQualifiedName(value: string): readonly string[] {
  if (validQualifiedNames.has(value)) return NONE;
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) name = parts[0]!;
  else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push(`prefix part ${EMPTY_ERROR}`);
    else for (const m of isDNS1123Subdomain(prefix)) errs.push(`prefix part ${m}`);
  } else {
    return [`a qualified name ${regexError(QNAME_MSG, QNAME_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  if (name.length === 0) errs.push(`name part ${EMPTY_ERROR}`);
  else if (byteLength(name) > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!QNAME_RE.test(name)) errs.push(`name part ${regexError(QNAME_MSG, QNAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  if (errs.length) return errs;
  if (validQualifiedNames.size >= 10_000) validQualifiedNames.clear();
  validQualifiedNames.add(value);
  return NONE;
}

const LABEL_VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function isValidLabelValue(value: string): readonly string[] {
  if (value.length <= 63 && LABEL_VALUE_RE.test(value)) return NONE;
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!LABEL_VALUE_RE.test(value)) {
    errs.push(regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", `(${QNAME_FMT})?`, 'MyValue', 'my_value', '12345'));
  }
  return errs;
}

export function isDNS1123Label(value: string): readonly string[] {
  if (value.length <= 63 && DNS1123_LABEL_RE.test(value)) return NONE;
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!DNS1123_LABEL_RE.test(value)) {
    if (DNS1123_SUBDOMAIN_RE.test(value)) errs.push('must not contain dots');
    else errs.push(regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", DNS1123_LABEL_FMT, 'my-name', '123-abc'));
  }
  return errs;
}

export function isDNS1123Subdomain(value: string): readonly string[] {
  if (value.length <= 253 && DNS1123_SUBDOMAIN_RE.test(value)) return NONE;
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push(maxLenError(253));
  if (!DNS1123_SUBDOMAIN_RE.test(value)) {
    errs.push(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", DNS1123_SUBDOMAIN_FMT, 'example.com'));
  }
  return errs;
}

export function isDNS1035Label(value: string): readonly string[] {
  if (value.length <= 63 && DNS1035_LABEL_RE.test(value)) return NONE;
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!DNS1035_LABEL_RE.test(value)) {
    errs.push(regexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character", DNS1035_LABEL_FMT, 'my-name', 'abc-123'));
  }
  return errs;
}

const WILDCARD_FMT = `\\*\\.${DNS1123_SUBDOMAIN_FMT}`;

/** `*.example.com` (RFC 1034 4.3.3): a wildcard only as the whole leftmost label. */
export function isWildcardDNS1123Subdomain(value: string): readonly string[] {
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push(maxLenError(253));
  if (!(value.startsWith('*.') && DNS1123_SUBDOMAIN_RE.test(value.slice(2)))) {
    errs.push(regexError("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character", WILDCARD_FMT, '*.example.com'));
  }
  return errs;
}

/**
 * A name checker as the server applies it to metadata.name (prefix=false) or generateName
 * (prefix=true: a trailing '-' is allowed, since a random suffix follows).
 */
export type NameCheck = (name: string, prefix: boolean) => readonly string[];

const maskTrailingDash = (name: string) => (name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name);

export const nameIsDNSSubdomain: NameCheck = (name, prefix) => isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
export const nameIsDNSLabel: NameCheck = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);
export const nameIsDNS1035Label: NameCheck = (name, prefix) => isDNS1035Label(prefix ? maskTrailingDash(name) : name);

/** RBAC and some other kinds: any name usable as one path segment. */
export const nameIsPathSegment: NameCheck = (name, prefix) => {
  if (!prefix && (name === '.' || name === '..')) return [`may not be '${name}'`];
  const errs: string[] = [];
  if (name.includes('/')) errs.push("may not contain '/'");
  if (name.includes('%')) errs.push("may not contain '%'");
  return errs;
};

/** A name used as one URL path segment (references to RBAC roles, HPA targets, Ingress resources). */
export const isValidPathSegmentName = (name: string): readonly string[] => nameIsPathSegment(name, false);

const CONFIG_KEY_RE = /^[-._a-zA-Z0-9]+$/;

function chdirPrefix(value: string): string[] {
  if (value === '.') return ["must not be '.'"];
  if (value === '..') return ["must not be '..'"];
  if (value.startsWith('..')) return ["must not start with '..'"];
  return [];
}

/** A key of ConfigMap/Secret data (also env secretKeyRef/configMapKeyRef keys). */
export function isConfigMapKey(value: string): readonly string[] {
  if (value.length <= 253 && CONFIG_KEY_RE.test(value) && value !== '.' && !value.startsWith('..')) return NONE;
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push(maxLenError(253));
  if (!CONFIG_KEY_RE.test(value)) errs.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", '[-._a-zA-Z0-9]+', 'key.name', 'KEY_NAME', 'key-name'));
  errs.push(...chdirPrefix(value));
  return errs;
}

const ENV_NAME_RE = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** Environment variable names before RelaxedEnvironmentVariableValidation (Kubernetes < 1.32). */
export function isEnvVarName(value: string): readonly string[] {
  if (ENV_NAME_RE.test(value) && value !== '.' && !value.startsWith('..')) return NONE;
  const errs: string[] = [];
  if (!ENV_NAME_RE.test(value)) errs.push(regexError("a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit", '[-._a-zA-Z][-._a-zA-Z0-9]*', 'my.env-name', 'MY_ENV.NAME', 'MyEnvName1'));
  errs.push(...chdirPrefix(value));
  return errs;
}

/** Environment variable names with RelaxedEnvironmentVariableValidation (on from 1.32): printable ASCII except '='. */
export function isRelaxedEnvVarName(value: string): readonly string[] {
  const errs: string[] = [];
  if (value.length === 0) errs.push(`environment variable name ${EMPTY_ERROR}`);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x3d) {
      errs.push("a valid environment variable name must consist only of printable ASCII characters other than '='");
      break;
    }
  }
  return errs;
}

const C_IDENTIFIER_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isCIdentifier(value: string): readonly string[] {
  return C_IDENTIFIER_RE.test(value) ? NONE : [regexError("a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_'", '[A-Za-z_][A-Za-z0-9_]*', 'my_name', 'MY_NAME', 'MyName')];
}

/** IANA service names as Kubernetes uses them for port names (≤ 15, [-a-z0-9], a letter, no '--', no edge '-'). */
const PORT_NAME_RE = /^[a-z0-9](?:-?[a-z0-9])*$/;

export function isValidPortName(port: string): readonly string[] {
  if (port.length <= 15 && PORT_NAME_RE.test(port) && /[a-z]/.test(port)) return NONE;
  const errs: string[] = [];
  if (byteLength(port) > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port.startsWith('-') || port.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}

export function isValidPortNum(port: number): readonly string[] {
  return port >= 1 && port <= 65535 ? NONE : [inclusiveRangeError(1, 65535)];
}

export const inclusiveRangeError = (lo: number, hi: number) => `must be between ${lo} and ${hi}, inclusive`;

export function isValidPercent(value: string): readonly string[] {
  return /^[0-9]+%$/.test(value) ? NONE : [regexError("a valid percent string must be a numeric string followed by an ending '%'", '[0-9]+%', '1%', '93%')];
}

export function isHTTPHeaderName(value: string): readonly string[] {
  return /^[-A-Za-z0-9]+$/.test(value) ? NONE : [regexError("a valid HTTP header must consist of alphanumeric characters or '-'", '[-A-Za-z0-9]+', 'X-Header-Name')];
}

/** `acme.io/foo`: a DNS subdomain, '/', then RFC 3986 path characters. Returns [offending value, message] pairs. */
export function isDomainPrefixedPath(value: string): Array<[string, string]> {
  if (value.length === 0) return [[value, '']];
  const slash = value.indexOf('/');
  if (slash <= 0 || slash === value.length - 1) return [[value, 'must be a domain-prefixed path (such as "acme.io/foo")']];
  const host = value.slice(0, slash);
  const path = value.slice(slash + 1);
  const out: Array<[string, string]> = isDNS1123Subdomain(host).map((m) => [host, m]);
  if (!/^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/.test(path)) out.push([path, regexError('Invalid path', "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+")]);
  return out;
}
