/**
 * Cache TLS in the render (issue 18 part 2): Redis and Sentinel serve TLS only, every member of the cache
 * (redis, sentinel, the scripts, the exporter) mounts the certificate, the backend gets the CA and the
 * rediss:// settings, the cert-manager Certificate names every address a client dials, and production
 * refuses a plaintext hop (Helm enforces the model's rules). The real-server proof is
 * test/stateful/tls-redis.test.ts and test/stateful/redis.test.ts (failover over TLS).
 */
import { describe, expect, it } from 'vitest';
import { NEXUS_DEFAULT_API_VERSIONS } from '../../validator/run.ts';
import { helm, ofKind, renderChart, templateArgs, type RenderedDoc } from './helpers.ts';

type Any = Record<string, any>;
const API_VERSIONS = [...NEXUS_DEFAULT_API_VERSIONS, 'cert-manager.io/v1'];
const render = (set: Record<string, string | number | boolean> = {}, valuesFile = 'values.production.yaml') => renderChart({ valuesFiles: [valuesFile], set, apiVersions: API_VERSIONS });
const named = (docs: RenderedDoc[], kind: string, name: string): Any => {
  const o = ofKind(docs, kind).find((d) => d.metadata.name === name);
  expect(o, `${kind} ${name}`).toBeDefined();
  return o as Any;
};
const container = (sts: Any, name: string): Any => sts.spec.template.spec.containers.find((c: Any) => c.name === name);
const TLS_MOUNT = { name: 'tls', mountPath: '/etc/redis-tls', readOnly: true };

describe.each(['values.staging.yaml', 'values.production.yaml'])('cache TLS (%s)', (file) => {
  it('Redis and Sentinel listen with TLS only; every container of the cache mounts the certificate', async () => {
    const docs = await render({}, file);
    const data = named(docs, 'ConfigMap', 'nexus-cache-config').data as Record<string, string>;
    for (const [conf, port] of [['redis.conf', 6379], ['sentinel.conf', 26379]] as const) {
      expect(data[conf], conf).toMatch(/^port 0$/m);
      expect(data[conf], conf).toMatch(new RegExp(`^tls-port ${port}$`, 'm'));
      expect(data[conf], conf).toMatch(/^tls-replication yes$/m);
      expect(data[conf], conf).toMatch(/^tls-auth-clients optional$/m);
      expect(data[conf], conf).toMatch(/^tls-ca-cert-file \/etc\/redis-tls\/ca\.crt$/m);
    }
    const sts = named(docs, 'StatefulSet', 'nexus-cache');
    for (const c of ['redis', 'sentinel', 'metrics']) expect(container(sts, c).volumeMounts, c).toContainEqual(TLS_MOUNT);
    for (const c of ['redis', 'sentinel']) expect(container(sts, c).env, c).toContainEqual({ name: 'REDIS_TLS_DIR', value: '/etc/redis-tls' });
    const volume = sts.spec.template.spec.volumes.find((v: Any) => v.name === 'tls');
    expect(volume.secret).toEqual({ secretName: 'nexus-redis-tls', defaultMode: 0o440, items: [{ key: 'tls.crt', path: 'tls.crt' }, { key: 'tls.key', path: 'tls.key' }, { key: 'ca.crt', path: 'ca.crt' }] });
    expect(sts.spec.template.metadata.annotations['nexus.dev/external-secrets'].split(',')).toContain('nexus-redis-tls');
    const exporter = Object.fromEntries(container(sts, 'metrics').env.filter((e: Any) => e.value).map((e: Any) => [e.name, e.value]));
    expect(exporter).toMatchObject({ REDIS_ADDR: 'rediss://127.0.0.1:6379', REDIS_EXPORTER_TLS_CA_CERT_FILE: '/etc/redis-tls/ca.crt' });
    expect(exporter.REDIS_EXPORTER_TLS_SERVER_NAME).toMatch(/^\$\(POD_NAME\)\.nexus-cache-headless\.nexus-platform\.svc\.cluster\.local$/);
  });

  it('the backend reaches Sentinel and the master over verified TLS with the mounted CA', async () => {
    const docs = await render({}, file);
    // redis-py's names (as for a managed Redis): TLS, certificate and host name required, the mounted CA.
    const env = named(docs, 'ConfigMap', 'nexus-backend').data;
    expect(env).toMatchObject({ REDIS_SSL: 'true', REDIS_SSL_CERT_REQS: 'required', REDIS_SSL_CHECK_HOSTNAME: 'true', REDIS_SSL_CA_CERTS: '/etc/nexus/redis-ca/ca.crt', REDIS_SENTINEL_HOSTS: 'nexus-cache:26379' });
    expect(Object.keys(env).filter((k) => k.startsWith('REDIS_TLS'))).toEqual([]);
    const spec = named(docs, 'Deployment', 'nexus-backend').spec.template.spec;
    expect(spec.volumes.find((v: Any) => v.name === 'redis-ca').secret).toEqual({ secretName: 'nexus-redis-tls', defaultMode: 0o444, items: [{ key: 'ca.crt', path: 'ca.crt' }] });
    expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'redis-ca', mountPath: '/etc/nexus/redis-ca', readOnly: true });
    // The migration Job gets no Redis settings at all.
    const job = named(docs, 'Job', 'nexus-backend-migrations').spec.template.spec;
    expect(JSON.stringify(job)).not.toMatch(/REDIS_|redis-ca/);
  });
});

