/**
 * The API-validation stage through `nexus validate`: findings carry file, line and pointer like any
 * other; the cluster facts come from --service-cluster-ip-range / --service-node-port-range; objects the
 * schema stage refused are not reported twice.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'nexus-api-cli-'));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

const service = write(
  'service.yaml',
  ['apiVersion: v1', 'kind: Service', 'metadata: {name: web}', 'spec:', '  type: NodePort', '  clusterIP: 10.97.0.10', '  ports: [{name: http, port: 80, nodePort: 8080}]', ''].join('\n'),
);

describe('nexus validate: API validation', () => {
  it('reports with file, line and pointer, and takes the cluster ranges from flags', async () => {
    const plain = await runMain(['validate', '--no-policies', '--format', 'json', service]);
    expect(plain.code).toBe(1);
    const findings = (JSON.parse(plain.out) as { findings: Array<{ policyId: string; jsonPointer: string; line: number; file: string }> }).findings;
    expect(findings.map((f) => `${f.policyId} ${f.jsonPointer}`)).toEqual(['api/service/node-port /spec/ports/0/nodePort']);
    expect(findings[0]!.line).toBe(7);

    const custom = await runMain(['validate', '--no-policies', '--format', 'json', '--service-node-port-range', '8000-9000', '--service-cluster-ip-range', '10.96.0.0/16', service]);
    const got = (JSON.parse(custom.out) as { findings: Array<{ policyId: string; jsonPointer: string }> }).findings.map((f) => `${f.policyId} ${f.jsonPointer}`);
    expect(got).toEqual(['api/service/cluster-ip /spec/clusterIP']);
  });

  it('refuses malformed ranges (exit 2)', async () => {
    expect((await runMain(['validate', '--service-node-port-range', 'all', service])).code).toBe(2);
    expect((await runMain(['validate', '--service-cluster-ip-range', '10.96.0.0', service])).code).toBe(2);
  });

  it('checks pods\' references against --cluster-objects and the render, and refuses an unreadable inventory (exit 2)', async () => {
    const pod = write('pod.yaml', ['apiVersion: v1', 'kind: Pod', 'metadata: {name: web, namespace: shop}', 'spec:', '  serviceAccountName: web', '  runtimeClassName: gvisor', '  containers: [{name: web, image: nginx}]', ''].join('\n'));
    const ids = async (...args: string[]) => {
      const r = await runMain(['validate', '--no-policies', '--format', 'json', ...args, pod]);
      return (JSON.parse(r.out) as { findings: Array<{ policyId: string; jsonPointer: string }> }).findings.map((f) => `${f.policyId} ${f.jsonPointer}`);
    };
    expect(await ids()).toEqual([]);
    expect(await ids('--cluster-objects', '/dev/null')).toEqual(['api/admission/service-account /spec/serviceAccountName', 'api/admission/runtime-class /spec/runtimeClassName']);
    const inventory = write(
      'cluster.yaml',
      ['apiVersion: v1', 'kind: List', 'items:', '- {apiVersion: node.k8s.io/v1, kind: RuntimeClass, metadata: {name: gvisor}, handler: runsc}', '- {apiVersion: v1, kind: ServiceAccount, metadata: {name: web, namespace: shop}}', ''].join('\n'),
    );
    expect(await ids('--cluster-objects', inventory)).toEqual([]);
    const missing = await runMain(['validate', '--cluster-objects', join(dir, 'nope.yaml'), pod]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read --cluster-objects .*nope\.yaml: ENOENT/);
  });

  it('does not repeat a fault the schema stage reported', async () => {
    const file = write('deploy.yaml', ['apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: web}', 'spec:', '  selector: {matchLabels: {app: web}}', '  template:', '    metadata: {labels: {app: web}}', '    spec:', '      containers: [{name: web, image: nginx, imagePullPolicy: Sometimes}]', ''].join('\n'));
    const r = await runMain(['validate', '--no-policies', '--format', 'json', file]);
    const ids = (JSON.parse(r.out) as { findings: Array<{ policyId: string }> }).findings.map((f) => f.policyId);
    expect(ids).toEqual(['kube-schema/invalid-enum']);
  });
});
