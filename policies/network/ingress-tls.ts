import { definePolicy } from '../util/define.ts';
import { arr, obj, objs } from '../util/json.ts';
import type { Violation } from '../types.ts';

export default definePolicy({
  meta: {
    id: 'ingress-tls',
    title: 'Ingress hosts are served over TLS',
    category: 'network',
    severity: 'warning',
    scope: 'resource',
    kinds: ['Ingress'],
    description: 'An Ingress without `spec.tls`, or a rule host not listed in any `tls[].hosts`, serves that host over plain HTTP: credentials and session cookies cross the network in clear text.',
    remediation: 'Add a `tls` entry covering every host (e.g. with a cert-manager issuer annotation).',
    references: ['https://kubernetes.io/docs/concepts/services-networking/ingress/#tls'],
    messages: { none: 'Ingress has no TLS section', host: 'host "{{host}}" is not covered by spec.tls' },
    equivalents: ['polaris:tlsSettingsMissing'],
  },
  check(r) {
    const spec = obj(r.object.spec);
    const tls = objs(spec?.tls);
    if (tls.length === 0) return [{ messageId: 'none', pointer: '/spec/tls' }];
    const covered = tls.flatMap((t) => arr(t.hosts)).filter((h): h is string => typeof h === 'string');
    const match = (host: string) => covered.some((c) => c === host || (c.startsWith('*.') && host.endsWith(c.slice(1)) && !host.slice(0, -c.length + 1).includes('.')));
    const out: Violation[] = [];
    objs(spec?.rules).forEach((rule, i) => {
      if (typeof rule.host === 'string' && !match(rule.host)) out.push({ messageId: 'host', data: { host: rule.host }, pointer: `/spec/rules/${i}/host` });
    });
    return out;
  },
});
