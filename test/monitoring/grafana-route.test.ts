/**
 * Grafana through the gateway (monitoring.grafana.route): an Ingress (gateway.mode ingress) or an
 * HTTPRoute (gatewayAPI) to Grafana's Service, with TLS; Grafana's root_url, domain and
 * serve_from_sub_path agree with the route's host and path; only the ingress controller is admitted
 * to Grafana's port. Both renders pass `nexus validate` (strict schemas, Gateway API CRDs bundled).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../util/paths.ts';
import { allowsFlow, CRD_API_VERSIONS, endpointOf, helm, ofKind, podTemplateOf, renderChart, templateArgs, type RenderedDoc } from '../charts/helpers.ts';

type Any = Record<string, any>;
const NAMESPACE = 'nexus-platform';

const render = (values: Record<string, unknown>, valuesFiles: string[] = []) => renderChart({ valuesFiles, valuesJson: values, namespace: NAMESPACE, apiVersions: CRD_API_VERSIONS });

const grafanaEnv = (docs: RenderedDoc[]) => {
  const d = ofKind(docs, 'Deployment').find((o) => o.metadata.name === 'nexus-monitoring-grafana')!;
  return Object.fromEntries((podTemplateOf(d)!.spec.containers[0]!.env ?? []).filter((e) => 'value' in e).map((e) => [e.name, (e as { value: string }).value]));
};
const grafanaRoute = (docs: RenderedDoc[], kind: string): Any | undefined => ofKind(docs, kind).find((o) => o.metadata.labels?.['app.kubernetes.io/component'] === 'grafana') as Any | undefined;

/** The Kong proxy as a NetworkPolicy endpoint (security.networkPolicies.ingressController defaults: namespace `kong`). */
const kong = { namespace: 'kong', labels: { 'app.kubernetes.io/name': 'kong' } };
const grafanaPod = (docs: RenderedDoc[]) => endpointOf(docs, 'grafana', NAMESPACE)!;

