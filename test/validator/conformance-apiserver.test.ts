/**
 * The `apiserver` conformance suite and the baseline ratchet, on a small corpus built here (the real
 * corpus is ../shared/conformance/apiserver, run by `npm run conformance`).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectationOf, judge, pointersRelated, type ApiserverCase } from '../../validator/conformance/apiserver.ts';
import { compareWithBaseline, raisedBaseline } from '../../validator/conformance/baseline.ts';
import type { Finding } from '../../core/types.ts';
import { runMain } from '../helpers/cli.ts';

const root = mkdtempSync(join(tmpdir(), 'nexus-apiserver-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const dir = join(root, 'apiserver');
mkdirSync(join(dir, 'cases'), { recursive: true });

const deployment = (replicas: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: ${replicas}\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: nginx}]\n`;
const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n';
const none = { pointers: [], pointer_in_manifest: [], message: '' };
const CASES: Array<ApiserverCase & { text: string }> = [
  { file: 'cases/001-configmap-valid.yaml', kind: 'ConfigMap', verdict: 'accepted', ...none, text: configMap },
  { file: 'cases/002-deployment-replicas-string.yaml', kind: 'Deployment', verdict: 'rejected', stage: 'decoding', ...none, text: deployment('"three"') },
  { file: 'cases/003-deployment-replicas-pointer.yaml', kind: 'Deployment', verdict: 'rejected', pointers: ['/spec/replicas'], pointer_in_manifest: [true], message: 'spec.replicas: Invalid value', text: deployment('"three"') },
  // Synthetic disagreements: a valid object "rejected", and one accepted whose controller then failed.
  { file: 'cases/004-configmap-rejected.yaml', kind: 'ConfigMap', verdict: 'rejected', pointers: ['/data'], pointer_in_manifest: [true], message: 'data: Invalid value', text: configMap },
  { file: 'cases/005-deployment-controller-failed.yaml', kind: 'Deployment', verdict: 'accepted', ...none, controller_followup: { warning_events: [{ reason: 'FailedCreate', message: 'Error creating' }] }, text: deployment('1') },
];
for (const c of CASES) writeFileSync(join(dir, c.file), c.text);
writeFileSync(join(dir, 'index.json'), JSON.stringify({ server: 'v1.32.13', cases: CASES.map(({ text: _, ...c }) => c) }));

const baselineFile = join(root, 'baseline.json');
const run = (args: string[]) => runMain(['conformance', '--root', root, '--suite', 'apiserver', '--baseline', baselineFile, ...args]);

describe('apiserver agreement rules', () => {
  const f = (severity: Finding['severity'], jsonPointer?: string): Finding => ({ policyId: 'x', severity, message: 'm', ...(jsonPointer !== undefined ? { jsonPointer } : {}) });
  const c = (over: Partial<ApiserverCase>): ApiserverCase => ({ file: 'f', kind: 'Deployment', verdict: 'rejected', pointers: ['/spec/replicas'], pointer_in_manifest: [true], message: '', ...over });

  it('relates a pointer to itself, its parents and children, never to the root', () => {
    expect(pointersRelated('/spec/replicas', '/spec/replicas')).toBe(true);
    expect(pointersRelated('/spec', '/spec/replicas')).toBe(true);
    expect(pointersRelated('/spec/replicas/x', '/spec/replicas')).toBe(true);
    expect(pointersRelated('/spec/replica', '/spec/replicas')).toBe(false);
    expect(pointersRelated('', '/spec/replicas')).toBe(false);
  });
  it('rejected: an error at a related pointer; any error when the server path is not in the manifest', () => {
    expect(judge(expectationOf(c({})), [f('error', '/spec/replicas')]).ok).toBe(true);
    expect(judge(expectationOf(c({})), [f('error', '/metadata/name')]).ok).toBe(false);
    expect(judge(expectationOf(c({})), [f('warning', '/spec/replicas')]).ok).toBe(false);
    expect(judge(expectationOf(c({ pointer_in_manifest: [false] })), [f('error', '/metadata/name')]).ok).toBe(true);
  });
  it('warning: a warning at the pointer and no error', () => {
    const e = expectationOf(c({ verdict: 'warning' }));
    expect(judge(e, [f('warning', '/spec/replicas')]).ok).toBe(true);
    expect(judge(e, [f('warning', '/spec/replicas'), f('error', '/metadata')]).ok).toBe(false);
    expect(judge(e, [f('warning', '/metadata')]).ok).toBe(false);
  });
  it('accepted: nothing at error or warning severity; a controller failure turns it into an expected error', () => {
    expect(judge(expectationOf(c({ verdict: 'accepted', pointers: [] })), [f('info', '/spec')]).ok).toBe(true);
    expect(judge(expectationOf(c({ verdict: 'accepted', pointers: [] })), [f('warning', '/spec')]).ok).toBe(false);
    const failed = expectationOf(c({ verdict: 'accepted', pointers: [], controller_followup: { warning_events: [{ reason: 'FailedCreate' }] } }));
    expect(judge(failed, []).ok).toBe(false);
    expect(judge(failed, [f('error', '/spec/template')]).ok).toBe(true);
  });
  it('accepted by the dry run but refused by a real create (a dry-run artefact) expects an error', () => {
    const artefact = expectationOf(c({ verdict: 'accepted', pointers: [], alt: { real_create: { verdict: 'rejected' } } }));
    expect(artefact).toMatchObject({ want: 'error', pointers: 'any' });
    expect(judge(artefact, []).ok).toBe(false);
    expect(judge(artefact, [f('error', '/spec/ports/0/nodePort')]).ok).toBe(true);
    expect(expectationOf(c({ verdict: 'accepted', pointers: [], alt: { real_create: { verdict: 'accepted' } } }))).toEqual({ want: 'clean' });
  });
  it('a Pod Security warning on a workload expects a (Pod Security) error', () => {
    const e = expectationOf(c({ verdict: 'warning', pointers: [], pointer_in_manifest: [], message: 'would violate PodSecurity "restricted:latest": host namespaces' }));
    expect(e).toMatchObject({ want: 'error', podSecurity: true });
  });
});

describe('baseline ratchet', () => {
  const fig = (agreed: number, total = 10) => ({ key: 'apiserver', label: 'apiserver', agreed, total });
  it('passes at or above the baseline, fails below it', () => {
    const b = { apiserver: { agreed: 6, total: 10 } };
    expect(compareWithBaseline(fig(6), b).status).toBe('pass');
    expect(compareWithBaseline(fig(7), b)).toMatchObject({ status: 'pass', above: true });
    expect(compareWithBaseline(fig(5), b)).toMatchObject({ status: 'fail' });
  });
  it('without a baseline for the same corpus size, only a perfect figure passes', () => {
    expect(compareWithBaseline(fig(9), {}).status).toBe('fail');
    expect(compareWithBaseline(fig(10), {}).status).toBe('pass');
    expect(compareWithBaseline(fig(11, 12), { apiserver: { agreed: 6, total: 10 } }).status).toBe('fail');
  });
  it('raises, never lowers', () => {
    expect(raisedBaseline({ apiserver: { agreed: 6, total: 10 } }, [fig(5)])).toEqual({ apiserver: { agreed: 6, total: 10 } });
    expect(raisedBaseline({ apiserver: { agreed: 6, total: 10 } }, [fig(8)])).toEqual({ apiserver: { agreed: 8, total: 10 } });
  });
});

describe('nexus conformance --suite apiserver', () => {
  it('counts agreement, lists the disagreements, and fails without a baseline', async () => {
    const r = await run([]);
    expect(r.out).toContain('apiserver: 3/5 (60.0 %) FAILED: no baseline recorded');
    expect(r.out).toMatch(/FAIL apiserver cases\/004-configmap-rejected\.yaml \(expected an error at \/data, got nothing\)/);
    expect(r.out).toMatch(/FAIL apiserver cases\/005-deployment-controller-failed\.yaml \(expected an error on the object \(accepted, then the controller failed: FailedCreate\)/);
    expect(r.out).not.toMatch(/FAIL apiserver cases\/00[123]/);
    expect(r.code).toBe(1);
  });
  it('breaks the figure down by verdict and kind with --verbose', async () => {
    const r = await run(['--verbose']);
    expect(r.out).toMatch(/^ok {3}apiserver cases\/001-configmap-valid\.yaml/m);
    expect(r.out).toContain('  by verdict: accepted 1/2, rejected 2/3');
    expect(r.out).toContain('  by kind: ConfigMap 1/2, Deployment 2/3');
  });
  it('records a baseline, then passes at it and fails below it', async () => {
    const up = await run(['--update-baseline', '--quiet']);
    expect(up.code).toBe(0);
    expect(JSON.parse(readFileSync(baselineFile, 'utf8')).figures.apiserver).toEqual({ agreed: 3, total: 5 });
    const again = await run(['--quiet']);
    expect(again.out).toContain('apiserver: 3/5 (60.0 %, baseline 3/5)');
    expect(again.code).toBe(0);
    writeFileSync(baselineFile, JSON.stringify({ figures: { apiserver: { agreed: 4, total: 5 } } }));
    const below = await run(['--quiet']);
    expect(below.out).toContain('apiserver: 3/5 (60.0 %) FAILED: dropped below the baseline 4/5');
    expect(below.code).toBe(1);
  });
  it('exits 2 for an unknown suite, a missing corpus, or --dir without one --suite', async () => {
    expect((await runMain(['conformance', '--suite', 'nope'])).code).toBe(2);
    const missing = await runMain(['conformance', '--root', join(root, 'nowhere'), '--suite', 'apiserver']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/apiserver: corpus not found/);
    expect((await runMain(['conformance', '--dir', dir])).code).toBe(2);
  });
});
