/**
 * alertmanager.yml as rendered: accepted by the real amtool, routing proven with
 * `amtool config routes test` (critical → paging and chat, warning → chat), inhibition and secrets by file,
 * and the highly available production AlertManager (three clustered peers behind a PDB).
 */
import jsyaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { alertmanagerChecker, ALERTMANAGER_CONFIG_ID } from '../../validator/deep/alertmanager.ts';
import type { K8sResource } from '../../core/types.ts';
import { configMapData, names, render, tool, writeTemp } from './render.ts';

const configOf = (resources: K8sResource[]) => configMapData(resources, names.alertmanager)['alertmanager.yml']!;

let production: K8sResource[];
let defaults: K8sResource[];
let other: K8sResource[];

beforeAll(async () => {
  [production, defaults, other] = await Promise.all([
    render({ valuesFiles: ['values.production.yaml'] }),
    render(),
    render({
      values: [
        'monitoring:',
        '  alertmanager:',
        '    receivers:',
        '      paging: {type: opsgenie, existingSecret: am-keys, key: opsgenie}',
        '      chat: {type: webhook, existingSecret: am-keys, key: token, url: "http://chat-bridge.tools.svc:8080/alerts"}',
      ].join('\n'),
    }),
  ]);
});

async function routeOf(resources: K8sResource[], labels: string[]): Promise<string> {
  const amtool = tool('amtool');
  const dir = writeTemp({ 'alertmanager.yml': configOf(resources) });
  const result = await amtool(['config', 'routes', 'test', '--config.file=alertmanager.yml', ...labels], dir);
  expect(result.code, result.stdout + result.stderr).toBe(0);
  return result.stdout.trim();
}

describe('alertmanager.yml', () => {
  it.each([
    ['production (pagerduty + slack)', () => production],
    ['defaults (no receiver secrets: receivers without integrations)', () => defaults],
    ['opsgenie + webhook', () => other],
  ])('passes `amtool check-config`: %s', async (_label, resources) => {
    const amtool = tool('amtool');
    const dir = writeTemp({ 'alertmanager.yml': configOf(resources()) });
    const result = await amtool(['check-config', 'alertmanager.yml'], dir);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('1 inhibit rules');
    expect(result.stdout).toContain('2 receivers');
  });

  it('routes a critical alert to paging and to chat (continue), and a warning to chat only', async () => {
    expect(await routeOf(production, ['severity=critical', 'alertname=NexusPostgresqlDown', 'namespace=nexus-platform'])).toBe('paging,chat');
    expect(await routeOf(production, ['severity=warning', 'alertname=NexusApiLatencyHigh', 'namespace=nexus-platform'])).toBe('chat');
    // Anything else (e.g. severity=info) falls back to chat, never to the pager.
    expect(await routeOf(production, ['severity=info', 'alertname=Watchdog'])).toBe('chat');
  });

  it('is highly available in production: three replicas that peer with each other, a PDB, and the mesh port open between them', () => {
    const sts = production.find((r) => r.kind === 'StatefulSet' && r.name === names.alertmanager)!;
    const spec = sts.object.spec as { replicas: number; serviceName: string; template: { spec: { containers: { name: string; args: string[] }[] } } };
    expect(spec.replicas).toBe(3);
    const args = spec.template.spec.containers.find((c) => c.name === 'alertmanager')!.args;
    const peers = args.filter((a) => a.startsWith('--cluster.peer=')).map((a) => a.slice('--cluster.peer='.length)).sort();
    expect(peers).toEqual([0, 1, 2].map((i) => `${names.alertmanager}-${i}.${spec.serviceName}.nexus-platform.svc:9094`).sort());
    expect(args).toContain('--cluster.listen-address=0.0.0.0:9094');
    const pdb = production.find((r) => r.kind === 'PodDisruptionBudget' && (r.object.metadata as { labels: Record<string, string> }).labels['app.kubernetes.io/component'] === 'alertmanager')!;
    expect(pdb.object.spec).toMatchObject({ maxUnavailable: 1 });
    const policy = production.find((r) => r.kind === 'NetworkPolicy' && r.name === names.alertmanager)!;
    expect(JSON.stringify(policy.object.spec)).toContain('"port":9094');
  });

  it('inhibits warnings while a matching critical fires, and groups and repeats from values', () => {
    const config = jsyaml.load(configOf(production)) as {
      route: Record<string, unknown>;
      inhibit_rules: { source_matchers: string[]; target_matchers: string[]; equal: string[] }[];
    };
    expect(config.inhibit_rules).toEqual([{ source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ['namespace', 'component'] }]);
    expect(config.route).toMatchObject({ group_by: ['alertname', 'namespace', 'severity'], group_wait: '30s', group_interval: '5m', repeat_interval: '4h' });
  });

  it('references receiver secrets only as files mounted from the existing Secret', () => {
    const text = configOf(production);
    expect(text).toContain('routing_key_file: /etc/alertmanager/secrets/paging/routing-key');
    expect(text).toContain('api_url_file: /etc/alertmanager/secrets/chat/webhook-url');
    expect(text).not.toMatch(/routing_key:|api_url:|api_key:/);
    const sts = production.find((r) => r.kind === 'StatefulSet' && r.name === names.alertmanager)!;
    const spec = (sts.object as { spec: { template: { spec: { volumes: { name: string; secret?: { secretName: string; items: { key: string; path: string }[] } }[] } } } }).spec.template.spec;
    const secretVolumes = spec.volumes.filter((v) => v.secret).map((v) => [v.name, v.secret!.secretName, v.secret!.items]);
    expect(secretVolumes).toEqual([
      ['receiver-paging', 'nexus-alertmanager-receivers', [{ key: 'routing-key', path: 'routing-key' }]],
      ['receiver-chat', 'nexus-alertmanager-receivers', [{ key: 'webhook-url', path: 'webhook-url' }]],
    ]);
    expect(production.filter((r) => r.kind === 'Secret' && r.templateFile?.includes('/monitoring/'))).toEqual([]);
  });

  it('the deep check reports a config amtool rejects', async () => {
    expect(await alertmanagerChecker.check(production)).toEqual([]);
    const broken = production.map((r) =>
      r.kind === 'ConfigMap' && r.name === names.alertmanager ? { ...r, object: { ...r.object, data: { 'alertmanager.yml': configOf(production).replace('receiver: paging', 'receiver: pager') } } } : r,
    );
    const findings = await alertmanagerChecker.check(broken);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ policyId: ALERTMANAGER_CONFIG_ID, kind: 'ConfigMap', name: names.alertmanager, jsonPointer: '/data/alertmanager.yml' });
    expect(findings[0]!.message).toContain('"pager"');
  });
});