describe('Grafana route, Ingress mode', () => {
  const values = { global: { domain: 'nexus.example.com' }, monitoring: { grafana: { route: { enabled: true, tls: { certManager: { enabled: true, issuer: 'corp-ca', issuerKind: 'Issuer' } } } } } };

  it('routes grafana.<domain> through the gateway\'s class to Grafana\'s Service, over TLS from cert-manager', async () => {
    const docs = await render(values);
    const ingress = grafanaRoute(docs, 'Ingress')!;
    expect(ingress.metadata.name).toBe('nexus-monitoring-grafana');
    expect(ingress.metadata.annotations).toMatchObject({ 'cert-manager.io/issuer': 'corp-ca', 'konghq.com/protocols': 'https', 'konghq.com/https-redirect-status-code': '308' });
    expect(ingress.spec).toEqual({
      ingressClassName: 'kong',
      tls: [{ secretName: 'nexus-monitoring-grafana-tls', hosts: ['grafana.nexus.example.com'] }],
      rules: [{ host: 'grafana.nexus.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'nexus-monitoring-grafana', port: { number: 3000 } } } }] } }],
    });
    // The backend Service and port exist as named.
    const svc = ofKind(docs, 'Service').find((s) => s.metadata.name === 'nexus-monitoring-grafana') as Any;
    expect(svc.spec.ports.map((p: Any) => p.port)).toContain(3000);
    const env = grafanaEnv(docs);
    expect(env).toMatchObject({ GF_SERVER_DOMAIN: 'grafana.nexus.example.com', GF_SERVER_ROOT_URL: 'https://grafana.nexus.example.com/', GF_SERVER_SERVE_FROM_SUB_PATH: 'false', GF_SECURITY_COOKIE_SECURE: 'true' });
  });

  it('uses an existing TLS Secret when named, and plain HTTP when TLS is off', async () => {
    const own = grafanaRoute(await render({ ...values, monitoring: { grafana: { route: { enabled: true, tls: { existingSecret: 'grafana-cert' } } } } }), 'Ingress')!;
    expect(own.spec.tls).toEqual([{ secretName: 'grafana-cert', hosts: ['grafana.nexus.example.com'] }]);
    expect(own.metadata.annotations['cert-manager.io/cluster-issuer']).toBeUndefined();
    const docs = await render({ ...values, monitoring: { grafana: { route: { enabled: true, host: 'dash.example.org', tls: { enabled: false } } } } });
    const plain = grafanaRoute(docs, 'Ingress')!;
    expect(plain.spec.tls).toBeUndefined();
    expect(plain.metadata.annotations['konghq.com/protocols']).toBeUndefined();
    expect(grafanaEnv(docs)).toMatchObject({ GF_SERVER_DOMAIN: 'dash.example.org', GF_SERVER_ROOT_URL: 'http://dash.example.org/' });
    expect(grafanaEnv(docs).GF_SECURITY_COOKIE_SECURE).toBeUndefined();
  });

  it('admits the ingress controller to Grafana\'s port, and nothing else from outside', async () => {
    const on = await render(values);
    expect(allowsFlow(on, kong, grafanaPod(on), 3000)).toBe(true);
    expect(allowsFlow(on, kong, grafanaPod(on), 3001)).toBe(false);
    expect(allowsFlow(on, { namespace: 'other', labels: {} }, grafanaPod(on), 3000)).toBe(false);
    const off = await render({ global: { domain: 'nexus.example.com' } });
    expect(grafanaRoute(off, 'Ingress')).toBeUndefined();
    expect(allowsFlow(off, kong, grafanaPod(off), 3000)).toBe(false);
    expect(grafanaEnv(off).GF_SERVER_ROOT_URL).toBeUndefined();
  });
});

describe('Grafana route, Gateway API mode', () => {
  const values = {
    gateway: { mode: 'gatewayAPI', gatewayAPI: { gatewayName: 'edge', gatewayNamespace: 'gateways', sectionName: 'https' } },
    monitoring: { grafana: { route: { enabled: true, host: 'nexus.example.com', path: '/grafana', sectionName: 'https-grafana' } } },
  };

  it('attaches an HTTPRoute for host + sub-path to the gateway\'s Gateway; Grafana serves from the sub-path', async () => {
    const docs = await render(values);
    expect(grafanaRoute(docs, 'Ingress')).toBeUndefined();
    const route = grafanaRoute(docs, 'HTTPRoute')!;
    expect(route.spec).toEqual({
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge', namespace: 'gateways', sectionName: 'https-grafana' }],
      hostnames: ['nexus.example.com'],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/grafana' } }], backendRefs: [{ name: 'nexus-monitoring-grafana', port: 3000 }] }],
    });
    expect(grafanaEnv(docs)).toMatchObject({ GF_SERVER_DOMAIN: 'nexus.example.com', GF_SERVER_ROOT_URL: 'https://nexus.example.com/grafana/', GF_SERVER_SERVE_FROM_SUB_PATH: 'true' });
    expect(allowsFlow(docs, kong, grafanaPod(docs), 3000)).toBe(true);
    // Without its own listener, the route uses the gateway's.
    const shared = grafanaRoute(await render({ ...values, monitoring: { grafana: { route: { enabled: true, host: 'nexus.example.com', path: '/grafana/' } } } }), 'HTTPRoute')!;
    expect(shared.spec.parentRefs[0].sectionName).toBe('https');
  });
});

describe('rules', () => {
  const refuse = async (values: Record<string, unknown>, files: string[] = []) => {
    const r = await helm('helm4', templateArgs({ valuesFiles: files, valuesJson: values, apiVersions: CRD_API_VERSIONS }));
    expect(r.code).not.toBe(0);
    return r.stderr;
  };

  it('a route needs a host (route.host or global.domain) and the gateway', async () => {
    expect(await refuse({ monitoring: { grafana: { route: { enabled: true } } } })).toContain('[grafana-route] monitoring.grafana.route.host');
    expect(await refuse({ global: { domain: 'nexus.example.com' }, gateway: { enabled: false }, monitoring: { grafana: { route: { enabled: true } } } })).toContain('[grafana-route] monitoring.grafana.route.enabled');
  });

  it('production serves Grafana over HTTPS with a named certificate', async () => {
    const prod = ['values.production.yaml'];
    expect(await refuse({ monitoring: { grafana: { route: { enabled: true, tls: { enabled: false } } } } }, prod)).toContain('[production-gateway-tls] monitoring.grafana.route.tls.enabled');
    expect(await refuse({ monitoring: { grafana: { route: { enabled: true } } } }, prod)).toContain('[production-gateway-tls] monitoring.grafana.route.tls.existingSecret');
  });
});

describe('nexus validate with the route on', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nexus-grafana-route-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function validate(env: string, values: Record<string, unknown>): Promise<{ code: number; findings: Any[] }> {
    const file = join(dir, `${env}-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(values));
    const r = await promisify(execFile)(process.execPath, ['bin/nexus.mjs', 'validate', '--env', env, '-f', file, '--format', 'json'], { cwd: PROJECT_ROOT, maxBuffer: 64 << 20 }).then(
      (x) => ({ code: 0, stdout: x.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
    );
    return { code: r.code, findings: ((JSON.parse(r.stdout) as { findings?: Any[] }).findings ?? []) };
  }

  const serious = (findings: Any[]) => findings.filter((f) => f.severity !== 'info' && !f.exemption).map((f) => `${f.kind}/${f.name} ${f.policyId}: ${f.message}`);

  it.each([
    ['staging', 'ingress', { monitoring: { grafana: { route: { enabled: true } } } }],
    ['production', 'ingress', { monitoring: { grafana: { route: { enabled: true, tls: { existingSecret: 'nexus-grafana-tls' } } } } }],
    ['staging', 'gatewayAPI', { gateway: { mode: 'gatewayAPI', gatewayAPI: { gatewayName: 'edge' } }, monitoring: { grafana: { route: { enabled: true, path: '/grafana' } } } }],
  ] as const)('%s, %s mode: no finding at warning or above', async (env, _mode, values) => {
    const { code, findings } = await validate(env, values);
    expect(serious(findings)).toEqual([]);
    expect(code).toBe(0);
  });
});
