/**
 * The per-resource views and memos the policies share (policies/util/pod.ts, render-index.ts,
 * secret-detect.ts, json.ts): each keeps results for speed, so each must answer for the object it is
 * asked about, not for the one asked before it.
 */
import { describe, expect, it } from 'vitest';
import type { K8sResource } from '../../core/types.ts';
import { objs } from '../../policies/util/json.ts';
import { appContainersOf, containersOf, handlersOf, podOf } from '../../policies/util/pod.ts';
import { RenderIndex } from '../../policies/util/render-index.ts';
import { isSecretName, secretValueKind } from '../../policies/util/secret-detect.ts';

function resource(kind: string, name: string, object: Record<string, unknown>, namespace = 'ns'): K8sResource {
  return { kind, name, namespace, apiVersion: 'v1', source: 'test', docIndex: 0, line: 1, object: { kind, metadata: { name, namespace }, ...object } } as K8sResource;
}

function deployment(name: string, labels: Record<string, string>, containers: unknown[], namespace = 'ns'): K8sResource {
  return resource('Deployment', name, { spec: { template: { metadata: { labels }, spec: { containers, initContainers: [{ name: `${name}-init` }] } } } }, namespace);
}

function service(name: string, selector: Record<string, unknown> | undefined, namespace = 'ns'): K8sResource {
  return resource('Service', name, { spec: selector === undefined ? {} : { selector } }, namespace);
}

describe('pod views', () => {
  it('answer for the resource asked, when resources alternate', () => {
    const a = deployment('a', { app: 'a' }, [{ name: 'web' }, { name: 'sidecar' }]);
    const b = deployment('b', { app: 'b' }, [{ name: 'db' }]);
    const svc = service('s', { app: 'a' });
    for (let i = 0; i < 2; i++) {
      expect(podOf(a)!.labels).toEqual({ app: 'a' });
      expect(podOf(svc)).toBeUndefined();
      expect(podOf(b)!.labels).toEqual({ app: 'b' });
      expect(podOf(a)!.labels).toEqual({ app: 'a' });
    }
    const pa = podOf(a)!;
    const pb = podOf(b)!;
    expect(containersOf(pa).map((c) => c.name)).toEqual(['a-init', 'web', 'sidecar']);
    expect(containersOf(pb).map((c) => c.name)).toEqual(['b-init', 'db']);
    expect(appContainersOf(pa).map((c) => c.name)).toEqual(['web', 'sidecar']);
    expect(appContainersOf(pb).map((c) => c.name)).toEqual(['db']);
    expect(containersOf(pa).map((c) => c.pointer)).toEqual(['/spec/template/spec/initContainers/0', '/spec/template/spec/containers/0', '/spec/template/spec/containers/1']);
    expect(appContainersOf(pa).map((c) => c.name)).toEqual(['web', 'sidecar']);
  });

  it('list the probes and hooks a container sets, objects only, in a fixed order', () => {
    const pod = podOf(
      deployment('h', {}, [
        { name: 'x', lifecycle: { preStop: { exec: {} }, postStart: 'oops' }, readinessProbe: { httpGet: {} }, livenessProbe: { tcpSocket: {} }, startupProbe: null },
        { name: 'y', startupProbe: { grpc: {} } },
      ]),
    )!;
    const [x, y] = appContainersOf(pod);
    expect(handlersOf(x!).map((h) => h.path)).toEqual(['livenessProbe', 'readinessProbe', 'lifecycle/preStop']);
    expect(handlersOf(y!).map((h) => [h.path, h.handler])).toEqual([['startupProbe', { grpc: {} }]]);
    expect(handlersOf(x!).map((h) => h.path)).toEqual(['livenessProbe', 'readinessProbe', 'lifecycle/preStop']);
  });
});

describe('render index: pods per Service', () => {
  it('selects per Service, by its own namespace and selector', () => {
    const web = deployment('web', { app: 'web', tier: 'front' }, [{ name: 'c' }]);
    const api = deployment('api', { app: 'api', tier: 'front' }, [{ name: 'c' }]);
    const other = deployment('web2', { app: 'web', tier: 'front' }, [{ name: 'c' }], 'other');
    const sWeb = service('s-web', { app: 'web' });
    const sFront = service('s-front', { tier: 'front' });
    const sNone = service('s-none', undefined);
    const sEmpty = service('s-empty', {});
    const sBroken = service('s-broken', { app: 2 });
    const sOther = service('s-web', { app: 'web' }, 'other');
    const index = new RenderIndex([web, api, other, sWeb, sFront, sNone, sEmpty, sBroken, sOther]);
    const names = (svc: K8sResource) => index.podsOfService(svc).map((e) => `${e.namespace}/${e.resource.name}`);
    for (let i = 0; i < 2; i++) {
      expect(names(sWeb)).toEqual(['ns/web']);
      expect(names(sFront)).toEqual(['ns/web', 'ns/api']);
      expect(names(sOther)).toEqual(['other/web2']);
      expect(names(sNone)).toEqual([]);
      expect(names(sEmpty)).toEqual([]);
      expect(names(sBroken)).toEqual([]);
    }
    expect(index.servicesSelecting(web).map((s) => s.name)).toEqual(['s-web', 's-front']);
    expect(index.servicesSelecting(api).map((s) => s.name)).toEqual(['s-front']);
    expect(index.servicesSelecting(other).map((s) => `${s.namespace}/${s.name}`)).toEqual(['other/s-web']);
  });
});

describe('secret detection memo', () => {
  it('answers per string, also when strings alternate and for long texts', () => {
    const key = `-----BEGIN RSA PRIVATE KEY-----\n${'A'.repeat(300)}\n-----END RSA PRIVATE KEY-----`;
    for (let i = 0; i < 2; i++) {
      expect(isSecretName('DB_PASSWORD')).toBe(true);
      expect(isSecretName('LOG_LEVEL')).toBe(false);
      expect(isSecretName('DB_PASSWORD_FILE')).toBe(false);
      expect(secretValueKind('info')).toBeUndefined();
      expect(secretValueKind('-----BEGIN OPENSSH PRIVATE KEY-----')).toBe('a private key');
      expect(secretValueKind('postgres://app:s3cr3tpass@db:5432/app')).toBe('credentials in a URL');
      expect(secretValueKind(key)).toBe('a private key');
      expect(secretValueKind(`${'x'.repeat(300)} plain text`)).toBeUndefined();
    }
  });
});

describe('objs', () => {
  it('returns the object elements, skipping others, and nothing for non-arrays', () => {
    const all = [{ a: 1 }, { b: 2 }];
    expect(objs(all)).toEqual(all);
    expect(objs([{ a: 1 }, 'x', null, [1], { b: 2 }])).toEqual([{ a: 1 }, { b: 2 }]);
    expect(objs('x')).toEqual([]);
    expect(objs(undefined)).toEqual([]);
  });
});
