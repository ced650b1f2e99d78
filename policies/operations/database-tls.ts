import { definePolicy, POD_TEMPLATE_KINDS } from '../util/define.ts';
import { isObj, objs, ptr } from '../util/json.ts';
import { containersOf, podOf } from '../util/pod.ts';
import type { CheckContext, Violation } from '../types.ts';
import type { RenderIndex } from '../util/render-index.ts';

/** libpq modes that do not verify the server: `require` encrypts but accepts any certificate. */
const WEAK_PG_MODES = /^(disable|allow|prefer|require)$/i;
const PG_URL = /\b(?:jdbc:)?postgres(?:ql)?:\/\/[^\s"'`]+/gi;
/** A connection to the pod's own loopback never leaves the pod (an exporter or pooler sidecar). */
const LOOPBACK_URL = /^(?:jdbc:)?[a-z]+:\/\/(?:[^@/\s]*@)?(localhost|127\.\d+\.\d+\.\d+|\[::1\])(?=[:/?]|$)/i;
const REDIS_URL = /\bredis:\/\/[^\s"'`]+/gi;
const CONFIG_LINE: readonly [RegExp, string][] = [
  [/^\s*(?:server_tls_sslmode|sslmode)\s*=\s*["']?(disable|allow|prefer|require)\b/im, 'sslmode'],
  [/^\s*(?:ssl|use_?ssl|tls)\s*[=:]\s*["']?(false|off|disabled?)\b/im, 'TLS switch'],
  [/[?&](?:ssl-mode|sslMode)=(DISABLED|PREFERRED|REQUIRED)\b/i, 'MySQL ssl-mode'],
];

/** Problems in one text (an env value or a ConfigMap value); `redisTls` says whether the render serves Redis over TLS. */
function weakTls(text: string, redisTls: boolean, envMode: string | undefined): string | undefined {
  for (const m of text.matchAll(PG_URL)) {
    if (LOOPBACK_URL.test(m[0])) continue;
    const mode = /[?&]sslmode=([^&\s]+)/i.exec(m[0])?.[1];
    if (mode && WEAK_PG_MODES.test(mode)) return `a PostgreSQL URL with sslmode=${mode}`;
    if (!mode && !envMode && !/[?&](ssl=true|sslmode=verify)/i.test(m[0])) return 'a PostgreSQL URL without sslmode (libpq defaults to prefer)';
  }
  if (redisTls && REDIS_URL.test(text)) {
    REDIS_URL.lastIndex = 0;
    return 'a redis:// URL although the render serves Redis over TLS (use rediss://)';
  }
  REDIS_URL.lastIndex = 0;
  for (const [re, what] of CONFIG_LINE) {
    const m = re.exec(text);
    if (m) return `${what} ${m[1]}`;
  }
  return undefined;
}

/** Whether a redis.conf in the render listens with TLS (`tls-port`), computed once per render. */
const redisTlsCache = new WeakMap<RenderIndex, boolean>();
function rendersRedisTls(ctx: CheckContext): boolean {
  let v = redisTlsCache.get(ctx.index);
  if (v === undefined) {
    v = ctx.index.ofKind('ConfigMap').some((cm) => isObj(cm.object.data) && Object.values(cm.object.data).some((d) => typeof d === 'string' && /^\s*tls-port\s+[1-9]/m.test(d)));
    redisTlsCache.set(ctx.index, v);
  }
  return v;
}

export default definePolicy({
  meta: {
    id: 'database-tls',
    title: 'Database connections verify TLS in production',
    category: 'operations',
    severity: 'error',
    scope: 'render',
    kinds: [...POD_TEMPLATE_KINDS, 'ConfigMap'],
    description:
      'A connection that does not verify the server\'s certificate can be intercepted by anything on the path (a compromised node, a misrouted Service), and the credentials sent over it with it. In the environments of `settings.requireDatabaseTlsIn` (default `[production]`) env values and ConfigMap data must not configure PostgreSQL with `sslmode` `disable`, `allow`, `prefer` or `require` (only `verify-ca`/`verify-full` check the server; `require` encrypts but accepts any certificate), a PostgreSQL URL without `sslmode` (libpq then uses `prefer`) unless the container sets `PGSSLMODE`, `PGSSLMODE` itself set to one of those modes, pgbouncer `server_tls_sslmode` likewise, MySQL `ssl-mode=DISABLED|PREFERRED|REQUIRED`, a `ssl=false`/`tls=false` switch, or `redis://` when a Redis of the render listens with TLS (`tls-port`). Scope: only literal values are seen (a URL assembled from a Secret at run time is not); connections to the pod\'s own loopback (`localhost`, `127.0.0.1`, `[::1]`: a sidecar exporter or pooler) never leave the pod and are not judged.',
    remediation: 'Use `sslmode=verify-full` with the CA mounted (`sslrootcert`), `rediss://` for Redis with TLS, and verified TLS modes for MySQL.',
    references: ['https://www.postgresql.org/docs/current/libpq-ssl.html#LIBPQ-SSL-PROTECTION', 'https://redis.io/docs/latest/operate/oss_and_stack/management/security/encryption/'],
    messages: {
      env: 'container "{{container}}" variable {{env}} has {{what}} in the {{environment}} render',
      configmap: 'key {{key}} has {{what}} in the {{environment}} render',
    },
  },
  check(r, ctx) {
    const environment = ctx.environment;
    if (!environment || !ctx.settings.requireDatabaseTlsIn.includes(environment)) return [];
    const out: Violation[] = [];
    if (r.kind === 'ConfigMap') {
      const data = r.object.data;
      if (!isObj(data)) return out;
      for (const key of Object.keys(data).sort()) {
        const value = data[key];
        if (typeof value !== 'string') continue;
        const what = weakTls(value, rendersRedisTls(ctx), undefined);
        if (what) out.push({ messageId: 'configmap', data: { key, what, environment }, pointer: ptr('/data', key) });
      }
      return out;
    }
    const pod = podOf(r);
    if (!pod) return out;
    for (const c of containersOf(pod)) {
      const env = objs(c.container.env);
      const pgsslmode = env.find((e) => e.name === 'PGSSLMODE');
      const envMode = typeof pgsslmode?.value === 'string' ? pgsslmode.value : pgsslmode?.valueFrom ? 'from a reference' : undefined;
      env.forEach((e, i) => {
        if (typeof e.name !== 'string' || typeof e.value !== 'string') return;
        const what = e.name === 'PGSSLMODE' ? (WEAK_PG_MODES.test(e.value) ? `PGSSLMODE=${e.value}` : undefined) : weakTls(e.value, rendersRedisTls(ctx), envMode);
        if (what) out.push({ messageId: 'env', data: { container: c.name, env: e.name, what, environment }, pointer: `${c.pointer}/env/${i}/value`, container: c.name });
      });
    }
    return out;
  },
});
