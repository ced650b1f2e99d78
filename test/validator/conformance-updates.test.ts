/**
 * The `apiserver-updates` conformance suite on a small corpus of update pairs built here (the real
 * corpus is ../shared/conformance/apiserver, run by `npm run conformance`): the agreement rules, the
 * figure, the replace summary and the baseline ratchet.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../core/types.ts';
import { judgeUpdate, type UpdatePair } from '../../validator/conformance/apiserver-updates.ts';
import { runMain } from '../helpers/cli.ts';

const root = mkdtempSync(join(tmpdir(), 'nexus-updates-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const dir = join(root, 'apiserver');

const deployment = (app: string, replicas: number) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: ${replicas}\n  selector: {matchLabels: {app: ${app}}}\n  template:\n    metadata: {labels: {app: ${app}}}\n    spec:\n      containers: [{name: web, image: nginx:1.27}]\n`;
const pvc = (size: string, cls: string) => `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec: {accessModes: [ReadWriteOnce], storageClassName: ${cls}, resources: {requests: {storage: ${size}}}}\n`;
const PAIRS: Array<UpdatePair & { before: string; after: string }> = [
  { dir: 'updates/01-deployment-scale', kind: 'Deployment', verdict: 'accepted', pointers: [], before: deployment('web', 1), after: deployment('web', 3), replace: { verdict: 'accepted', pointers: [] } },
  { dir: 'updates/02-deployment-selector', kind: 'Deployment', verdict: 'rejected', pointers: ['/spec/selector'], pointer_in_manifest: [true], before: deployment('web', 1), after: deployment('web2', 1) },
  // The corpus cluster's expandable class: growing is accepted; the fixed one refuses (403, no pointer).
  { dir: 'updates/03-pvc-grow-expandable', kind: 'PersistentVolumeClaim', verdict: 'accepted', pointers: [], before: pvc('1Gi', 'corpus-expandable'), after: pvc('2Gi', 'corpus-expandable') },
  { dir: 'updates/04-pvc-grow-fixed', kind: 'PersistentVolumeClaim', verdict: 'rejected', pointers: [], before: pvc('1Gi', 'corpus-fixed'), after: pvc('2Gi', 'corpus-fixed') },
  // A synthetic disagreement: the server "refused" a scale-up.
  { dir: 'updates/05-deployment-scale-refused', kind: 'Deployment', verdict: 'rejected', pointers: ['/spec/replicas'], pointer_in_manifest: [true], before: deployment('web', 1), after: deployment('web', 2) },
];
for (const p of PAIRS) {
  mkdirSync(join(dir, p.dir), { recursive: true });
  writeFileSync(join(dir, p.dir, 'before.yaml'), p.before);
  writeFileSync(join(dir, p.dir, 'after.yaml'), p.after);
}
writeFileSync(join(dir, 'index.json'), JSON.stringify({ server: 'v1.32.13', cases: [], updates: PAIRS.map(({ before: _b, after: _a, ...p }) => p) }));
const baselineFile = join(root, 'baseline.json');
const run = (args: string[]) => runMain(['conformance', '--root', root, '--suite', 'apiserver-updates', '--baseline', baselineFile, ...args]);

describe('apiserver-updates agreement rules', () => {
  const f = (policyId: string, severity: Finding['severity'], jsonPointer?: string): Finding => ({ policyId, severity, message: 'm', ...(jsonPointer !== undefined ? { jsonPointer } : {}) });
  it('rejected: an error of any stage at a related pointer, or anywhere when the server gave no usable pointer', () => {
    const v = { verdict: 'rejected' as const, pointers: ['/spec'], pointer_in_manifest: [true] };
    expect(judgeUpdate(v, [f('upgrade/x', 'error', '/spec/volumeClaimTemplates/0')]).ok).toBe(true);
    expect(judgeUpdate(v, [f('kube-api/cron', 'error', '/spec')]).ok).toBe(true);
    expect(judgeUpdate(v, [f('upgrade/x', 'error', '/metadata/labels')]).ok).toBe(false);
    expect(judgeUpdate(v, [f('upgrade/x', 'warning', '/spec')]).ok).toBe(false);
    expect(judgeUpdate({ ...v, pointer_in_manifest: [false] }, [f('upgrade/x', 'error', '/metadata')]).ok).toBe(true);
    expect(judgeUpdate({ verdict: 'rejected', pointers: [] }, [f('upgrade/x', 'error')]).ok).toBe(true);
  });
  it('accepted: no error or warning from any stage (the new manifest was valid, and so was the update)', () => {
    const v = { verdict: 'accepted' as const, pointers: [] };
    expect(judgeUpdate(v, []).ok).toBe(true);
    expect(judgeUpdate(v, [f('upgrade/x', 'warning', '/spec')]).ok).toBe(false);
    expect(judgeUpdate(v, [f('kube-api/cron', 'error', '/spec/schedule')]).ok).toBe(false);
    expect(judgeUpdate(v, [f('upgrade/x', 'info', '/spec')]).ok).toBe(true);
  });
});

describe('nexus conformance --suite apiserver-updates', () => {
  it('prints the figure and the replace summary, lists the disagreement, and ratchets the baseline', async () => {
    const first = await run([]);
    expect(first.code).toBe(1);
    expect(first.out).toContain('FAIL apiserver-updates updates/05-deployment-scale-refused (expected the update to be refused with an error at /spec/replicas, got nothing)');
    expect(first.out).toContain('apiserver updates with --upgrade-strategy replace vs kubectl replace: 1/1 (informational)');
    expect(first.out).toMatch(/^apiserver updates: 4\/5 \(80\.0 %\) FAILED: no baseline recorded/m);
    const raised = await run(['--update-baseline', '-q']);
    expect(raised.code, raised.out + raised.err).toBe(0);
    const again = await run(['-v']);
    expect(again.code).toBe(0);
    expect(again.out).toContain('apiserver updates: 4/5 (80.0 %, baseline 4/5)');
    expect(again.out).toContain('by kind: Deployment 2/3, PersistentVolumeClaim 2/2');
  });
});
