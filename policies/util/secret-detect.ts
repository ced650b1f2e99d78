/** Heuristics for secret material in plain text (env values, ConfigMap data). Tuned for few false positives. */

const SECRET_NAME = /(passw(or)?d|passwd|secret|token|api[_-]?key|private[_-]?key|access[_-]?key|credential|client[_-]?secret|auth[_-]?key|dsn)$/i;
const SECRET_NAME_ANY = /(^|[_-])(passw(or)?d|passwd|secret|token|api[_-]?key|private[_-]?key|access[_-]?key|credentials?|client[_-]?secret)([_-]|$)/i;
/** Names that mention a secret but hold a reference to it, not the secret itself. */
const REFERENCE_NAME = /([_-](file|path|name|ref|key[_-]?name|secret[_-]?name|ttl|length|enabled|header|id|type|mode|url[_-]?path|encryption|method|policy|algorithm|hash|timeout|lifetime|min|max|expiry|expires|rotation))$/i;

export const VALUE_PATTERNS: readonly [string, RegExp][] = [
  ['a private key', /-----BEGIN (RSA |EC |OPENSSH |DSA |ENCRYPTED )?PRIVATE KEY-----/],
  ['an AWS access key id', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['a GitHub token', /\bgh[pousr]_[A-Za-z0-9]{36,}\b/],
  ['a Slack token', /\bxox[baprs]-[A-Za-z0-9-]{10,}/],
  ['a JSON Web Token', /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/],
  ['credentials in a URL', /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:[^\s@/$%{}()<>]{3,}@/i],
];

/** A value that is clearly a placeholder or indirection (env expansion, template, file path, empty). */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  return (
    v === '' ||
    /^\$\(.+\)$/.test(v) ||
    /^\$\{.+\}$/.test(v) ||
    /^%\(.+\)s?$/.test(v) ||
    v.includes('{{') ||
    v.startsWith('/') ||
    /^(changeme|change-me|replace-?me|<.*>|\*+|x+|null|none|true|false)$/i.test(v)
  );
}

export function isSecretName(name: string): boolean {
  return (SECRET_NAME.test(name) || SECRET_NAME_ANY.test(name)) && !REFERENCE_NAME.test(name);
}

/** What kind of secret a value looks like, or undefined. */
export function secretValueKind(value: string): string | undefined {
  for (const [what, re] of VALUE_PATTERNS) if (re.test(value)) return what;
  return undefined;
}

/** `password = hunter2` style assignments in a config file's text; returns the key. */
export function secretAssignment(text: string): string | undefined {
  for (const line of text.split('\n')) {
    const m = /^\s*["']?([A-Za-z0-9_.-]+)["']?\s*[:=]\s*["']?([^"'#;\s][^"'#;]*)["']?\s*$/.exec(line) ?? /^\s*(requirepass|masterauth)\s+(\S+)\s*$/.exec(line);
    if (!m) continue;
    const [, key, value] = m as unknown as [string, string, string];
    if ((isSecretName(key) || key === 'requirepass' || key === 'masterauth') && !isPlaceholder(value)) return key;
  }
  return undefined;
}