describe('cache TLS from cert-manager', () => {
  it('one Certificate (server and client usage) names the client Service and every pod, into <fullname>-tls', async () => {
    const docs = await render({ 'cache.tls.existingSecret': '', 'cache.tls.certManager.enabled': true, 'cache.tls.certManager.issuer': 'nexus-ca', 'cache.tls.certManager.issuerKind': 'ClusterIssuer', 'backend.redis.tls.caSecret': '' });
    const cert = named(docs, 'Certificate', 'nexus-cache-redis');
    expect(cert.spec.secretName).toBe('nexus-cache-tls');
    expect(cert.spec.usages).toEqual(['server auth', 'client auth', 'digital signature', 'key encipherment']);
    expect(cert.spec.issuerRef).toEqual({ name: 'nexus-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' });
    expect(cert.spec.dnsNames).toEqual([
      'nexus-cache',
      'nexus-cache.nexus-platform',
      'nexus-cache.nexus-platform.svc',
      'nexus-cache.nexus-platform.svc.cluster.local',
      'nexus-cache-master',
      'nexus-cache-master.nexus-platform',
      'nexus-cache-master.nexus-platform.svc',
      'nexus-cache-master.nexus-platform.svc.cluster.local',
      '*.nexus-cache-headless.nexus-platform.svc',
      '*.nexus-cache-headless.nexus-platform.svc.cluster.local',
    ]);
    const sts = named(docs, 'StatefulSet', 'nexus-cache');
    expect(sts.spec.template.spec.volumes.find((v: Any) => v.name === 'tls').secret.secretName).toBe('nexus-cache-tls');
    const backend = named(docs, 'Deployment', 'nexus-backend').spec.template.spec;
    expect(backend.volumes.find((v: Any) => v.name === 'redis-ca').secret.secretName).toBe('nexus-cache-tls');
  });

  it('is not rendered while the cluster does not serve cert-manager.io/v1 (unless forced)', async () => {
    const set = { 'cache.tls.existingSecret': '', 'cache.tls.certManager.enabled': true, 'cache.tls.certManager.issuer': 'nexus-ca', 'backend.redis.tls.caSecret': '' };
    const without = await renderChart({ valuesFiles: ['values.production.yaml'], set, apiVersions: NEXUS_DEFAULT_API_VERSIONS });
    expect(ofKind(without, 'Certificate').map((c) => c.metadata.name)).not.toContain('nexus-cache-redis');
    const forced = await renderChart({ valuesFiles: ['values.production.yaml'], set: { ...set, 'cache.tls.certManager.force': true }, apiVersions: NEXUS_DEFAULT_API_VERSIONS });
    expect(ofKind(forced, 'Certificate').map((c) => c.metadata.name)).toContain('nexus-cache-redis');
  });
});

