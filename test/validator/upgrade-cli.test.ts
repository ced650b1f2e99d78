/** `nexus validate FILE --upgrade-from OLD` on manifests: exit codes, positions, stdin, bad references. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../validator/report.ts';
import { runMain, runNexus, STACK_FRAME } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'nexus-upgrade-cli-'));

// `helm get manifest` output: documents with `# Source:` comments.
const previous = `---
# Source: shop/templates/redis.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: shop-redis
spec:
  serviceName: shop-redis-headless
  selector:
    matchLabels:
      app: redis
  template:
    metadata:
      labels:
        app: redis
    spec:
      containers:
        - name: redis
          image: redis:7.4.1
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: [ReadWriteOnce]
        resources:
          requests:
            storage: 8Gi
`;
const next = previous.replace('redis:7.4.1', 'redis:7.4.2').replace('storage: 8Gi', 'storage: 16Gi');
const oldFile = join(dir, 'previous.yaml');
const newFile = join(dir, 'next.yaml');
writeFileSync(oldFile, previous);
writeFileSync(newFile, next);

describe('nexus validate --upgrade-from (manifests)', () => {
  it('reports a refused update with its position and what to do instead (exit 1)', async () => {
    const r = await runMain(['validate', newFile, '--upgrade-from', oldFile, '--no-policies', '--format', 'json']);
    expect(r.code, r.err).toBe(1);
    const report = JSON.parse(r.out) as Report;
    const f = report.findings.filter((x) => x.policyId.startsWith('upgrade/'));
    expect(f.map((x) => [x.policyId, x.kind, x.name, x.jsonPointer, x.line])).toEqual([
      ['upgrade/statefulset-immutable-spec', 'StatefulSet', 'shop-redis', '/spec/volumeClaimTemplates/0/spec/resources/requests/storage', next.split('\n').findIndex((l) => l.includes('storage: 16Gi')) + 1],
    ]);
    expect(f[0]!.message).toMatch(/changes from "8Gi" to "16Gi"/);
    expect(f[0]!.hint).toMatch(/--cascade=orphan/);
    expect(report.rules.find((x) => x.id === 'upgrade/statefulset-immutable-spec')?.category).toBe('upgrade');
  });
  it('text output prints the hint; a compatible change exits 0', async () => {
    const r = await runMain(['validate', newFile, '--upgrade-from', oldFile, '--no-policies']);
    expect(r.out).toMatch(/error upgrade\/statefulset-immutable-spec .*\n\s+hint: /);
    writeFileSync(join(dir, 'image-only.yaml'), previous.replace('redis:7.4.1', 'redis:7.4.2'));
    const ok = await runMain(['validate', join(dir, 'image-only.yaml'), '--upgrade-from', oldFile, '--no-policies']);
    expect(ok.code, ok.out).toBe(0);
  });
  it('reads the previous release from stdin (`helm get manifest shop | nexus validate …`)', () => {
    const r = runNexus(['validate', newFile, '--upgrade-from', '-', '--no-policies'], { input: previous });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('upgrading from stdin');
  });
  it('could not run (exit 2) with a clear error: both inputs on stdin, a missing previous release', async () => {
    const both = runNexus(['validate', '-', '--upgrade-from', '-'], { input: previous });
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/stdin can hold the new manifests or the previous ones, not both/);
    const missing = await runMain(['validate', newFile, '--upgrade-from', join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no such file or directory\n\s+hint: pass the previous release as a manifest/);
    expect(missing.err).not.toMatch(STACK_FRAME);
    const bad = await runMain(['validate', newFile, '--upgrade-from', oldFile, '--upgrade-strategy', 'force']);
    expect(bad.code).toBe(2);
  });
  it('--upgrade-strategy replace models helm upgrade --force', async () => {
    writeFileSync(join(dir, 'pvc-old.yaml'), 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec: {accessModes: [ReadWriteOnce], storageClassName: gp3, resources: {requests: {storage: 1Gi}}}\n');
    writeFileSync(join(dir, 'pvc-new.yaml'), 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data, labels: {a: b}}\nspec: {accessModes: [ReadWriteOnce], storageClassName: gp3, resources: {requests: {storage: 1Gi}}}\n');
    const merge = await runMain(['validate', join(dir, 'pvc-new.yaml'), '--upgrade-from', join(dir, 'pvc-old.yaml'), '--no-policies']);
    expect(merge.code, merge.out).toBe(0);
    const replace = await runMain(['validate', join(dir, 'pvc-new.yaml'), '--upgrade-from', join(dir, 'pvc-old.yaml'), '--no-policies', '--upgrade-strategy', 'replace']);
    expect(replace.code).toBe(1);
    expect(replace.out).toMatch(/spec\.volumeName would be cleared: a replace writes the claim as the manifest has it, without the PersistentVolume the claim is bound to/);
    expect(replace.out).toMatch(/hint: Upgrade without --force \(Helm 3\) \/ --force-replace \(Helm 4\)/);
  });
});