describe('production refuses a plaintext hop to Redis (Helm enforces the model)', () => {
  const fails = async (set: Record<string, string | number | boolean>) => {
    const r = await helm('helm4', templateArgs({ valuesFiles: ['values.production.yaml'], set, apiVersions: API_VERSIONS }));
    expect(r.code, r.stdout.slice(0, 200)).not.toBe(0);
    return r.stderr;
  };

  it('cache TLS off (the model also reports the backend/cache mismatch, backend-redis-discovery; Helm stops at the first failing guard)', async () => {
    const err = await fails({ 'cache.tls.enabled': false });
    expect(err).toContain('[production-tls] cache.tls.enabled: production needs TLS on Redis and Sentinel');
  });

  it('the backend without TLS to Redis', async () => {
    const err = await fails({ 'backend.redis.tls.enabled': false });
    expect(err).toContain('[production-tls] backend.redis.tls.enabled: production needs the backend to reach Redis over verified TLS');
  });

  it('Kong\'s rate-limiting counters in Redis without verified TLS', async () => {
    const err = await fails({ 'gateway.rateLimiting.policy': 'redis', 'gateway.rateLimiting.redis.host': 'redis-primary.example.internal', 'gateway.rateLimiting.redis.ssl': true, 'gateway.rateLimiting.redis.sslVerify': false });
    expect(err).toContain('[production-tls] gateway.rateLimiting.redis.sslVerify');
    expect(err).not.toContain('gateway.rateLimiting.redis.ssl=true');
  });

  it('outside production the same values render (a development cache may stay plaintext)', async () => {
    const r = await helm('helm4', templateArgs({ valuesFiles: ['values.staging.yaml'], set: { 'cache.tls.enabled': false, 'backend.redis.tls.enabled': false, 'gateway.rateLimiting.redis.ssl': false }, apiVersions: API_VERSIONS }));
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('the master endpoint and Kong follow the cache\'s TLS', () => {
  const KONG = [...API_VERSIONS, 'configuration.konghq.com/v1'];
  const stagingFails = async (set: Record<string, string | number | boolean>) => {
    const r = await helm('helm4', templateArgs({ valuesFiles: ['values.staging.yaml'], set, apiVersions: KONG }));
    expect(r.code, r.stdout.slice(0, 200)).not.toBe(0);
    return r.stderr;
  };

  it('HAProxy serves TLS with the cache certificate and checks every node over verified TLS; Kong dials the namespaced name with ssl and that server name', async () => {
    const docs = await renderChart({ valuesFiles: ['values.production.yaml'], apiVersions: KONG });
    const conf = named(docs, 'ConfigMap', 'nexus-cache-master-config').data['haproxy.cfg'] as string;
    expect(conf).toMatch(/^\s*bind :6379 ssl crt \/etc\/redis-tls\/tls\.crt ca-file \/etc\/redis-tls\/ca\.crt verify optional$/m);
    expect(conf).toMatch(/^\s*tcp-check connect ssl$/m);
    expect(conf).toMatch(/ ssl verify required ca-file \/etc\/redis-tls\/ca\.crt crt \/etc\/redis-tls\/tls\.crt$/m);
    expect(conf).toContain('server node-0 nexus-cache-0.nexus-cache-headless.nexus-platform.svc.cluster.local:6379 verifyhost nexus-cache-0.nexus-cache-headless.nexus-platform.svc.cluster.local');
    const haproxy = named(docs, 'Deployment', 'nexus-cache-master');
    expect(haproxy.spec.template.spec.containers[0].volumeMounts).toContainEqual(TLS_MOUNT);
    expect(haproxy.spec.template.spec.volumes.find((v: Any) => v.name === 'tls').secret.secretName).toBe('nexus-redis-tls');
    expect(haproxy.spec.template.metadata.annotations['nexus.dev/external-secrets'].split(',')).toContain('nexus-redis-tls');
    const plugin = named(docs, 'KongPlugin', 'nexus-gateway-rate-limit');
    expect(plugin.config.redis).toMatchObject({ host: 'nexus-cache-master.nexus-platform.svc', ssl: true, ssl_verify: true, server_name: 'nexus-cache-master.nexus-platform.svc' });
  });

  it('without cache TLS the endpoint stays plaintext and Kong sends no server name', async () => {
    const docs = await renderChart({ valuesFiles: ['values.staging.yaml'], set: { 'cache.tls.enabled': false, 'backend.redis.tls.enabled': false, 'gateway.rateLimiting.redis.ssl': false }, apiVersions: KONG });
    const conf = named(docs, 'ConfigMap', 'nexus-cache-master-config').data['haproxy.cfg'] as string;
    expect(conf).not.toMatch(/ssl|verifyhost/);
    expect(conf).toMatch(/^\s*bind :6379$/m);
    expect(named(docs, 'KongPlugin', 'nexus-gateway-rate-limit').config.redis).not.toHaveProperty('server_name');
  });

  it('the model refuses Kong without TLS to a TLS-only cache, and client certificates Kong cannot present', async () => {
    expect(await stagingFails({ 'gateway.rateLimiting.redis.ssl': false })).toContain('[gateway-redis-target] gateway.rateLimiting.redis.ssl: cache.tls.enabled is true but gateway.rateLimiting.redis.ssl is false');
    expect(await stagingFails({ 'cache.tls.authClients': 'yes' })).toContain('[gateway-redis-target] cache.tls.authClients: Kong\'s rate-limiting plugin cannot present a client certificate');
  });

  it('the backend verifies the bundled cache with the CA of the cache\'s own TLS Secret; an external Redis with the system trust store by default', async () => {
    expect(await stagingFails({ 'backend.redis.tls.caSecret': 'another-ca' })).toContain('[backend-redis-discovery] backend.redis.tls.caSecret: the backend verifies Redis with the CA in `another-ca` but the cache\'s certificate is in `nexus-redis-tls`; set backend.redis.tls.caSecret: nexus-redis-tls');
    expect(await stagingFails({ 'backend.redis.tls.caSecret': '' })).toContain('the cache\'s certificate is in `nexus-redis-tls`');
    const docs = await renderChart({ valuesFiles: ['values.staging.yaml'], set: { 'backend.redis.host': 'redis-primary.example.internal', 'backend.redis.sentinel.enabled': false, 'backend.redis.tls.caSecret': '' }, apiVersions: API_VERSIONS });
    const env = named(docs, 'ConfigMap', 'nexus-backend').data;
    expect(env).toMatchObject({ REDIS_SSL: 'true', REDIS_SSL_CERT_REQS: 'required', REDIS_URL: 'rediss://redis-primary.example.internal:6379/0' });
    expect(env).not.toHaveProperty('REDIS_SSL_CA_CERTS');
    expect(named(docs, 'Deployment', 'nexus-backend').spec.template.spec.volumes.map((v: Any) => v.name)).not.toContain('redis-ca');
  });
});
